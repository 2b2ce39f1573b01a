-- drydock store, PostgreSQL schema version 3: claims that survive crashes,
-- workers told when work is queued, the original's boot action tables.

-- A claim records its owner and a lease the owner renews; a lease that
-- expires puts the task back in the queue (attempts counts those) or fails it.
ALTER TABLE tasks
    ADD COLUMN claimed_by    UUID,
    ADD COLUMN lease_expires TIMESTAMPTZ,
    ADD COLUMN attempts      INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tasks_leases ON tasks (lease_expires) WHERE status = 'running';
CREATE INDEX tasks_claimed_by ON tasks (claimed_by) WHERE status = 'running';

-- The original spells this action power_cycle_node.
UPDATE tasks SET action = 'power_cycle_node' WHERE action = 'powercycle_node';

-- Result links are a list of {rel, href}.
UPDATE tasks SET result_links = '[]'
 WHERE result_links IS NULL OR jsonb_typeof(result_links) <> 'array';
ALTER TABLE tasks
    ALTER COLUMN result_links SET DEFAULT '[]',
    ALTER COLUMN result_links SET NOT NULL;

-- Workers waiting for work LISTEN on drydock_task_queued; a task inserted or
-- put back as queued notifies them (one notification per transaction).
CREATE FUNCTION drydock_task_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('drydock_task_queued', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER tasks_queued_notify AFTER INSERT OR UPDATE OF status ON tasks
    FOR EACH ROW WHEN (NEW.status = 'queued') EXECUTE FUNCTION drydock_task_queued();

-- One row per node: the context a node fetches its boot-action assets with.
CREATE TABLE boot_action (
    node_name    TEXT PRIMARY KEY,
    task_id      UUID NOT NULL,
    identity_key BYTEA NOT NULL                 -- SHA-256 of the node's key, never the key
);

-- One row per boot action sent to a node; the node reports its status.
CREATE TABLE boot_action_status (
    action_id     UUID PRIMARY KEY,
    node_name     TEXT NOT NULL,
    action_name   TEXT NOT NULL,
    task_id       UUID NOT NULL,
    identity_key  BYTEA NOT NULL,               -- SHA-256 of the key
    action_status TEXT NOT NULL
);
CREATE INDEX boot_action_status_node ON boot_action_status (node_name);
