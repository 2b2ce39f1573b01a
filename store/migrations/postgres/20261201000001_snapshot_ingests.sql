-- drydock store, PostgreSQL schema version 2: snapshots stored right.
--
-- * Digests are `sha256:<hex>` everywhere.
-- * design_content holds the bytes once per digest; design_ingest holds what
--   one way of ingesting them produced (model, report, ingest summary), keyed
--   by (digest, ingest_key), all JSON kept as the caller serialised it (TEXT:
--   byte-exact, and `\u0000` is fine, which JSONB refuses).
-- * design_snapshot keeps the display reference, the canonical key it is
--   looked up by, the driver's FetchMetadata as JSON plus the columns lookups
--   need, and when it was first stored, last resolved and how often.
--
-- Existing rows: their ingest key is `legacy`, their ingester `unrecorded`;
-- their canonical key is recomputed from the stored reference by the store on
-- its next migrate (rows listed in snapshot_key_fixup).

ALTER TABLE design_snapshot DROP CONSTRAINT IF EXISTS design_snapshot_digest_fkey;
ALTER TABLE design_snapshot DROP CONSTRAINT IF EXISTS design_snapshot_reference_digest_fetched_at_key;
UPDATE design_content SET digest = 'sha256:' || digest;
UPDATE design_snapshot SET digest = 'sha256:' || digest;

CREATE TABLE design_ingest (
    digest        TEXT NOT NULL REFERENCES design_content (digest),
    ingest_key    TEXT NOT NULL,             -- the caller's: ingester, options, rules
    ingester      TEXT NOT NULL,
    model         TEXT NOT NULL,             -- SiteDesign JSON
    report        TEXT NOT NULL,             -- ValidationReport JSON
    ingest        TEXT NOT NULL,             -- IngestSummary JSON
    valid         BOOLEAN NOT NULL,
    error_count   BIGINT NOT NULL,
    warning_count BIGINT NOT NULL,
    stored_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (digest, ingest_key)
);

INSERT INTO design_ingest (digest, ingest_key, ingester, model, report, ingest, valid,
                           error_count, warning_count, stored_at)
SELECT c.digest, 'legacy', 'unrecorded', c.model::text, c.report::text,
       '{"ingester":"unrecorded","documents":0,"per_kind":{},"skipped":{}}',
       coalesce(c.report->>'status', '') = 'success',
       (SELECT count(*) FROM jsonb_array_elements(
            CASE WHEN jsonb_typeof(c.report->'messages') = 'array' THEN c.report->'messages'
                 ELSE '[]'::jsonb END) m WHERE m->>'level' = 'error'),
       (SELECT count(*) FROM jsonb_array_elements(
            CASE WHEN jsonb_typeof(c.report->'messages') = 'array' THEN c.report->'messages'
                 ELSE '[]'::jsonb END) m WHERE m->>'level' = 'warning'),
       c.stored_at
FROM design_content c;

ALTER TABLE design_content DROP COLUMN model, DROP COLUMN report;

ALTER TABLE design_snapshot
    ADD COLUMN reference_key TEXT,
    ADD COLUMN ingest_key    TEXT NOT NULL DEFAULT 'legacy',
    ADD COLUMN metadata      TEXT,
    ADD COLUMN resolved_at   TIMESTAMPTZ,
    ADD COLUMN resolve_count BIGINT NOT NULL DEFAULT 1;

UPDATE design_snapshot s SET
    reference_key = s.reference,
    resolved_at = s.stored_at,
    metadata = json_build_object(
        'driver', s.driver, 'content_type', s.content_type,
        'length', (SELECT c.length FROM design_content c WHERE c.digest = s.digest),
        'digest', s.digest, 'etag', s.etag, 'revision', s.revision,
        'last_modified', s.last_modified, 'location', s.location,
        'fetched_at', s.fetched_at, 'not_modified', false)::text;

CREATE TABLE snapshot_key_fixup (snapshot_id UUID PRIMARY KEY);
INSERT INTO snapshot_key_fixup SELECT snapshot_id FROM design_snapshot;

ALTER TABLE design_snapshot
    ALTER COLUMN reference_key SET NOT NULL,
    ALTER COLUMN ingest_key DROP DEFAULT,
    ALTER COLUMN metadata SET NOT NULL,
    ALTER COLUMN resolved_at SET NOT NULL,
    DROP COLUMN content_type,
    DROP COLUMN location,
    ADD FOREIGN KEY (digest, ingest_key) REFERENCES design_ingest (digest, ingest_key);

DROP INDEX design_snapshot_reference;
DROP INDEX design_snapshot_digest;
CREATE INDEX design_snapshot_key ON design_snapshot (reference_key, ingest_key, seq DESC);
CREATE INDEX design_snapshot_digest ON design_snapshot (digest, ingest_key, seq DESC);
CREATE INDEX design_snapshot_seq ON design_snapshot (seq DESC);

-- The model and report are large: lz4 where the server has it (see version 1).
DO $$
BEGIN
    ALTER TABLE design_ingest
        ALTER COLUMN model SET COMPRESSION lz4,
        ALTER COLUMN report SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    NULL;
END
$$;
