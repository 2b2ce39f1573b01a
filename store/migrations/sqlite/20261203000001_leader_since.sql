-- When the current leader took the lease (kept while it renews it).
ALTER TABLE active_instance ADD COLUMN since TEXT;
UPDATE active_instance SET since = last_ping WHERE since IS NULL;
