-- Every enumerated column accepts only the values the domain's enums define, and every
-- date column only YYYY-MM-DD, so that damaged data cannot be written even past the store.
-- crates/store/tests/enumerated_columns.rs keeps these lists equal to the enums.

ALTER TABLE units ADD CONSTRAINT units_kind_known CHECK (kind IN ('department', 'center', 'subordinate', 'county', 'school', 'other'));
ALTER TABLE users ADD CONSTRAINT users_role_known CHECK (role IN ('admin', 'supervisor', 'leader', 'unit_head', 'reporter'));
ALTER TABLE task_units ADD CONSTRAINT task_units_role_known CHECK (role IN ('lead', 'co'));
ALTER TABLE plans ADD CONSTRAINT plans_status_known CHECK (status IN ('draft', 'published'));
ALTER TABLE plans ADD CONSTRAINT plans_cycle_known CHECK (cycle IN ('monthly', 'quarterly', 'semi_monthly'));
ALTER TABLE targets ADD CONSTRAINT targets_comparator_known CHECK (comparator IN ('eq', 'ge', 'le', 'gt', 'lt', 'approx'));
ALTER TABLE reports ADD CONSTRAINT reports_state_known CHECK (state IN ('draft', 'submitted', 'approved', 'accepted', 'returned'));
ALTER TABLE reports ADD CONSTRAINT reports_status_known CHECK (status IN ('not_started', 'in_progress', 'done', 'lagging', 'blocked'));
ALTER TABLE notices ADD CONSTRAINT notices_state_known CHECK (state IN ('open', 'answered', 'closed'));
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_known CHECK (action IN ('create', 'create_submit', 'update', 'delete', 'merge', 'split', 'import', 'reimport', 'publish', 'map_unit', 'publish_period', 'edit', 'submit', 'approve', 'accept', 'return', 'correct', 'attach', 'issue', 'answer', 'close', 'login', 'login_failed', 'login_locked', 'login_rate_limited', 'logout', 'account_locked', 'password_change', 'permission_change'));
ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_known CHECK (entity IN ('organization', 'unit', 'user', 'session', 'api_token', 'plan', 'section', 'task', 'target', 'milestone', 'report', 'notice', 'comment', 'contribution'));
ALTER TABLE milestones ADD CONSTRAINT milestones_due_date_date CHECK (due_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$');
ALTER TABLE notices ADD CONSTRAINT notices_response_due_date CHECK (response_due ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$');
ALTER TABLE tasks ADD CONSTRAINT tasks_deadline_date CHECK (deadline IS NULL OR deadline ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$');
ALTER TABLE plans ADD CONSTRAINT plans_reporting_start_date CHECK (reporting_start IS NULL OR reporting_start ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$');
