"""/status: crashes deferred because their product is not registered are counted, with what to do."""

from __future__ import annotations

import datetime as dt
import html
import uuid

import psycopg
from psycopg.types.json import Jsonb

from tests.site.conftest import SiteData, SiteServer


def test_status_counts_crashes_of_unregistered_products(site: SiteServer, site_data: SiteData) -> None:
    when = dt.datetime.combine(site_data.days[-1], dt.time(9), tzinfo=dt.UTC)
    ids = [str(uuid.uuid4()) for _ in range(2)]
    with psycopg.connect(site_data.url, autocommit=True) as conn:
        for crash_id in ids:
            raw = {
                "ProductName": "WidgetPro",
                "uuid": crash_id,
                "legacy_processing": 1,
                "throttle_rate": 0,
                "metadata": {"throttle_rule": "everything_else"},
            }
            conn.execute(
                "INSERT INTO raw_crashes (uuid, raw_crash, date_processed) VALUES (%s, %s, %s)",
                (crash_id, Jsonb(raw), when),
            )
    try:
        page = site.get("/status/?limit=17")  # a URL no other test asks for (the page is cached)
        assert page.status == 200
        text = html.unescape(page.text)
        assert "2 crashes are stored but not processed: their product is not registered" in text
        assert 'href="/admin/products/"' in page.text
        section = text[text.index('id="deferred-products"') :]
        assert "WidgetPro" in section and "<td" in section
    finally:
        with psycopg.connect(site_data.url, autocommit=True) as conn:
            conn.execute("DELETE FROM raw_crashes WHERE uuid = ANY(%s)", (ids,))
    # none deferred: no section
    assert 'id="deferred-products"' not in site.get("/status/?limit=18").text
