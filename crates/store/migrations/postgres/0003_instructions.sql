-- A leader's instruction (批示) is a comment of its own kind, which the task's lead unit
-- marks read (已阅); marking it is audited as `acknowledge`.

ALTER TABLE comments ADD COLUMN kind TEXT NOT NULL DEFAULT 'comment';
ALTER TABLE comments ADD CONSTRAINT comments_kind_known CHECK (kind IN ('comment', 'instruction'));
ALTER TABLE comments ADD COLUMN read_by BIGINT REFERENCES users(id);
ALTER TABLE comments ADD COLUMN read_at BIGINT;
CREATE INDEX comments_unread ON comments(kind, read_at);

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_known;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_known CHECK (action IN ('create', 'create_submit', 'update', 'delete', 'merge', 'split', 'import', 'reimport', 'publish', 'map_unit', 'publish_period', 'edit', 'submit', 'approve', 'accept', 'return', 'correct', 'attach', 'issue', 'answer', 'close', 'login', 'login_failed', 'login_locked', 'login_rate_limited', 'logout', 'account_locked', 'password_change', 'permission_change', 'acknowledge'));
