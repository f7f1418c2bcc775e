-- reports_clean_load(p_from timestamptz, p_to timestamptz, p_uuids text[] DEFAULT NULL,
--                    OUT clean_count integer, OUT bad_count integer, OUT user_info_count integer)
-- The normalisation of Socorro's update_reports_clean (its comment lists the rules) for the
-- processed reports of [p_from, p_to): all of them (p_uuids NULL: the period is replaced), or
-- only the crashes in p_uuids (their earlier rows, within a week of the period, are replaced:
-- update_reports_live counts crashes as they are processed this way). The period must lie in
-- one UTC week. Writes reports_clean, reports_bad (kept for the 2 days before p_from),
-- reports_user_info and raw_crash_fields, and the lookup tables; returns the rows written.
-- Callers: update_reports_clean (the period, after its checks and lock) and update_reports_live
-- (a set of crashes); both hold update_reports_clean's lock. Rerun-safe.
CREATE OR REPLACE FUNCTION reports_clean_load(
    p_from timestamptz,
    p_to timestamptz,
    p_uuids text[] DEFAULT NULL,
    OUT clean_count integer,
    OUT bad_count integer,
    OUT user_info_count integer
)
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
SET work_mem TO '256MB'
SET enable_nestloop TO off
SET jit TO off
AS $$
BEGIN
    IF p_from IS NULL OR p_to IS NULL OR p_to <= p_from OR week_begins_utc(p_from) <> week_begins_utc(p_to - interval '1 microsecond') THEN
        RAISE EXCEPTION 'reports_clean_load: need p_from < p_to within one UTC week, got % .. %', p_from, p_to
            USING ERRCODE = 'invalid_parameter_value', HINT = 'update_reports_clean splits longer periods week by week';
    END IF;
    IF p_uuids IS NOT NULL THEN
        -- a few crashes: index look-ups into the lookup tables (signatures, addresses, ...) beat
        -- hashing them whole, the reason nested loops are off for a period's thousands
        PERFORM set_config('enable_nestloop', 'on', true);
    END IF;
    PERFORM ensure_weekly_partitions(p_from, p_to, 'reports_clean', 'reports_user_info', 'raw_crash_fields');

    -- 1. the report-relevant annotations of the period's raw crashes, read once here (the
    --    daily procedures read raw_crash_fields instead of the raw documents)
    DELETE FROM raw_crash_fields
     WHERE date_processed >= p_from AND date_processed < p_to AND (p_uuids IS NULL OR uuid = ANY(p_uuids));
    INSERT INTO raw_crash_fields (uuid, date_processed, is_garbage_collecting, flash_process_dump,
                                  has_android_model, android_cpu_abi, android_manufacturer, android_model,
                                  android_version, has_adapter_device_id, adapter_vendor_id, adapter_device_id)
    SELECT rc.uuid::text, rc.date_processed,
           coalesce(rc.raw_crash ->> 'IsGarbageCollecting' = '1', false),
           rc.raw_crash ->> 'FlashProcessDump',
           rc.raw_crash ? 'Android_Model',
           rc.raw_crash ->> 'Android_CPU_ABI', rc.raw_crash ->> 'Android_Manufacturer',
           rc.raw_crash ->> 'Android_Model', rc.raw_crash ->> 'Android_Version',
           rc.raw_crash ? 'AdapterDeviceID',
           rc.raw_crash ->> 'AdapterVendorID', rc.raw_crash ->> 'AdapterDeviceID'
      FROM raw_crashes rc
     WHERE rc.date_processed >= p_from AND rc.date_processed < p_to
       AND (p_uuids IS NULL OR rc.uuid = ANY(p_uuids::uuid[]))
       AND rc.raw_crash ?| ARRAY['IsGarbageCollecting', 'FlashProcessDump', 'Android_CPU_ABI', 'Android_Manufacturer',
                                'Android_Model', 'Android_Version', 'AdapterVendorID', 'AdapterDeviceID'];

    -- 2. the period's processed reports, normalised (text, not citext: the lookups below map
    --    each distinct value once, so no per-row case-insensitive hashing)
    CREATE TEMP TABLE rc_new_reports ON COMMIT DROP AS
    SELECT r.uuid::text AS uuid,
           r.xmin AS row_xmin,
           r.date_processed,
           r.client_crash_date,
           coalesce(btrim(r.product), '') AS product,
           coalesce(btrim(r.version), '') AS version,
           build_numeric(btrim(r.build)) AS build,
           coalesce(r.signature, '')::text AS signature,
           r.install_age,
           r.uptime,
           coalesce(nullif(btrim(r.reason), ''), 'Unknown') AS reason,
           coalesce(nullif(btrim(r.address), ''), 'Unknown') AS address,
           coalesce(nullif(btrim(r.os_name), ''), 'Unknown') AS raw_os_name,
           coalesce(CASE WHEN r.os_name ILIKE 'Linux%' THEN regexp_replace(r.os_version, '^0\.0\.0 Linux ', '')
                         ELSE r.os_version END, '')::text AS raw_os_version,
           nullif(r.hangid, '') AS hang_id,
           coalesce(nullif(btrim(r.flash_version), ''), 'Unknown') AS flash_version,
           coalesce(lower(nullif(btrim(r.process_type), '')), 'browser')::citext AS process_type,
           coalesce(nullif(btrim(r.release_channel), ''), nullif(btrim(r.update_channel), ''), '') AS raw_channel,
           coalesce(url2domain(r.url), '')::text AS domain,
           r.cpu_name::citext AS architecture,
           get_cores(r.cpu_info) AS cores,
           r.exploitability,
           r.update_channel,
           CASE WHEN lower(r.process_type) = 'plugin' AND r.uuid ~ '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' THEN
               CASE WHEN f.uuid IS NOT NULL THEN
                   CASE WHEN f.flash_process_dump IN ('Sandbox', 'Broker')
                        THEN f.flash_process_dump::flash_process_dump_type END
               ELSE (
                   SELECT CASE WHEN rc.raw_crash ->> 'FlashProcessDump' IN ('Sandbox', 'Broker')
                               THEN (rc.raw_crash ->> 'FlashProcessDump')::flash_process_dump_type END
                     FROM raw_crashes rc
                    WHERE rc.uuid = r.uuid::uuid
                      AND rc.date_processed > p_from - interval '1 day' AND rc.date_processed < p_to + interval '1 day'
                    LIMIT 1)
               END
           END AS flash_process_dump,
           CASE WHEN nonzero_string(r.email) THEN r.email END AS email,
           CASE WHEN nonzero_string(r.url) THEN r.url END AS url,
           CASE WHEN nonzero_string(r.user_comments) THEN r.user_comments END AS user_comments,
           CASE WHEN nonzero_string(r.app_notes) THEN r.app_notes END AS app_notes
      FROM reports r
      LEFT JOIN raw_crash_fields f ON f.uuid = r.uuid::text
                                  AND f.date_processed >= p_from AND f.date_processed < p_to
     WHERE r.date_processed >= p_from AND r.date_processed < p_to
       AND (p_uuids IS NULL OR r.uuid = ANY(p_uuids))
       AND r.completed_datetime IS NOT NULL;
    ANALYZE rc_new_reports;
    -- these crashes need not wait for the live reports: the queue rows written with the very
    -- reports rows read here (a crash processed again since keeps its newer row)
    DELETE FROM reports_live_queue q USING rc_new_reports n WHERE q.uuid = n.uuid AND q.xmin = n.row_xmin;

    -- 3. lookups: the distinct values of the period in one pass, new ones added with their
    --    first sighting, then each distinct value mapped to its id
    CREATE TEMP TABLE rc_values ON COMMIT DROP AS
    SELECT CASE WHEN GROUPING(n.signature) = 0 THEN 's' WHEN GROUPING(n.reason) = 0 THEN 'r'
                WHEN GROUPING(n.address) = 0 THEN 'a' WHEN GROUPING(n.flash_version) = 0 THEN 'f'
                ELSE 'd' END AS kind,
           coalesce(n.signature, n.reason, n.address, n.flash_version, n.domain) AS value,
           min(n.date_processed) AS first_seen,
           min(n.build) AS first_build
      FROM rc_new_reports n
     GROUP BY GROUPING SETS ((n.signature), (n.reason), (n.address), (n.flash_version), (n.domain));

    INSERT INTO signatures (signature, first_report, first_build)
    SELECT v.value, v.first_seen, v.first_build FROM rc_values v WHERE v.kind = 's'
    ON CONFLICT (signature) DO NOTHING;
    UPDATE signatures s SET first_report = least(s.first_report, v.first_seen),
                            first_build = least(s.first_build, v.first_build)
      FROM rc_values v
     WHERE v.kind = 's' AND s.signature = v.value
       AND (v.first_seen < s.first_report OR v.first_build < s.first_build
            OR (s.first_build IS NULL AND v.first_build IS NOT NULL));
    INSERT INTO reasons (reason, first_seen)
    SELECT v.value::citext, min(v.first_seen) FROM rc_values v WHERE v.kind = 'r' GROUP BY 1
    ON CONFLICT (reason) DO NOTHING;
    INSERT INTO addresses (address, first_seen)
    SELECT v.value::citext, min(v.first_seen) FROM rc_values v WHERE v.kind = 'a' GROUP BY 1
    ON CONFLICT (address) DO NOTHING;
    INSERT INTO flash_versions (flash_version, first_seen)
    SELECT v.value::citext, min(v.first_seen) FROM rc_values v WHERE v.kind = 'f' GROUP BY 1
    ON CONFLICT (flash_version) DO NOTHING;
    INSERT INTO domains (domain, first_seen)
    SELECT v.value::citext, min(v.first_seen) FROM rc_values v WHERE v.kind = 'd' GROUP BY 1
    ON CONFLICT (domain) DO NOTHING;

    CREATE TEMP TABLE rc_map ON COMMIT DROP AS
    SELECT v.kind, v.value, x.signature_id AS id FROM rc_values v JOIN signatures x ON x.signature = v.value WHERE v.kind = 's'
    UNION ALL
    SELECT v.kind, v.value, x.reason_id FROM rc_values v JOIN reasons x ON x.reason = v.value::citext WHERE v.kind = 'r'
    UNION ALL
    SELECT v.kind, v.value, x.address_id FROM rc_values v JOIN addresses x ON x.address = v.value::citext WHERE v.kind = 'a'
    UNION ALL
    SELECT v.kind, v.value, x.flash_version_id FROM rc_values v JOIN flash_versions x ON x.flash_version = v.value::citext
     WHERE v.kind = 'f'
    UNION ALL
    SELECT v.kind, v.value, x.domain_id FROM rc_values v JOIN domains x ON x.domain = v.value::citext WHERE v.kind = 'd';
    ANALYZE rc_map;

    -- 4. small mapping tables over the period's distinct values
    CREATE TEMP TABLE rc_os ON COMMIT DROP AS
    SELECT d.raw_os_name, d.raw_os_version, m.os_name,
           CASE WHEN m.os_name = 'Unknown' THEN 0
                ELSE coalesce(substring(d.raw_os_version FROM '^(\d{1,3})(?!\d)')::int, 0) END AS major_version,
           CASE WHEN m.os_name = 'Unknown' THEN 0
                ELSE coalesce(substring(d.raw_os_version FROM '^\d{1,3}\.(\d{1,3})(?!\d)')::int, 0) END AS minor_version,
           NULL::integer AS os_version_id
      FROM (SELECT DISTINCT n.raw_os_name, n.raw_os_version FROM rc_new_reports n) AS d
     CROSS JOIN LATERAL (
         SELECT coalesce((SELECT o.os_name FROM os_name_matches o
                           WHERE d.raw_os_name ILIKE o.match_string ORDER BY o.os_name LIMIT 1),
                         'Unknown')::citext AS os_name
     ) AS m;
    INSERT INTO os_versions (os_name, major_version, minor_version, os_version_string)
    SELECT DISTINCT o.os_name, o.major_version, o.minor_version,
           create_os_version_string(o.os_name, o.major_version, o.minor_version)
      FROM rc_os o
    ON CONFLICT (os_name, major_version, minor_version) DO NOTHING;
    UPDATE rc_os o SET os_version_id = ov.os_version_id
      FROM os_versions ov
     WHERE ov.os_name = o.os_name AND ov.major_version = o.major_version AND ov.minor_version = o.minor_version;

    CREATE TEMP TABLE rc_versions ON COMMIT DROP AS
    SELECT d.product, d.version, d.raw_channel, d.build_key, c.build_type,
           CASE
               WHEN c.build_type IS NULL THEN NULL
               WHEN c.build_type = 'beta' THEN (
                   SELECT pv.product_version_id
                     FROM product_versions pv
                     JOIN product_version_builds b ON b.product_version_id = pv.product_version_id
                    WHERE pv.product_name = d.product::citext AND pv.build_type = 'beta'
                      AND (pv.release_version = d.version::citext OR pv.version_string = d.version::citext)
                      AND b.build_id = d.build_key
                    ORDER BY pv.product_version_id
                    LIMIT 1)
               ELSE (
                   SELECT pv.product_version_id
                     FROM product_versions pv
                    WHERE pv.product_name = d.product::citext AND pv.build_type = c.build_type::text
                      AND (pv.version_string = d.version::citext
                           OR (c.build_type = 'esr' AND pv.version_string = (d.version || 'esr')::citext))
                    ORDER BY pv.version_string = d.version::citext DESC, pv.product_version_id
                    LIMIT 1)
           END AS product_version_id
      FROM (SELECT DISTINCT n.product, n.version, n.raw_channel, coalesce(n.build, -1) AS build_key
              FROM rc_new_reports n) AS d
      LEFT JOIN LATERAL (
          SELECT lower(m.release_channel)::build_type AS build_type
            FROM release_channel_matches m
           WHERE d.raw_channel ILIKE m.match_string
             AND lower(m.release_channel) IN (SELECT unnest(enum_range(NULL::build_type))::text)
           ORDER BY length(m.match_string) DESC, m.release_channel
           LIMIT 1
      ) AS c ON true;
    ANALYZE rc_os;
    ANALYZE rc_versions;

    -- 5. replace the period (or those crashes, wherever they were within a week of it: a crash
    --    saved again with another submission time moves)
    IF p_uuids IS NULL THEN
        DELETE FROM reports_clean WHERE date_processed >= p_from AND date_processed < p_to;
        DELETE FROM reports_user_info WHERE date_processed >= p_from AND date_processed < p_to;
        DELETE FROM reports_bad
         WHERE (date_processed >= p_from AND date_processed < p_to)
            OR date_processed < p_from - interval '2 days';
    ELSE
        DELETE FROM reports_clean
         WHERE date_processed >= p_from - interval '7 days' AND date_processed < p_to + interval '7 days'
           AND uuid = ANY(p_uuids);
        DELETE FROM reports_user_info
         WHERE date_processed >= p_from - interval '7 days' AND date_processed < p_to + interval '7 days'
           AND uuid = ANY(p_uuids);
        DELETE FROM reports_bad
         WHERE uuid = ANY(p_uuids) OR date_processed < p_from - interval '2 days';
    END IF;

    INSERT INTO reports_clean (uuid, date_processed, client_crash_date, product_version_id, build, signature_id,
                               install_age, uptime, reason_id, address_id, os_name, os_version_id, hang_id,
                               flash_version_id, process_type, release_channel, duplicate_of, domain_id,
                               architecture, cores, exploitability, flash_process_dump, build_type, update_channel)
    SELECT n.uuid, n.date_processed, n.client_crash_date, v.product_version_id, n.build, s.id,
           n.install_age * interval '1 second', n.uptime * interval '1 second', rs.id, a.id,
           o.os_name, o.os_version_id, n.hang_id, f.id, n.process_type, v.build_type::text,
           d.duplicate_of, dm.id, n.architecture, n.cores, n.exploitability, n.flash_process_dump,
           v.build_type, n.update_channel
      FROM rc_new_reports n
      JOIN rc_versions v ON v.product = n.product AND v.version = n.version AND v.raw_channel = n.raw_channel
                        AND v.build_key = coalesce(n.build, -1)
      JOIN rc_map s ON s.kind = 's' AND s.value = n.signature
      JOIN rc_map rs ON rs.kind = 'r' AND rs.value = n.reason
      JOIN rc_map a ON a.kind = 'a' AND a.value = n.address
      JOIN rc_map f ON f.kind = 'f' AND f.value = n.flash_version
      JOIN rc_map dm ON dm.kind = 'd' AND dm.value = n.domain
      JOIN rc_os o ON o.raw_os_name = n.raw_os_name AND o.raw_os_version = n.raw_os_version
      LEFT JOIN reports_duplicates d ON d.uuid = n.uuid
                                    AND d.date_processed > p_from - interval '1 day'
                                    AND d.date_processed < p_to + interval '1 day'
     WHERE v.product_version_id IS NOT NULL;
    GET DIAGNOSTICS clean_count = ROW_COUNT;

    INSERT INTO reports_bad (uuid, date_processed, reason)
    SELECT n.uuid, n.date_processed,
           CASE WHEN v.build_type IS NULL
                THEN format('unknown release channel %L', n.raw_channel)
                ELSE format('no product version %s %s (%s%s)', n.product, n.version, v.build_type,
                            CASE WHEN v.build_type = 'beta' THEN ', build ' || coalesce(n.build::text, 'none') ELSE '' END)
           END
      FROM rc_new_reports n
      JOIN rc_versions v ON v.product = n.product AND v.version = n.version AND v.raw_channel = n.raw_channel
                        AND v.build_key = coalesce(n.build, -1)
     WHERE v.product_version_id IS NULL;
    GET DIAGNOSTICS bad_count = ROW_COUNT;

    INSERT INTO reports_user_info (uuid, date_processed, email, url, user_comments, app_notes)
    SELECT n.uuid, n.date_processed, n.email, n.url, n.user_comments, n.app_notes
      FROM rc_new_reports n
      JOIN rc_versions v ON v.product = n.product AND v.version = n.version AND v.raw_channel = n.raw_channel
                        AND v.build_key = coalesce(n.build, -1)
     WHERE v.product_version_id IS NOT NULL
       AND (n.email IS NOT NULL OR n.url IS NOT NULL OR n.user_comments IS NOT NULL OR n.app_notes IS NOT NULL);
    GET DIAGNOSTICS user_info_count = ROW_COUNT;

    DROP TABLE pg_temp.rc_new_reports;
    DROP TABLE pg_temp.rc_os;
    DROP TABLE pg_temp.rc_versions;
    DROP TABLE pg_temp.rc_values;
    DROP TABLE pg_temp.rc_map;
END;
$$;
COMMENT ON FUNCTION reports_clean_load(timestamptz, timestamptz, text[]) IS
'Normalises the processed reports of a period within one week (or only the given crashes of it) into reports_clean, reports_bad, reports_user_info and raw_crash_fields, with the lookups; returns the rows written. update_reports_clean and update_reports_live, under update_reports_clean''s lock; rerun-safe.';
