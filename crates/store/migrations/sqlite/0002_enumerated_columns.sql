-- Every enumerated column accepts only the values the domain's enums define, and every
-- date column only YYYY-MM-DD, so that damaged data cannot be written even past the store.
-- crates/store/tests/enumerated_columns.rs keeps these lists equal to the enums.
-- SQLite cannot add a CHECK to an existing table without rebuilding it (and its audit
-- triggers and foreign keys), so the same rule is kept by triggers on insert and update.

CREATE TRIGGER units_kind_known_insert BEFORE INSERT ON units
WHEN NOT (NEW.kind IN ('department', 'center', 'subordinate', 'county', 'school', 'other'))
BEGIN
    SELECT RAISE(ABORT, 'units.kind: unknown value');
END;

CREATE TRIGGER units_kind_known_update BEFORE UPDATE OF kind ON units
WHEN NOT (NEW.kind IN ('department', 'center', 'subordinate', 'county', 'school', 'other'))
BEGIN
    SELECT RAISE(ABORT, 'units.kind: unknown value');
END;

CREATE TRIGGER users_role_known_insert BEFORE INSERT ON users
WHEN NOT (NEW.role IN ('admin', 'supervisor', 'leader', 'unit_head', 'reporter'))
BEGIN
    SELECT RAISE(ABORT, 'users.role: unknown value');
END;

CREATE TRIGGER users_role_known_update BEFORE UPDATE OF role ON users
WHEN NOT (NEW.role IN ('admin', 'supervisor', 'leader', 'unit_head', 'reporter'))
BEGIN
    SELECT RAISE(ABORT, 'users.role: unknown value');
END;

CREATE TRIGGER task_units_role_known_insert BEFORE INSERT ON task_units
WHEN NOT (NEW.role IN ('lead', 'co'))
BEGIN
    SELECT RAISE(ABORT, 'task_units.role: unknown value');
END;

CREATE TRIGGER task_units_role_known_update BEFORE UPDATE OF role ON task_units
WHEN NOT (NEW.role IN ('lead', 'co'))
BEGIN
    SELECT RAISE(ABORT, 'task_units.role: unknown value');
END;

CREATE TRIGGER plans_status_known_insert BEFORE INSERT ON plans
WHEN NOT (NEW.status IN ('draft', 'published'))
BEGIN
    SELECT RAISE(ABORT, 'plans.status: unknown value');
END;

CREATE TRIGGER plans_status_known_update BEFORE UPDATE OF status ON plans
WHEN NOT (NEW.status IN ('draft', 'published'))
BEGIN
    SELECT RAISE(ABORT, 'plans.status: unknown value');
END;

CREATE TRIGGER plans_cycle_known_insert BEFORE INSERT ON plans
WHEN NOT (NEW.cycle IN ('monthly', 'quarterly', 'semi_monthly'))
BEGIN
    SELECT RAISE(ABORT, 'plans.cycle: unknown value');
END;

CREATE TRIGGER plans_cycle_known_update BEFORE UPDATE OF cycle ON plans
WHEN NOT (NEW.cycle IN ('monthly', 'quarterly', 'semi_monthly'))
BEGIN
    SELECT RAISE(ABORT, 'plans.cycle: unknown value');
END;

CREATE TRIGGER targets_comparator_known_insert BEFORE INSERT ON targets
WHEN NOT (NEW.comparator IN ('eq', 'ge', 'le', 'gt', 'lt', 'approx'))
BEGIN
    SELECT RAISE(ABORT, 'targets.comparator: unknown value');
END;

CREATE TRIGGER targets_comparator_known_update BEFORE UPDATE OF comparator ON targets
WHEN NOT (NEW.comparator IN ('eq', 'ge', 'le', 'gt', 'lt', 'approx'))
BEGIN
    SELECT RAISE(ABORT, 'targets.comparator: unknown value');
END;

CREATE TRIGGER reports_state_known_insert BEFORE INSERT ON reports
WHEN NOT (NEW.state IN ('draft', 'submitted', 'approved', 'accepted', 'returned'))
BEGIN
    SELECT RAISE(ABORT, 'reports.state: unknown value');
END;

CREATE TRIGGER reports_state_known_update BEFORE UPDATE OF state ON reports
WHEN NOT (NEW.state IN ('draft', 'submitted', 'approved', 'accepted', 'returned'))
BEGIN
    SELECT RAISE(ABORT, 'reports.state: unknown value');
END;

CREATE TRIGGER reports_status_known_insert BEFORE INSERT ON reports
WHEN NOT (NEW.status IN ('not_started', 'in_progress', 'done', 'lagging', 'blocked'))
BEGIN
    SELECT RAISE(ABORT, 'reports.status: unknown value');
END;

CREATE TRIGGER reports_status_known_update BEFORE UPDATE OF status ON reports
WHEN NOT (NEW.status IN ('not_started', 'in_progress', 'done', 'lagging', 'blocked'))
BEGIN
    SELECT RAISE(ABORT, 'reports.status: unknown value');
END;

CREATE TRIGGER notices_state_known_insert BEFORE INSERT ON notices
WHEN NOT (NEW.state IN ('open', 'answered', 'closed'))
BEGIN
    SELECT RAISE(ABORT, 'notices.state: unknown value');
END;

CREATE TRIGGER notices_state_known_update BEFORE UPDATE OF state ON notices
WHEN NOT (NEW.state IN ('open', 'answered', 'closed'))
BEGIN
    SELECT RAISE(ABORT, 'notices.state: unknown value');
END;

CREATE TRIGGER audit_log_action_known_insert BEFORE INSERT ON audit_log
WHEN NOT (NEW.action IN ('create', 'create_submit', 'update', 'delete', 'merge', 'split', 'import', 'reimport', 'publish', 'map_unit', 'publish_period', 'edit', 'submit', 'approve', 'accept', 'return', 'correct', 'attach', 'issue', 'answer', 'close', 'login', 'login_failed', 'login_locked', 'login_rate_limited', 'logout', 'account_locked', 'password_change', 'permission_change'))
BEGIN
    SELECT RAISE(ABORT, 'audit_log.action: unknown value');
END;

CREATE TRIGGER audit_log_action_known_update BEFORE UPDATE OF action ON audit_log
WHEN NOT (NEW.action IN ('create', 'create_submit', 'update', 'delete', 'merge', 'split', 'import', 'reimport', 'publish', 'map_unit', 'publish_period', 'edit', 'submit', 'approve', 'accept', 'return', 'correct', 'attach', 'issue', 'answer', 'close', 'login', 'login_failed', 'login_locked', 'login_rate_limited', 'logout', 'account_locked', 'password_change', 'permission_change'))
BEGIN
    SELECT RAISE(ABORT, 'audit_log.action: unknown value');
END;

CREATE TRIGGER audit_log_entity_known_insert BEFORE INSERT ON audit_log
WHEN NOT (NEW.entity IN ('organization', 'unit', 'user', 'session', 'api_token', 'plan', 'section', 'task', 'target', 'milestone', 'report', 'notice', 'comment', 'contribution'))
BEGIN
    SELECT RAISE(ABORT, 'audit_log.entity: unknown value');
END;

CREATE TRIGGER audit_log_entity_known_update BEFORE UPDATE OF entity ON audit_log
WHEN NOT (NEW.entity IN ('organization', 'unit', 'user', 'session', 'api_token', 'plan', 'section', 'task', 'target', 'milestone', 'report', 'notice', 'comment', 'contribution'))
BEGIN
    SELECT RAISE(ABORT, 'audit_log.entity: unknown value');
END;

CREATE TRIGGER milestones_due_date_date_insert BEFORE INSERT ON milestones
WHEN NOT (NEW.due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
BEGIN
    SELECT RAISE(ABORT, 'milestones.due_date: not a YYYY-MM-DD date');
END;

CREATE TRIGGER milestones_due_date_date_update BEFORE UPDATE OF due_date ON milestones
WHEN NOT (NEW.due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
BEGIN
    SELECT RAISE(ABORT, 'milestones.due_date: not a YYYY-MM-DD date');
END;

CREATE TRIGGER notices_response_due_date_insert BEFORE INSERT ON notices
WHEN NOT (NEW.response_due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
BEGIN
    SELECT RAISE(ABORT, 'notices.response_due: not a YYYY-MM-DD date');
END;

CREATE TRIGGER notices_response_due_date_update BEFORE UPDATE OF response_due ON notices
WHEN NOT (NEW.response_due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
BEGIN
    SELECT RAISE(ABORT, 'notices.response_due: not a YYYY-MM-DD date');
END;

CREATE TRIGGER tasks_deadline_date_insert BEFORE INSERT ON tasks
WHEN NOT (NEW.deadline IS NULL OR NEW.deadline GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
BEGIN
    SELECT RAISE(ABORT, 'tasks.deadline: not a YYYY-MM-DD date');
END;

CREATE TRIGGER tasks_deadline_date_update BEFORE UPDATE OF deadline ON tasks
WHEN NOT (NEW.deadline IS NULL OR NEW.deadline GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
BEGIN
    SELECT RAISE(ABORT, 'tasks.deadline: not a YYYY-MM-DD date');
END;

CREATE TRIGGER plans_reporting_start_date_insert BEFORE INSERT ON plans
WHEN NOT (NEW.reporting_start IS NULL OR NEW.reporting_start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
BEGIN
    SELECT RAISE(ABORT, 'plans.reporting_start: not a YYYY-MM-DD date');
END;

CREATE TRIGGER plans_reporting_start_date_update BEFORE UPDATE OF reporting_start ON plans
WHEN NOT (NEW.reporting_start IS NULL OR NEW.reporting_start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
BEGIN
    SELECT RAISE(ABORT, 'plans.reporting_start: not a YYYY-MM-DD date');
END;
