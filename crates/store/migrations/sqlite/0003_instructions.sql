-- A leader's instruction (批示) is a comment of its own kind, which the task's lead unit
-- marks read (已阅); marking it is audited as `acknowledge`.

ALTER TABLE comments ADD COLUMN kind TEXT NOT NULL DEFAULT 'comment' CHECK (kind IN ('comment', 'instruction'));
ALTER TABLE comments ADD COLUMN read_by INTEGER REFERENCES users(id);
ALTER TABLE comments ADD COLUMN read_at INTEGER;
CREATE INDEX comments_unread ON comments(kind, read_at);

DROP TRIGGER audit_log_action_known_insert;
CREATE TRIGGER audit_log_action_known_insert BEFORE INSERT ON audit_log
WHEN NOT (NEW.action IN ('create', 'create_submit', 'update', 'delete', 'merge', 'split', 'import', 'reimport', 'publish', 'map_unit', 'publish_period', 'edit', 'submit', 'approve', 'accept', 'return', 'correct', 'attach', 'issue', 'answer', 'close', 'login', 'login_failed', 'login_locked', 'login_rate_limited', 'logout', 'account_locked', 'password_change', 'permission_change', 'acknowledge'))
BEGIN
    SELECT RAISE(ABORT, 'audit_log.action: unknown value');
END;

DROP TRIGGER audit_log_action_known_update;
CREATE TRIGGER audit_log_action_known_update BEFORE UPDATE OF action ON audit_log
WHEN NOT (NEW.action IN ('create', 'create_submit', 'update', 'delete', 'merge', 'split', 'import', 'reimport', 'publish', 'map_unit', 'publish_period', 'edit', 'submit', 'approve', 'accept', 'return', 'correct', 'attach', 'issue', 'answer', 'close', 'login', 'login_failed', 'login_locked', 'login_rate_limited', 'logout', 'account_locked', 'password_change', 'permission_change', 'acknowledge'))
BEGIN
    SELECT RAISE(ABORT, 'audit_log.action: unknown value');
END;
