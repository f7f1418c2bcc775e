"""Crashes deferred because their product is not registered: counted (deferred_unknown_products),
queued when the product is added (the products trigger) or by the sweep (queue_deferred_crashes)."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import psycopg
from psycopg.types.json import Jsonb

from tests.sql.partition_helpers import created
from tests.support import scalar

WHEN = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def store(sql: psycopg.Connection, product: str, rule: str, *, deferred: bool = True) -> str:
    """A raw crash as the collector stores it, deferred (or accepted) by ``rule``."""
    crash_id = str(uuid.uuid4())
    raw = {
        "ProductName": product,
        "Version": "2.0",
        "uuid": crash_id,
        "legacy_processing": 1 if deferred else 0,
        "throttle_rate": 0 if deferred else 100,
        "metadata": {"throttle_rule": rule, "collector_notes": []},
    }
    sql.execute(
        "INSERT INTO raw_crashes (uuid, raw_crash, date_processed) VALUES (%s, %s, %s)",
        (crash_id, Jsonb(raw), WHEN),
    )
    return crash_id


def queued(sql: psycopg.Connection) -> set[str]:
    return {str(r["crash_id"]) for r in sql.execute("SELECT crash_id FROM processing_queue")}


def test_adding_the_product_queues_its_deferred_crashes(sql: psycopg.Connection) -> None:
    created(sql, 0, WHEN)
    widget = [store(sql, "WidgetPro", "everything_else") for _ in range(3)]
    gadget = store(sql, "Gadget", "everything_else")
    sampled = store(sql, "WidgetPro", "firefox")  # deferred by sampling: stays deferred
    rows = sql.execute("SELECT product_name, crashes FROM deferred_unknown_products()").fetchall()
    assert [(r["product_name"], r["crashes"]) for r in rows] == [("WidgetPro", 3), ("Gadget", 1)]
    # the partial index holds only these crashes and serves the look-up by product
    assert scalar(sql, "SELECT to_regclass('raw_crashes_deferred_product') IS NOT NULL")
    sql.execute("SET LOCAL enable_seqscan = off")
    plan = "\n".join(
        r["QUERY PLAN"]
        for r in sql.execute(
            "EXPLAIN SELECT uuid FROM raw_crashes WHERE (raw_crash->>'ProductName')::citext = 'widgetpro' "
            "AND raw_crash->>'legacy_processing' = '1' "
            "AND raw_crash->'metadata'->>'throttle_rule' = 'everything_else'"
        )
    )
    used = re.search(r"Index Scan using (\w+)", plan)
    assert used is not None, plan
    assert (
        scalar(
            sql,
            "SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = to_regclass(%s)",
            (used.group(1),),
        )
        == "raw_crashes_deferred_product"
    )
    sql.execute("RESET enable_seqscan")

    sql.execute("SELECT add_new_product('widgetpro', '2.0')")  # product names ignore case
    assert queued(sql) == set(widget)
    raws = [
        r["raw_crash"]
        for r in sql.execute("SELECT raw_crash FROM raw_crashes WHERE uuid = ANY(%s)", (widget,))
    ]
    assert {(r["legacy_processing"], r["throttle_rate"], r["metadata"]["throttle_rule"]) for r in raws} == {
        (0, 100, "registered_product_added")
    }
    rows = sql.execute("SELECT product_name, crashes FROM deferred_unknown_products()").fetchall()
    assert [(r["product_name"], r["crashes"]) for r in rows] == [("Gadget", 1)]
    assert gadget not in queued(sql) and sampled not in queued(sql)
    assert json.loads(json.dumps(raws[0]))["ProductName"] == "WidgetPro"  # the annotations are kept


def test_the_sweep_queues_crashes_deferred_after_the_product_was_added(sql: psycopg.Connection) -> None:
    created(sql, 0, WHEN)
    sql.execute("SELECT add_new_product('WidgetPro', '2.0')")
    late = store(sql, "WidgetPro", "everything_else")  # a collector that had not seen it yet
    unknown = store(sql, "Gadget", "everything_else")
    assert late not in queued(sql)
    assert scalar(sql, "SELECT queue_deferred_crashes()") == 1
    assert late in queued(sql) and unknown not in queued(sql)
    assert scalar(sql, "SELECT queue_deferred_crashes()") == 0  # queued once
