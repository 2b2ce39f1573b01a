-- drydock store: design_ingest.model_digest binds what was derived from the
-- content (model, report and ingest summary, as stored text) to the content's
-- digest and the ingest key: SHA-256 over all of them, computed when the row
-- is written and checked on every read, so a row whose model was edited
-- (its bytes and their digest left alone) is a corrupt row, never served.
-- Rows written before have none: they are refused as corrupt on read (a
-- cache then fetches and ingests afresh, and the next store fills it in).
ALTER TABLE design_ingest ADD COLUMN model_digest TEXT;
