-- drydock store, SQLite schema version 1. UUIDs are 16-byte BLOBs, JSON is TEXT,
-- timestamps are RFC 3339 TEXT in UTC (they sort as text), insertion order is the rowid.

CREATE TABLE design_content (
    digest      TEXT PRIMARY KEY,            -- lower-case hex SHA-256 of bytes
    length      BIGINT NOT NULL,
    bytes       BLOB NOT NULL,
    model       TEXT NOT NULL,              -- ingested model (first stored wins)
    report      TEXT NOT NULL,              -- validation report (first stored wins)
    stored_at   TEXT NOT NULL
);

CREATE TABLE design_snapshot (
    snapshot_id   BLOB PRIMARY KEY,
    reference     TEXT NOT NULL,             -- credentials removed
    digest        TEXT NOT NULL REFERENCES design_content (digest),
    driver        TEXT NOT NULL,
    content_type  TEXT,
    etag          TEXT,
    revision      TEXT,
    last_modified TEXT,
    location      TEXT NOT NULL,
    fetched_at    TEXT NOT NULL,
    stored_at     TEXT NOT NULL,
    UNIQUE (reference, digest, fetched_at)
);
CREATE INDEX design_snapshot_reference ON design_snapshot (reference, stored_at DESC);
CREATE INDEX design_snapshot_digest ON design_snapshot (digest, stored_at DESC);

CREATE TABLE tasks (
    task_id            BLOB PRIMARY KEY,
    parent_task_id     BLOB,
    status             TEXT NOT NULL,
    action             TEXT NOT NULL,
    design_ref         TEXT,
    design_snapshot_id BLOB REFERENCES design_snapshot (snapshot_id),
    node_filter        TEXT,
    request_context    TEXT,
    result_status      TEXT NOT NULL,
    result_message     TEXT,
    result_reason      TEXT,
    result_error_count BIGINT NOT NULL DEFAULT 0,
    result_successes   TEXT NOT NULL DEFAULT '[]',
    result_failures    TEXT NOT NULL DEFAULT '[]',
    result_links       TEXT,
    retry              INTEGER NOT NULL DEFAULT 0,
    created            TEXT NOT NULL,
    created_by         TEXT,
    updated            TEXT,
    terminated         TEXT,
    terminated_by      TEXT,
    terminate          INTEGER NOT NULL DEFAULT 0,
    version            BIGINT NOT NULL DEFAULT 1,
    message_seq        BIGINT NOT NULL DEFAULT 0   -- last result_message.sequence used
);
CREATE INDEX tasks_queued ON tasks (created) WHERE status = 'queued';
CREATE INDEX tasks_parent ON tasks (parent_task_id);
CREATE INDEX tasks_created ON tasks (created);

CREATE TABLE result_message (
    task_id      BLOB NOT NULL REFERENCES tasks (task_id) ON DELETE CASCADE,
    sequence     BIGINT NOT NULL,
    message      TEXT NOT NULL,
    error        INTEGER NOT NULL,
    context      TEXT,
    context_type TEXT,
    ts           TEXT NOT NULL,
    extra        TEXT,
    PRIMARY KEY (task_id, sequence)
);

-- No foreign key to tasks: build history outlives the task that collected it.
CREATE TABLE build_data (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    node_name      TEXT NOT NULL,
    task_id        BLOB NOT NULL,
    collected_date TEXT NOT NULL,
    generator      TEXT NOT NULL,
    data_format    TEXT NOT NULL,
    data_element   TEXT NOT NULL
);
CREATE INDEX build_data_node ON build_data (node_name, collected_date DESC);
CREATE INDEX build_data_task ON build_data (task_id, collected_date DESC);

-- One-row semaphore: the leading orchestrator instance.
CREATE TABLE active_instance (
    dummy_key   INTEGER PRIMARY KEY CHECK (dummy_key = 1),
    identity    BLOB NOT NULL,
    last_ping   TEXT NOT NULL
);
