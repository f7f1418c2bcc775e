"""``crontabber__jobs``: the job list in the seed's format, validated and ordered.

Format (Socorro's crontabber): ``dotted.path.ClassName|<n>(m|h|d)[|HH:MM]`` items separated
by commas or newlines; ``#`` starts a comment (to the end of the line). ``|HH:MM`` (UTC) pins
the time of day and is only allowed for frequencies of a day or more. Without the setting the
built-in :data:`jobs.registry.DEFAULT_JOBS` apply, minus the jobs whose settings are not set.

The list is ordered by ``depends_on`` (a dependency runs before its dependants in a tick);
a cycle is an error. A dependency that is not in the list is ignored, with a warning from
``--configtest`` (Socorro would block the dependant forever; the seed's own example line
lists product-versions-matview without reports-clean).
"""

from __future__ import annotations

import datetime as dt
import graphlib
import re
from dataclasses import dataclass, field

from jobs.base import CronApp
from jobs.registry import DEFAULT_JOBS, class_path, resolve_class
from pyapp.config import Config
from pyapp.errors import ConfigError

SETTING = "crontabber__jobs"
_FREQUENCY = re.compile(r"^([0-9]+)\s*([mhd])$")
_TIME = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_frequency(text: str) -> dt.timedelta:
    """``5m``, ``1h``, ``7d`` -> timedelta (Socorro's convert_frequency)."""
    match = _FREQUENCY.match(text.strip())
    if not match or int(match[1]) == 0:
        raise ValueError(f"frequency {text.strip()!r} is not <n>m, <n>h or <n>d with n > 0")
    return dt.timedelta(**{_UNITS[match[2]]: int(match[1])})


def parse_time(text: str) -> dt.time:
    """``05:00`` -> time (UTC)."""
    match = _TIME.match(text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"time {text.strip()!r} is not HH:MM (00:00 to 23:59)")
    return dt.time(int(match[1]), int(match[2]))


def format_frequency(frequency: dt.timedelta, time: dt.time | None = None) -> str:
    seconds = int(frequency.total_seconds())
    if seconds % 86400 == 0:
        text = f"{seconds // 86400}d"
    elif seconds % 3600 == 0:
        text = f"{seconds // 3600}h"
    else:
        text = f"{seconds // 60}m"
    return f"{text}|{time:%H:%M}" if time else text


@dataclass(frozen=True)
class JobSpec:
    """One item of the job list."""

    #: the item as written
    item: str
    #: our class path (aliases resolved)
    class_path: str
    job_class: type[CronApp]
    frequency: dt.timedelta
    time: dt.time | None = None

    @property
    def app_name(self) -> str:
        return self.job_class.app_name

    @property
    def schedule(self) -> str:
        return format_frequency(self.frequency, self.time)


def split_items(text: str) -> list[str]:
    """The items of a job list: comments dropped, split on newlines and commas, blanks dropped."""
    items = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        items.extend(part.strip() for part in line.split(",") if part.strip())
    return items


def parse_item(item: str) -> JobSpec:
    """``dotted.path.Class|1d|05:00`` -> JobSpec; ConfigError naming the item when it is wrong."""
    parts = [p.strip() for p in item.split("|")]
    if len(parts) not in (2, 3) or not parts[0]:
        raise ConfigError(f"{SETTING}: {item!r}: expected dotted.path.ClassName|<n>(m|h|d)[|HH:MM]")
    try:
        frequency = parse_frequency(parts[1])
        time = parse_time(parts[2]) if len(parts) == 3 else None
    except ValueError as exc:
        raise ConfigError(f"{SETTING}: {item!r}: {exc}") from None
    if time is not None and frequency < dt.timedelta(days=1):
        raise ConfigError(f"{SETTING}: {item!r}: a time of day (|HH:MM) needs a frequency of a day or more")
    cls = resolve_class(parts[0])
    return JobSpec(item=item, class_path=class_path(cls), job_class=cls, frequency=frequency, time=time)


@dataclass
class JobList:
    """The validated job list in dependency order."""

    specs: list[JobSpec]
    #: app name -> its dependencies that are in the list
    depends_on: dict[str, tuple[str, ...]]
    #: True when the list is DEFAULT_JOBS (crontabber__jobs not set)
    is_default: bool
    #: default jobs left out because their settings are not set: (spec, missing settings)
    not_configured: list[tuple[JobSpec, list[str]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def get(self, name: str) -> JobSpec | None:
        """The job called ``name``: its app name or its class path (ours or Socorro's)."""
        for spec in self.specs:
            if name in (
                spec.app_name,
                spec.class_path,
                spec.job_class.socorro_class,
                spec.item.split("|")[0],
            ):
                return spec
        return None

    @property
    def app_names(self) -> list[str]:
        return [spec.app_name for spec in self.specs]


def check_job_list(config: Config) -> tuple[JobList | None, list[str]]:
    """The job list from the configuration and every problem found (empty when it is valid)."""
    text = config["crontabber__jobs"]
    is_default = text is None or not text.strip()
    problems: list[str] = []
    specs: list[JobSpec] = []
    not_configured: list[tuple[JobSpec, list[str]]] = []
    for item in split_items(DEFAULT_JOBS if is_default else text):
        try:
            spec = parse_item(item)
        except ConfigError as exc:
            problems.append(str(exc))
            continue
        missing = spec.job_class.missing_settings(config)
        if missing and is_default:
            not_configured.append((spec, missing))
            continue
        if missing:
            problems.append(f"{SETTING}: {spec.app_name} needs {', '.join(missing)} to be set")
        specs.append(spec)

    seen: dict[str, str] = {}
    for spec in specs:
        if spec.app_name in seen:
            problems.append(
                f"{SETTING}: {spec.item!r} and {seen[spec.app_name]!r} are the same job ({spec.app_name})"
            )
        seen.setdefault(spec.app_name, spec.item)

    names = set(seen)
    depends_on: dict[str, tuple[str, ...]] = {}
    warnings: list[str] = []
    for spec in specs:
        inside = tuple(d for d in spec.job_class.depends_on if d in names)
        outside = [d for d in spec.job_class.depends_on if d not in names]
        depends_on[spec.app_name] = inside
        if outside and not is_default:
            warnings.append(
                f"{spec.app_name} depends on {', '.join(outside)}, not in {SETTING}: "
                "that dependency is not checked"
            )

    ordered = _dependency_order(specs, depends_on, problems)
    if problems:
        return None, problems
    return (
        JobList(
            specs=ordered,
            depends_on=depends_on,
            is_default=is_default,
            not_configured=not_configured,
            warnings=warnings,
        ),
        [],
    )


def _dependency_order(
    specs: list[JobSpec], depends_on: dict[str, tuple[str, ...]], problems: list[str]
) -> list[JobSpec]:
    """The list's order, each job's dependencies moved before it. Cycles go to ``problems``."""
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for spec in specs:
        sorter.add(spec.app_name, *depends_on.get(spec.app_name, ()))
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        cycle = list(reversed(exc.args[1]))
        problems.append(f"{SETTING}: circular dependency: {' -> '.join(cycle)}")
        return specs
    by_name = {spec.app_name: spec for spec in specs}
    ordered: list[JobSpec] = []
    placed: set[str] = set()

    def place(name: str) -> None:
        if name in placed:
            return
        placed.add(name)
        for dependency in depends_on.get(name, ()):
            place(dependency)
        ordered.append(by_name[name])

    for spec in specs:
        place(spec.app_name)
    return ordered


def load_job_list(config: Config) -> JobList:
    """The job list, or ConfigError with its first problem."""
    jobs, problems = check_job_list(config)
    if jobs is None:
        raise ConfigError(
            problems[0]
            + (
                f" (and {len(problems) - 1} more: crashstats crontabber --configtest)"
                if len(problems) > 1
                else ""
            )
        )
    return jobs
