"""signature-alerts: after the daily reports, tell people about signatures that are new in a
product's top crashers or that explode (Socorro had no alerting of its own).

For yesterday, the SQL function ``signature_alerts_collect`` raises the alerts (new in the top
``CRASHSTATS_ALERT_TOP_N`` of tcbs; explosiveness at or above
``CRASHSTATS_ALERT_EXPLOSIVE_THRESHOLD``) into signature_alerts. Then each webhook of
``CRASHSTATS_ALERT_WEBHOOKS`` (``json:URL``, ``slack:URL``, ``matrix:URL``; a bare URL is json)
receives one message per product with the alerts it has not received yet; each accepted
message is recorded at once (``signature_alerts_delivered``), so an alert reaches a webhook once
even when another webhook fails and the run is retried.

Message bodies:

* json: ``{"product", "alerts": [{"date", "kind", "signature", ...details}], "text"}``;
* slack: ``{"text": ...}`` (Slack incoming webhooks, Mattermost, Rocket.Chat, Discord's /slack);
* matrix: ``{"msgtype": "m.text", "body", "format": "org.matrix.custom.html", "formatted_body",
  "text", "html"}`` (Matrix hookshot generic webhooks read text/html; the m.room.message
  fields are there for bridges that post the event as is).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import itertools
import logging
from dataclasses import dataclass
from typing import Any

from jobs.base import CronApp, JobRun, yesterday
from jobs.http import FetchError, post_json, safe_url
from pyapp.config import Config
from pyapp.errors import ConfigError

log = logging.getLogger(__name__)

KINDS = ("json", "slack", "matrix")
#: alerts older than this are not sent to a webhook that missed them (e.g. added later)
RESEND_WINDOW = dt.timedelta(days=7)


@dataclass(frozen=True)
class Webhook:
    kind: str
    url: str

    @property
    def target(self) -> str:
        """How deliveries name this webhook: its kind and a hash of the URL (URLs hold tokens)."""
        return f"{self.kind}:{hashlib.sha256(self.url.encode()).hexdigest()[:16]}"

    @property
    def name(self) -> str:
        return f"{self.kind} webhook {safe_url(self.url)}"


def parse_webhooks(config: Config) -> list[Webhook]:
    hooks = []
    for item in config["CRASHSTATS_ALERT_WEBHOOKS"]:
        kind, sep, rest = item.partition(":")
        if sep and kind in KINDS and rest.startswith(("http://", "https://")):
            hooks.append(Webhook(kind, rest))
        elif item.startswith(("http://", "https://")):
            hooks.append(Webhook("json", item))
        else:
            raise ConfigError(
                f"CRASHSTATS_ALERT_WEBHOOKS: {item!r}: expected [json:|slack:|matrix:]http(s)://..."
            )
    return hooks


@dataclass(frozen=True)
class Alert:
    alert_id: int
    report_date: dt.date
    product_name: str
    signature: str
    kind: str
    details: dict[str, Any]

    def summary(self) -> str:
        d = self.details
        versions = ", ".join(d.get("versions") or [])
        if self.kind == "new_top_crasher":
            return (
                f"new in the top {d.get('top_n')} crashers: #{d.get('rank')}, {d.get('report_count')} crashes"
                + (f" ({versions})" if versions else "")
            )
        return f"explosive: one-day {_score(d.get('oneday'))}, three-day {_score(d.get('threeday'))}" + (
            f" ({versions})" if versions else ""
        )


def _score(value: Any) -> str:
    return "-" if value is None else f"{float(value):.2f}"


def render(kind: str, product: str, alerts: list[Alert]) -> dict[str, Any]:
    """The message body for one product's alerts, in the webhook's format."""
    days = sorted({a.report_date for a in alerts})
    when = days[0].isoformat() if len(days) == 1 else f"{days[0].isoformat()} to {days[-1].isoformat()}"
    title = f"{product}: {len(alerts)} signature alert{'s' if len(alerts) != 1 else ''} for {when}"
    plain = "\n".join([title, *(f"- {a.signature}: {a.summary()}" for a in alerts)])
    if kind == "slack":

        def esc(text: str) -> str:
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

        def code(text: str) -> str:
            return "`" + esc(text).replace("`", "'") + "`"

        lines = [f"*{esc(title)}*", *(f"• {code(a.signature)} {esc(a.summary())}" for a in alerts)]
        return {"text": "\n".join(lines)}
    if kind == "matrix":
        items = "".join(
            f"<li><code>{html.escape(a.signature)}</code> {html.escape(a.summary())}</li>" for a in alerts
        )
        rich = f"<p><strong>{html.escape(title)}</strong></p><ul>{items}</ul>"
        return {
            "msgtype": "m.text",
            "body": plain,
            "format": "org.matrix.custom.html",
            "formatted_body": rich,
            "text": plain,
            "html": rich,
        }
    return {
        "product": product,
        "alerts": [
            {"date": a.report_date.isoformat(), "kind": a.kind, "signature": a.signature, **a.details}
            for a in alerts
        ],
        "text": plain,
    }


class AlertDeliveryError(Exception):
    """Some webhook refused or could not be reached (the others got their messages)."""


class SignatureAlertsCronApp(CronApp):
    app_name = "signature-alerts"
    backfill = True
    depends_on = ("tcbs-matview", "explosiveness-matview")
    procedures = ("signature_alerts_collect", "signature_alerts_pending", "signature_alerts_delivered")
    required_settings = ("CRASHSTATS_ALERT_WEBHOOKS",)

    def describe(self, when: dt.datetime) -> str:
        top = self.config["CRASHSTATS_ALERT_TOP_N"]
        threshold = self.config["CRASHSTATS_ALERT_EXPLOSIVE_THRESHOLD"]
        return (
            f"signature_alerts_collect('{yesterday(when).isoformat()}', {top}, {threshold});"
            " post new alerts to the webhooks"
        )

    def run(self, run: JobRun) -> None:
        day = yesterday(run.when)
        hooks = parse_webhooks(self.config)
        timeout = float(self.config["CRASHSTATS_HTTP_TIMEOUT"])
        with run.db.transaction() as conn:  # committed now: deliveries refer to these alerts
            new = conn.execute(
                "SELECT signature_alerts_collect(%(day)s, %(top)s::integer, %(threshold)s::numeric) AS n",
                {
                    "day": day,
                    "top": int(self.config["CRASHSTATS_ALERT_TOP_N"]),
                    "threshold": float(self.config["CRASHSTATS_ALERT_EXPLOSIVE_THRESHOLD"]),
                },
            ).fetchone()
        run.notice(f"{new['n'] if new else 0} new signature alerts for {day.isoformat()}")
        failures = []
        since = day - RESEND_WINDOW
        for hook in hooks:
            rows = run.db.fetch_all(
                "SELECT * FROM signature_alerts_pending(%(target)s, %(since)s)",
                target=hook.target,
                since=since,
            )
            alerts = [Alert(**row) for row in rows]
            for product, group in itertools.groupby(alerts, key=lambda a: a.product_name):
                batch = list(group)
                try:
                    post_json(hook.url, render(hook.kind, product, batch), timeout=timeout)
                except FetchError as exc:
                    failures.append(f"{hook.name}: {exc}")
                    break
                run.db.fetch_value(
                    "SELECT signature_alerts_delivered(%(target)s, %(ids)s)",
                    target=hook.target,
                    ids=[a.alert_id for a in batch],
                )
                run.notice(f"sent {len(batch)} alerts for {product} to {hook.name}")
        if failures:
            raise AlertDeliveryError("; ".join(failures))
