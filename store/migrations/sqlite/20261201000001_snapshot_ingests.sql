-- no-transaction
-- drydock store, SQLite schema version 2: snapshots stored right (see the
-- PostgreSQL migration of the same version for the model). SQLite cannot drop
-- constraints, so design_content and design_snapshot are rebuilt the way its
-- documentation prescribes: foreign keys off, one transaction, rename.

PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE design_content_v2 (
    digest      TEXT PRIMARY KEY,            -- sha256:<hex>
    length      BIGINT NOT NULL,
    bytes       BLOB NOT NULL,
    stored_at   TEXT NOT NULL
);
INSERT INTO design_content_v2 (digest, length, bytes, stored_at)
SELECT 'sha256:' || digest, length, bytes, stored_at FROM design_content;

CREATE TABLE design_ingest (
    digest        TEXT NOT NULL REFERENCES design_content (digest),
    ingest_key    TEXT NOT NULL,             -- the caller's: ingester, options, rules
    ingester      TEXT NOT NULL,
    model         TEXT NOT NULL,             -- SiteDesign JSON
    report        TEXT NOT NULL,             -- ValidationReport JSON
    ingest        TEXT NOT NULL,             -- IngestSummary JSON
    valid         INTEGER NOT NULL,
    error_count   BIGINT NOT NULL,
    warning_count BIGINT NOT NULL,
    stored_at     TEXT NOT NULL,
    PRIMARY KEY (digest, ingest_key)
);
INSERT INTO design_ingest (digest, ingest_key, ingester, model, report, ingest, valid,
                           error_count, warning_count, stored_at)
SELECT 'sha256:' || c.digest, 'legacy', 'unrecorded', c.model, c.report,
       '{"ingester":"unrecorded","documents":0,"per_kind":{},"skipped":{}}',
       coalesce(json_extract(c.report, '$.status'), '') = 'success',
       (SELECT count(*) FROM json_each(c.report, '$.messages')
         WHERE json_extract(value, '$.level') = 'error'),
       (SELECT count(*) FROM json_each(c.report, '$.messages')
         WHERE json_extract(value, '$.level') = 'warning'),
       c.stored_at
FROM design_content c;

CREATE TABLE design_snapshot_v2 (
    seq           INTEGER PRIMARY KEY,       -- insertion order
    snapshot_id   BLOB NOT NULL UNIQUE,
    reference     TEXT NOT NULL,             -- display form, secrets as ***
    reference_key TEXT NOT NULL,             -- DesignRef::canonical_key
    digest        TEXT NOT NULL,
    ingest_key    TEXT NOT NULL,
    driver        TEXT NOT NULL,
    revision      TEXT,
    etag          TEXT,
    last_modified TEXT,
    fetched_at    TEXT NOT NULL,
    metadata      TEXT NOT NULL,             -- FetchMetadata JSON
    stored_at     TEXT NOT NULL,             -- first stored
    resolved_at   TEXT NOT NULL,             -- last resolved
    resolve_count BIGINT NOT NULL DEFAULT 1,
    FOREIGN KEY (digest, ingest_key) REFERENCES design_ingest (digest, ingest_key)
);
INSERT INTO design_snapshot_v2 (seq, snapshot_id, reference, reference_key, digest, ingest_key,
    driver, revision, etag, last_modified, fetched_at, metadata, stored_at, resolved_at)
SELECT s.rowid, s.snapshot_id, s.reference, s.reference, 'sha256:' || s.digest, 'legacy',
       s.driver, s.revision, s.etag, s.last_modified, s.fetched_at,
       json_object('driver', s.driver, 'content_type', s.content_type, 'length', c.length,
                   'digest', 'sha256:' || s.digest, 'etag', s.etag, 'revision', s.revision,
                   'last_modified', s.last_modified, 'location', s.location,
                   'fetched_at', s.fetched_at, 'not_modified', json('false')),
       s.stored_at, s.stored_at
FROM design_snapshot s JOIN design_content c ON c.digest = s.digest
ORDER BY s.rowid;

CREATE TABLE snapshot_key_fixup (snapshot_id BLOB PRIMARY KEY);
INSERT INTO snapshot_key_fixup SELECT snapshot_id FROM design_snapshot;

DROP TABLE design_snapshot;
DROP TABLE design_content;
ALTER TABLE design_content_v2 RENAME TO design_content;
ALTER TABLE design_snapshot_v2 RENAME TO design_snapshot;

CREATE INDEX design_snapshot_key ON design_snapshot (reference_key, ingest_key, seq DESC);
CREATE INDEX design_snapshot_digest ON design_snapshot (digest, ingest_key, seq DESC);

COMMIT;
PRAGMA foreign_keys = ON;
