"""Fixtures of the report pipeline tests: a database loaded with a few days of demo crashes
(edge cases added) on which backfill_matviews has run once, shared by a module's tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from psycopg.rows import dict_row

from pyapp.demo import load, model
from tests.clock import CLOCK
from tests.conftest import cloned_database

SEED = 11
PER_DAY = 1200


def report_days() -> list[dt.date]:
    """Sunday, Monday, Tuesday: the most recent such run ending at least 2 days ago (a week
    boundary inside the range, versions still shown today)."""
    latest = CLOCK.days_ago(2)
    monday = latest - dt.timedelta(days=(latest.weekday() - 1) % 7 + 1)
    if monday + dt.timedelta(days=1) > latest:
        monday -= dt.timedelta(days=7)
    return [monday - dt.timedelta(days=1), monday, monday + dt.timedelta(days=1)]


@dataclass
class LoadedDb:
    url: str
    days: list[dt.date]
    edge: dict[str, str]  # name -> crash uuid of the hand-made edge cases


def edge_crashes(days: list[dt.date]) -> tuple[list[model.Crash], dict[str, str]]:
    """Crashes at the edges the oracle must agree on, made from generated ones."""
    catalog = model.build_catalog(days[0], days[-1])
    factory = model.CrashFactory(catalog, SEED + 1, 100)
    base = [
        c
        for c in factory.crashes(days[0], 400)
        if c.product == "KillerApp" and c.release_channel == "release"
    ]
    beta = [c for c in factory.crashes(days[1], 400) if c.version.startswith("41.0b")]
    day0_end = dt.datetime.combine(days[0] + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    crashes = {
        "last_instant": model._replace(base[0], date_processed=day0_end - dt.timedelta(microseconds=1000)),
        "midnight": model._replace(base[1], date_processed=day0_end),
        "week_start": model._replace(base[2], date_processed=day0_end + dt.timedelta(microseconds=1)),
        "unknown_beta_build": model._replace(beta[0], build="20000101000000"),
        # on the last day: reports_bad keeps only the 2 days before the last period cleaned
        "unknown_channel": model._replace(
            base[3], release_channel="weird", date_processed=day0_end + dt.timedelta(days=1, hours=12)
        ),
        "dup_leader": model._replace(base[4], date_processed=day0_end + dt.timedelta(hours=5)),
        "dup_follower": model._replace(base[4], date_processed=day0_end + dt.timedelta(hours=5, seconds=9)),
    }
    made = []
    names = {}
    for n, (name, crash) in enumerate(crashes.items()):
        uuid = f"00000000-0000-4000-8000-{n:05d}0{crash.date_processed:%y%m%d}"
        made.append(model._replace(crash, uuid=uuid, raw_crash=dict(crash.raw_crash, uuid=uuid)))
        names[name] = uuid
    return made, names


@pytest.fixture(scope="module")
def loaded(pg, template_db: str) -> Iterator[LoadedDb]:
    with cloned_database(pg, template_db, "crashstats_reports") as url:
        days = report_days()
        load.generate(url, days=len(days), per_day=PER_DAY, seed=SEED, last_day=days[-1])
        edges, names = edge_crashes(days)
        with psycopg.connect(url, row_factory=dict_row) as conn:
            load.load_crashes(conn, edges)
        with psycopg.connect(url) as conn:
            conn.execute("SELECT backfill_matviews(%s, %s)", (days[0], days[-1]))
        yield LoadedDb(url, days, names)


@pytest.fixture
def rconn(loaded: LoadedDb) -> Iterator[psycopg.Connection]:
    """A dict-row connection to the loaded database, rolled back after the test."""
    with psycopg.connect(loaded.url, row_factory=dict_row) as conn:
        try:
            yield conn
        finally:
            conn.rollback()
