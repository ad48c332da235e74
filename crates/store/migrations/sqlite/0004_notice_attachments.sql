-- A unit answering a notice (督办单) may attach its evidence (整改报告): an attachment
-- belongs to exactly one report or one notice. SQLite cannot relax a NOT NULL column in
-- place, so the table is rebuilt with its rows and ids.

CREATE TABLE attachments_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id INTEGER REFERENCES reports(id),
    notice_id INTEGER REFERENCES notices(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    stored_name TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    CHECK ((report_id IS NULL) <> (notice_id IS NULL))
);
INSERT INTO attachments_new (id, report_id, notice_id, file_name, content_type, size, stored_name, sha256, uploaded_by, created_at)
    SELECT id, report_id, NULL, file_name, content_type, size, stored_name, sha256, uploaded_by, created_at FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_new RENAME TO attachments;
CREATE INDEX attachments_report ON attachments(report_id);
CREATE INDEX attachments_notice ON attachments(notice_id);
