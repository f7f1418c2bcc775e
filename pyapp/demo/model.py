"""What demo data looks like: products, builds, Active Daily Installs and crashes.

Everything is a pure function of a seed and the dates, so ``crashstats demo generate --seed 7``
gives the same crashes (and crash IDs) every time. Nothing here touches the database; see
:mod:`pyapp.demo.load` for that, and keep it so: issue 11 will submit the same crashes through
the collector and processor instead of writing them with COPY.

The catalog has 5 products and 40 product versions (rapid-beta parents included) over every
channel, with rapid betas (KillerApp, NightTrain, FennecAndroid), ESR (WaterWolf,
Thunderbolt), a release throttle of 10 % (WaterWolf), a product without ADI (Thunderbolt) and
one whose ADI arrives under another name and is mapped through its application GUID
(FennecAndroid, reported as "Fennec"). Crashes come from Windows, Mac OS X and Linux, their
signatures follow a Zipf law over a pool of C++-style names (``std::vector<int>::at``,
``operator<<``, ``A & B``: characters that must be escaped in HTML), and they include hang
pairs, garbage-collection crashes, exploitability ratings, a rising "explosive" signature,
duplicates, unmatchable crashes (unknown version, beta from an unknown build) and private data
carrying unique markers (:data:`PII_MARKER`) that a leak test can search pages for.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pyapp.crashid import ACCEPT, create_crash_id
from pyapp.demo import stacks

#: every email, URL and comment marker starts with this; no other demo text contains it
PII_MARKER = "piimarker"
PII_DOMAIN = "crashstats-demo.invalid"

CHANNEL_RATE = {"release": 1.0, "esr": 0.6, "beta": 2.0, "aurora": 3.0, "nightly": 4.0}


@dataclass(frozen=True)
class ProductSpec:
    """A product as add_new_product sees it, plus how much it is used."""

    name: str
    release_name: str
    guid: str
    initversion: str
    release_throttle: float
    rapid_beta_version: float
    oses: tuple[str, ...]
    adi_scale: int
    has_adi: bool = True
    adi_product_name: str | None = None  # the name raw ADI rows carry (mapped back by GUID)


@dataclass(frozen=True)
class Build:
    """One build of a release (a releases_raw row per platform)."""

    product: str
    version: str  # as releases_raw holds it: '41.0' for a beta, '43.0a1', '31.5.0esr'
    channel: str
    build_id: int
    build_date: dt.date
    beta_number: int | None = None
    weight: float = 1.0  # share of the version's users

    @property
    def version_string(self) -> str:
        if self.channel == "beta" and self.beta_number:
            return f"{self.version}b{self.beta_number}"
        return self.version


@dataclass(frozen=True)
class Version:
    """A product version string and the builds behind it."""

    product: str
    version_string: str
    channel: str
    weight: float
    builds: tuple[Build, ...]

    @property
    def build_date(self) -> dt.date:
        return min(b.build_date for b in self.builds)

    def live_builds(self, day: dt.date) -> list[Build]:
        return [b for b in self.builds if b.build_date <= day]


@dataclass
class Catalog:
    products: list[ProductSpec]
    versions: list[Version]
    featured: dict[str, list[str]]
    first_day: dt.date
    last_day: dt.date

    def product(self, name: str) -> ProductSpec:
        return next(p for p in self.products if p.name == name)

    @property
    def builds(self) -> list[Build]:
        return [b for v in self.versions for b in v.builds]


@dataclass
class Crash:
    """One crash as the processor would leave it: the reports row fields plus the raw crash."""

    uuid: str
    date_processed: dt.datetime
    client_crash_date: dt.datetime
    product: str
    version: str
    build: str
    release_channel: str
    productid: str
    signature: str
    reason: str
    address: str
    os_name: str
    os_version: str
    cpu_name: str
    cpu_info: str
    uptime: int
    install_age: int
    last_crash: int | None
    process_type: str | None
    hangid: str | None
    flash_version: str | None
    exploitability: str | None
    email: str | None
    url: str | None
    user_comments: str | None
    app_notes: str | None
    topmost_filenames: str | None
    raw_crash: dict[str, Any] = field(repr=False)

    @property
    def completed_datetime(self) -> dt.datetime:
        return self.date_processed + dt.timedelta(seconds=3)

    @property
    def started_datetime(self) -> dt.datetime:
        return self.date_processed + dt.timedelta(seconds=1)

    def processed_crash(self) -> dict[str, Any]:
        """A minimal processed crash document (the fields reports and the web read)."""
        return {
            "uuid": self.uuid,
            "crash_id": self.uuid,
            "signature": self.signature,
            "product": self.product,
            "version": self.version,
            "build": self.build,
            "release_channel": self.release_channel,
            "os_name": self.os_name,
            "os_version": self.os_version,
            "cpu_name": self.cpu_name,
            "cpu_info": self.cpu_info,
            "reason": self.reason,
            "address": self.address,
            "uptime": self.uptime,
            "install_age": self.install_age,
            "process_type": self.process_type,
            "hangid": self.hangid,
            "exploitability": self.exploitability,
            "email": self.email,
            "url": self.url,
            "user_comments": self.user_comments,
            "app_notes": self.app_notes,
            "date_processed": self.date_processed.isoformat(),
            "client_crash_date": self.client_crash_date.isoformat(),
            "success": True,
            "json_dump": self.json_dump(),
        }

    def json_dump(self) -> dict[str, Any]:
        """The stackwalker output: threads, frames and modules that match the signature."""
        dump = stacks.json_dump(
            self.uuid, self.signature, self.os_name, self.cpu_name, self.reason, self.address
        )
        dump["system_info"]["os_ver"] = self.os_version
        dump["sensitive"] = {"exploitability": self.exploitability or "unknown"}
        return dump


# --- the catalog ----------------------------------------------------------------------

PRODUCTS = (
    ProductSpec(
        "KillerApp",
        "killerapp",
        "{killerapp@example.com}",
        "38.0",
        1.0,
        41.0,
        ("Windows", "Mac OS X", "Linux"),
        400_000,
    ),
    ProductSpec(
        "WaterWolf",
        "waterwolf",
        "{waterwolf@example.com}",
        "31.0",
        0.1,
        999.0,
        ("Windows", "Mac OS X", "Linux"),
        250_000,
    ),
    ProductSpec(
        "NightTrain", "nighttrain", "{nighttrain@example.com}", "2.0", 1.0, 4.0, ("Windows", "Linux"), 60_000
    ),
    ProductSpec(
        "Thunderbolt",
        "thunderbolt",
        "{thunderbolt@example.com}",
        "1.0",
        1.0,
        999.0,
        ("Windows", "Mac OS X"),
        40_000,
        has_adi=False,
    ),
    ProductSpec(
        "FennecAndroid",
        "mobile",
        "{aa3c5121-dab2-40e2-81ca-7ea25febc110}",
        "20.0",
        1.0,
        22.0,
        ("Linux",),
        120_000,
        adi_product_name="Fennec",
    ),
)


def _build_id(day: dt.date, hour: int = 3, minute: int = 0) -> int:
    return int(f"{day:%Y%m%d}{hour:02d}{minute:02d}00")


def build_catalog(first_day: dt.date, last_day: dt.date) -> Catalog:
    """The 40 versions of the 5 products, with build dates placed around [first_day, last_day]."""
    span = (last_day - first_day).days + 1
    f = first_day
    versions: list[Version] = []

    def release(product: str, version: str, built: dt.date, weight: float, channel: str = "release") -> None:
        builds = (Build(product, version, channel, _build_id(built), built),)
        versions.append(Version(product, version, channel, weight, builds))

    def betas(product: str, version: str, count: int, weight: float) -> None:
        for n in range(1, count + 1):
            built = f - dt.timedelta(days=3) + dt.timedelta(days=(n - 1) * span // count)
            build = Build(product, version, "beta", _build_id(built, 5, n), built, beta_number=n)
            share = weight * (1.5 if n == count else 1.0) / count
            versions.append(Version(product, f"{version}b{n}", "beta", share, (build,)))

    def daily(product: str, version: str, channel: str, every: int, weight: float) -> None:
        start = f - dt.timedelta(days=7)
        days = [start + dt.timedelta(days=i) for i in range(0, span + 7, every)]
        builds = tuple(
            Build(
                product,
                version,
                channel,
                _build_id(d, 4 if channel == "nightly" else 6),
                d,
                weight=0.5 ** ((days[-1] - d).days / 3),
            )
            for d in days
        )
        versions.append(Version(product, version, channel, weight, builds))

    # KillerApp: 3 releases, rapid betas 41.0b1-b4 (+ parent), aurora, nightly: 10 versions
    release("KillerApp", "38.0", f - dt.timedelta(days=60), 0.05)
    release("KillerApp", "39.0", f - dt.timedelta(days=30), 0.2)
    release("KillerApp", "40.0", f - dt.timedelta(days=5), 0.55)
    betas("KillerApp", "41.0", 4, 0.1)
    daily("KillerApp", "42.0a2", "aurora", 2, 0.03)
    daily("KillerApp", "43.0a1", "nightly", 1, 0.03)
    # WaterWolf: 3 releases (10 % throttle), 2 ESRs, 2 betas (not rapid), nightly: 8 versions
    release("WaterWolf", "31.0", f - dt.timedelta(days=62), 0.1)
    release("WaterWolf", "32.0", f - dt.timedelta(days=33), 0.25)
    release("WaterWolf", "33.0", f - dt.timedelta(days=4), 0.4)
    release("WaterWolf", "31.5.0esr", f - dt.timedelta(days=50), 0.08, "esr")
    release("WaterWolf", "31.6.0esr", f - dt.timedelta(days=12), 0.1, "esr")
    betas("WaterWolf", "34.0", 2, 0.05)
    daily("WaterWolf", "36.0a1", "nightly", 1, 0.02)
    # NightTrain: 2 releases, rapid betas 4.0b1-b3 (+ parent), aurora, nightly: 8 versions
    release("NightTrain", "2.0", f - dt.timedelta(days=45), 0.3)
    release("NightTrain", "3.0", f - dt.timedelta(days=8), 0.5)
    betas("NightTrain", "4.0", 3, 0.1)
    daily("NightTrain", "4.0a2", "aurora", 2, 0.05)
    daily("NightTrain", "5.0a1", "nightly", 1, 0.05)
    # Thunderbolt (no ADI): 3 releases, 2 betas, 1 ESR: 6 versions
    release("Thunderbolt", "1.0", f - dt.timedelta(days=70), 0.2)
    release("Thunderbolt", "1.1", f - dt.timedelta(days=35), 0.3)
    release("Thunderbolt", "2.0", f - dt.timedelta(days=6), 0.35)
    betas("Thunderbolt", "2.1", 2, 0.1)
    release("Thunderbolt", "1.0.5esr", f - dt.timedelta(days=20), 0.05, "esr")
    # FennecAndroid: 2 releases, rapid betas 22.0b1-b3 (+ parent), aurora, nightly: 8 versions
    release("FennecAndroid", "20.0", f - dt.timedelta(days=40), 0.3)
    release("FennecAndroid", "21.0", f - dt.timedelta(days=7), 0.5)
    betas("FennecAndroid", "22.0", 3, 0.1)
    daily("FennecAndroid", "23.0a2", "aurora", 2, 0.05)
    daily("FennecAndroid", "24.0a1", "nightly", 1, 0.05)

    featured = {
        "KillerApp": ["40.0", "41.0b", "43.0a1"],
        "WaterWolf": ["33.0", "31.6.0esr"],
        "NightTrain": ["3.0", "4.0b"],
        "Thunderbolt": ["2.0"],
        "FennecAndroid": ["21.0", "22.0b"],
    }
    return Catalog(list(PRODUCTS), versions, featured, first_day, last_day)


def product_version_count(catalog: Catalog) -> int:
    """How many product_versions the catalog gives: its versions plus one parent per rapid beta."""
    parents = set()
    for v in catalog.versions:
        spec = catalog.product(v.product)
        if v.channel == "beta" and float(v.builds[0].version.split(".")[0]) >= spec.rapid_beta_version:
            parents.add((v.product, v.builds[0].version))
    return len(catalog.versions) + len(parents)


# --- Active Daily Installs ------------------------------------------------------------

OS_PLATFORMS = {"Windows": ("Windows", "6.1"), "Mac OS X": ("Darwin", "19.6.0"), "Linux": ("Linux", "5.10.0")}
OS_SHARE = {"Windows": 0.7, "Mac OS X": 0.2, "Linux": 0.1}
AdiRow = tuple[int, dt.date, str, str, str, str, str, str, str]


def _os_share(spec: ProductSpec, os_name: str) -> float:
    total = sum(OS_SHARE[o] for o in spec.oses)
    return OS_SHARE[os_name] / total


def adi_rows(catalog: Catalog, day: dt.date, seed: int) -> list[AdiRow]:
    """raw_adi rows for one day, in the seed's column order (adi_count, date, product_name,
    product_os_platform, product_os_version, product_version, build, product_guid,
    update_channel). Betas report their release version ('41.0') and are told apart by build;
    ESRs report '31.5.0' on the esr channel."""
    rng = random.Random(f"{seed}:adi:{day.isoformat()}")
    rows: list[AdiRow] = []
    for version in catalog.versions:
        spec = catalog.product(version.product)
        builds = version.live_builds(day)
        if not spec.has_adi or not builds:
            continue
        total_weight = sum(b.weight for b in builds)
        for os_name in spec.oses:
            platform, os_version = OS_PLATFORMS[os_name]
            for build in builds:
                share = (
                    spec.adi_scale * version.weight * _os_share(spec, os_name) * build.weight / total_weight
                )
                count = max(1, round(share * rng.uniform(0.9, 1.1)))
                reported = build.version.removesuffix("esr") if build.channel == "esr" else build.version
                rows.append(
                    (
                        count,
                        day,
                        spec.adi_product_name or spec.name,
                        platform,
                        os_version,
                        reported,
                        str(build.build_id),
                        spec.guid,
                        build.channel,
                    )
                )
    return rows


# --- crashes --------------------------------------------------------------------------

OS_DETAILS = {
    "Windows": {
        "os_name": "Windows NT",
        "os_versions": ("6.1.7601 Service Pack 1", "10.0.19045", "6.3.9600", "10.0.22631"),
        "cpus": (
            ("x86", "GenuineIntel family 6 model 42 stepping 7"),
            ("amd64", "AuthenticAMD family 23 model 113 stepping 0"),
        ),
        "reasons": (
            "EXCEPTION_ACCESS_VIOLATION_READ",
            "EXCEPTION_ACCESS_VIOLATION_WRITE",
            "EXCEPTION_BREAKPOINT",
            "EXCEPTION_STACK_OVERFLOW",
        ),
    },
    "Mac OS X": {
        "os_name": "Mac OS X",
        "os_versions": ("10.15.7 19H2", "11.6.0 20G165", "13.4.1 22F82"),
        "cpus": (("amd64", "family 6 model 158 stepping 10"), ("arm64", "Apple M1")),
        "reasons": ("EXC_BAD_ACCESS / KERN_INVALID_ADDRESS", "EXC_BAD_INSTRUCTION / EXC_I386_INVOP"),
    },
    "Linux": {
        "os_name": "Linux",
        "os_versions": (
            "0.0.0 Linux 5.10.0-21-amd64 #1 SMP Debian 5.10.162-1 x86_64",
            "0.0.0 Linux 6.1.0-9-amd64 #1 SMP PREEMPT_DYNAMIC x86_64",
        ),
        "cpus": (("amd64", "GenuineIntel family 6 model 85 stepping 7"),),
        "reasons": ("SIGSEGV /SEGV_MAPERR", "SIGABRT", "SIGBUS /BUS_ADRERR"),
    },
}
ANDROID_DEVICES = (
    ("armeabi-v7a", "samsung", "GT-I9300", "16 (REL)"),
    ("arm64-v8a", "Google", "Pixel 6", "33 (REL)"),
    ("armeabi-v7a", "HTC", "One X", "17 (REL)"),
)
GRAPHICS = (("0x8086", "0x0166"), ("0x10de", "0x1c82"), ("0x1002", "0x6798"))
FLASH_VERSIONS = ("11.7.700.224", "11.8.800.94", "[blank]")
ADDRESSES = ("0x0", "0x8", "0xffffffffffffffff", "0x7ffe4c0b2f10", "0x5a5a5a5a", "0xe5e5e5e9")
EXPLOITABILITY = (("high", 2), ("medium", 3), ("low", 10), ("none", 40), ("unknown", 20), (None, 25))
_EXPLOITABILITY_VALUES = [e for e, _ in EXPLOITABILITY]
_EXPLOITABILITY_CUM = list(itertools.accumulate(w for _, w in EXPLOITABILITY))
_PROCESS_TYPES = (None, "browser", "plugin", "content")
_PROCESS_CUM = list(itertools.accumulate((50, 32, 10, 8)))

_NAMESPACES = (
    "mozilla",
    "js",
    "nsDocShell",
    "mozilla::dom",
    "mozilla::layers",
    "mozilla::net",
    "std",
    "js::gc",
    "mozilla::gfx",
    "nsThread",
    "IPC",
)
_CLASSES = (
    "Element",
    "PresShell",
    "Runtime",
    "Channel",
    "Compositor",
    "ImageBridge",
    "Maybe<T&>",
    "vector<int>",
    "basic_string<char>",
    "RefPtr<nsIContent>",
    "HashMap<K, V>",
    "Cell",
    "Zone",
)
_METHODS = (
    "GetAttr",
    "Paint",
    "Flush",
    "operator<<",
    "operator&",
    "Run",
    "at",
    "_M_range_check",
    "ProcessNextEvent",
    "Send",
    "Trace",
    "Release",
    "AddRef",
    "DispatchEvent",
    "Collect",
)
_SPECIAL = (
    "OOM | small",
    "OOM | large | NS_ABORT_OOM | nsTArray_base<T>::EnsureCapacity",
    "EMPTY: no crashing thread identified; ERROR_NO_MINIDUMP_HEADER",
    "shutdownhang | WaitForSingleObjectEx | mozilla::SpinEventLoopUntil<T>",
    "std::vector<int>::at",
    'js::Interpret(JSContext*, js::RunState&) | <script "a & b">',
    "@0x0 | ntdll.dll@0x7c3a1",
    "libxul.so@0x1a2b3c | libc.so.6@0x2f4e1",
)
EXPLOSIVE_SIGNATURE = "mozilla::dom::ExplosiveThing<Widget & Gadget>::Detonate"


def signature_pool(seed: int, size: int) -> list[str]:
    """``size`` distinct signatures, most popular first (the special ones lead)."""
    rng = random.Random(f"{seed}:signatures")
    pool = list(_SPECIAL)
    seen = set(pool) | {EXPLOSIVE_SIGNATURE}
    while len(pool) < size:
        frames = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            frames.append(f"{rng.choice(_NAMESPACES)}::{rng.choice(_CLASSES)}::{rng.choice(_METHODS)}")
        sig = " | ".join(frames)
        if rng.random() < 0.1:
            sig = f"{sig}::{rng.randrange(1000)}"
        if sig not in seen:
            seen.add(sig)
            pool.append(sig)
    return pool[:size]


def pool_size(per_day: int) -> int:
    """How many distinct signatures a day of ``per_day`` crashes draws from."""
    return max(60, min(40_000, int(20 * per_day**0.5)))


class CrashFactory:
    """Makes the crashes of one day; all randomness comes from the seed and the day."""

    def __init__(self, catalog: Catalog, seed: int, per_day: int) -> None:
        self.catalog = catalog
        self.seed = seed
        self.specs = {spec.name: spec for spec in catalog.products}
        self.signatures = signature_pool(seed, pool_size(per_day))
        weights = [1.0 / (rank + 1) ** 1.1 for rank in range(len(self.signatures))]
        self.sig_cumulative = list(itertools.accumulate(weights))
        self.product_order: dict[str, list[int]] = {}
        for spec in catalog.products:
            order = list(range(len(self.signatures)))
            prng = random.Random(f"{seed}:order:{spec.name}")
            # keep the head mostly shared, shuffle the rest: top crashers differ a little per product
            head, tail = order[:20], order[20:]
            prng.shuffle(head)
            prng.shuffle(tail)
            self.product_order[spec.name] = head + tail
        # how each signature's share moves over the days: most stay, some rise, some fall, some
        # appear part-way (so top crashers show rank changes, % changes and new signatures)
        trng = random.Random(f"{seed}:trends")
        self.trends: list[tuple[str, float]] = [("steady", 0.0)] * len(_SPECIAL)
        for _ in range(len(_SPECIAL), len(self.signatures)):
            kind = trng.choices(("steady", "rising", "falling", "appearing"), weights=(55, 15, 15, 15))[0]
            self.trends.append((kind, trng.uniform(0.4, 0.9)))
        self._cumulative: dict[tuple[str, dt.date], list[float]] = {}

    def _combos(self, day: dt.date) -> tuple[list[tuple[Version, Build, str]], list[float]]:
        combos: list[tuple[Version, Build, str]] = []
        cumulative: list[float] = []
        total = 0.0
        for version in self.catalog.versions:
            spec = self.catalog.product(version.product)
            builds = version.live_builds(day)
            if not builds:
                continue
            throttle = spec.release_throttle if version.channel == "release" else 1.0
            build_weight = sum(b.weight for b in builds)
            for os_name in spec.oses:
                for build in builds:
                    total += (
                        spec.adi_scale
                        * version.weight
                        * _os_share(spec, os_name)
                        * build.weight
                        / build_weight
                        * CHANNEL_RATE[version.channel]
                        * throttle
                    )
                    combos.append((version, build, os_name))
                    cumulative.append(total)
        return combos, cumulative

    def crashes(self, day: dt.date, count: int) -> Iterator[Crash]:
        """``count`` crashes received on the UTC ``day`` (duplicates and hang pairs included)."""
        rng = random.Random(f"{self.seed}:crashes:{day.isoformat()}")
        combos, cumulative = self._combos(day)
        if not combos:
            return
        start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        explosive_share = self._explosive_share(day)
        emitted = 0
        while emitted < count:
            version, build, os_name = combos[bisect.bisect_left(cumulative, rng.random() * cumulative[-1])]
            when = start + dt.timedelta(microseconds=rng.randrange(86_400_000_000))
            crash = self._crash(rng, version, build, os_name, when, explosive_share)
            roll = rng.random()
            partner = None
            if roll < 0.01:  # a duplicate: the same crash submitted again
                partner = self._duplicate(rng, crash)
            elif roll < 0.04 and crash.process_type == "plugin":  # a hang pair (changes the plugin half)
                partner = self._hang_partner(rng, crash)
            yield crash
            emitted += 1
            if partner is not None and emitted < count:
                yield partner
                emitted += 1

    def _explosive_share(self, day: dt.date) -> float:
        days_left = (self.catalog.last_day - day).days
        return {0: 0.03, 1: 0.012, 2: 0.004}.get(days_left, 0.0)

    def _trend(self, index: int, day: dt.date) -> float:
        """The factor on a signature's Zipf weight on ``day``."""
        kind, when = self.trends[index]
        span = max(1, (self.catalog.last_day - self.catalog.first_day).days)
        t = min(1.0, max(0.0, (day - self.catalog.first_day).days / span))
        if kind == "rising":
            return 0.15 + 2.5 * t * t
        if kind == "falling":
            return 2.5 * (1 - t) ** 2 + 0.1
        if kind == "appearing":
            return 0.0 if t < when else 1.5
        return 1.0

    def _day_cumulative(self, product: str, day: dt.date) -> list[float]:
        key = (product, day)
        if key not in self._cumulative:
            order = self.product_order[product]
            base = [self.sig_cumulative[0]] + [b - a for a, b in itertools.pairwise(self.sig_cumulative)]
            weights = [base[rank] * self._trend(order[rank], day) for rank in range(len(order))]
            self._cumulative[key] = list(itertools.accumulate(weights))
        return self._cumulative[key]

    def _signature(self, rng: random.Random, product: str, explosive_share: float, day: dt.date) -> str:
        if explosive_share and rng.random() < explosive_share:
            return EXPLOSIVE_SIGNATURE
        cumulative = self._day_cumulative(product, day)
        rank = bisect.bisect_left(cumulative, rng.random() * cumulative[-1])
        return self.signatures[self.product_order[product][min(rank, len(cumulative) - 1)]]

    def _crash(
        self,
        rng: random.Random,
        version: Version,
        build: Build,
        os_name: str,
        when: dt.datetime,
        explosive_share: float,
    ) -> Crash:
        spec = self.specs[version.product]
        details = OS_DETAILS[os_name]
        crash_id = create_crash_id(when, ACCEPT, rng)
        marker = crash_id[:8]
        cpu_name, cpu_info = rng.choice(details["cpus"])
        cores = rng.choice((2, 4, 8, 16))
        process_type = rng.choices(_PROCESS_TYPES, cum_weights=_PROCESS_CUM)[0]
        uptime = rng.randrange(0, 60) if rng.random() < 0.12 else int(rng.expovariate(1 / 1800))
        install_age = rng.randrange(3_600, 200 * 86_400)
        client_crash_date = when - dt.timedelta(seconds=rng.uniform(1, 120))
        exploitability = rng.choices(_EXPLOITABILITY_VALUES, cum_weights=_EXPLOITABILITY_CUM)[0]
        # the version string the processor writes: betas mostly with their beta number
        reported_version = version.version_string
        if version.channel == "beta" and rng.random() < 0.2:
            reported_version = build.version
        channel = version.channel
        if channel == "release" and rng.random() < 0.1:
            channel = "default"
        elif channel == "nightly" and rng.random() < 0.05:
            channel = "nightly-cck"
        build_id = str(build.build_id)
        product = version.product
        roll = rng.random()
        if roll < 0.003:  # a version nobody released
            reported_version = "0.1"
        elif roll < 0.005 and version.channel == "beta":  # a beta from a build we do not know
            build_id = str(build.build_id + 7)
        email = f"{PII_MARKER}-{marker}@{PII_DOMAIN}" if rng.random() < 0.05 else None
        url = f"https://{PII_MARKER}-{marker}.{PII_DOMAIN}/page?q=1&r=2" if rng.random() < 0.15 else None
        comments = (
            f"It crashed <again> & again; write to {PII_MARKER}-{marker}-c@{PII_DOMAIN}"
            if rng.random() < 0.03
            else None
        )
        signature = self._signature(rng, product, explosive_share, when.date())
        crash_time = int(client_crash_date.timestamp())
        raw: dict[str, Any] = {
            "ProductName": product,
            "Version": reported_version,
            "BuildID": build_id,
            "ReleaseChannel": channel,
            "ProductID": spec.guid,
            "CrashTime": str(crash_time),
            "StartupTime": str(crash_time - uptime),
            "InstallTime": str(crash_time - install_age),
            "submitted_timestamp": when.isoformat(),
            "uuid": crash_id,
            "NumberOfProcessors": str(cores),
        }
        app_notes = None
        if os_name == "Windows":
            vendor, device = rng.choice(GRAPHICS)
            raw["AdapterVendorID"], raw["AdapterDeviceID"] = vendor, device
            app_notes = f"AdapterVendorID: {vendor}, AdapterDeviceID: {device}"
        if product == "FennecAndroid":
            abi, maker, model, android = rng.choice(ANDROID_DEVICES)
            raw.update(
                Android_CPU_ABI=abi, Android_Manufacturer=maker, Android_Model=model, Android_Version=android
            )
            cpu_name, cpu_info = "arm", f"ARMv7 ARM Cortex-A9 features: swp,half,thumb,fastmult | {cores}"
        else:
            cpu_info = f"{cpu_info} | {cores}"
        if rng.random() < 0.04:
            raw["IsGarbageCollecting"] = "1"
        if process_type == "plugin":
            raw["ProcessType"] = "plugin"
            raw["PluginFilename"] = "NPSWF32_11_7_700_224.dll"
            if rng.random() < 0.5:
                raw["FlashProcessDump"] = rng.choice(("Sandbox", "Broker"))
        elif process_type == "content":
            raw["ProcessType"] = "content"
        if email:
            raw["Email"] = email
        if url:
            raw["URL"] = url
        if comments:
            raw["Comments"] = comments
        return Crash(
            uuid=crash_id,
            date_processed=when,
            client_crash_date=client_crash_date,
            product=product,
            version=reported_version,
            build=build_id,
            release_channel=channel,
            productid=spec.guid,
            signature=signature,
            reason=rng.choice(details["reasons"]),
            address=rng.choice(ADDRESSES),
            os_name=details["os_name"],
            os_version=rng.choice(details["os_versions"]),
            cpu_name=cpu_name,
            cpu_info=cpu_info,
            uptime=uptime,
            install_age=install_age,
            last_crash=rng.choice((None, rng.randrange(60, 86_400 * 30))),
            process_type=process_type,
            hangid=None,
            flash_version=rng.choice(FLASH_VERSIONS) if process_type == "plugin" else None,
            exploitability=exploitability,
            email=email,
            url=url,
            user_comments=comments,
            app_notes=app_notes,
            topmost_filenames=f"hg:hg.example.org/src:{signature.split(':', 1)[0].split()[0][:40]}.cpp:1234",
            raw_crash=raw,
        )

    def _duplicate(self, rng: random.Random, crash: Crash) -> Crash:
        """The same crash submitted again a little later (same client data, later clock)."""
        shift = rng.randrange(1, 30)
        when = crash.date_processed + dt.timedelta(seconds=shift)
        crash_id = create_crash_id(when, ACCEPT, rng)
        raw = dict(crash.raw_crash, uuid=crash_id, submitted_timestamp=when.isoformat())
        return _replace(crash, uuid=crash_id, date_processed=when, raw_crash=raw)

    def _hang_partner(self, rng: random.Random, plugin: Crash) -> Crash:
        """The browser half of a plugin hang: both halves carry the same hang id."""
        hangid = f"{plugin.uuid[:8]}-hang-{rng.randrange(1 << 30):08x}"
        plugin.hangid = hangid
        plugin.raw_crash["HangID"] = hangid
        plugin.signature = f"hang | {plugin.signature}"
        when = plugin.date_processed + dt.timedelta(milliseconds=rng.randrange(1, 900))
        crash_id = create_crash_id(when, ACCEPT, rng)
        raw = {
            k: v
            for k, v in plugin.raw_crash.items()
            if k not in ("ProcessType", "PluginFilename", "FlashProcessDump")
        }
        raw.update(uuid=crash_id, submitted_timestamp=when.isoformat(), HangID=hangid)
        return _replace(
            plugin,
            uuid=crash_id,
            date_processed=when,
            process_type=None,
            flash_version=None,
            signature=self._signature(rng, plugin.product, 0.0, plugin.date_processed.date()),
            raw_crash=raw,
        )


def _replace(crash: Crash, **changes: Any) -> Crash:
    values = {name: getattr(crash, name) for name in crash.__dataclass_fields__}
    values.update(changes)
    return Crash(**values)
