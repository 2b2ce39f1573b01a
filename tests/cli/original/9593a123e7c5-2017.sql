-- Migration 9593a123e7c5 (create base database tables), as run before commit 13b768a (2018-01-18).
-- alembic: the version table, created by `alembic upgrade` itself.
CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
-- 9593a123e7c5: op.create_table(tables.Tasks.__tablename__, *tables.Tasks.__baseschema__)
CREATE TABLE tasks (
    task_id BYTEA NOT NULL,
    parent_task_id BYTEA,
    subtask_id_list BYTEA[],
    result_status VARCHAR(32),
    result_message VARCHAR(128),
    result_reason VARCHAR(128),
    result_error_count INTEGER,
    result_successes VARCHAR(32)[],
    result_failures VARCHAR(32)[],
    retry INTEGER,
    status VARCHAR(32),
    created TIMESTAMP WITHOUT TIME ZONE,
    created_by VARCHAR(16),
    updated TIMESTAMP WITHOUT TIME ZONE,
    design_ref VARCHAR(128),
    request_context JSON,
    node_filter JSON,
    action VARCHAR(32),
    terminated TIMESTAMP WITHOUT TIME ZONE,
    terminated_by VARCHAR(16),
    terminate BOOLEAN,
    PRIMARY KEY (task_id)
);
-- 9593a123e7c5: op.create_table(tables.ResultMessage.__tablename__, *tables.ResultMessage.__baseschema__)
CREATE TABLE result_message (
    sequence SERIAL NOT NULL,
    task_id BYTEA,
    message VARCHAR(1024),
    error BOOLEAN,
    context VARCHAR(64),
    context_type VARCHAR(16),
    ts TIMESTAMP WITHOUT TIME ZONE,
    extra JSON,
    PRIMARY KEY (sequence)
);
-- 9593a123e7c5: op.create_table(tables.ActiveInstance.__tablename__, *tables.ActiveInstance.__baseschema__)
CREATE TABLE active_instance (
    dummy_key SERIAL NOT NULL,
    identity BYTEA,
    last_ping TIMESTAMP WITHOUT TIME ZONE,
    PRIMARY KEY (dummy_key)
);
-- 9593a123e7c5: op.create_table(tables.BootAction.__tablename__, *tables.BootAction.__baseschema__)
CREATE TABLE boot_action (
    node_name VARCHAR(16) NOT NULL,
    task_id BYTEA,
    identity_key BYTEA,
    PRIMARY KEY (node_name)
);
-- 9593a123e7c5: op.create_table(tables.BootActionStatus.__tablename__, *tables.BootActionStatus.__baseschema__)
CREATE TABLE boot_action_status (
    node_name VARCHAR(32),
    action_id BYTEA NOT NULL,
    action_name VARCHAR(64),
    task_id BYTEA,
    identity_key BYTEA,
    action_status VARCHAR(32),
    PRIMARY KEY (action_id)
);
-- 9593a123e7c5: index=True on boot_action_status.node_name and .task_id
CREATE INDEX ix_boot_action_status_node_name ON boot_action_status (node_name);
CREATE INDEX ix_boot_action_status_task_id ON boot_action_status (task_id);
-- alembic: records the revision.
INSERT INTO alembic_version (version_num) VALUES ('9593a123e7c5');
