-- report_chain() -> TABLE (step integer, proc_name text, kind text)
-- The daily report chain in dependency order, the one list backfill_matviews, run_report_step
-- and `crashstats reports daily` follow. kind: 'once' (not per day), 'period' (hourly jobs run
-- over the whole day), 'daily' (update_X(day, checkdata)), 'final' (only for the last day of a
-- backfill: the table keeps a single day).
-- Callers: backfill_matviews, run_report_step, the CLI. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION report_chain()
RETURNS TABLE (step integer, proc_name text, kind text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT s.step::integer, s.proc_name, s.kind
      FROM (VALUES
          (1, 'update_product_versions', 'once'),
          (2, 'update_reports_duplicates', 'period'),
          (3, 'update_reports_clean', 'period'),
          (4, 'update_signatures', 'daily'),
          (5, 'update_adu', 'daily'),
          (6, 'update_build_adu', 'daily'),
          (7, 'update_tcbs', 'daily'),
          (8, 'update_tcbs_build', 'daily'),
          (9, 'update_crashes_by_user', 'daily'),
          (10, 'update_crashes_by_user_build', 'daily'),
          (11, 'update_home_page_graph', 'daily'),
          (12, 'update_home_page_graph_build', 'daily'),
          (13, 'update_crash_adu_by_build_signature', 'daily'),
          (14, 'update_exploitability', 'daily'),
          (15, 'update_android_devices', 'daily'),
          (16, 'update_graphics_devices', 'daily'),
          (17, 'update_signature_summary_products', 'daily'),
          (18, 'update_signature_summary_installations', 'daily'),
          (19, 'update_signature_summary_uptime', 'daily'),
          (20, 'update_signature_summary_os', 'daily'),
          (21, 'update_signature_summary_process_type', 'daily'),
          (22, 'update_signature_summary_architecture', 'daily'),
          (23, 'update_signature_summary_flash_version', 'daily'),
          (24, 'update_signature_summary_device', 'daily'),
          (25, 'update_signature_summary_graphics', 'daily'),
          (26, 'update_gccrashes', 'daily'),
          (27, 'update_explosiveness', 'daily'),
          (28, 'update_search_facets', 'daily'),
          (29, 'update_rank_compare', 'final')
      ) AS s(step, proc_name, kind)
     ORDER BY s.step;
$$;
COMMENT ON FUNCTION report_chain() IS
'The report procedures of a day in dependency order, with how each is run (once, period, daily, final). Read by backfill_matviews, run_report_step and the CLI; pure.';
