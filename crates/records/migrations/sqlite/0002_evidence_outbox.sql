-- Version 2 (SQLite): where screenings came from, and the webhook outbox. Keep in step with
-- ../postgres/0002_evidence_outbox.sql.
ALTER TABLE screenings ADD COLUMN reference TEXT;
CREATE INDEX screenings_created ON screenings (created_at);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    topic TEXT NOT NULL,
    object TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at TEXT NOT NULL,
    delivered_to TEXT NOT NULL DEFAULT '',
    delivered_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX outbox_pending ON outbox (next_at) WHERE delivered_at IS NULL;
