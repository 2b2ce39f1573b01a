-- Migration 4713e7ebca9 (add task status links), revises 4a5bef3702b.
-- 4713e7ebca9: op.add_column(tables.Tasks.__tablename__, Column('result_links', pg.JSON))
ALTER TABLE tasks ADD COLUMN result_links JSON;
-- alembic: records the revision.
UPDATE alembic_version SET version_num='4713e7ebca9' WHERE alembic_version.version_num = '4a5bef3702b';
