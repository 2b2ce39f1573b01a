-- drydock store, SQLite schema version 3: claims that survive crashes and the
-- original's boot action tables (see the PostgreSQL migration of this version).

ALTER TABLE tasks ADD COLUMN claimed_by BLOB;
ALTER TABLE tasks ADD COLUMN lease_expires TEXT;
ALTER TABLE tasks ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tasks_leases ON tasks (lease_expires) WHERE status = 'running';
CREATE INDEX tasks_claimed_by ON tasks (claimed_by) WHERE status = 'running';

UPDATE tasks SET action = 'power_cycle_node' WHERE action = 'powercycle_node';

UPDATE tasks SET result_links = '[]'
 WHERE result_links IS NULL OR json_type(result_links) IS NOT 'array';

CREATE TABLE boot_action (
    node_name    TEXT PRIMARY KEY,
    task_id      BLOB NOT NULL,
    identity_key BLOB NOT NULL                  -- SHA-256 of the node's key, never the key
);

CREATE TABLE boot_action_status (
    action_id     BLOB PRIMARY KEY,
    node_name     TEXT NOT NULL,
    action_name   TEXT NOT NULL,
    task_id       BLOB NOT NULL,
    identity_key  BLOB NOT NULL,                -- SHA-256 of the key
    action_status TEXT NOT NULL
);
CREATE INDEX boot_action_status_node ON boot_action_status (node_name);
