-- The reviewer's workbench (crates/server/src/ui): the queue sorted by score and filtered by
-- assignee pages through indexes, and an alert's comments (audit records on `alert:<id>`) are
-- found without scanning the trail.
CREATE INDEX alerts_score ON alerts (score, id);
CREATE INDEX alerts_assignee ON alerts (assignee, id);
CREATE INDEX audit_object ON audit (object, seq);
