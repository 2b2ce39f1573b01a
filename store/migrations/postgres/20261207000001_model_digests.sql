-- drydock store: design_ingest.model_digest binds what was derived from the
-- content (model, report and ingest summary, as stored text) to the content's
-- digest and the ingest key: SHA-256 over all of them, computed when the row
-- is written and checked on every read, so a row whose model was edited
-- (its bytes and their digest left alone) is a corrupt row, never served.
-- The rows stored before are listed in model_digest_fixup: the store gives
-- each its digest right after this migration (what was stored then is taken
-- as it stands, once) and empties the list. A row without a digest later is
-- refused as corrupt on read, never filled in.
ALTER TABLE design_ingest ADD COLUMN model_digest TEXT;
CREATE TABLE model_digest_fixup (
    digest     TEXT NOT NULL,
    ingest_key TEXT NOT NULL,
    PRIMARY KEY (digest, ingest_key)
);
INSERT INTO model_digest_fixup (digest, ingest_key) SELECT digest, ingest_key FROM design_ingest;
