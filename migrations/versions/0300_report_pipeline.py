"""SQL report pipeline: products and releases, reports_clean, duplicates, ADI, aggregates, report views

Revision ID: 0300
Revises: 0002
"""

from pyapp import schema

revision = "0300"
down_revision = "0100"
branch_labels = None
depends_on = None

FILES = [
    "functions/add_new_product.sql",
    "functions/add_new_release.sql",
    "functions/backfill_adu.sql",
    "functions/backfill_android_devices.sql",
    "functions/backfill_build_adu.sql",
    "functions/backfill_crash_adu_by_build_signature.sql",
    "functions/backfill_crashes_by_user.sql",
    "functions/backfill_crashes_by_user_build.sql",
    "functions/backfill_exploitability.sql",
    "functions/backfill_explosiveness.sql",
    "functions/backfill_gccrashes.sql",
    "functions/backfill_graphics_devices.sql",
    "functions/backfill_home_page_graph.sql",
    "functions/backfill_home_page_graph_build.sql",
    "functions/backfill_matviews.sql",
    "functions/backfill_rank_compare.sql",
    "functions/backfill_reports_clean.sql",
    "functions/backfill_signature_summary_architecture.sql",
    "functions/backfill_signature_summary_device.sql",
    "functions/backfill_signature_summary_flash_version.sql",
    "functions/backfill_signature_summary_graphics.sql",
    "functions/backfill_signature_summary_installations.sql",
    "functions/backfill_signature_summary_os.sql",
    "functions/backfill_signature_summary_process_type.sql",
    "functions/backfill_signature_summary_products.sql",
    "functions/backfill_signature_summary_uptime.sql",
    "functions/backfill_signatures.sql",
    "functions/backfill_tcbs.sql",
    "functions/backfill_tcbs_build.sql",
    "functions/build_date.sql",
    "functions/build_numeric.sql",
    "functions/edit_featured_versions.sql",
    "functions/ensure_weekly_partitions.sql",
    "functions/exploitability_for.sql",
    "functions/gccrashes_for.sql",
    "functions/get_cores.sql",
    "functions/matview_begin.sql",
    "functions/matview_finish.sql",
    "functions/matview_lock.sql",
    "functions/report_chain.sql",
    "functions/reports_clean_done.sql",
    "functions/run_report_step.sql",
    "functions/signature_summary_for.sql",
    "functions/top_crashers_for.sql",
    "functions/update_adu.sql",
    "functions/update_android_devices.sql",
    "functions/update_build_adu.sql",
    "functions/update_crash_adu_by_build_signature.sql",
    "functions/update_crashes_by_user.sql",
    "functions/update_crashes_by_user_build.sql",
    "functions/update_exploitability.sql",
    "functions/update_explosiveness.sql",
    "functions/update_gccrashes.sql",
    "functions/update_graphics_devices.sql",
    "functions/update_home_page_graph.sql",
    "functions/update_home_page_graph_build.sql",
    "functions/update_product_versions.sql",
    "functions/update_rank_compare.sql",
    "functions/update_reports_clean.sql",
    "functions/update_reports_duplicates.sql",
    "functions/update_signature_summary_architecture.sql",
    "functions/update_signature_summary_device.sql",
    "functions/update_signature_summary_flash_version.sql",
    "functions/update_signature_summary_graphics.sql",
    "functions/update_signature_summary_installations.sql",
    "functions/update_signature_summary_os.sql",
    "functions/update_signature_summary_process_type.sql",
    "functions/update_signature_summary_products.sql",
    "functions/update_signature_summary_uptime.sql",
    "functions/update_signatures.sql",
    "functions/update_tcbs.sql",
    "functions/update_tcbs_build.sql",
    "functions/url2domain.sql",
    "tables/reports_bad.sql",
    "tables/matview_runs.sql",
    "tables/reports_clean_runs.sql",
    "tables/tcbs.sql",
    "tables/tcbs_build.sql",
    "tables/crashes_by_user.sql",
    "tables/crashes_by_user_build.sql",
    "tables/home_page_graph.sql",
    "tables/home_page_graph_build.sql",
    "tables/explosiveness.sql",
    "tables/rank_compare.sql",
    "tables/exploitability_reports.sql",
    "tables/gccrashes.sql",
    "tables/crash_adu_by_build_signature.sql",
    "tables/android_devices.sql",
    "tables/graphics_device.sql",
    "tables/signature_summary_products.sql",
    "tables/signature_summary_installations.sql",
    "tables/signature_summary_uptime.sql",
    "tables/signature_summary_os.sql",
    "tables/signature_summary_process_type.sql",
    "tables/signature_summary_architecture.sql",
    "tables/signature_summary_flash_version.sql",
    "tables/signature_summary_device.sql",
    "tables/signature_summary_graphics.sql",
    "views/raw_adi_matched.sql",
    "views/product_info.sql",
    "views/default_versions.sql",
    "views/product_selector.sql",
    "views/crashes_by_user_view.sql",
    "views/crashes_by_user_build_view.sql",
    "views/crashes_by_user_rollup.sql",
    "views/product_crash_ratio.sql",
    "views/product_os_crash_ratio.sql",
    "views/home_page_graph_view.sql",
    "views/home_page_graph_build_view.sql",
    "views/report_windows.sql",
    "views/top_crashers.sql",
    "views/crashes_per_adi_by_version.sql",
    "views/crashes_per_adi_by_os.sql",
    "views/crashes_per_adi_by_crash_type.sql",
    "views/crashes_per_adi_by_build_date.sql",
    "views/explosive_signatures.sql",
    "views/adu_by_signature.sql",
    "views/signature_history.sql",
    "views/topcrasher_ranks_by_bug.sql",
    "views/signature_summary.sql",
    "views/exploitability_report.sql",
    "views/gccrashes_report.sql",
    "data/report_partition_info.sql",
]


# reports_bad existed before (revision 0001): it gains the reason column here.
ALTERED = ["tables/reports_bad.sql"]

# the registry rows this revision's data file adds for its partitioned tables
SUMMARY_TABLES = [
    "signature_summary_products",
    "signature_summary_installations",
    "signature_summary_uptime",
    "signature_summary_os",
    "signature_summary_process_type",
    "signature_summary_architecture",
    "signature_summary_flash_version",
    "signature_summary_device",
    "signature_summary_graphics",
]

REPORTS_BAD_UP = (
    "ALTER TABLE reports_bad ADD COLUMN reason text;\n"
    "COMMENT ON TABLE reports_bad IS 'Reports rejected by update_reports_clean (no matching product version, "
    "channel or signature), with the reason; trimmed to the last 2 days.';\n"
    "COMMENT ON COLUMN reports_bad.reason IS 'Why the report was rejected, e.g. \"no product version "
    "KillerApp 1.0 (beta, build 20140101165243)\".';\n"
)

REPORTS_BAD_DOWN = (
    "ALTER TABLE reports_bad DROP COLUMN reason;\n"
    "COMMENT ON TABLE reports_bad IS 'Reports rejected by update_reports_clean (no matching product version, "
    "channel or signature); trimmed to the last 2 days.';\n"
)


def upgrade() -> None:
    from alembic import op

    op.get_bind().exec_driver_sql(REPORTS_BAD_UP)
    schema.upgrade_files(op, revision, FILES, altered=ALTERED)


def downgrade() -> None:
    from alembic import op

    bind = op.get_bind()
    bind.exec_driver_sql(
        "DELETE FROM report_partition_info WHERE table_name = ANY (%(tables)s)", {"tables": SUMMARY_TABLES}
    )
    # build_date() is dropped and restored with its previous body; its index goes with it
    bind.exec_driver_sql("DROP INDEX releases_raw_date")
    schema.downgrade_files(op, revision, FILES, altered=ALTERED)
    bind.exec_driver_sql("CREATE INDEX releases_raw_date ON releases_raw (build_date(build_id))")
    bind.exec_driver_sql(REPORTS_BAD_DOWN)
