-- The reports waiting for a decision (submitted, approved) are found by their state for
-- every page's header count, without reading the year's accepted reports.

CREATE INDEX reports_state ON reports(state, task_id);
