"""signature indexes on reports; Super Search reads a daily roll-up of reports for totals and facets;
registry indexes no longer shadowed by copies of parent indexes; Super Search sorts NOT NULL
columns in their indexes' order

Revision ID: 1320
Revises: 1200
"""

from typing import Any

from pyapp import schema

revision = "1320"
down_revision = "1200"
branch_labels = None
depends_on = None

ALTERED = ["tables/reports.sql"]

FILES = [
    "functions/apply_weekly_partition_registry.sql",
    "functions/report_chain.sql",
    "functions/write_processed_crash.sql",
    "functions/search_facets_touch.sql",
    "functions/super_search.sql",
    "functions/update_search_facets.sql",
    "tables/reports.sql",
    "tables/search_facet_days.sql",
    "tables/search_facet_days_done.sql",
    "data/report_partition_info.sql",
]


#: the signature report's comments tab (declared on the parent: every partition gets a copy)
COMMENTS_INDEX = (
    "CREATE INDEX reports_signature_comments ON reports (signature, date_processed)"
    " WHERE user_comments IS NOT NULL AND user_comments <> ''"
)
OLD_INDEXES = '{date_processed,hangid,"product,version",reason,signature,url}'
NEW_INDEXES = '{date_processed,hangid,"product,version",reason,"signature,date_processed",url}'
SET_REGISTRY = "UPDATE report_partition_info SET indexes = %s::text[] WHERE table_name = 'reports'"
ROLL_UP_RECENT_DAYS = """
SELECT update_search_facets(d::date, false)
  FROM (SELECT max(date_processed) AS last FROM reports) AS r,
       generate_series((r.last - interval '29 days')::date, r.last::date, interval '1 day') AS d
 WHERE r.last IS NOT NULL AND d::date < current_date
"""
#: the registry's index of one element on each reports partition (not a copy of a parent's index)
REGISTRY_INDEXES = """
SELECT i.relname::text AS name
  FROM weekly_partitions w
  JOIN pg_class i
    ON i.oid = to_regclass('public.' || quote_ident(partition_object_name(w.partition_name, %s, 'idx')))
 WHERE w.table_name = 'reports'
   AND NOT EXISTS (SELECT 1 FROM pg_inherits ii WHERE ii.inhrelid = i.oid)
"""


def drop_registry_indexes(conn: Any, element: str) -> None:
    """Drop the registry's index of ``element`` on every reports partition."""
    for (name,) in conn.exec_driver_sql(REGISTRY_INDEXES, (element,)).fetchall():
        conn.exec_driver_sql('DROP INDEX "{}"'.format(name.replace('"', '""')))


def upgrade() -> None:
    from alembic import op

    conn = op.get_bind()
    schema.upgrade_files(op, revision, FILES, altered=ALTERED)
    conn.exec_driver_sql(COMMENTS_INDEX)
    # the former single-column signature btree (only partitions made before revision 0800 have
    # it: later ones got the trigram index's copy under its name, renamed by the registry now)
    drop_registry_indexes(conn, "signature")
    conn.exec_driver_sql(SET_REGISTRY, (NEW_INDEXES,))
    conn.exec_driver_sql("SELECT apply_weekly_partition_registry('reports')")
    # Super Search's roll-up of the last 30 days that have crashes (later days: the daily job)
    conn.exec_driver_sql(ROLL_UP_RECENT_DAYS)


def downgrade() -> None:
    from alembic import op

    conn = op.get_bind()
    drop_registry_indexes(conn, "signature,date_processed")
    conn.exec_driver_sql("DROP INDEX IF EXISTS reports_signature_comments")
    conn.exec_driver_sql(SET_REGISTRY, (OLD_INDEXES,))
    schema.downgrade_files(op, revision, FILES, altered=ALTERED)
    conn.exec_driver_sql("SELECT apply_weekly_partition_registry('reports')")
