-- When the current leader took the lease (kept while it renews it).
ALTER TABLE active_instance ADD COLUMN since TIMESTAMPTZ;
UPDATE active_instance SET since = last_ping WHERE since IS NULL;
