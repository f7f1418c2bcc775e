-- update_reports_duplicates(start_time timestamptz, end_time timestamptz) -> integer
-- Flags duplicate crash reports received in [start_time, end_time) (Socorro's rule): reports
-- identical in product, version, build, signature, cpu_name, cpu_info, os_name, os_version,
-- address, topmost_filenames, reason, app_notes and url form a group; its leader is the first
-- by (client_crash_date, uuid). Another member duplicates the leader when its uptime agrees
-- (same_time_fuzzy, or it crashed within 60 s of starting) and its install age agrees
-- (same_time_fuzzy). Followers point at their leader and leaders at themselves in
-- reports_duplicates; nothing is removed, and update_reports_clean copies the flag into
-- reports_clean.duplicate_of. Uuids already flagged (within a day of the window) are kept as
-- they are, so overlapping windows and reruns add nothing twice. Returns the rows added.
-- Refuses an empty or reversed window and one longer than a day (call it per day).
-- Callers: the duplicates job (hourly), backfill_matviews, DBAs. Rerun-safe.
CREATE OR REPLACE FUNCTION update_reports_duplicates(start_time timestamptz, end_time timestamptz)
RETURNS integer
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
SET work_mem TO '256MB'
AS $$
DECLARE
    v_added integer;
BEGIN
    IF start_time IS NULL OR end_time IS NULL OR end_time <= start_time THEN
        RAISE EXCEPTION 'update_reports_duplicates: need start_time < end_time, got % .. %', start_time, end_time
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF end_time - start_time > interval '1 day' THEN
        RAISE EXCEPTION 'update_reports_duplicates: window % .. % is longer than a day', start_time, end_time
            USING ERRCODE = 'invalid_parameter_value', HINT = 'call it once per day (backfill_matviews does)';
    END IF;
    PERFORM matview_lock('update_reports_duplicates');

    -- Only reports sharing their 13 fields with another can be duplicates: find those through a
    -- 64-bit hash of the fields first (one cheap aggregate over the hashes alone), then read the
    -- reports of the shared hashes again and group them exactly. (Keeping whole rows from the
    -- first pass would spill the day's reports to a temporary file and read them back.)
    WITH shared AS (
        SELECT hashtextextended(concat_ws(E'\x1f', r.product, r.version, r.build, r.signature, r.cpu_name,
                                          r.cpu_info, r.os_name, r.os_version, r.address, r.topmost_filenames,
                                          r.reason, r.app_notes, r.url), 0) AS fields_hash
          FROM reports r
         WHERE r.date_processed >= start_time AND r.date_processed < end_time
         GROUP BY 1
        HAVING count(*) > 1
    ),
    keyed AS (
        SELECT r.*, hashtextextended(concat_ws(E'\x1f', r.product, r.version, r.build, r.signature, r.cpu_name,
                                               r.cpu_info, r.os_name, r.os_version, r.address, r.topmost_filenames,
                                               r.reason, r.app_notes, r.url), 0) AS fields_hash
          FROM reports r
         WHERE r.date_processed >= start_time AND r.date_processed < end_time
    ),
    grouped AS (
        SELECT r.uuid::text AS uuid, r.date_processed, r.client_crash_date, r.uptime, r.install_age,
               first_value(r.uuid::text) OVER w AS leader,
               first_value(r.date_processed) OVER w AS leader_date_processed,
               first_value(r.client_crash_date) OVER w AS leader_client_crash_date,
               first_value(r.uptime) OVER w AS leader_uptime,
               first_value(r.install_age) OVER w AS leader_install_age
          FROM keyed r
         WHERE r.fields_hash IN (SELECT sh.fields_hash FROM shared sh)
        WINDOW w AS (PARTITION BY r.fields_hash, r.product, r.version, r.build, r.signature, r.cpu_name, r.cpu_info,
                                  r.os_name, r.os_version, r.address, r.topmost_filenames, r.reason, r.app_notes,
                                  r.url
                     ORDER BY r.client_crash_date, r.uuid COLLATE "C")
    ),
    followers AS (
        SELECT g.uuid, g.leader, g.date_processed, g.leader_date_processed
          FROM grouped g
         WHERE g.uuid <> g.leader
           AND (same_time_fuzzy(g.leader_client_crash_date, g.client_crash_date, g.leader_uptime, g.uptime)
                OR g.uptime < 60)
           AND same_time_fuzzy(g.leader_client_crash_date, g.client_crash_date, g.leader_install_age, g.install_age)
    ),
    flags AS (
        SELECT f.uuid, f.leader AS duplicate_of, f.date_processed FROM followers f
        UNION
        SELECT f.leader, f.leader, f.leader_date_processed FROM followers f
    )
    INSERT INTO reports_duplicates (uuid, duplicate_of, date_processed)
    SELECT fl.uuid, fl.duplicate_of, fl.date_processed
      FROM flags fl
     WHERE NOT EXISTS (SELECT 1 FROM reports_duplicates d
                        WHERE d.uuid = fl.uuid
                          AND d.date_processed > start_time - interval '1 day'
                          AND d.date_processed < end_time + interval '1 day')
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_added = ROW_COUNT;
    RETURN v_added;
END;
$$;
COMMENT ON FUNCTION update_reports_duplicates(timestamptz, timestamptz) IS
'Flags reports of [start_time, end_time) that duplicate an earlier identical report (fuzzy uptime and install-age match) in reports_duplicates, leaders pointing at themselves; returns rows added. Duplicates job (hourly) / backfill_matviews; rerun-safe, never removes a report.';
