"""How demo data gets into the database: SQL functions for products and releases, COPY for the rest.

Crashes go in as the processor would leave them (``reports`` rows plus minimal ``raw_crashes`` /
``processed_crashes`` documents), written to the parent tables after making sure the weeks have
partitions (``weekly_report_partitions(0, day)``). Each day is one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import psycopg

from pyapp import db
from pyapp.demo import model
from pyapp.queries import QUERIES

log = logging.getLogger(__name__)

PLATFORMS = {"Windows": "Windows", "Mac OS X": "Mac", "Linux": "Linux"}


@dataclass
class LoadResult:
    products_added: int = 0
    releases_added: int = 0
    adi_rows: int = 0
    crashes: int = 0


def load_catalog(conn: psycopg.Connection, catalog: model.Catalog) -> tuple[int, int]:
    """Products (add_new_product), their builds (add_new_release), product versions and the
    featured versions still shown today. Products and releases already present are kept."""
    existing = {row["product_name"] for row in conn.execute(QUERIES["product_names"]).fetchall()}
    products = 0
    for spec in catalog.products:
        if spec.name in existing:
            continue
        conn.execute(
            "SELECT add_new_product(%(name)s, %(initversion)s, %(guid)s, %(release_name)s, "
            "%(throttle)s::numeric, %(rapid_beta)s::numeric)",
            {
                "name": spec.name,
                "initversion": spec.initversion,
                "guid": spec.guid,
                "release_name": spec.release_name,
                "throttle": spec.release_throttle,
                "rapid_beta": spec.rapid_beta_version,
            },
        )
        products += 1
    releases = 0
    for version in catalog.versions:
        spec = catalog.product(version.product)
        for build in version.builds:
            for os_name in spec.oses:
                added = conn.execute(
                    "SELECT add_new_release(%(product)s, %(version)s, %(channel)s, %(build_id)s,"
                    " %(platform)s, beta_number => %(beta)s, ignore_duplicates => true) AS added",
                    {
                        "product": spec.name,
                        "version": build.version,
                        "channel": build.channel,
                        "build_id": build.build_id,
                        "platform": PLATFORMS[os_name],
                        "beta": build.beta_number,
                    },
                ).fetchone()
                releases += bool(added["added"])
    oldest = min(b.build_date for b in catalog.builds)
    window = max(30, (dt.datetime.now(dt.UTC).date() - oldest).days + 1)
    conn.execute("SELECT update_product_versions(%(window)s)", {"window": window})
    shown = {
        (r["product_name"], r["version_string"])
        for r in conn.execute(
            "SELECT product_name::text, version_string::text FROM product_selector"
        ).fetchall()
    }
    for product, versions in catalog.featured.items():
        live = [v for v in versions if (product, v) in shown]
        if live:
            conn.execute(
                "SELECT edit_featured_versions(%(product)s, VARIADIC %(versions)s)",
                {"product": product, "versions": live},
            )
    return products, releases


def load_adi(conn: psycopg.Connection, rows: Iterable[model.AdiRow]) -> int:
    count = 0
    with conn.cursor().copy(QUERIES["copy_raw_adi"]) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _report_row(c: model.Crash) -> tuple:
    return (
        c.uuid,
        c.client_crash_date,
        c.date_processed,
        c.product,
        c.version,
        c.build,
        c.signature,
        c.url,
        c.install_age,
        c.last_crash,
        c.uptime,
        c.cpu_name,
        c.cpu_info,
        c.reason,
        c.address,
        c.os_name,
        c.os_version,
        c.email,
        c.started_datetime,
        c.completed_datetime,
        True,
        "demo",
        c.user_comments,
        c.app_notes,
        c.topmost_filenames,
        c.flash_version,
        c.hangid,
        c.process_type,
        c.release_channel,
        c.productid,
        c.exploitability,
        c.release_channel,
    )


def load_crashes(conn: psycopg.Connection, crashes: Iterable[model.Crash], chunk: int = 25_000) -> int:
    """COPY crashes into reports, raw_crashes and processed_crashes, ``chunk`` at a time.

    The caller makes sure the weeks have partitions (``ensure_partitions``)."""
    total = 0
    batch: list[model.Crash] = []

    def flush() -> None:
        cur = conn.cursor()
        with cur.copy(QUERIES["copy_reports"]) as copy:
            for c in batch:
                copy.write_row(_report_row(c))
        with cur.copy(QUERIES["copy_raw_crashes"]) as copy:
            for c in batch:
                copy.write_row((c.uuid, json.dumps(c.raw_crash), c.date_processed))
        with cur.copy(QUERIES["copy_processed_crashes_with_dump"]) as copy:
            for c in batch:
                document = c.processed_crash()
                dump = document.pop("json_dump")
                copy.write_row((c.uuid, json.dumps(document), json.dumps(dump), c.date_processed))
        batch.clear()

    for crash in crashes:
        batch.append(crash)
        total += 1
        if len(batch) >= chunk:
            flush()
    if batch:
        flush()
    return total


def ensure_partitions(conn: psycopg.Connection, first_day: dt.date, last_day: dt.date) -> None:
    """Weekly partitions of every registered table for the weeks of [first_day, last_day]."""
    day = first_day - dt.timedelta(days=first_day.weekday())
    while day <= last_day:
        conn.execute(
            "SELECT weekly_report_partitions(0, %(day)s)",
            {"day": dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)},
        )
        day += dt.timedelta(days=7)


def generate(
    url: str,
    *,
    days: int,
    per_day: int,
    seed: int = 1,
    last_day: dt.date | None = None,
    last_day_count: int | None = None,
    on_day: Callable[[dt.date, int], None] | None = None,
) -> LoadResult:
    """Load the catalog, then each day's ADI and crashes (``per_day``, or ``last_day_count`` on
    the last day). Days end with ``last_day`` (default: yesterday, UTC)."""
    last_day = last_day or dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    first_day = last_day - dt.timedelta(days=days - 1)
    catalog = model.build_catalog(first_day, last_day)
    factory = model.CrashFactory(catalog, seed, max(per_day, last_day_count or 0))
    result = LoadResult()
    with db.connect(url, component="demo") as conn, db.wrap_exceptions():
        result.products_added, result.releases_added = load_catalog(conn, catalog)
        ensure_partitions(conn, first_day, last_day)
        conn.commit()
        for offset in range(days):
            day = first_day + dt.timedelta(days=offset)
            count = last_day_count if (day == last_day and last_day_count is not None) else per_day
            result.adi_rows += load_adi(conn, model.adi_rows(catalog, day, seed))
            result.crashes += load_crashes(conn, factory.crashes(day, count))
            conn.commit()
            log.debug("demo: %s: %d crashes", day, count)
            if on_day is not None:
                on_day(day, count)
    return result
