"""Crash signatures with siggen (Socorro's own signature generation, packaged by Mozilla).

:class:`SignatureMaker` runs siggen's default rule set (frame normalisation with the signature
lists, sentinel/irrelevant/prefix frames, the EMPTY signatures with the stackwalker's status,
OOM | small/large, shutdownhang from thread 0, abort messages, IPC errors, 255-character
truncation, ...) plus Socorro 2015's hang prefixes (``hang | `` for plugin hangs,
``chromehang | `` for browser hangs, from thread 0), which today's siggen no longer adds.

Three things are ours, all speed only (the result is siggen's, a test compares them):

* frame normalisation is memoised: it is a pure function of the function name (the line
  number is appended afterwards when the signature lists ask for it), and the same functions
  recur across crashes;
* siggen's input is built from the processed crash plus the raw annotations it reads
  (``OOMAllocationSize``, ``AbortMessage``, ``AsyncShutdownTimeout``, ...) with plain dict
  look-ups, the structure of ``siggen.utils.convert_to_crash_data`` without its glom paths
  (which took longer than the rest of signature generation);
* one frame tool for every rule that uses one (siggen's rules each built their own, which
  loads the signature lists and compiles their expressions: ~0.2 s of a worker's start each).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Mapping
from typing import Any

from siggen import rules as siggen_rules
from siggen.generator import DEFAULT_RULESET, Result, SignatureGenerator
from siggen.rules import CSignatureTool, Rule, SignatureGenerationRule, SignatureRunWatchDog
from siggen.utils import override_values

#: stands for the line number while a normalised frame is cached
_LINE = "\x00line"
_LINE_SUFFIX = ":" + _LINE
NORMALIZE_CACHE_SIZE = 65536

#: raw annotation -> siggen input key (Socorro's convert_to_crash_data reads them so)
RAW_INPUTS = {
    "OOMAllocationSize": "oom_allocation_size",
    "AbortMessage": "abort_message",
    "AsyncShutdownTimeout": "async_shutdown_timeout",
    "IPCChannelError": "ipc_channel_error",
    "IPCMessageName": "ipc_message_name",
    "JSLargeAllocationFailure": "js_large_allocation_failure",
}


def _memoised(normalize: Any) -> Any:
    """``normalize(function, line)`` cached on the function name alone."""

    @functools.lru_cache(maxsize=NORMALIZE_CACHE_SIZE)
    def by_function(function: str) -> tuple[str, bool]:
        result = normalize(function, _LINE)
        if result.endswith(_LINE_SUFFIX):
            return result[: -len(_LINE_SUFFIX)], True
        return result, False

    def cached(function: str, line: Any) -> str:
        base, with_line = by_function(function)
        return f"{base}:{line}" if with_line else base

    return cached


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


#: frame fields siggen treats as text (it calls string methods on them)
FRAME_TEXT_FIELDS = ("function", "module", "file", "module_offset", "offset", "trust", "normalized")


def _frame_is_clean(frame: Any) -> bool:
    if not isinstance(frame, Mapping):
        return False
    for key in FRAME_TEXT_FIELDS:
        value = frame.get(key)
        if value is not None and not isinstance(value, str):
            return False
    return True


def _clean_frame(frame: Mapping[str, Any]) -> dict[str, Any]:
    """A frame whose text fields are text: a number becomes its decimal text, anything else
    (a list, an object, ``true``) is dropped, as if the stackwalker had not written it."""
    out = dict(frame)
    for key in FRAME_TEXT_FIELDS:
        value = out.get(key)
        if value is None or isinstance(value, str):
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[key] = str(value)
        else:
            del out[key]
    return out


def clean_threads(threads: Any) -> Any:
    """``json_dump.threads`` as siggen can read it: a list of thread objects whose frames are
    objects with text fields. A well-formed list is returned as it is (no copy); a
    token-supplied ``json_dump`` may hold anything (an object for the list, a number for a
    function name), and siggen, given those, fails and leaves an empty signature."""
    if threads is None:
        return None
    if not isinstance(threads, list):
        return []
    if all(
        isinstance(thread, Mapping)
        and (
            thread.get("frames") is None
            or (isinstance(thread["frames"], list) and all(_frame_is_clean(f) for f in thread["frames"]))
        )
        for thread in threads
    ):
        return threads
    cleaned = []
    for thread in threads:
        if not isinstance(thread, Mapping):
            cleaned.append({"frames": []})
            continue
        frames = thread.get("frames")
        frames = frames if isinstance(frames, list) else []
        cleaned.append(
            {**thread, "frames": [_clean_frame(f) for f in frames if isinstance(f, Mapping)]}
        )
    return cleaned


class CachedCSignatureTool(CSignatureTool):
    """siggen's C/C++/Rust frame tool with memoised function normalisation."""

    def __init__(self, datadir: str | None = None) -> None:
        super().__init__(datadir=datadir)
        self._cpp = _memoised(super().normalize_cpp_function)
        self._rust = _memoised(super().normalize_rust_function)

    def normalize_cpp_function(self, function: str, line: Any) -> str:
        return self._cpp(function, line)

    def normalize_rust_function(self, function: str, line: Any) -> str:
        return self._rust(function, line)


class HangPrefixRule(Rule):
    """Socorro 2015: ``hang | `` before the signature of a plugin hang (hang_type -1) and
    ``chromehang | `` before a browser hang's (hang_type 1), whose signature comes from
    thread 0 (the hung main thread) rather than the crashing thread."""

    def __init__(self, generation_rule: SignatureGenerationRule) -> None:
        super().__init__()
        self.generation_rule = generation_rule

    def predicate(self, crash_data: dict[str, Any], result: Result) -> bool:
        return crash_data.get("hang_type") in (-1, 1)

    def action(self, crash_data: dict[str, Any], result: Result) -> bool:
        if crash_data["hang_type"] == 1:
            with override_values(crash_data, {"crashing_thread": 0}) as thread_zero:
                self.generation_rule.action(thread_zero, result)
            result.set_signature(self.name, f"chromehang | {result.signature}")
        else:
            result.set_signature(self.name, f"hang | {result.signature}")
        return True


@contextlib.contextmanager
def _constructing_with(tool: CSignatureTool) -> Iterator[None]:
    """siggen's rules built meanwhile get ``tool`` as their C signature tool instead of
    building one each: a CSignatureTool loads the signature lists and compiles ~600 regular
    expressions (~0.35 s of CPU), and the generation rule and the watchdog rule each built
    one that build_ruleset then replaced (~0.7 s of every processor start)."""
    original = siggen_rules.CSignatureTool
    siggen_rules.CSignatureTool = lambda datadir=None: tool
    try:
        yield
    finally:
        siggen_rules.CSignatureTool = original


def build_ruleset() -> list[Rule]:
    """siggen's DEFAULT_RULESET (cached frame tool), with HangPrefixRule after generation."""
    tool = CachedCSignatureTool()
    with _constructing_with(tool):
        built = [cls() for cls in DEFAULT_RULESET]
    rules: list[Rule] = []
    for rule in built:
        if isinstance(rule, SignatureGenerationRule):
            rule.c_signature_tool = tool
            rules += [rule, HangPrefixRule(rule)]
            continue
        if isinstance(rule, SignatureRunWatchDog):
            rule.signature_generation_rule.c_signature_tool = tool
        rules.append(rule)
    return rules


class SignatureMaker:
    """Signature, proto signature and notes of a processed crash."""

    def __init__(self) -> None:
        self.generator = SignatureGenerator(ruleset=build_ruleset())

    @staticmethod
    def crash_data(raw_crash: Mapping[str, Any], processed: Mapping[str, Any]) -> dict[str, Any]:
        """siggen's input for a processed crash and the raw annotations siggen rules read.

        The same structure as siggen.utils.convert_to_crash_data (a test compares them), read
        with plain look-ups: its glom paths cost more than the rest of signature generation."""
        data: dict[str, Any] = {
            "hang": processed.get("hang"),
            "oom_allocation_size": processed.get("oom_allocation_size"),
            "js_large_allocation_failure": processed.get("js_large_allocation_failure"),
            "abort_message": processed.get("abort_message"),
            "mdsw_status_string": processed.get("mdsw_status_string"),
            "async_shutdown_timeout": processed.get("async_shutdown_timeout"),
            "ipc_channel_error": processed.get("ipc_channel_error"),
            "ipc_message_name": processed.get("ipc_message_name"),
            "additional_minidumps": processed.get("additional_minidumps", []),
            "original_signature": processed.get("signature", ""),
        }
        if "json_dump" in processed:
            json_dump = _mapping(processed["json_dump"])
            crash_info = _mapping(json_dump.get("crash_info"))
            system_info = _mapping(json_dump.get("system_info"))
            data["crashing_thread"] = crash_info.get("crashing_thread")
            data["reason"] = crash_info.get("type")
            data["threads"] = clean_threads(json_dump.get("threads"))
            data["os"] = system_info.get("os")
        for key in ("java_exception", "java_stack_trace"):
            if key in processed:
                data[key] = processed[key]
        for annotation, key in RAW_INPUTS.items():
            value = raw_crash.get(annotation)
            if value not in (None, ""):
                data[key] = value
        try:
            data["oom_allocation_size"] = int(data["oom_allocation_size"])
        except (TypeError, ValueError):
            data["oom_allocation_size"] = None
        data["hang_type"] = processed.get("hang_type")
        return data

    def generate(self, raw_crash: Mapping[str, Any], processed: Mapping[str, Any]) -> Result:
        return self.generator.generate(self.crash_data(raw_crash, processed))
