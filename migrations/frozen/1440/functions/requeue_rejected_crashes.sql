-- requeue_rejected_crashes() -> integer
-- Puts the crashes in reports_bad for want of a product version ("no product version ...")
-- whose product and version now have one (by version string, release version or ESR name; for
-- betas the build is checked when they are normalised again) back into reports_live_queue, so
-- update_reports_live counts them into that version within a minute. Returns how many.
-- reports_bad keeps 2 days of rejects, so this reads at most those.
-- Callers: update_product_versions when it has added versions or builds (the admin release
-- form, add_new_release, the release-metadata job), DBAs. Rerun-safe.
CREATE OR REPLACE FUNCTION requeue_rejected_crashes()
RETURNS integer
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_rows integer;
BEGIN
    INSERT INTO reports_live_queue AS q (uuid, date_processed)
    SELECT b.uuid, b.date_processed
      FROM reports_bad b
      JOIN reports r ON r.uuid = b.uuid AND r.date_processed = b.date_processed
     WHERE b.reason LIKE 'no product version %'
       AND EXISTS (SELECT 1 FROM product_versions pv
                    WHERE pv.product_name = btrim(r.product)::citext
                      AND (pv.version_string = btrim(r.version)::citext
                           OR pv.release_version = btrim(r.version)::citext
                           OR pv.version_string = (btrim(r.version) || 'esr')::citext))
    ON CONFLICT (uuid) DO UPDATE SET date_processed = EXCLUDED.date_processed, queued_at = EXCLUDED.queued_at;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows;
END;
$$;
COMMENT ON FUNCTION requeue_rejected_crashes() IS
'Queues the crashes rejected to reports_bad for want of a product version that now exists, so update_reports_live counts them into it. update_product_versions (when it adds versions or builds), DBAs; rerun-safe.';
