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

-- name: copy_reports
-- Bulk load of processed crash rows (demo generator, benchmarks): COPY into the parent table.
COPY reports (uuid, client_crash_date, date_processed, product, version, build, signature, url, install_age,
              last_crash, uptime, cpu_name, cpu_info, reason, address, os_name, os_version, email,
              started_datetime, completed_datetime, success, processor_notes, user_comments, app_notes,
              topmost_filenames, flash_version, hangid, process_type, release_channel, productid,
              exploitability, update_channel)
FROM STDIN;

-- name: copy_raw_crashes
-- Bulk load of raw crash documents (demo generator, benchmarks).
COPY raw_crashes (uuid, raw_crash, date_processed) FROM STDIN;

-- name: copy_processed_crashes
-- Bulk load of processed crash documents (demo generator, benchmarks).
COPY processed_crashes (uuid, processed_crash, date_processed) FROM STDIN;

-- name: copy_raw_adi
-- Bulk load of Active Daily Installs in the seed's column order (demo generator, benchmarks).
COPY raw_adi (adi_count, date, product_name, product_os_platform, product_os_version, product_version,
              build, product_guid, update_channel)
FROM STDIN;

-- name: product_names
-- The products already defined (the demo generator adds only the missing ones).
SELECT product_name::text AS product_name FROM products ORDER BY product_name;
