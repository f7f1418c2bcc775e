"""An independent computation of the report pipeline in Python, from the same input rows.

It reads only inputs (reports, raw_crashes, raw_adi, the product catalog tables) and applies
the rules as the documentation states them; none of the SQL is reused. The tests compare its
results with what the stored procedures wrote.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import psycopg

CRASH_TYPES = {  # (process type, has hang id) -> (crash_type_id, include_agg): Socorro's seed
    ("browser", False): (1, True),
    ("plugin", False): (2, True),
    ("plugin", True): (3, False),
    ("browser", True): (4, True),
    ("content", False): (5, True),
}
OS_SHORT = {"Windows": "win", "Mac OS X": "mac", "Linux": "lin", "Unknown": "unknown"}


def channel_of(raw: str | None) -> str | None:
    value = (raw or "").lower()
    if value in ("release", "default"):
        return "release"
    if value.startswith("nightly"):
        return "nightly"
    if value in ("beta", "aurora", "esr"):
        return value
    return None


def os_of(raw: str | None) -> str:
    value = (raw or "").lower()
    if value.startswith("windows"):
        return "Windows"
    if value.startswith(("mac", "darwin")):
        return "Mac OS X"
    if value.startswith("linux"):
        return "Linux"
    return "Unknown"


def numeric_build(build: str | None) -> int | None:
    build = (build or "").strip()
    return int(build) if build.isdigit() and len(build) <= 38 else None


def build_date_of(build: int | None) -> dt.date | None:
    if build is None:
        return None
    text = str(build)
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def round3(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def hadu(crashes: int, adu: int, throttle: Decimal) -> Decimal:
    if not adu:
        return Decimal("0.000")
    return round3(Decimal(crashes) * 100 / Decimal(adu) / (throttle or Decimal(1)))


def madu(crashes: int, adu: int) -> Decimal:
    if not adu:
        return Decimal("0.000")
    return round3(Decimal(crashes) * 1_000_000 / Decimal(adu))


@dataclass
class Version:
    id: int
    product: str
    version_string: str
    release_version: str
    build_type: str
    build_date: dt.date
    sunset_date: dt.date
    is_rapid_beta: bool
    rapid_beta_id: int | None
    version_sort: str
    builds: set[int] = field(default_factory=set)

    def live(self, day: dt.date) -> bool:
        return self.build_date <= day <= self.sunset_date


@dataclass
class Clean:
    uuid: str
    date_processed: dt.datetime
    version: Version
    signature: str
    os_name: str
    process_type: str
    has_hang: bool
    channel: str
    build: int | None
    uptime: int | None
    install_age: int | None
    client_crash_date: dt.datetime | None
    exploitability: str | None
    architecture: str | None
    is_gc: bool

    @property
    def day(self) -> dt.date:
        return self.date_processed.astimezone(dt.UTC).date()


class Oracle:
    def __init__(self, conn: psycopg.Connection, days: list[dt.date]) -> None:
        self.days = days
        self.versions: dict[int, Version] = {}
        for row in conn.execute("SELECT * FROM product_versions").fetchall():
            self.versions[row["product_version_id"]] = Version(
                row["product_version_id"],
                row["product_name"],
                row["version_string"],
                row["release_version"],
                row["build_type"],
                row["build_date"],
                row["sunset_date"],
                bool(row["is_rapid_beta"]),
                row["rapid_beta_id"],
                row["version_sort"],
            )
        for row in conn.execute("SELECT product_version_id, build_id FROM product_version_builds").fetchall():
            self.versions[row["product_version_id"]].builds.add(int(row["build_id"]))
        self.throttle = {
            (r["product_name"].lower(), r["build_type"]): r["throttle"]
            for r in conn.execute("SELECT product_name, build_type::text, throttle FROM product_build_types")
        }
        self.guids = {
            r["productid"].strip("{}"): r["product_name"]
            for r in conn.execute("SELECT productid, product_name FROM product_productid_map")
        }
        self.reports = conn.execute(
            "SELECT * FROM reports WHERE date_processed >= %s AND date_processed < %s ORDER BY uuid",
            (self.start(days[0]), self.start(days[-1] + dt.timedelta(days=1))),
        ).fetchall()
        self.raw = {
            str(r["uuid"]): r["raw_crash"]
            for r in conn.execute(
                "SELECT uuid, raw_crash FROM raw_crashes WHERE date_processed >= %s AND date_processed < %s",
                (self.start(days[0]), self.start(days[-1] + dt.timedelta(days=1))),
            )
        }
        self.adi = conn.execute("SELECT * FROM raw_adi WHERE date = ANY(%s)", (days,)).fetchall()
        self.signature_ids = {
            r["signature"]: r["signature_id"]
            for r in conn.execute("SELECT signature, signature_id FROM signatures")
        }
        self._clean()

    @staticmethod
    def start(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)

    # --- reports_clean ------------------------------------------------------------
    def match(self, product: str, version: str, channel: str | None, build: int | None) -> Version | None:
        if channel is None:
            return None
        candidates = [v for v in self.versions.values() if v.product.lower() == product.lower()]
        if channel == "beta":
            found = [
                v
                for v in candidates
                if v.build_type == "beta"
                and version in (v.release_version, v.version_string)
                and build in v.builds
            ]
        else:
            wanted = {version, version + "esr"} if channel == "esr" else {version}
            found = [v for v in candidates if v.build_type == channel and v.version_string in wanted]
            found.sort(key=lambda v: (v.version_string != version, v.id))
            return found[0] if found else None
        return min(found, key=lambda v: v.id) if found else None

    def _clean(self) -> None:
        self.clean: dict[str, Clean] = {}
        self.bad: set[str] = set()
        for r in self.reports:
            if r["completed_datetime"] is None:
                continue
            channel = channel_of(r["release_channel"] or r["update_channel"])
            build = numeric_build(r["build"])
            version = self.match(r["product"] or "", (r["version"] or "").strip(), channel, build)
            if version is None:
                self.bad.add(r["uuid"])
                continue
            raw = self.raw.get(r["uuid"], {})
            self.clean[r["uuid"]] = Clean(
                r["uuid"],
                r["date_processed"],
                version,
                r["signature"] or "",
                os_of(r["os_name"]),
                (r["process_type"] or "browser").lower(),
                bool(r["hangid"]),
                channel,
                build,
                r["uptime"],
                r["install_age"],
                r["client_crash_date"],
                r["exploitability"],
                r["cpu_name"],
                raw.get("IsGarbageCollecting") == "1",
            )

    def day_rows(self, day: dt.date, windowed: bool = True) -> list[Clean]:
        return [c for c in self.clean.values() if c.day == day and (not windowed or c.version.live(day))]

    # --- duplicates -----------------------------------------------------------------
    def duplicates(self) -> dict[str, str]:
        """uuid -> duplicate_of for each day's window [day, day + 1)."""
        keys = (
            "product",
            "version",
            "build",
            "signature",
            "cpu_name",
            "cpu_info",
            "os_name",
            "os_version",
            "address",
            "topmost_filenames",
            "reason",
            "app_notes",
            "url",
        )
        result: dict[str, str] = {}
        for day in self.days:
            groups: dict[tuple, list[dict]] = defaultdict(list)
            for r in self.reports:
                if r["date_processed"].astimezone(dt.UTC).date() == day:
                    groups[tuple(r[k] for k in keys)].append(r)
            for members in groups.values():
                members.sort(
                    key=lambda r: (r["client_crash_date"] is None, r["client_crash_date"] or 0, r["uuid"])
                )
                leader = members[0]
                for m in members[1:]:
                    if (
                        fuzzy(
                            leader["client_crash_date"], m["client_crash_date"], leader["uptime"], m["uptime"]
                        )
                        or (m["uptime"] is not None and m["uptime"] < 60)
                    ) and fuzzy(
                        leader["client_crash_date"],
                        m["client_crash_date"],
                        leader["install_age"],
                        m["install_age"],
                    ):
                        result.setdefault(m["uuid"], leader["uuid"])
                        result.setdefault(leader["uuid"], leader["uuid"])
        return result

    # --- ADI --------------------------------------------------------------------------
    def adi_matches(self, day: dt.date) -> list[tuple[Version | None, str, int, int | None]]:
        out = []
        for a in self.adi:
            if a["date"] != day:
                continue
            product = self.guids.get((a["product_guid"] or "").strip("{}"), a["product_name"])
            channel = channel_of(a["update_channel"])
            build = numeric_build(a["build"])
            version = a["product_version"].strip()
            found = None
            for v in sorted(self.versions.values(), key=lambda v: v.id):
                if (
                    v.product.lower() != product.lower()
                    or v.is_rapid_beta
                    or not (v.build_date <= day <= v.sunset_date + dt.timedelta(days=1))
                ):
                    continue
                if channel == "beta":
                    ok = (
                        v.build_type == "beta"
                        and version in (v.release_version, v.version_string)
                        and build in v.builds
                    )
                elif channel == "esr":
                    ok = v.build_type == "esr" and v.version_string in (version, version + "esr")
                else:
                    ok = v.build_type == channel and v.version_string == version
                if ok:
                    found = v
                    break
            out.append((found, os_of(a["product_os_platform"]), a["adi_count"], build))
        return out

    def product_adu(self, day: dt.date) -> dict[tuple[int, str], int]:
        result: dict[tuple[int, str], int] = Counter()
        for version, os_name, count, _ in self.adi_matches(day):
            if version is not None:
                result[(version.id, os_name)] += count
        for v in self.versions.values():
            live = v.build_date <= day <= v.sunset_date + dt.timedelta(days=1)
            if not v.is_rapid_beta and live and not any(key[0] == v.id for key in result):
                result[(v.id, "Unknown")] = 0
        return dict(result)

    def build_adu(self, day: dt.date) -> dict[tuple[int, dt.date, str], int]:
        result: dict[tuple[int, dt.date, str], int] = Counter()
        for version, os_name, count, build in self.adi_matches(day):
            bdate = build_date_of(build) if build is not None and build >= 10**9 else None
            if version is None or bdate is None or not (bdate <= day <= bdate + dt.timedelta(days=6)):
                continue
            if version.build_type in ("nightly", "aurora") or version.rapid_beta_id:
                result[(version.rapid_beta_id or version.id, bdate, os_name)] += count
        return dict(result)

    # --- aggregates -----------------------------------------------------------------------
    def parent_of(self, v: Version) -> Version | None:
        return self.versions[v.rapid_beta_id] if v.rapid_beta_id else None

    def tcbs(self, day: dt.date) -> dict[tuple, tuple]:
        counts: dict[tuple, list[int]] = defaultdict(lambda: [0] * 7)
        for c in self.day_rows(day):
            targets = [c.version] + ([self.parent_of(c.version)] if c.version.rapid_beta_id else [])
            for target in targets:
                key = (self.signature_ids[c.signature], target.id, c.process_type, c.channel)
                row = counts[key]
                row[0] += 1
                row[1] += c.os_name == "Windows"
                row[2] += c.os_name == "Mac OS X"
                row[3] += c.os_name == "Linux"
                row[4] += c.has_hang
                row[5] += c.uptime is not None and c.uptime < 60
                row[6] += c.is_gc
        return {k: tuple(v) for k, v in counts.items()}

    def build_rows(self, day: dt.date) -> list[tuple[Clean, Version, dt.date]]:
        """(crash, version it counts under, build date) for the per-build-date reports."""
        out = []
        for c in self.day_rows(day):
            v = c.version
            if not (v.build_type in ("nightly", "aurora") or v.rapid_beta_id):
                continue
            bdate = build_date_of(c.build)
            if bdate is None or not (bdate <= day <= bdate + dt.timedelta(days=6)):
                continue
            out.append((c, self.parent_of(v) or v, bdate))
        return out

    def tcbs_build(self, day: dt.date) -> dict[tuple, tuple]:
        counts: dict[tuple, list[int]] = defaultdict(lambda: [0] * 7)
        for c, target, bdate in self.build_rows(day):
            v = c.version
            if v.build_type in ("nightly", "aurora") and not (
                (v.version_string.endswith("a1") and v.build_type == "nightly")
                or (v.version_string.endswith("a2") and v.build_type == "aurora")
            ):
                continue
            row = counts[(self.signature_ids[c.signature], bdate, target.id, c.process_type, c.channel)]
            row[0] += 1
            row[1] += c.os_name == "Windows"
            row[2] += c.os_name == "Mac OS X"
            row[3] += c.os_name == "Linux"
            row[4] += c.has_hang
            row[5] += c.uptime is not None and c.uptime < 60
            row[6] += c.is_gc
        return {k: tuple(v) for k, v in counts.items()}

    def crashes_by_user(self, day: dt.date) -> dict[tuple[int, str, int], tuple[int, int]]:
        adu: dict[tuple[int, str], int] = self.product_adu(day)
        counts: Counter = Counter()
        for c in self.day_rows(day):
            crash_type = CRASH_TYPES.get((c.process_type, c.has_hang))
            if crash_type:
                counts[(c.version.id, c.os_name, crash_type[0])] += 1
        keys = set(counts) | {(vid, os_name, ct) for (vid, os_name) in adu for ct, _ in CRASH_TYPES.values()}
        rows = {
            (vid, OS_SHORT[os_name], ct): (counts.get((vid, os_name, ct), 0), adu.get((vid, os_name), 0))
            for vid, os_name, ct in keys
        }
        parents: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        for (vid, os_short, ct), (n, a) in rows.items():
            v = self.versions[vid]
            if v.rapid_beta_id:
                parents[(v.rapid_beta_id, os_short, ct)][0] += n
                parents[(v.rapid_beta_id, os_short, ct)][1] += a
        rows.update({k: tuple(v) for k, v in parents.items()})
        return rows

    def home_page_graph(self, day: dt.date) -> dict[int, tuple[int, int, Decimal]]:
        adu: Counter = Counter()
        for (vid, _), count in self.product_adu(day).items():
            adu[vid] += count
        counts: Counter = Counter()
        for c in self.day_rows(day):
            crash_type = CRASH_TYPES.get((c.process_type, c.has_hang))
            if crash_type and crash_type[1]:
                counts[c.version.id] += 1
        rows = {}
        for vid in set(adu) | set(counts):
            v = self.versions[vid]
            rows[vid] = (
                counts[vid],
                adu[vid],
                hadu(counts[vid], adu[vid], self.throttle[(v.product.lower(), v.build_type)]),
            )
        parents: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for vid, (n, a, _) in rows.items():
            v = self.versions[vid]
            if v.rapid_beta_id:
                parents[v.rapid_beta_id][0] += n
                parents[v.rapid_beta_id][1] += a
        for pid, (n, a) in parents.items():
            p = self.versions[pid]
            rows[pid] = (n, a, hadu(n, a, self.throttle[(p.product.lower(), "beta")]))
        return rows

    def home_page_graph_build(self, day: dt.date) -> dict[tuple[int, dt.date], tuple[int, int]]:
        adu: Counter = Counter()
        for (vid, bdate, _), count in self.build_adu(day).items():
            adu[(vid, bdate)] += count
        counts: Counter = Counter()
        for c, target, bdate in self.build_rows(day):
            crash_type = CRASH_TYPES.get((c.process_type, c.has_hang))
            if crash_type and crash_type[1]:
                counts[(target.id, bdate)] += 1
        return {k: (counts[k], adu[k]) for k in set(adu) | set(counts)}

    def crashes_by_user_build(self, day: dt.date) -> dict[tuple, tuple[int, int]]:
        adu = self.build_adu(day)
        counts: Counter = Counter()
        for c, target, bdate in self.build_rows(day):
            crash_type = CRASH_TYPES.get((c.process_type, c.has_hang))
            if crash_type:
                counts[(target.id, bdate, c.os_name, crash_type[0])] += 1
        keys = set(counts) | {
            (vid, bdate, os_name, ct) for (vid, bdate, os_name) in adu for ct, _ in CRASH_TYPES.values()
        }
        return {
            (vid, bdate, OS_SHORT[os_name], ct): (
                counts.get((vid, bdate, os_name, ct), 0),
                adu.get((vid, bdate, os_name), 0),
            )
            for vid, bdate, os_name, ct in keys
        }

    def per_signature(self, day: dt.date, category: Any = None) -> Counter:
        """Crash counts per (signature_id, version incl. rapid-beta parents[, category(crash)])."""
        counts: Counter = Counter()
        for c in self.day_rows(day):
            cat = category(c) if category else None
            if category and cat is None:
                continue
            for target in [c.version] + ([self.parent_of(c.version)] if c.version.rapid_beta_id else []):
                key = (self.signature_ids[c.signature], target.id) + ((cat,) if category else ())
                counts[key] += 1
        return counts

    def exploitability(self, day: dt.date) -> dict[tuple[int, int], tuple[int, ...]]:
        buckets = ("none", "low", "medium", "high")
        rows: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0] * 5)
        for (sig, vid, rating), n in self.per_signature(
            day,
            lambda c: (
                (c.exploitability or "").lower() if (c.exploitability or "").lower() in buckets else "null"
            ),
        ).items():
            rows[(sig, vid)][["null", *buckets].index(rating)] += n
        return {k: tuple(v) for k, v in rows.items()}

    def installations(self, day: dt.date) -> dict[tuple[int, int], tuple[int, int]]:
        crashes: Counter = Counter()
        installs: dict[tuple[int, int], set] = defaultdict(set)
        for c in self.day_rows(day):
            for target in [c.version] + ([self.parent_of(c.version)] if c.version.rapid_beta_id else []):
                key = (self.signature_ids[c.signature], target.id)
                crashes[key] += 1
                if c.client_crash_date is not None and c.install_age is not None:
                    installs[key].add(c.client_crash_date - dt.timedelta(seconds=c.install_age))
        return {k: (n, len(installs[k])) for k, n in crashes.items()}

    def rank_compare(self, day: dt.date) -> dict[tuple[int, int], tuple[int, int, int]]:
        counts = self.per_signature(day)
        by_version: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for (sig, vid), n in counts.items():
            by_version[vid].append((sig, n))
        result = {}
        for vid, items in by_version.items():
            total = sum(n for _, n in items)
            distinct = sorted({n for _, n in items}, reverse=True)
            for sig, n in items:
                result[(vid, sig)] = (n, total, distinct.index(n) + 1)
        return result

    def gccrashes(self, day: dt.date) -> dict[tuple[int, int], tuple[int, int]]:
        adu: Counter = Counter()
        for (vid, bdate, _), count in self.build_adu(day).items():
            adu[(vid, bdate)] += count
        gc: Counter = Counter()
        for c in self.day_rows(day):
            bdate = build_date_of(c.build)
            if (
                c.version.build_type != "nightly"
                or c.build is None
                or c.build < 10**9
                or bdate is None
                or not (bdate <= day <= bdate + dt.timedelta(days=6))
            ):
                continue
            gc[(c.version.id, c.build)] += c.is_gc
        return {k: (n, adu[(k[0], build_date_of(k[1]))]) for k, n in gc.items()}

    def explosiveness(self, day: dt.date, tcbs_by_day: dict[dt.date, dict], adu_by_day: dict[dt.date, dict]):
        """oneday/threeday per (version, signature) from tcbs and product_adu rows of 10 days."""
        dates = [day - dt.timedelta(days=i) for i in range(9, -1, -1)]
        adu: dict[tuple[dt.date, int], int] = Counter()
        for d in dates:
            for (vid, _), n in adu_by_day.get(d, {}).items():
                adu[(d, vid)] += n
                parent = self.versions[vid].rapid_beta_id
                if parent:
                    adu[(d, parent)] += n
        rates: dict[tuple[int, int], dict[dt.date, tuple[Decimal, Decimal]]] = defaultdict(dict)
        for d in dates:
            crashes: Counter = Counter()
            for (sig, vid, _, _), row in tcbs_by_day.get(d, {}).items():
                crashes[(vid, sig)] += row[0]
            for (vid, sig), n in crashes.items():
                if adu.get((d, vid), 0) > 0:
                    rates[(vid, sig)][d] = (madu(n, adu[(d, vid)]), Decimal(30_000_000) / adu[(d, vid)])
        result = {}
        for key, by_date in rates.items():
            series = [by_date.get(d, (Decimal(0), Decimal(0))) for d in dates]
            rate = [r for r, _ in series]
            today, today_div = series[-1]
            oneday = threeday = None
            if today > 10:
                prev = rate[:9]
                avg9 = sum(prev) / 9
                oneday = ((today - avg9) / max(max(prev) - avg9, today_div)).quantize(
                    Decimal("0.01"), ROUND_HALF_UP
                )
            avg3 = sum(rate[-3:]) / 3
            if avg3 > 10:
                prev7 = rate[:7]
                div3 = sum(d for _, d in series[-3:]) / 3
                sd = Decimal(statistics.stdev([float(x) for x in prev7]))
                threeday = ((avg3 - sum(prev7) / 7) / max(sd, div3)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if oneday is not None or threeday is not None:
                result[key] = (oneday, threeday)
        return result


def fuzzy(date1, date2, secs1, secs2) -> bool:
    if secs1 is None or secs2 is None:
        return True
    if secs1 < 0 or secs2 < 0:
        return False
    if date1 is None or date2 is None:
        return True
    return abs((date2 - date1).total_seconds() - (secs2 - secs1)) <= 60


def crash_adu_by_build_signature(oracle: Oracle, day: dt.date) -> dict[tuple, tuple[int, int]]:
    """(product, channel, build date, build id or None, OS, signature id) -> (crashes, ADI)."""
    adu = oracle.build_adu(day)
    crashes: Counter = Counter()
    seen_adu_keys = set()
    for c, target, bdate in oracle.build_rows(day):
        if c.build is None or c.build < 10**7:
            continue
        crashes[(target.id, bdate, c.build, c.os_name, oracle.signature_ids[c.signature])] += 1
        seen_adu_keys.add((target.id, bdate, c.os_name))
    rows: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for (vid, bdate, build, os_name, sig), n in crashes.items():
        v = oracle.versions[vid]
        key = (v.product, v.build_type, bdate, build, os_name, sig)
        rows[key][0] += n
        rows[key][1] += adu.get((vid, bdate, os_name), 0)
    for (vid, bdate, os_name), n in adu.items():
        if (vid, bdate, os_name) not in seen_adu_keys:
            v = oracle.versions[vid]
            rows[(v.product, v.build_type, bdate, None, os_name, 0)][1] += n
    return {k: tuple(v) for k, v in rows.items()}
