-- The compliance records, version 1 (SQLite). Keep in step with ../postgres/0001_records.sql:
-- the same tables, columns and constraints; only the types of keys and numbers differ.
CREATE TABLE subjects (
    id INTEGER PRIMARY KEY,
    external_ref TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    data TEXT,
    data_hash TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    blocked INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    screened_version INTEGER NOT NULL DEFAULT 0,
    removed_at TEXT,
    removed_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX subjects_dirty ON subjects (id) WHERE screened_version < version AND status = 'active';
CREATE TABLE screenings (
    id INTEGER PRIMARY KEY,
    subject_id INTEGER,
    source TEXT NOT NULL,
    input TEXT,
    input_hash TEXT NOT NULL,
    lists TEXT NOT NULL,
    engine TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    results TEXT,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX screenings_subject ON screenings (subject_id);
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    subject_id INTEGER NOT NULL REFERENCES subjects (id),
    entity_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    list_version TEXT NOT NULL,
    score REAL NOT NULL,
    screening_id INTEGER,
    state TEXT NOT NULL DEFAULT 'open',
    reason TEXT NOT NULL,
    detail TEXT,
    assignee TEXT,
    due_at TEXT,
    resolution TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (subject_id, entity_id, fingerprint)
);
CREATE INDEX alerts_state ON alerts (state, id);
CREATE INDEX alerts_entity ON alerts (entity_id);
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts (id),
    outcome TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    proposer TEXT NOT NULL,
    proposer_reason TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    reviewer TEXT,
    reviewer_reason TEXT,
    reviewed_at TEXT,
    CHECK (reviewer IS NULL OR reviewer <> proposer)
);
CREATE UNIQUE INDEX decisions_one_pending ON decisions (alert_id) WHERE state = 'pending';
CREATE TABLE allow_entries (
    subject_id INTEGER NOT NULL REFERENCES subjects (id),
    entity_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    decision_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (subject_id, entity_id)
);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE audit_checkpoints (
    seq INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    ts TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL
);
CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    phase INTEGER NOT NULL DEFAULT 0,
    cursor INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'running',
    alerts_opened INTEGER NOT NULL DEFAULT 0,
    started_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
