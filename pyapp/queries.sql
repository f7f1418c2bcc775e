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

-- name: adi_staging_create
-- The ADI loader's staging table for this transaction (pyapp.adi; raw_adi_load reads it).
CREATE TEMP TABLE raw_adi_staging (row_no integer PRIMARY KEY, line_no integer NOT NULL, fields text[], reason text)
    ON COMMIT DROP;

-- name: adi_staging_copy
-- Streams the rows of an ADI file into the staging table.
COPY raw_adi_staging (row_no, line_no, fields, reason) FROM STDIN;

-- name: adi_staging_rejects
-- The rows raw_adi_load (or the reader) rejected, with their reasons, in file order.
SELECT line_no, fields, reason FROM raw_adi_staging WHERE reason IS NOT NULL ORDER BY row_no;

-- name: adi_staging_drop
-- Done with the staging table (another load may follow in the same transaction).
DROP TABLE raw_adi_staging;

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

-- name: copy_processed_crashes_with_dump
-- Bulk load of processed crash documents with their stackwalker output kept apart, as the
-- processor stores them (demo generator).
COPY processed_crashes (uuid, processed_crash, json_dump, date_processed) FROM STDIN;

-- name: copy_raw_adi
-- Bulk load of Active Daily Installs in the seed's column order (demo generator, benchmarks).
COPY raw_adi (adi_count, date, product_name, product_os_platform, product_os_version, product_version,
              build, product_guid, update_channel)
FROM STDIN;

-- name: product_names
-- The products already defined (the demo generator adds only the missing ones).
SELECT product_name::text AS product_name FROM products ORDER BY product_name;

-- name: processor_product_rewrites
-- ProductID -> product name for the processor's ProductRewrite rule (rewrite = true rows).
SELECT productid, product_name::text AS product_name FROM product_productid_map WHERE rewrite;

-- name: protected_annotation_names
-- The annotations that are personal data (the processor's Elasticsearch documents leave them out).
SELECT annotation::text AS annotation FROM protected_annotations ORDER BY annotation;

-- name: processed_crash_summaries
-- crashstats processor --crash-id: the stored signature of each crash asked for.
SELECT uuid, signature, success, completed_datetime FROM reports WHERE uuid = ANY(%(ids)s::text[]);

-- name: queued_crash_ids
-- crashstats processor --crash-id: which of the crashes asked for are still queued.
SELECT crash_id FROM processing_queue WHERE crash_id = ANY(%(ids)s::uuid[]);

-- name: web_products
-- Every product with its menu order (the web's product switcher; products without releases too).
SELECT product_name::text AS product_name, sort FROM products ORDER BY sort, product_name;

-- name: web_signature_bugs
-- The bugs associated with a signature (the signature report's bugs tab, the crash page).
SELECT bug_id FROM bug_associations WHERE signature = %(signature)s ORDER BY bug_id DESC;

-- name: web_server_status
-- The latest processing pipeline snapshots (the web's server status page), newest first.
SELECT id, date_created, date_recently_completed, date_oldest_job_queued, avg_process_sec, avg_wait_sec,
       waiting_job_count, processors_count
  FROM server_status
 ORDER BY date_created DESC
 LIMIT %(limit)s;

-- name: web_deferred_unknown_products
-- Crashes stored but not processed because their product is not registered (the status page).
SELECT product_name, crashes, first_submitted, last_submitted FROM deferred_unknown_products();

-- name: web_supersearch_fields
-- Super Search's field list (the search form, /api/SuperSearchFields/).
SELECT name, namespace, in_database_name, reports_column, data_type, permissions_needed, is_exposed, is_returned,
       description
  FROM supersearch_fields
 ORDER BY name;

-- name: web_crash_types
-- The report types of the crashes-per-ADI page (crash, oop, hang-p, hang-b, content).
SELECT crash_type_short::text AS crash_type_short, crash_type::text AS crash_type FROM crash_types ORDER BY crash_type_id;

-- name: admin_products
-- Every product with its release name, rapid-beta version and number of versions (/admin/products/).
SELECT p.product_name::text AS product_name, p.release_name::text AS release_name, p.sort,
       p.rapid_beta_version::text AS rapid_beta_version,
       (SELECT count(*) FROM product_versions pv WHERE pv.product_name = p.product_name) AS versions
  FROM products p
 ORDER BY p.sort, p.product_name;

-- name: admin_recent_releases
-- The latest releases of releases_raw, newest build first (/admin/releases/).
SELECT product_name::text AS product_name, version, platform, build_id, build_type::text AS build_type,
       beta_number, repository::text AS repository, update_channel
  FROM releases_raw
 ORDER BY build_id DESC, product_name, version
 LIMIT %(limit)s;

-- name: admin_release_channels
-- Release channels in menu order (the add-release form).
SELECT release_channel::text AS release_channel FROM release_channels ORDER BY sort;

-- name: admin_throttles
-- Every product's throttle per channel (product_build_types, what the reports divide by), for /admin/releases/.
SELECT product_name::text AS product_name, build_type::text AS build_type, throttle
  FROM product_build_types
 ORDER BY product_name, array_position(enum_range(NULL::build_type), build_type);

-- name: admin_product_versions
-- Versions of one product that are not past their sunset date, with the featured flag (/admin/featured-versions/).
SELECT version_string::text AS version_string, is_featured, build_type::text AS build_type, start_date, end_date
  FROM product_info
 WHERE product_name = %(product)s AND end_date >= (now() AT TIME ZONE 'UTC')::date
 ORDER BY version_sort DESC;

-- name: admin_permissions
-- Every permission with its description (the admin's and token page's check boxes).
SELECT name, description FROM auth_permissions ORDER BY name;

-- name: admin_users
-- Every user with groups and permissions (/admin/users/).
SELECT id, email::text AS email, is_superuser, is_active, created_at, last_login, groups, direct_permissions, permissions
  FROM auth_user_summary
 ORDER BY email;

-- name: admin_user
-- One user (/admin/users/<id>/).
SELECT id, email::text AS email, is_superuser, is_active, created_at, last_login, groups, direct_permissions, permissions
  FROM auth_user_summary
 WHERE id = %(id)s;

-- name: admin_groups
-- Every group with its permissions and member count (/admin/groups/).
SELECT id, name::text AS name, permissions, members FROM auth_group_summary ORDER BY name;

-- name: admin_audit_log
-- The audit log, newest first, a page at a time (/admin/audit-log/).
SELECT id, at, actor_email, action, target, details
  FROM audit_log
 ORDER BY at DESC, id DESC
 LIMIT %(limit)s OFFSET %(offset)s;

-- name: admin_user_tokens
-- A user's API tokens without hashes (/admin/users/<id>/).
SELECT id, permissions, notes, created_at, expires_at, revoked_at, state
  FROM api_token_list
 WHERE user_id = %(id)s
 ORDER BY created_at DESC, id DESC;

-- name: api_product_versions
-- Product versions for the API (/api/Products/, /api/ProductVersions/), newest first per product.
SELECT product_name::text AS product, version_string::text AS version, start_date, end_date, throttle,
       is_featured, build_type::text AS build_type, has_builds, is_rapid_beta
  FROM product_info
 WHERE (%(products)s::text[] IS NULL OR product_name = ANY (%(products)s::citext[]))
   AND (%(version)s::text IS NULL OR version_string = %(version)s::citext)
   AND (%(featured)s::boolean IS NULL OR is_featured = %(featured)s::boolean)
   AND (%(build_type)s::text IS NULL OR build_type::text = %(build_type)s)
 ORDER BY product_sort, product_name, version_sort DESC;

-- name: api_adi
-- ADI per day, channel and version (/api/ADI/): sums of product_adu for a product's versions and OSes.
SELECT pa.adu_date::text AS date, pv.version_string::text AS version, pv.build_type::text AS build_type,
       sum(pa.adu_count)::bigint AS adi_count
  FROM product_adu pa
  JOIN product_versions pv ON pv.product_version_id = pa.product_version_id
 WHERE pv.product_name = %(product)s::citext
   AND pv.version_string = ANY (%(versions)s::citext[])
   AND pa.adu_date BETWEEN %(start)s AND %(end)s
   AND (%(platforms)s::text[] IS NULL OR pa.os_name = ANY (%(platforms)s::citext[]))
 GROUP BY pa.adu_date, pv.version_string, pv.build_type
 ORDER BY pa.adu_date, pv.version_string;

-- name: api_platforms
-- Operating systems with their short codes (/api/Platforms/).
SELECT os_name::text AS name, os_short_name::text AS code FROM os_names ORDER BY os_name;

-- name: api_bugs_by_signatures
-- Bugs associated with signatures (/api/Bugs/).
SELECT ba.signature, ba.bug_id AS id FROM bug_associations ba
 WHERE ba.signature = ANY (%(signatures)s::text[])
 ORDER BY ba.signature, ba.bug_id;

-- name: api_signatures_by_bugs
-- Signatures associated with bugs (/api/SignaturesByBugs/).
SELECT ba.bug_id AS id, ba.signature FROM bug_associations ba
 WHERE ba.bug_id = ANY (%(bug_ids)s::int[])
 ORDER BY ba.bug_id, ba.signature;

-- name: api_crontabber_state
-- The job runner's state (/api/CrontabberState/).
SELECT * FROM crontabber_state ORDER BY app_name;

-- name: api_skiplist
-- The signature skip list (/api/SkipList/).
SELECT category, rule FROM skiplist
 WHERE (%(category)s::text IS NULL OR category = %(category)s)
 ORDER BY category, rule;

-- name: api_skiplist_add
-- Add a skip-list rule (POST /api/SkipList/, manage_skiplist); an existing rule is kept.
INSERT INTO skiplist (category, rule) VALUES (%(category)s, %(rule)s) ON CONFLICT DO NOTHING;

-- name: api_skiplist_delete
-- Delete a skip-list rule (DELETE /api/SkipList/, manage_skiplist).
DELETE FROM skiplist WHERE category = %(category)s AND rule = %(rule)s;

-- name: demo_data_present
-- Has the demo data been loaded (its KillerApp product and some crashes)? `crashstats up`
-- loads it once and reuses it afterwards.
SELECT EXISTS (SELECT 1 FROM products WHERE product_name = 'KillerApp')
   AND EXISTS (SELECT 1 FROM reports) AS present;

-- name: reports_count
-- Processed crashes stored (`crashstats up` prints it).
SELECT count(*) AS crashes FROM reports;
