-- A unit answering a notice (督办单) may attach its evidence (整改报告): an attachment
-- belongs to exactly one report or one notice.

ALTER TABLE attachments ALTER COLUMN report_id DROP NOT NULL;
ALTER TABLE attachments ADD COLUMN notice_id BIGINT REFERENCES notices(id);
ALTER TABLE attachments ADD CONSTRAINT attachments_one_owner CHECK ((report_id IS NULL) <> (notice_id IS NULL));
CREATE INDEX attachments_report ON attachments(report_id);
CREATE INDEX attachments_notice ON attachments(notice_id);
