"""breakpad schema: tables, seed data, helper functions

Revision ID: 0001
Revises: None
"""

from pyapp import schema

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

FILES = [
    "extensions/citext.sql",
    "types/build_type.sql",
    "types/flash_process_dump_type.sql",
    "types/major_version_t.sql",
    "functions/build_date.sql",
    "functions/build_numeric.sql",
    "functions/crash_hadu.sql",
    "functions/crash_madu.sql",
    "functions/create_os_version_string.sql",
    "functions/get_cores.sql",
    "functions/is_rapid_beta.sql",
    "functions/major_version.sql",
    "functions/major_version_sort.sql",
    "functions/nonzero_string.sql",
    "functions/same_time_fuzzy.sql",
    "functions/sunset_date.sql",
    "functions/to_major_version.sql",
    "functions/try_lock_table.sql",
    "functions/tstz_between.sql",
    "functions/url2domain.sql",
    "functions/utc_day_is.sql",
    "functions/utc_day_near.sql",
    "functions/version_matches_channel.sql",
    "functions/version_sort.sql",
    "functions/version_sort_digit.sql",
    "functions/version_sort_trigger.sql",
    "functions/version_string.sql",
    "functions/week_begins_partition.sql",
    "functions/week_begins_utc.sql",
    "functions/week_ends_partition.sql",
    "tables/products.sql",
    "tables/release_channels.sql",
    "tables/release_channel_matches.sql",
    "tables/product_release_channels.sql",
    "tables/product_build_types.sql",
    "tables/release_repositories.sql",
    "tables/releases_raw.sql",
    "tables/special_product_platforms.sql",
    "tables/product_versions.sql",
    "tables/product_version_builds.sql",
    "tables/product_productid_map.sql",
    "tables/os_names.sql",
    "tables/os_name_matches.sql",
    "tables/os_versions.sql",
    "tables/windows_versions.sql",
    "tables/signatures.sql",
    "tables/signature_products.sql",
    "tables/signature_products_rollup.sql",
    "tables/reasons.sql",
    "tables/addresses.sql",
    "tables/domains.sql",
    "tables/flash_versions.sql",
    "tables/process_types.sql",
    "tables/crash_types.sql",
    "tables/uptime_levels.sql",
    "tables/bugs.sql",
    "tables/bug_associations.sql",
    "tables/skiplist.sql",
    "tables/reports.sql",
    "tables/raw_crashes.sql",
    "tables/processed_crashes.sql",
    "tables/plugins.sql",
    "tables/plugins_reports.sql",
    "tables/extensions.sql",
    "tables/missing_symbols.sql",
    "tables/reports_clean.sql",
    "tables/reports_user_info.sql",
    "tables/reports_duplicates.sql",
    "tables/reports_bad.sql",
    "tables/raw_adi.sql",
    "tables/raw_adi_logs.sql",
    "tables/product_adu.sql",
    "tables/build_adu.sql",
    "tables/report_partition_info.sql",
    "tables/crontabber.sql",
    "tables/crontabber_log.sql",
    "data/release_channels.sql",
    "data/release_channel_matches.sql",
    "data/os_names.sql",
    "data/os_name_matches.sql",
    "data/windows_versions.sql",
    "data/process_types.sql",
    "data/crash_types.sql",
    "data/uptime_levels.sql",
    "data/release_repositories.sql",
    "data/report_partition_info.sql",
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
