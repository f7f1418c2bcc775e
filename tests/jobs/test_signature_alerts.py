"""signature-alerts: new top crashers and explosive signatures, posted once to each webhook
(generic JSON, Slack- and Matrix-compatible text) on a local HTTP receiver.

The rows go into the report pipeline's own tcbs and explosiveness tables.
"""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from jobs.signature_alerts import parse_webhooks
from pyapp.errors import ConfigError
from tests.jobs.conftest import Reply, utc

DAY = dt.date(2026, 3, 9)

SIGNATURES = ["sig A", "sig B", "sig C", "sig D", "sig E", "X <y> & `z`"]


def setup_reports(url: str) -> None:
    """KillerApp has a week of history (A, B, C on top) and on DAY two new top-3 signatures (D, and E
    on a rapid beta, whose parent row must not be counted twice); OtherApp has no history and one
    explosive signature."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO products (product_name, sort, release_name) VALUES"
            " ('KillerApp', 1, 'killerapp'), ('OtherApp', 2, 'otherapp')"
        )
        versions = {}
        for product, version, rapid_parent in (
            ("KillerApp", "1.0", None),
            ("KillerApp", "2.0b", None),
            ("KillerApp", "2.0b1", "2.0b"),
            ("OtherApp", "5.0", None),
        ):
            versions[version] = conn.execute(
                "INSERT INTO product_versions (product_name, major_version, release_version, version_string,"
                " build_date, sunset_date, rapid_beta_id, is_rapid_beta)"
                " VALUES (%s, %s, %s, %s, '2026-01-01', '2026-12-31', %s, %s) RETURNING product_version_id",
                (product, version[:3], version, version, versions.get(rapid_parent), version == "2.0b"),
            ).fetchone()[0]
        sig = {
            name: conn.execute(
                "INSERT INTO signatures (signature) VALUES (%s) RETURNING signature_id", (name,)
            ).fetchone()[0]
            for name in SIGNATURES
        }

        def tcbs(day: dt.date, version: str, name: str, count: int) -> None:
            conn.execute(
                "INSERT INTO tcbs (signature_id, report_date, product_version_id, process_type,"
                " release_channel,"
                " report_count, win_count, mac_count, lin_count, hang_count, startup_count, is_gc_count,"
                " build_type) VALUES (%s, %s, %s, 'Browser', 'release', %s, %s, 0, 0, 0, 0, 0, 'release')",
                (sig[name], day, versions[version], count, count),
            )

        for back in range(1, 8):
            for name, count in (("sig A", 100), ("sig B", 50), ("sig C", 10)):
                tcbs(DAY - dt.timedelta(days=back), "1.0", name, count)
        for version, name, count in (
            ("1.0", "sig A", 100),
            ("1.0", "sig B", 50),
            ("1.0", "sig D", 80),
            ("2.0b1", "sig E", 60),
            ("2.0b", "sig E", 60),  # the rapid-beta parent repeats its child
            ("5.0", "X <y> & `z`", 30),
        ):
            tcbs(DAY, version, name, count)
        conn.execute(
            "INSERT INTO explosiveness (product_version_id, signature_id, last_date, oneday, threeday)"
            " VALUES (%s, %s, %s, 5.25, 1.5), (%s, %s, %s, 1.0, 0.5)",
            (versions["5.0"], sig["X <y> & `z`"], DAY, versions["1.0"], sig["sig A"], DAY),
        )


def test_collect_raises_each_alert_once(runner_db: str) -> None:
    setup_reports(runner_db)
    with psycopg.connect(runner_db, autocommit=True) as conn:
        assert conn.execute("SELECT signature_alerts_collect(%s, 3, 3)", (DAY,)).fetchone() == (3,)
        assert conn.execute("SELECT signature_alerts_collect(%s, 3, 3)", (DAY,)).fetchone() == (0,)
        rows = conn.execute(
            "SELECT product_name::text, signature, kind, details FROM signature_alerts ORDER BY alert_id"
        ).fetchall()
        # the next day, the same explosive signature is not alerted again
        conn.execute(
            "INSERT INTO explosiveness (product_version_id, signature_id, last_date, oneday, threeday)"
            " SELECT product_version_id, signature_id, last_date + 1, oneday, threeday FROM explosiveness"
        )
        assert conn.execute(
            "SELECT signature_alerts_collect(%s, 3, 3)", (DAY + dt.timedelta(days=1),)
        ).fetchone() == (0,)
    assert rows == [
        (
            "KillerApp",
            "sig D",
            "new_top_crasher",
            {"rank": 2, "top_n": 3, "versions": ["1.0"], "report_count": 80},
        ),
        (
            "KillerApp",
            "sig E",
            "new_top_crasher",
            {"rank": 3, "top_n": 3, "versions": ["2.0b1"], "report_count": 60},
        ),
        (
            "OtherApp",
            "X <y> & `z`",
            "explosive",
            {"oneday": 5.25, "threeday": 1.5, "versions": ["5.0"], "threshold": 3},
        ),
    ]


def test_webhooks_get_one_message_per_product_once(harness, http_server) -> None:
    received: dict[str, list] = {"json": [], "slack": [], "matrix": []}
    failing = {"matrix"}

    def receive(request):
        kind = request.path.strip("/")
        if kind in failing:
            return Reply(503, "try later")
        received[kind].append(request.json())
        return Reply(200, "ok")

    server = http_server(receive)
    hooks = f"json:{server.url}/json,slack:{server.url}/slack,matrix:{server.url}/matrix?access_token=secret"
    start = utc(2026, 3, 10, 7, 30)
    h = harness(
        "jobs.signature_alerts.SignatureAlertsCronApp|1d|07:30",
        start,
        CRASHSTATS_ALERT_WEBHOOKS=hooks,
        CRASHSTATS_ALERT_TOP_N=3,
    )
    setup_reports(h.url)

    [outcome] = h.tick()
    assert outcome.status == "failed"
    assert outcome.message == (
        f"jobs.signature_alerts.AlertDeliveryError: matrix webhook {server.url}/matrix: "
        f"{server.url}/matrix: HTTP 503 Service Unavailable"
    )
    assert "secret" not in h.log("signature-alerts")[0]["exc_value"]
    assert [m["product"] for m in received["json"]] == ["KillerApp", "OtherApp"]
    assert received["json"][0]["alerts"] == [
        {
            "date": "2026-03-09",
            "kind": "new_top_crasher",
            "signature": "sig D",
            "rank": 2,
            "report_count": 80,
            "versions": ["1.0"],
            "top_n": 3,
        },
        {
            "date": "2026-03-09",
            "kind": "new_top_crasher",
            "signature": "sig E",
            "rank": 3,
            "report_count": 60,
            "versions": ["2.0b1"],
            "top_n": 3,
        },
    ]
    assert received["json"][0]["text"] == (
        "KillerApp: 2 signature alerts for 2026-03-09\n"
        "- sig D: new in the top 3 crashers: #2, 80 crashes (1.0)\n"
        "- sig E: new in the top 3 crashers: #3, 60 crashes (2.0b1)"
    )
    assert received["slack"][1] == {
        "text": "*OtherApp: 1 signature alert for 2026-03-09*\n"
        "• `X &lt;y&gt; &amp; 'z'` explosive: one-day 5.25, three-day 1.50 (5.0)"
    }
    assert received["matrix"] == []

    # retried five minutes later: only the webhook that missed the alerts gets them
    failing.clear()
    h.clock.advance(dt.timedelta(minutes=5))
    [outcome] = h.tick()
    assert outcome.status == "ran", outcome.message
    assert [len(received[k]) for k in ("json", "slack", "matrix")] == [2, 2, 2]
    other = received["matrix"][1]
    assert other["msgtype"] == "m.text" and other["format"] == "org.matrix.custom.html"
    assert (
        other["body"]
        == other["text"]
        == (
            "OtherApp: 1 signature alert for 2026-03-09\n"
            "- X <y> & `z`: explosive: one-day 5.25, three-day 1.50 (5.0)"
        )
    )
    assert (
        other["formatted_body"]
        == other["html"]
        == (
            "<p><strong>OtherApp: 1 signature alert for 2026-03-09</strong></p>"
            "<ul><li><code>X &lt;y&gt; &amp; `z`</code>"
            " explosive: one-day 5.25, three-day 1.50 (5.0)</li></ul>"
        )
    )
    assert h.log("signature-alerts")[-1]["notices"] == [
        "0 new signature alerts for 2026-03-09",
        f"sent 2 alerts for KillerApp to matrix webhook {server.url}/matrix",
        f"sent 1 alerts for OtherApp to matrix webhook {server.url}/matrix",
    ]

    # the next day brings nothing new: nobody hears anything
    h.clock.set(utc(2026, 3, 11, 7, 30))
    [outcome] = h.tick()
    assert outcome.status == "ran"
    assert [len(received[k]) for k in ("json", "slack", "matrix")] == [2, 2, 2]
    deliveries = h.sql(
        "SELECT count(*) AS n, count(DISTINCT target) AS targets FROM signature_alert_deliveries"
    )
    assert deliveries == [{"n": 9, "targets": 3}]
    targets = h.sql("SELECT DISTINCT target FROM signature_alert_deliveries ORDER BY 1")
    assert all("secret" not in r["target"] and server.url not in r["target"] for r in targets)


def test_a_bad_webhook_setting_is_refused(make_config) -> None:
    hooks = parse_webhooks(
        make_config(CRASHSTATS_ALERT_WEBHOOKS="https://a.example/x, slack:http://b.example/y")
    )
    assert [(h.kind, h.url) for h in hooks] == [
        ("json", "https://a.example/x"),
        ("slack", "http://b.example/y"),
    ]
    with pytest.raises(ConfigError, match="expected \\[json:\\|slack:\\|matrix:\\]http"):
        parse_webhooks(make_config(CRASHSTATS_ALERT_WEBHOOKS="teams:https://c.example/z"))
