"""report speed: raw_crash_fields, reports_clean without per-row citext

Revision ID: 0850
Revises: 1000
"""

from pyapp import schema

revision = "0850"
down_revision = "1000"
branch_labels = None
depends_on = None

FILES = [
    "functions/signature_summary_for.sql",
    "functions/update_android_devices.sql",
    "functions/update_gccrashes.sql",
    "functions/update_graphics_devices.sql",
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
    "functions/update_tcbs.sql",
    "functions/update_tcbs_build.sql",
    "tables/raw_crash_fields.sql",
    "tables/exploitability_reports.sql",
    "views/signature_summary.sql",
    "data/report_partition_info.sql",
]


#: days cleaned before this revision: their raw-crash annotations copied into raw_crash_fields,
#: so that rerunning a daily procedure for them reads what it read from raw_crashes before
FILL_RAW_CRASH_FIELDS = """
DO $fill$
DECLARE
    v_from timestamptz;
    v_to   timestamptz;
BEGIN
    SELECT min(period_start), max(period_end) INTO v_from, v_to FROM reports_clean_runs;
    IF v_from IS NULL THEN
        RETURN;
    END IF;
    PERFORM ensure_weekly_partitions(v_from, v_to, 'raw_crash_fields');
    INSERT INTO raw_crash_fields (uuid, date_processed, is_garbage_collecting, flash_process_dump,
                                  has_android_model, android_cpu_abi, android_manufacturer, android_model,
                                  android_version, has_adapter_device_id, adapter_vendor_id,
                                  adapter_device_id)
    SELECT rc.uuid::text, rc.date_processed,
           coalesce(rc.raw_crash ->> 'IsGarbageCollecting' = '1', false),
           rc.raw_crash ->> 'FlashProcessDump',
           rc.raw_crash ? 'Android_Model',
           rc.raw_crash ->> 'Android_CPU_ABI', rc.raw_crash ->> 'Android_Manufacturer',
           rc.raw_crash ->> 'Android_Model', rc.raw_crash ->> 'Android_Version',
           rc.raw_crash ? 'AdapterDeviceID',
           rc.raw_crash ->> 'AdapterVendorID', rc.raw_crash ->> 'AdapterDeviceID'
      FROM raw_crashes rc
     WHERE rc.date_processed >= v_from AND rc.date_processed < v_to
       AND rc.raw_crash ?| ARRAY['IsGarbageCollecting', 'FlashProcessDump', 'Android_CPU_ABI',
                                'Android_Manufacturer', 'Android_Model', 'Android_Version',
                                'AdapterVendorID', 'AdapterDeviceID'];
END;
$fill$
"""


ALTERED = ["tables/exploitability_reports.sql"]
INDEXES = [
    "CREATE INDEX exploitability_reports_signature ON exploitability_reports (signature_id, report_date)"
]
DROP_INDEXES = ["DROP INDEX IF EXISTS exploitability_reports_signature"]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES, altered=ALTERED)
    for statement in INDEXES:
        op.get_bind().exec_driver_sql(statement)
    op.get_bind().exec_driver_sql(FILL_RAW_CRASH_FIELDS)


def downgrade() -> None:
    from alembic import op

    for statement in DROP_INDEXES:
        op.get_bind().exec_driver_sql(statement)
    schema.downgrade_files(op, revision, FILES, altered=ALTERED)
    op.get_bind().exec_driver_sql("DELETE FROM report_partition_info WHERE table_name = 'raw_crash_fields'")
