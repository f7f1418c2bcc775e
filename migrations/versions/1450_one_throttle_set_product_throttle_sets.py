"""one throttle: set_product_throttle sets product_build_types and re-scales stored rates

A product channel has one throttle, product_build_types.throttle, which the reports divide by.
set_product_throttle(product, channel, throttle) sets it (the release admin's throttle and
throttle form call it; set_release_throttle, which wrote product_release_channels that no report
reads, now calls it), keeps product_release_channels equal to it, re-scales the stored
home_page_graph.crash_hadu of that channel's versions and bumps the cache generation.
product_release_channels is made equal to product_build_types here, so the reports do not change.

Revision ID: 1450
Revises: 1440
"""

from typing import Any

from pyapp import schema

revision = "1450"
down_revision = "1440"
branch_labels = None
depends_on = None

FILES = [
    "functions/set_product_throttle.sql",
    "functions/set_release_throttle.sql",
    "tables/product_release_channels.sql",
]

ALTERED = ["tables/product_release_channels.sql"]

COMMENT_NOW = (
    "COMMENT ON TABLE product_release_channels IS 'Fraction of crashes the collector keeps per product and "
    "channel (1.0 = all): a copy of product_build_types.throttle (set_product_throttle keeps them equal), "
    "kept for Socorro''s scripts; no report reads it.'"
)
COMMENT_BEFORE = (
    "COMMENT ON TABLE product_release_channels IS 'Fraction of crashes the collector keeps per product and "
    "channel (1.0 = all). Superseded by product_build_types; kept for the product_info view.'"
)
# the throttle the reports used until now is product_build_types'; the older table follows it
SYNC = (
    "UPDATE product_release_channels prc SET throttle = pbt.throttle"
    "  FROM product_build_types pbt"
    " WHERE pbt.product_name = prc.product_name AND pbt.build_type::text = lower(prc.release_channel::text)"
    "   AND prc.throttle IS DISTINCT FROM pbt.throttle"
)


def _execute(op: Any, *statements: str) -> None:
    conn = op.get_bind().connection.dbapi_connection
    for statement in statements:
        conn.execute(statement)


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES, altered=ALTERED)
    _execute(op, COMMENT_NOW, SYNC)


def downgrade() -> None:
    from alembic import op

    # the synchronised throttles stay: they were what the reports used
    schema.downgrade_files(op, revision, FILES, altered=ALTERED)
    _execute(op, COMMENT_BEFORE)
