-- Luoshi's schema. Timestamps are Unix seconds (INTEGER); calendar dates are 'YYYY-MM-DD'
-- text; JSON is text. The PostgreSQL migration of the same number holds the same tables.

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    head_review INTEGER NOT NULL DEFAULT 0,
    light_rules TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE units (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    parent_id INTEGER REFERENCES units(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    abbreviations TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE user_units (
    user_id INTEGER NOT NULL REFERENCES users(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (user_id, unit_id)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    ip TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ip TEXT NOT NULL,
    username TEXT NOT NULL,
    at INTEGER NOT NULL,
    success INTEGER NOT NULL
);
CREATE INDEX login_attempts_ip ON login_attempts(ip, at);

CREATE TABLE plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    title TEXT NOT NULL,
    year INTEGER NOT NULL,
    doc_number TEXT,
    status TEXT NOT NULL,
    cycle TEXT NOT NULL,
    due_day INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    source_name TEXT,
    source_file TEXT,
    source_text TEXT NOT NULL DEFAULT '',
    warnings TEXT NOT NULL DEFAULT '[]',
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    published_at INTEGER,
    reporting_start TEXT
);

CREATE TABLE plan_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    version INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    note TEXT NOT NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (plan_id, version)
);

CREATE TABLE sections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    position INTEGER NOT NULL,
    number INTEGER NOT NULL,
    title TEXT NOT NULL
);
CREATE INDEX sections_plan ON sections(plan_id);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    section_id INTEGER REFERENCES sections(id),
    position INTEGER NOT NULL,
    number INTEGER NOT NULL,
    heading TEXT NOT NULL,
    body TEXT NOT NULL,
    objective TEXT,
    measures TEXT,
    deadline TEXT,
    deadline_text TEXT,
    span_start INTEGER NOT NULL DEFAULT 0,
    span_end INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX tasks_plan ON tasks(plan_id);

CREATE TABLE task_units (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    role TEXT NOT NULL,
    written_name TEXT NOT NULL,
    unit_id INTEGER REFERENCES units(id)
);
CREATE INDEX task_units_task ON task_units(task_id);
CREATE INDEX task_units_unit ON task_units(unit_id);

CREATE TABLE milestones (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    title TEXT NOT NULL,
    due_date TEXT NOT NULL,
    done_at INTEGER
);

CREATE TABLE targets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    position INTEGER NOT NULL,
    indicator TEXT NOT NULL,
    unit TEXT NOT NULL,
    comparator TEXT NOT NULL,
    value_text TEXT NOT NULL,
    baseline REAL,
    annual_value REAL,
    trajectory TEXT,
    source_text TEXT NOT NULL DEFAULT '',
    span_start INTEGER NOT NULL DEFAULT 0,
    span_end INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX targets_task ON targets(task_id);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    period TEXT NOT NULL,
    version INTEGER NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    state TEXT NOT NULL,
    status TEXT NOT NULL,
    narrative TEXT NOT NULL,
    return_reason TEXT,
    return_count INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    submitted_at INTEGER,
    approved_by INTEGER,
    approved_at INTEGER,
    reviewed_by INTEGER,
    reviewed_at INTEGER,
    UNIQUE (task_id, period, version)
);
CREATE INDEX reports_period ON reports(period);

CREATE TABLE report_actuals (
    report_id INTEGER NOT NULL REFERENCES reports(id),
    target_id INTEGER NOT NULL REFERENCES targets(id),
    value REAL NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (report_id, target_id)
);

CREATE TABLE contributions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    period TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    author_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX contributions_task ON contributions(task_id, period);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    stored_name TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL
);

CREATE TABLE notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    reason TEXT NOT NULL,
    response_due TEXT NOT NULL,
    state TEXT NOT NULL,
    issued_by INTEGER NOT NULL REFERENCES users(id),
    issued_at INTEGER NOT NULL,
    response TEXT,
    responded_by INTEGER,
    responded_at INTEGER,
    closed_by INTEGER,
    closed_at INTEGER
);
CREATE INDEX notices_task ON notices(task_id);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    report_id INTEGER REFERENCES reports(id),
    author_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX comments_task ON comments(task_id);

CREATE TABLE published_periods (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    period TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    published_by INTEGER NOT NULL REFERENCES users(id),
    published_at INTEGER NOT NULL,
    UNIQUE (plan_id, period)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    organization_id INTEGER,
    actor_id INTEGER,
    actor TEXT NOT NULL,
    ip TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_organization ON audit_log(organization_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
