-- The reviewer's workbench (crates/server/src/ui): the queue sorted by score, alone or within a
-- state, and filtered by assignee or list pages through indexes, and an alert's comments (audit records on `alert:<id>`) are
-- found without scanning the trail.
CREATE INDEX alerts_score ON alerts (score, id);
CREATE INDEX alerts_state_score ON alerts (state, score, id);
CREATE INDEX alerts_assignee ON alerts (assignee, id);
CREATE INDEX alerts_list ON alerts (list_version, state);
CREATE INDEX audit_object ON audit (object, seq);
