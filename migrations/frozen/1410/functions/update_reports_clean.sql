-- update_reports_clean(fromtime timestamptz, fortime interval DEFAULT '1 hour',
--                      checkdata boolean DEFAULT true, analyze_it boolean DEFAULT true) -> boolean
-- The hourly ETL from reports to reports_clean (Socorro's rules) for [fromtime, fromtime+fortime):
--   * only processed reports (completed_datetime set); a period crossing a UTC week boundary is
--     done week by week; missing weekly partitions are created through the registry;
--   * normalisation: missing reason/address/flash_version/os_name become 'Unknown', signature
--     '', process_type 'browser'; "0.0.0 Linux " is cut from Linux OS versions; domain =
--     url2domain(url), cores = get_cores(cpu_info), architecture = cpu_name;
--   * lookups upserted with their first sighting: signatures (first_report, first_build),
--     reasons, addresses, flash_versions, domains, os_versions (major/minor under 1000, else 0);
--   * channel: release_channel (else update_channel) through release_channel_matches;
--     OS through os_name_matches (unmatched: 'Unknown' 0.0);
--   * product version: non-beta crashes by (product, version string, channel); ESR also as
--     "<version>esr"; beta crashes by (product, release version or version string) AND a build
--     id listed in product_version_builds, so a beta from an unknown build stays unmatched;
--   * duplicate_of from reports_duplicates; flash_process_dump from the raw crash
--     (FlashProcessDump) of plugin crashes;
--   * rows with no channel or no product version go to reports_bad with the reason, the others
--     to reports_clean; their email, url, comments and app notes (when any is non-blank) to
--     reports_user_info. reports_bad keeps the 2 days before the period;
--   * the period's raw crashes with report-relevant annotations (IsGarbageCollecting,
--     FlashProcessDump, Android_*, AdapterVendorID/AdapterDeviceID) are copied to
--     raw_crash_fields, which the daily procedures read instead of the raw documents.
-- Idempotent: the period's rows in reports_clean, reports_user_info, raw_crash_fields and reports_bad are
-- replaced, and the period is recorded in reports_clean_runs (reports_clean_done reads it).
-- checkdata refuses a period that has not ended yet (its crashes are still arriving); periods
-- longer than a day are refused (use backfill_reports_clean). analyze_it ANALYZEs a partition
-- once a fifth of it has changed since its last analysis. Returns true.
-- Parameter names are Socorro's (named-argument calls keep working). Nested loops are off for
-- its statements: the row estimates of freshly made temp tables are poor, and a nested loop
-- over a million rows is the one plan that must never be picked. JIT is off too: the cost
-- penalty of a disabled plan type would otherwise trigger half a second of compilation per query.
-- Callers: the reports-clean job (hourly, for the hour before last), backfill_reports_clean,
-- backfill_matviews, DBAs. Rerun-safe; concurrent runs are refused (advisory lock).
CREATE OR REPLACE FUNCTION update_reports_clean(
    fromtime timestamptz,
    fortime interval DEFAULT '1 hour',
    checkdata boolean DEFAULT true,
    analyze_it boolean DEFAULT true
)
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
SET work_mem TO '256MB'
SET enable_nestloop TO off
SET jit TO off
AS $$
DECLARE
    v_end       timestamptz;
    v_week_end  timestamptz;
    v_clean     integer := 0;
    v_bad       integer := 0;
    v_user      integer := 0;
    v_part      text;
BEGIN
    IF fromtime IS NULL OR fortime IS NULL THEN
        RAISE EXCEPTION 'update_reports_clean: fromtime and fortime are required'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'SELECT update_reports_clean(''2026-11-20 13:00+00'')';
    END IF;
    IF fortime <= interval '0' OR fortime > interval '1 day' THEN
        RAISE EXCEPTION 'update_reports_clean: fortime must be more than 0 and at most 1 day, got %', fortime
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'for longer spans use backfill_reports_clean(begin, end)';
    END IF;
    v_end := fromtime + fortime;
    IF coalesce(checkdata, true) AND v_end > utc_now() THEN
        RAISE EXCEPTION 'update_reports_clean: the period % .. % has not ended yet', fromtime, v_end
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'crashes of it are still arriving; run it after ' || v_end || ' (or pass checkdata => false)';
    END IF;
    PERFORM matview_lock('update_reports_clean');

    -- one week at a time: each piece touches one partition of each table
    v_week_end := (week_begins_utc(fromtime) + 7)::timestamp AT TIME ZONE 'UTC';
    IF v_end > v_week_end THEN
        PERFORM update_reports_clean(fromtime, v_week_end - fromtime, checkdata, analyze_it);
        RETURN update_reports_clean(v_week_end, v_end - v_week_end, checkdata, analyze_it);
    END IF;
    PERFORM ensure_weekly_partitions(fromtime, v_end, 'reports_clean', 'reports_user_info', 'raw_crash_fields');

    -- 1. the report-relevant annotations of the period's raw crashes, read once here (the
    --    daily procedures read raw_crash_fields instead of the raw documents)
    DELETE FROM raw_crash_fields WHERE date_processed >= fromtime AND date_processed < v_end;
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
     WHERE rc.date_processed >= fromtime AND rc.date_processed < v_end
       AND rc.raw_crash ?| ARRAY['IsGarbageCollecting', 'FlashProcessDump', 'Android_CPU_ABI', 'Android_Manufacturer',
                                'Android_Model', 'Android_Version', 'AdapterVendorID', 'AdapterDeviceID'];

    -- 2. the period's processed reports, normalised (text, not citext: the lookups below map
    --    each distinct value once, so no per-row case-insensitive hashing)
    CREATE TEMP TABLE rc_new_reports ON COMMIT DROP AS
    SELECT r.uuid::text AS uuid,
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
                      AND rc.date_processed > fromtime - interval '1 day' AND rc.date_processed < v_end + interval '1 day'
                    LIMIT 1)
               END
           END AS flash_process_dump,
           CASE WHEN nonzero_string(r.email) THEN r.email END AS email,
           CASE WHEN nonzero_string(r.url) THEN r.url END AS url,
           CASE WHEN nonzero_string(r.user_comments) THEN r.user_comments END AS user_comments,
           CASE WHEN nonzero_string(r.app_notes) THEN r.app_notes END AS app_notes
      FROM reports r
      LEFT JOIN raw_crash_fields f ON f.uuid = r.uuid::text
                                  AND f.date_processed >= fromtime AND f.date_processed < v_end
     WHERE r.date_processed >= fromtime AND r.date_processed < v_end
       AND r.completed_datetime IS NOT NULL;
    ANALYZE rc_new_reports;

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

    -- 5. replace the period
    DELETE FROM reports_clean WHERE date_processed >= fromtime AND date_processed < v_end;
    DELETE FROM reports_user_info WHERE date_processed >= fromtime AND date_processed < v_end;
    DELETE FROM reports_bad
     WHERE (date_processed >= fromtime AND date_processed < v_end)
        OR date_processed < fromtime - interval '2 days';

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
                                    AND d.date_processed > fromtime - interval '1 day'
                                    AND d.date_processed < v_end + interval '1 day'
     WHERE v.product_version_id IS NOT NULL;
    GET DIAGNOSTICS v_clean = ROW_COUNT;

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
    GET DIAGNOSTICS v_bad = ROW_COUNT;

    INSERT INTO reports_user_info (uuid, date_processed, email, url, user_comments, app_notes)
    SELECT n.uuid, n.date_processed, n.email, n.url, n.user_comments, n.app_notes
      FROM rc_new_reports n
      JOIN rc_versions v ON v.product = n.product AND v.version = n.version AND v.raw_channel = n.raw_channel
                        AND v.build_key = coalesce(n.build, -1)
     WHERE v.product_version_id IS NOT NULL
       AND (n.email IS NOT NULL OR n.url IS NOT NULL OR n.user_comments IS NOT NULL OR n.app_notes IS NOT NULL);
    GET DIAGNOSTICS v_user = ROW_COUNT;

    INSERT INTO reports_clean_runs (period_start, period_end, clean_count, bad_count, user_info_count, finished_at)
    VALUES (fromtime, v_end, v_clean, v_bad, v_user, clock_timestamp())
    ON CONFLICT (period_start, period_end) DO UPDATE
       SET clean_count = EXCLUDED.clean_count, bad_count = EXCLUDED.bad_count,
           user_info_count = EXCLUDED.user_info_count, finished_at = EXCLUDED.finished_at;

    IF v_clean + v_bad = 0 THEN
        RAISE NOTICE 'update_reports_clean: no processed reports in % .. %', fromtime, v_end;
    END IF;

    IF coalesce(analyze_it, true) AND v_clean > 0 THEN
        v_part := find_weekly_partition((fromtime AT TIME ZONE 'UTC')::date, 'reports_clean');
        IF EXISTS (SELECT 1 FROM pg_stat_user_tables t
                    WHERE t.relid = v_part::regclass
                      AND (t.last_analyze IS NULL AND t.last_autoanalyze IS NULL
                           OR t.n_mod_since_analyze > 0.2 * greatest(t.n_live_tup, 1000))) THEN
            EXECUTE format('ANALYZE %I', v_part);
        END IF;
    END IF;

    DROP TABLE pg_temp.rc_new_reports;
    DROP TABLE pg_temp.rc_os;
    DROP TABLE pg_temp.rc_versions;
    DROP TABLE pg_temp.rc_values;
    DROP TABLE pg_temp.rc_map;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION update_reports_clean(timestamptz, interval, boolean, boolean) IS
'Normalises the processed reports of [fromtime, fromtime+fortime) into reports_clean (lookups, channel, OS, product version incl. beta build matching, duplicates), rejects to reports_bad, private fields to reports_user_info, raw-crash annotations to raw_crash_fields; logs the period in reports_clean_runs. Hourly reports-clean job / backfills; replaces the period, rerun-safe.';
