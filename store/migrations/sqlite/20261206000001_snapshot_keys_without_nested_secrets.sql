-- drydock store: canonical keys no longer hold a secret nested in another
-- query parameter (`?next=%2Fx%3Ftoken%3D…`). Every snapshot's key is
-- recomputed from its stored (redacted) reference by the store on this
-- migrate (rows listed in snapshot_key_fixup); other keys come out unchanged.
INSERT OR IGNORE INTO snapshot_key_fixup SELECT snapshot_id FROM design_snapshot;
