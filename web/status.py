"""The status page (``/status``): the processing pipeline's snapshots (:func:`web.pages.server_status`)
and the crashes the collector stored without processing them because their product is not
registered (``deferred_unknown_products()``), with what to do about them: add the product
(they are then queued at once, by the ``products`` trigger)."""

from __future__ import annotations

from pyapp.queries import QUERIES
from web import pages
from web.framework import Ctx, Page


def server_status(ctx: Ctx) -> Page:
    page = pages.server_status(ctx)
    deferred = ctx.rows(QUERIES["web_deferred_unknown_products"])
    page.data["deferred_products"] = deferred
    page.data["deferred_crashes"] = sum(r["crashes"] for r in deferred)
    return page
