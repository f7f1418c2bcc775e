-- Named statements run by the Python layer (see pyapp/queries.py).
-- Report logic does not belong here: it lives in sql/functions and sql/views.

-- name: database_exists
-- Is there a database of this name on the server?
SELECT 1 FROM pg_database WHERE datname = %(name)s;

-- name: alembic_revision
-- The schema revision recorded by Alembic, or no row before the first upgrade.
SELECT version_num FROM alembic_version;

-- name: user_tables
-- Ordinary and partitioned tables of the public schema that are not weekly partitions.
SELECT c.relname AS table_name
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public'
   AND c.relkind IN ('r', 'p')
   AND NOT c.relispartition
 ORDER BY 1;

-- name: heartbeat
-- The database answers (health checks of the collector and the web nodes).
SELECT 1 AS ok;
