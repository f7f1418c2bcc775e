-- report_chain() -> TABLE (step integer, proc_name text, kind text, depends_on text[])
-- The daily report chain in dependency order, the one list backfill_matviews, run_report_step
-- and `crashstats reports daily` follow. kind: 'once' (not per day), 'period' (hourly jobs run
-- over the whole day), 'daily' (update_X(day, checkdata)), 'final' (only for the last day of a
-- backfill: the table keeps a single day).
-- depends_on: the earlier steps whose output the step reads for the same day (its tables, or the
-- inputs its matview_begin checks); a step may start once those have committed, so
-- `crashstats reports daily --jobs N` runs independent steps side by side.
-- update_reports_duplicates and update_search_facets read only the processor's reports.
-- Callers: backfill_matviews, run_report_step, the CLI. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION report_chain()
RETURNS TABLE (step integer, proc_name text, kind text, depends_on text[])
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT s.step::integer, s.proc_name, s.kind, s.depends_on
      FROM (VALUES
          (1, 'update_product_versions', 'once', '{}'::text[]),
          (2, 'update_reports_duplicates', 'period', '{}'),
          (3, 'update_reports_clean', 'period', '{update_product_versions,update_reports_duplicates}'),
          (4, 'update_signatures', 'daily', '{update_reports_clean}'),
          (5, 'update_adu', 'daily', '{update_product_versions}'),
          (6, 'update_build_adu', 'daily', '{update_product_versions}'),
          (7, 'update_tcbs', 'daily', '{update_reports_clean}'),
          (8, 'update_tcbs_build', 'daily', '{update_reports_clean}'),
          (9, 'update_crashes_by_user', 'daily', '{update_reports_clean,update_adu}'),
          (10, 'update_crashes_by_user_build', 'daily', '{update_reports_clean,update_build_adu}'),
          (11, 'update_home_page_graph', 'daily', '{update_reports_clean,update_adu}'),
          (12, 'update_home_page_graph_build', 'daily', '{update_reports_clean,update_build_adu}'),
          (13, 'update_crash_adu_by_build_signature', 'daily', '{update_reports_clean,update_build_adu}'),
          (14, 'update_exploitability', 'daily', '{update_reports_clean}'),
          (15, 'update_android_devices', 'daily', '{update_reports_clean}'),
          (16, 'update_graphics_devices', 'daily', '{update_reports_clean}'),
          (17, 'update_signature_summary_products', 'daily', '{update_reports_clean}'),
          (18, 'update_signature_summary_installations', 'daily', '{update_reports_clean}'),
          (19, 'update_signature_summary_uptime', 'daily', '{update_reports_clean}'),
          (20, 'update_signature_summary_os', 'daily', '{update_reports_clean}'),
          (21, 'update_signature_summary_process_type', 'daily', '{update_reports_clean}'),
          (22, 'update_signature_summary_architecture', 'daily', '{update_reports_clean}'),
          (23, 'update_signature_summary_flash_version', 'daily', '{update_reports_clean}'),
          (24, 'update_signature_summary_device', 'daily', '{update_reports_clean,update_android_devices}'),
          (25, 'update_signature_summary_graphics', 'daily', '{update_reports_clean,update_graphics_devices}'),
          (26, 'update_gccrashes', 'daily', '{update_reports_clean,update_build_adu}'),
          (27, 'update_explosiveness', 'daily', '{update_tcbs,update_adu}'),
          (28, 'update_search_facets', 'daily', '{}'),
          (29, 'update_rank_compare', 'final', '{update_reports_clean}')
      ) AS s(step, proc_name, kind, depends_on)
     ORDER BY s.step;
$$;
COMMENT ON FUNCTION report_chain() IS
'The report procedures of a day in dependency order, with how each is run (once, period, daily, final) and the earlier steps each reads (depends_on). Read by backfill_matviews, run_report_step and the CLI; pure.';
