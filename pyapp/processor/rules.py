"""The processing rules of Socorro's MozillaProcessorAlgorithm2015, one small class each.

A rule has a ``name``, a test (:meth:`Rule.predicate`) and an :meth:`Rule.action` working on a
:class:`Crash`: the raw crash (the raw transforms change it, as Socorro's did), the processed
crash being built, the processor notes and the services rules need (stackwalker, dump store,
look-ups, signature generation). :data:`MOZILLA_2015_RULES` lists them in Socorro's order; it
is the one place saying what runs. A rule that raises adds a processor note and the next rule
runs (:mod:`pyapp.processor.algorithm`); only :class:`TransientError` (the dump store is
unreachable) stops processing, so the crash is tried again later rather than stored half-done.

Field names and notes are Socorro's (socorro-legacy.md 5.4/5.5), so the reports rows, the
report procedures and the web pages read what Socorro wrote.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol
from urllib.parse import unquote_plus

from pyapp import jsonfast
from pyapp.crashid import date_from_crash_id
from pyapp.dumpstore import MAIN_DUMP, DumpNotFound, DumpStore, DumpStoreError
from pyapp.errors import CrashstatsError
from pyapp.processor.signature import SignatureMaker
from pyapp.processor.stackwalker import STATUS_UNKNOWN, Stackwalker, StackwalkResult

log = logging.getLogger(__name__)

INT32_MAX = 2**31 - 1
INT32_MIN = -(2**31)


class TransientError(CrashstatsError):
    """Processing cannot go on now (the dump store failed): try the crash again later."""


class Lookups(Protocol):
    """Data the rules read from PostgreSQL (cached by the worker)."""

    def product_rewrites(self) -> Mapping[str, str]:
        """ProductID -> product name, for product_productid_map rows with rewrite = true."""
        ...

    def beta_version(self, product: str, version: str, build: str) -> str | None:
        """processor_beta_version(product, version, build)."""
        ...


@dataclass
class Services:
    """What rules use besides the crash itself."""

    lookups: Lookups
    signatures: SignatureMaker
    stackwalker: Stackwalker | None = None
    dumps: DumpStore | None = None
    #: called between long steps (each dump's stackwalk) so the worker can renew its lease
    heartbeat: Callable[[], None] = lambda: None


@dataclass
class Crash:
    """One crash being processed (Socorro's raw_crash, processed_crash and processor_meta)."""

    crash_id: str
    raw_crash: dict[str, Any]
    processed: dict[str, Any]
    services: Services
    notes: list[str] = field(default_factory=list)
    #: modules without symbols, written to missing_symbols with the crash
    missing_symbols: list[dict[str, str | None]] = field(default_factory=list)
    #: the raw_crashes row's date (the submission time), when the raw crash lacks one
    raw_date: dt.datetime | None = None
    #: too many workers died on this crash: do not run the stackwalker again
    skip_stackwalk: bool = False
    _dump_names: list[str] | None = field(default=None, repr=False)

    def dump_names(self) -> list[str]:
        """The names of the crash's dumps in the dump store (read once)."""
        if self._dump_names is None:
            if self.services.dumps is None:
                raise TransientError("no dump store configured for this processor")
            try:
                self._dump_names = self.services.dumps.dump_names(self.crash_id)
            except DumpStoreError as exc:
                raise TransientError(f"dump store: {exc}") from exc
        return self._dump_names


class Rule(ABC):
    """One processing step: ``predicate`` says whether it applies, ``action`` does it.

    A rule reads ``processed["json_dump"]`` and never changes it in place: one that needs a
    different json_dump sets a new object (the processor stores an unchanged json_dump's
    original text as it is, recognising it by identity)."""

    name: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:
            cls.name = cls.__name__

    def predicate(self, crash: Crash) -> bool:
        return True

    @abstractmethod
    def action(self, crash: Crash) -> None:
        """Change the crash (raw or processed) and add notes."""


def iso(moment: dt.datetime) -> str:
    """UTC ISO 8601 with +00:00, as Socorro wrote its dates."""
    return moment.astimezone(dt.UTC).isoformat()


def parse_iso(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def int32_or_none(value: int | None) -> int | None:
    """The value when a reports integer column can hold it, else None."""
    return value if value is not None and INT32_MIN <= value <= INT32_MAX else None


# --- raw transforms: change the raw crash before anything reads it -------------------------


class ProductRewrite(Rule):
    """ProductName from product_productid_map (rewrite = true), keyed by ProductID."""

    def predicate(self, crash: Crash) -> bool:
        return crash.raw_crash.get("ProductID") in crash.services.lookups.product_rewrites()

    def action(self, crash: Crash) -> None:
        new_name = crash.services.lookups.product_rewrites()[crash.raw_crash["ProductID"]]
        old_name = crash.raw_crash.get("ProductName")
        if old_name != new_name:
            crash.notes.append(f'Rewriting ProductName from "{old_name}" to "{new_name}"')
            crash.raw_crash["ProductName"] = new_name


class ESRVersionRewrite(Rule):
    """ESR builds report the plain version: append ``esr`` on the esr channel."""

    def predicate(self, crash: Crash) -> bool:
        return crash.raw_crash.get("ReleaseChannel") == "esr"

    def action(self, crash: Crash) -> None:
        if "Version" not in crash.raw_crash:
            crash.notes.append('"Version" missing from esr release raw_crash')
            return
        crash.raw_crash["Version"] = f"{crash.raw_crash['Version']}esr"


class PluginContentURL(Rule):
    """A plugin crash's URL is the page that hosted the plugin."""

    def predicate(self, crash: Crash) -> bool:
        return bool(crash.raw_crash.get("PluginContentURL"))

    def action(self, crash: Crash) -> None:
        crash.raw_crash["URL"] = crash.raw_crash["PluginContentURL"]


class PluginUserComment(Rule):
    """A plugin hang's comment is the one typed for it."""

    def predicate(self, crash: Crash) -> bool:
        return bool(crash.raw_crash.get("PluginUserComment"))

    def action(self, crash: Crash) -> None:
        crash.raw_crash["Comments"] = crash.raw_crash["PluginUserComment"]


# --- raw to processed -------------------------------------------------------------------------


class IdentifierRule(Rule):
    def action(self, crash: Crash) -> None:
        crash.processed["crash_id"] = crash.crash_id
        crash.processed["uuid"] = crash.crash_id


class BreakpadStackwalkerRule2015(Rule):
    """minidump-stackwalk on every dump named ``upload_file_minidump*``: the main dump's output
    becomes json_dump / mdsw_return_code / mdsw_status_string / success, each other dump's
    goes to processed[<dump name>] and its name to additional_minidumps. A raw crash that
    already carries a json_dump (imports, synthetic crashes) is not stackwalked."""

    DUMP_PREFIX = MAIN_DUMP

    def action(self, crash: Crash) -> None:
        processed = crash.processed
        processed.setdefault("additional_minidumps", [])
        supplied = crash.raw_crash.get("json_dump")
        if isinstance(supplied, dict):
            processed["json_dump"] = supplied
            processed["mdsw_return_code"] = None
            processed["mdsw_status_string"] = supplied.get("status") or STATUS_UNKNOWN
            processed["success"] = processed["mdsw_status_string"] == "OK"
            return
        if crash.skip_stackwalk:
            crash.notes.append("stackwalking skipped: earlier attempts at this crash did not finish")
            processed.update(StackwalkResult({}, None, STATUS_UNKNOWN).processed_fields())
            return
        services = crash.services
        if services.stackwalker is None:
            raise TransientError("no stackwalker configured for this processor")
        walked = [n for n in crash.dump_names() if n.startswith(self.DUMP_PREFIX)]
        if MAIN_DUMP not in walked:
            crash.notes.append(f"no {MAIN_DUMP} in this crash report")
        for name in sorted(walked, key=lambda n: (n != MAIN_DUMP, n)):
            services.heartbeat()
            result = self._walk(crash, name)
            crash.notes.extend(result.notes)
            if name == MAIN_DUMP:
                processed.update(result.processed_fields())
            else:
                processed["additional_minidumps"].append(name)
                processed[name] = result.processed_fields()

    @staticmethod
    def _walk(crash: Crash, name: str) -> StackwalkResult:
        services = crash.services
        assert services.dumps is not None and services.stackwalker is not None
        try:
            with services.dumps.local_path(crash.crash_id, name) as path:
                return services.stackwalker.walk(path)
        except DumpNotFound:
            return StackwalkResult({}, None, STATUS_UNKNOWN, [f"dump {name} is missing from the dump store"])
        except DumpStoreError as exc:
            raise TransientError(f"dump store: {exc}") from exc


class ProductRule(Rule):
    def action(self, crash: Crash) -> None:
        raw, processed = crash.raw_crash, crash.processed
        processed["product"] = raw.get("ProductName", "")
        processed["version"] = raw.get("Version", "")
        processed["productid"] = raw.get("ProductID", "")
        processed["distributor"] = raw.get("Distributor")
        processed["distributor_version"] = raw.get("Distributor_version")
        processed["release_channel"] = raw.get("ReleaseChannel", "")
        processed["ReleaseChannel"] = raw.get("ReleaseChannel", "")
        processed["build"] = raw.get("BuildID", "")


class UserDataRule(Rule):
    def action(self, crash: Crash) -> None:
        raw, processed = crash.raw_crash, crash.processed
        processed["url"] = raw.get("URL")
        processed["user_comments"] = raw.get("Comments")
        processed["email"] = raw.get("Email")
        processed["user_id"] = ""


class EnvironmentRule(Rule):
    def action(self, crash: Crash) -> None:
        crash.processed["app_notes"] = crash.raw_crash.get("Notes", "")


def _flag(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class PluginRule(Rule):
    """Hangs and plugins: hangid, hang_type (1 browser hang, -1 plugin hang, 0 crash),
    process_type and, for plugin crashes, PluginFilename/Name/Version."""

    def action(self, crash: Crash) -> None:
        raw, processed = crash.raw_crash, crash.processed
        plugin_hang = _flag(raw.get("PluginHang"))
        processed["hangid"] = f"fake-{crash.crash_id}" if plugin_hang else raw.get("HangID")
        if _flag(raw.get("Hang")):
            processed["hang_type"] = 1
        elif plugin_hang or processed["hangid"]:
            processed["hang_type"] = -1
        else:
            processed["hang_type"] = 0
        processed["process_type"] = raw.get("ProcessType")
        if processed["process_type"] == "plugin":
            processed["PluginFilename"] = raw.get("PluginFilename", "")
            processed["PluginName"] = raw.get("PluginName", "")
            processed["PluginVersion"] = raw.get("PluginVersion", "")


class AddonsRule(Rule):
    """addons_checked (EMCheckCompatibility) and addons as [id, version] pairs from the
    comma-separated, URL-encoded ``Add-ons`` annotation."""

    NO_VERSION = "NO_VERSION"

    def action(self, crash: Crash) -> None:
        raw, processed = crash.raw_crash, crash.processed
        processed["addons_checked"] = None
        if "EMCheckCompatibility" in raw:
            processed["addons_checked"] = str(raw["EMCheckCompatibility"]).lower() == "true"
        addons = []
        for item in str(raw.get("Add-ons") or "").split(","):
            if not item.strip():
                continue
            addon_id, _, version = item.partition(":")
            addons.append([unquote_plus(addon_id), unquote_plus(version) if _ else self.NO_VERSION])
        processed["addons"] = addons


class DatesAndTimesRule(Rule):
    """submitted_timestamp and date_processed (the collector's time), crash_time,
    client_crash_date, install_age, uptime and last_crash, with Socorro's notes for missing
    or bad values. Values a reports integer column cannot hold become null."""

    def action(self, crash: Crash) -> None:
        raw, processed, notes = crash.raw_crash, crash.processed, crash.notes
        submitted = parse_iso(raw.get("submitted_timestamp")) or crash.raw_date
        if submitted is None:
            day = date_from_crash_id(crash.crash_id)
            submitted = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        processed["submitted_timestamp"] = iso(submitted)
        processed["date_processed"] = iso(submitted)
        submitted_epoch = int(submitted.timestamp())
        try:
            timestamp = int(raw.get("timestamp", submitted_epoch))
        except (TypeError, ValueError):
            timestamp = 0
            notes.append('non-integer value of "timestamp"')
        if "CrashTime" not in raw:
            notes.append("WARNING: raw_crash missing CrashTime")
            crash_time = timestamp
        else:
            try:
                crash_time = int(str(raw["CrashTime"])[:10])
            except ValueError:
                crash_time = 0
                notes.append(f'non-integer value of "CrashTime" ({raw["CrashTime"]})')
        processed["crash_time"] = crash_time
        if crash_time == submitted_epoch:
            notes.append("client_crash_date is unknown")
        startup = self._int(raw, "StartupTime", crash_time, notes)
        install = self._int(raw, "InstallTime", startup, notes)
        try:
            processed["client_crash_date"] = iso(dt.datetime.fromtimestamp(crash_time, dt.UTC))
        except (OverflowError, OSError, ValueError):
            processed["client_crash_date"] = None
            notes.append(f'"CrashTime" {crash_time} is not a date')
        processed["install_age"] = int32_or_none(crash_time - install)
        processed["uptime"] = int32_or_none(max(0, crash_time - startup))
        # a first crash (or a client that does not send it) has no SecondsSinceLastCrash: no note
        last_crash: int | None = None
        if raw.get("SecondsSinceLastCrash") not in (None, ""):
            try:
                last_crash = int(raw["SecondsSinceLastCrash"])
            except (TypeError, ValueError):
                notes.append('non-integer value of "SecondsSinceLastCrash"')
        if last_crash is not None and int32_or_none(last_crash) is None:
            last_crash = None
            notes.append('"SecondsSinceLastCrash" larger than MAXINT - set to NULL')
        processed["last_crash"] = last_crash

    @staticmethod
    def _int(raw: Mapping[str, Any], key: str, default: int, notes: list[str]) -> int:
        try:
            return int(raw.get(key, default))
        except (TypeError, ValueError):
            notes.append(f'non-integer value of "{key}"')
            return 0


class OutOfMemoryBinaryRule(Rule):
    """The gzipped JSON ``memory_report`` dump becomes processed.memory_report (or
    memory_report_error), at most 20 MB uncompressed."""

    DUMP = "memory_report"
    MAX_SIZE_UNCOMPRESSED = 20 * 1024 * 1024

    def predicate(self, crash: Crash) -> bool:
        if "json_dump" in crash.raw_crash:  # imported or synthetic: nothing in the dump store
            return False
        return self.DUMP in crash.dump_names()

    def action(self, crash: Crash) -> None:
        assert crash.services.dumps is not None
        try:
            data = crash.services.dumps.get_dump(crash.crash_id, self.DUMP)
        except DumpStoreError as exc:
            raise TransientError(f"dump store: {exc}") from exc
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
                text = stream.read(self.MAX_SIZE_UNCOMPRESSED + 1)
        except (OSError, EOFError) as exc:
            self._error(crash, f"error in gzip for {self.DUMP}: {exc!r}")
            return
        if len(text) > self.MAX_SIZE_UNCOMPRESSED:
            self._error(crash, f"Uncompressed memory info too large (max: {self.MAX_SIZE_UNCOMPRESSED})")
            return
        try:
            crash.processed["memory_report"] = jsonfast.loads(text)
        except ValueError as exc:
            self._error(crash, f"error in json for {self.DUMP}: {exc!r}")

    @staticmethod
    def _error(crash: Crash, message: str) -> None:
        crash.notes.append(message)
        crash.processed["memory_report_error"] = message


class JavaProcessRule(Rule):
    def action(self, crash: Crash) -> None:
        crash.processed["java_stack_trace"] = crash.raw_crash.get("JavaStackTrace")


class Winsock_LSPRule(Rule):  # Socorro's name
    def action(self, crash: Crash) -> None:
        crash.processed["Winsock_LSP"] = crash.raw_crash.get("Winsock_LSP")


# --- processed transforms: read the stackwalker's output ------------------------------------


def _json_dump(crash: Crash) -> dict[str, Any]:
    value = crash.processed.get("json_dump")
    return value if isinstance(value, dict) else {}


class CrashingThreadRule(Rule):
    """crashedThread, truncated, address and reason from json_dump."""

    def action(self, crash: Crash) -> None:
        processed = crash.processed
        json_dump = _json_dump(crash)
        crash_info = json_dump.get("crash_info") or {}
        processed["crashedThread"] = crash_info.get("crashing_thread")
        if processed["crashedThread"] is None:
            crash.notes.append("MDSW did not identify the crashing thread")
        processed["truncated"] = bool((json_dump.get("crashing_thread") or {}).get("frames_truncated", False))
        processed["address"] = crash_info.get("address")
        processed["reason"] = crash_info.get("type")


class CPUInfoRule(Rule):
    """cpu_name = cpu_arch; cpu_info = "<cpu_info> | <cpu_count>"."""

    def action(self, crash: Crash) -> None:
        processed = crash.processed
        processed["cpu_name"] = ""
        processed["cpu_info"] = ""
        if "json_dump" not in processed:
            return
        system = _json_dump(crash).get("system_info") or {}
        processed["cpu_name"] = system.get("cpu_arch") or ""
        info = system.get("cpu_info") or ""
        if "cpu_count" in system:
            info = f"{info} | {system['cpu_count']}"
        processed["cpu_info"] = info


class OSInfoRule(Rule):
    def action(self, crash: Crash) -> None:
        system = _json_dump(crash).get("system_info") or {}
        crash.processed["os_name"] = str(system.get("os") or "").strip()
        crash.processed["os_version"] = str(system.get("os_ver") or "").strip()


class BetaVersionRule(Rule):
    """Beta builds report the release version: look the real one up by build id; when it is
    not known (yet), append ``b0`` and say so, so the crash can be reprocessed later."""

    def predicate(self, crash: Crash) -> bool:
        return str(crash.processed.get("release_channel") or "").lower() == "beta"

    def action(self, crash: Crash) -> None:
        processed = crash.processed
        product, version, build = (str(processed.get(k) or "") for k in ("product", "version", "build"))
        real = crash.services.lookups.beta_version(product, version, build)
        if real:
            processed["version"] = real
            return
        processed["version"] = f"{processed.get('version') or ''}b0"
        crash.notes.append(
            f"release channel is {processed['release_channel']} but no version data was found "
            '- added "b0" suffix to version number'
        )


class ExploitablityRule(Rule):  # Socorro's spelling
    def action(self, crash: Crash) -> None:
        sensitive = _json_dump(crash).get("sensitive")
        if isinstance(sensitive, dict) and "exploitability" in sensitive:
            crash.processed["exploitability"] = sensitive["exploitability"]
            return
        crash.processed["exploitability"] = "unknown"
        crash.notes.append("exploitability information missing")


class FlashVersionRule(Rule):
    """The Flash player's version from the module list (its version field, else the version in
    its file name); ``[blank]`` when no Flash module is loaded."""

    FLASH = re.compile(
        r"NPSWF32_?(?P<npswf>.*)\.dll|FlashPlayerPlugin_?(?P<plugin>.*)\.exe|"
        r"libflashplayer(?P<lib>.*)\.(.*)|Flash ?Player-?(?P<mac>.*)"
    )
    #: every alternative of FLASH starts with one of these: a file name without one cannot
    #: match, and is passed over without running the expression (150 modules a crash)
    FLASH_PREFIXES = ("NPSWF32", "libflashplayer", "Flash")

    def action(self, crash: Crash) -> None:
        version = None
        for module in _json_dump(crash).get("modules") or []:
            if isinstance(module, dict):
                version = self.flash_version(module)
                if version:
                    break
        crash.processed["flash_version"] = version or "[blank]"

    def flash_version(self, module: Mapping[str, Any]) -> str | None:
        filename = str(module.get("filename") or "")
        if not filename.startswith(self.FLASH_PREFIXES):
            return None
        match = self.FLASH.match(filename)
        if not match:
            return None
        if module.get("version"):
            return str(module["version"])
        for group in ("npswf", "plugin"):
            if match[group]:
                return match[group].replace("_", ".")
        return match["lib"] or match["mac"] or None


class OSPrettyVersionRule(Rule):
    """os_pretty_version: "Windows 7", "OS X 10.11", else the OS name."""

    WINDOWS = {
        "5.0": "Windows 2000",
        "5.1": "Windows XP",
        "5.2": "Windows Server 2003",
        "6.0": "Windows Vista",
        "6.1": "Windows 7",
        "6.2": "Windows 8",
        "6.3": "Windows 8.1",
        "10.0": "Windows 10",
    }

    def action(self, crash: Crash) -> None:
        processed = crash.processed
        name = processed.get("os_name")
        processed["os_pretty_version"] = name if isinstance(name, str) and name else None
        if not processed["os_pretty_version"]:
            return
        parts = str(processed.get("os_version") or "").split(".")
        try:
            major, minor = int(parts[0]), int(parts[1])
        except (IndexError, ValueError):
            return
        if name.lower().startswith("windows"):
            processed["os_pretty_version"] = self.WINDOWS.get(f"{major}.{minor}", "Windows Unknown")
        elif name in ("Mac OS X", "macOS"):
            processed["os_pretty_version"] = f"OS X {major}.{minor}" if major == 10 else f"macOS {major}"


class TopMostFilesRule(Rule):
    """topmost_filenames: the source file of the first crashing-thread frame that has one."""

    def action(self, crash: Crash) -> None:
        crash.processed["topmost_filenames"] = None
        json_dump = _json_dump(crash)
        try:
            index = json_dump["crash_info"]["crashing_thread"]
            frames = json_dump["threads"][index]["frames"]
        except (KeyError, IndexError, TypeError) as exc:
            crash.notes.append(f"no 'topmost_file' name because '{exc}' is missing")
            return
        for frame in frames:
            if isinstance(frame, dict) and frame.get("file"):
                crash.processed["topmost_filenames"] = frame["file"]
                return


class MissingSymbolsRule(Rule):
    """Every module the stackwalker had no symbols for goes to missing_symbols (once per day)."""

    def action(self, crash: Crash) -> None:
        for module in _json_dump(crash).get("modules") or []:
            if isinstance(module, dict) and module.get("missing_symbols") and module.get("debug_id"):
                crash.missing_symbols.append(
                    {
                        "debug_file": module.get("debug_file"),
                        "debug_id": module.get("debug_id"),
                        "code_file": module.get("filename"),
                        "code_id": module.get("code_id"),
                    }
                )


class SignatureGeneratorRule(Rule):
    """signature and proto_signature from siggen (see pyapp.processor.signature); its notes
    become processor notes."""

    def action(self, crash: Crash) -> None:
        result = crash.services.signatures.generate(crash.raw_crash, crash.processed)
        crash.processed["signature"] = result.signature
        if "proto_signature" in result.extra:
            crash.processed["proto_signature"] = result.extra["proto_signature"]
        crash.notes.extend(result.notes)


#: MozillaProcessorAlgorithm2015's rules, in order: raw transforms, raw to processed,
#: processed transforms (Socorro's classifiers are not carried over)
MOZILLA_2015_RULES: tuple[type[Rule], ...] = (
    ProductRewrite,
    ESRVersionRewrite,
    PluginContentURL,
    PluginUserComment,
    IdentifierRule,
    BreakpadStackwalkerRule2015,
    ProductRule,
    UserDataRule,
    EnvironmentRule,
    PluginRule,
    AddonsRule,
    DatesAndTimesRule,
    OutOfMemoryBinaryRule,
    JavaProcessRule,
    Winsock_LSPRule,
    CrashingThreadRule,
    CPUInfoRule,
    OSInfoRule,
    BetaVersionRule,
    ExploitablityRule,
    FlashVersionRule,
    OSPrettyVersionRule,
    TopMostFilesRule,
    MissingSymbolsRule,
    SignatureGeneratorRule,
)
