-- drydock store, PostgreSQL schema version 1.

CREATE TABLE design_content (
    digest      TEXT PRIMARY KEY,            -- lower-case hex SHA-256 of bytes
    length      BIGINT NOT NULL,
    bytes       BYTEA NOT NULL,
    model       JSONB NOT NULL,              -- ingested model (first stored wins)
    report      JSONB NOT NULL,              -- validation report (first stored wins)
    stored_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE design_snapshot (
    snapshot_id   UUID PRIMARY KEY,
    seq           BIGINT GENERATED ALWAYS AS IDENTITY,
    reference     TEXT NOT NULL,             -- credentials removed
    digest        TEXT NOT NULL REFERENCES design_content (digest),
    driver        TEXT NOT NULL,
    content_type  TEXT,
    etag          TEXT,
    revision      TEXT,
    last_modified TEXT,
    location      TEXT NOT NULL,
    fetched_at    TIMESTAMPTZ NOT NULL,
    stored_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (reference, digest, fetched_at)
);
CREATE INDEX design_snapshot_reference ON design_snapshot (reference, stored_at DESC, seq DESC);
CREATE INDEX design_snapshot_digest ON design_snapshot (digest, stored_at DESC, seq DESC);

CREATE TABLE tasks (
    task_id            UUID PRIMARY KEY,
    seq                BIGINT GENERATED ALWAYS AS IDENTITY,
    parent_task_id     UUID,
    status             TEXT NOT NULL,
    action             TEXT NOT NULL,
    design_ref         TEXT,
    design_snapshot_id UUID REFERENCES design_snapshot (snapshot_id),
    node_filter        JSONB,
    request_context    JSONB,
    result_status      TEXT NOT NULL,
    result_message     TEXT,
    result_reason      TEXT,
    result_error_count BIGINT NOT NULL DEFAULT 0,
    result_successes   JSONB NOT NULL DEFAULT '[]',
    result_failures    JSONB NOT NULL DEFAULT '[]',
    result_links       JSONB,
    retry              INTEGER NOT NULL DEFAULT 0,
    created            TIMESTAMPTZ NOT NULL,
    created_by         TEXT,
    updated            TIMESTAMPTZ,
    terminated         TIMESTAMPTZ,
    terminated_by      TEXT,
    terminate          BOOLEAN NOT NULL DEFAULT FALSE,
    version            BIGINT NOT NULL DEFAULT 1,
    message_seq        BIGINT NOT NULL DEFAULT 0   -- last result_message.sequence used
);
CREATE INDEX tasks_queued ON tasks (created, seq) WHERE status = 'queued';
CREATE INDEX tasks_parent ON tasks (parent_task_id);
CREATE INDEX tasks_created ON tasks (created);

CREATE TABLE result_message (
    task_id      UUID NOT NULL,              -- no foreign key: appends lock the task row instead
    sequence     BIGINT NOT NULL,
    message      TEXT NOT NULL,
    error        BOOLEAN NOT NULL,
    context      TEXT,
    context_type TEXT,
    ts           TIMESTAMPTZ NOT NULL,
    extra        JSONB,
    PRIMARY KEY (task_id, sequence)
);

-- No foreign key to tasks: build history outlives the task that collected it.
CREATE TABLE build_data (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    node_name      TEXT NOT NULL,
    task_id        UUID NOT NULL,
    collected_date TIMESTAMPTZ NOT NULL,
    generator      TEXT NOT NULL,
    data_format    TEXT NOT NULL,
    data_element   TEXT NOT NULL
);
CREATE INDEX build_data_node ON build_data (node_name, collected_date DESC);
CREATE INDEX build_data_task ON build_data (task_id, collected_date DESC);

-- One-row semaphore: the leading orchestrator instance.
CREATE TABLE active_instance (
    dummy_key   INTEGER PRIMARY KEY CHECK (dummy_key = 1),
    identity    UUID NOT NULL,
    last_ping   TIMESTAMPTZ NOT NULL
);

-- Designs are large: compress them with lz4 where the server has it (much
-- faster than the default pglz); servers built without lz4 keep pglz.
DO $$
BEGIN
    ALTER TABLE design_content
        ALTER COLUMN bytes SET COMPRESSION lz4,
        ALTER COLUMN model SET COMPRESSION lz4,
        ALTER COLUMN report SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    NULL;
END
$$;
