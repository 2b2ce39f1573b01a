-- Migration 4a5bef3702b (create build_data table), revises 9593a123e7c5.
-- 4a5bef3702b: op.create_table(tables.BuildData.__tablename__, *tables.BuildData.__baseschema__)
CREATE TABLE build_data (
    node_name VARCHAR(32),
    task_id BYTEA,
    collected_date TIMESTAMP WITHOUT TIME ZONE,
    generator VARCHAR(256),
    data_format VARCHAR(32),
    data_element TEXT
);
-- 4a5bef3702b: index=True on build_data.node_name and .task_id
CREATE INDEX ix_build_data_node_name ON build_data (node_name);
CREATE INDEX ix_build_data_task_id ON build_data (task_id);
-- alembic: records the revision.
UPDATE alembic_version SET version_num='4a5bef3702b' WHERE alembic_version.version_num = '9593a123e7c5';
