"""The MozillaProcessorAlgorithm2015 rules and the algorithm around them, on Socorro's own
sample raw crash and on stackwalker output, with the look-ups read from a real database."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import psycopg
import pytest
import siggen.rules
from siggen.rules import CSignatureTool

from pyapp.crashid import create_crash_id
from pyapp.dumpstore import FSDumpStore
from pyapp.processor.algorithm import MozillaProcessorAlgorithm2015, RawCrash
from pyapp.processor.rules import (
    MOZILLA_2015_RULES,
    Crash,
    FlashVersionRule,
    OSPrettyVersionRule,
    Rule,
    Services,
    TransientError,
)
from pyapp.processor.signature import CachedCSignatureTool, SignatureMaker, build_ruleset
from pyapp.processor.worker import DbLookups
from tests.processor import synthetic

DATA = Path(__file__).parent / "data"
UTC = dt.UTC
SIGNATURES = SignatureMaker()


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text())


@pytest.fixture
def services(sql: psycopg.Connection, tmp_path: Path) -> Services:
    """The rules' services: look-ups in a real database, an empty filesystem dump store."""
    return Services(lookups=DbLookups(sql), signatures=SIGNATURES, dumps=FSDumpStore(tmp_path / "dumps"))


def process(services: Services, raw: dict[str, Any], **item: Any) -> dict[str, Any]:
    crash_id = raw.get("uuid") or create_crash_id()
    raw = {"uuid": crash_id, **raw}
    result = MozillaProcessorAlgorithm2015("processor_test_1", max_attempts=3).process(
        RawCrash(crash_id=crash_id, raw_crash=raw, **item), services
    )
    return result.processed


def with_dump(raw: dict[str, Any], json_dump: dict[str, Any] | None = None) -> dict[str, Any]:
    return {**raw, "json_dump": json_dump if json_dump is not None else load("crashme.rust-stackwalk.json")}


def notes(processed: dict[str, Any]) -> list[str]:
    return processed["processor_notes"].split("; ")


def test_socorros_sample_plugin_hang(services: Services) -> None:
    raw = load("socorro_raw_crash.json")
    crash_id = create_crash_id(dt.datetime(2012, 4, 8, tzinfo=UTC))
    processed = process(services, with_dump({**raw, "uuid": crash_id}))
    assert processed["crash_id"] == processed["uuid"] == crash_id
    assert (processed["product"], processed["version"], processed["build"]) == (
        "WaterWolf",
        "3.0b1",
        "20120309050057",
    )
    assert processed["release_channel"] == processed["ReleaseChannel"] == "release"
    assert processed["productid"] == "{ec8030f7-c20a-464f-9b0e-13a3a9e97384}"
    # PluginContentURL became the URL; the plugin hang got a fake hang id
    assert processed["url"] == "http://embarasing.porn.com"
    assert processed["hangid"] == f"fake-{crash_id}" and processed["hang_type"] == -1
    assert processed["process_type"] == "plugin"
    assert (processed["PluginFilename"], processed["PluginName"], processed["PluginVersion"]) == (
        "dwight.txt",
        "wilma",
        "69",
    )
    assert processed["addons"] == [["1a5dabbd-0e74-41da-b532-a364bb552cab", "1.0.4.1"]]
    assert processed["addons_checked"] is True
    assert processed["app_notes"].startswith("AdapterVendorID: 0x8086")
    assert processed["Winsock_LSP"].startswith("MSAFD Tcpip")
    assert processed["submitted_timestamp"] == processed["date_processed"] == "2012-04-08T10:52:42+00:00"
    assert processed["crash_time"] == 1381203158
    assert processed["client_crash_date"] == "2013-10-08T03:32:38+00:00"
    assert processed["install_age"] == 1381203158 - 1379541617
    assert processed["uptime"] == 1381203158 - 1381203128
    assert processed["last_crash"] is None
    # from the stackwalker output
    assert (processed["cpu_name"], processed["cpu_info"]) == ("amd64", "family 6 model 167 stepping 8 | 2")
    assert processed["os_name"] == processed["os_pretty_version"] == "Linux"
    assert processed["reason"] == "SIGSEGV / SEGV_MAPERR" and processed["address"] == "0x00000000deadbeef"
    assert processed["crashedThread"] == 0 and processed["truncated"] is False
    assert processed["topmost_filenames"] == "src/crashme_exe.c"
    assert processed["flash_version"] == "[blank]"
    assert processed["exploitability"] == "unknown"
    assert processed["signature"] == "hang | crash_here"
    assert processed["proto_signature"].startswith("crash_here | middle_function | main")
    assert processed["success"] is True
    assert notes(processed)[:2] == ["processor_test_1", "MozillaProcessorAlgorithm2015"]
    # the sample has no SecondsSinceLastCrash (a first crash): nothing to note
    assert not any("SecondsSinceLastCrash" in note for note in notes(processed))
    assert "exploitability information missing" in notes(processed)
    assert processed["completed_datetime"] == processed["completeddatetime"] >= processed["started_datetime"]


def test_raw_crash_is_not_changed_for_the_stores(services: Services) -> None:
    raw = with_dump({"ProductName": "KillerApp", "ReleaseChannel": "esr", "Version": "38.0"})
    crash_id = create_crash_id()
    item = RawCrash(crash_id=crash_id, raw_crash={"uuid": crash_id, **raw})
    result = MozillaProcessorAlgorithm2015("p", max_attempts=3).process(item, services)
    assert result.processed["version"] == "38.0esr"
    assert result.raw_crash["Version"] == "38.0"  # the stores get the raw crash as received


def test_product_rewrite_from_the_product_id_map(sql: psycopg.Connection, services: Services) -> None:
    sql.execute("INSERT INTO products (product_name, release_name) VALUES ('FennecAndroid', 'mobile')")
    sql.execute(
        "INSERT INTO product_productid_map (productid, product_name, rewrite) "
        "VALUES ('{aa3c5121-dab2-40e2-81ca-7ea25febc110}', 'FennecAndroid', true)"
    )
    raw = with_dump({"ProductName": "Fennec", "ProductID": "{aa3c5121-dab2-40e2-81ca-7ea25febc110}"})
    processed = process(services, raw)
    assert processed["product"] == "FennecAndroid"
    assert 'Rewriting ProductName from "Fennec" to "FennecAndroid"' in notes(processed)
    assert (
        process(services, with_dump({"ProductName": "Fennec", "ProductID": "{other}"}))["product"] == "Fennec"
    )


def test_beta_versions_are_looked_up_by_build(sql: psycopg.Connection, services: Services) -> None:
    sql.execute("INSERT INTO products (product_name, release_name) VALUES ('KillerApp', 'killerapp')")
    version_id = sql.execute(
        "INSERT INTO product_versions (product_name, major_version, release_version, version_string, "
        "beta_number, build_date, sunset_date, build_type) "
        "VALUES ('KillerApp', '38.0', '38.0', '38.0b3', 3, '2026-11-01', '2027-01-01', 'beta') "
        "RETURNING product_version_id"
    ).fetchone()["product_version_id"]
    sql.execute(
        "INSERT INTO product_version_builds (product_version_id, build_id, platform) "
        "VALUES (%s, 20261101123456, 'linux')",
        (version_id,),
    )
    beta = {"ProductName": "KillerApp", "Version": "38.0", "ReleaseChannel": "beta"}
    assert process(services, with_dump({**beta, "BuildID": "20261101123456"}))["version"] == "38.0b3"
    unknown = process(services, with_dump({**beta, "BuildID": "20261101000000"}))
    assert unknown["version"] == "38.0b0"
    assert (
        'release channel is beta but no version data was found - added "b0" suffix to version number'
        in notes(unknown)
    )


def test_dates_socorro_notes_and_integer_limits(services: Services) -> None:
    submitted = dt.datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    raw = {
        "submitted_timestamp": submitted.isoformat(),
        "CrashTime": "abc",
        "StartupTime": "x",
        "InstallTime": "-99999999999",
        "SecondsSinceLastCrash": str(2**40),
    }
    processed = process(services, with_dump(raw))
    assert processed["crash_time"] == 0
    assert processed["install_age"] is None  # beyond a reports integer
    assert processed["last_crash"] is None
    assert {
        'non-integer value of "CrashTime" (abc)',
        'non-integer value of "StartupTime"',
        '"SecondsSinceLastCrash" larger than MAXINT - set to NULL',
    } <= set(notes(processed))
    bad_last = process(services, with_dump({**raw, "SecondsSinceLastCrash": "soon"}))
    assert bad_last["last_crash"] is None
    assert 'non-integer value of "SecondsSinceLastCrash"' in notes(bad_last)
    assert process(services, with_dump({**raw, "SecondsSinceLastCrash": "86400"}))["last_crash"] == 86400
    no_time = process(services, with_dump({"submitted_timestamp": submitted.isoformat()}))
    assert no_time["crash_time"] == int(submitted.timestamp())
    assert {"WARNING: raw_crash missing CrashTime", "client_crash_date is unknown"} <= set(notes(no_time))


def test_a_raw_crash_without_submission_time_takes_the_stored_rows_date(services: Services) -> None:
    stored = dt.datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    processed = process(services, with_dump({}), raw_date=stored)
    assert processed["date_processed"] == stored.isoformat()


def test_a_rule_that_raises_leaves_a_note_and_the_others_run(services: Services) -> None:
    class Explodes(Rule):
        def action(self, crash: Crash) -> None:
            raise ValueError("boom")

    class Algorithm(MozillaProcessorAlgorithm2015):
        rule_classes = (*MOZILLA_2015_RULES[:6], Explodes, *MOZILLA_2015_RULES[6:])

    crash_id = create_crash_id()
    result = Algorithm("p", max_attempts=3).process(
        RawCrash(crash_id, with_dump({"uuid": crash_id, "ProductName": "KillerApp"})), services
    )
    assert "Explodes: rule failed: ValueError: boom" in notes(result.processed)
    assert result.processed["product"] == "KillerApp"
    assert result.processed["signature"] == "crash_here"
    assert result.processed["success"] is False


def test_an_unchanged_json_dump_keeps_its_text_and_a_replaced_one_does_not(services: Services) -> None:
    """The json_dump text a claim read is stored as it is only while processed["json_dump"] is
    still the object parsed from it: a rule that replaces it makes the processor serialise it."""
    text = (DATA / "crashme.rust-stackwalk.json").read_text()
    crash_id = create_crash_id()

    def item() -> RawCrash:
        raw = {"uuid": crash_id, "ProductName": "KillerApp", "json_dump": json.loads(text)}
        return RawCrash(crash_id, raw, json_dump_text=text)

    kept = MozillaProcessorAlgorithm2015("p", max_attempts=3).process(item(), services)
    assert kept.json_dump_text == text and kept.processed["signature"] == "crash_here"

    class Replaces(Rule):
        def action(self, crash: Crash) -> None:
            crash.processed["json_dump"] = {**crash.processed["json_dump"], "status": "REWRITTEN"}

    class Algorithm(MozillaProcessorAlgorithm2015):
        rule_classes = (*MOZILLA_2015_RULES[:6], Replaces, *MOZILLA_2015_RULES[6:])

    replaced = Algorithm("p", max_attempts=3).process(item(), services)
    assert replaced.json_dump_text is None and replaced.processed["json_dump"]["status"] == "REWRITTEN"
    # no text to start from: nothing to keep
    assert (
        MozillaProcessorAlgorithm2015("p")
        .process(RawCrash(crash_id, {"uuid": crash_id, "json_dump": json.loads(text)}), services)
        .json_dump_text
        is None
    )


def test_a_transient_failure_stops_processing(services: Services) -> None:
    class StoreDown(Rule):
        def action(self, crash: Crash) -> None:
            raise TransientError("dump store unreachable")

    class Algorithm(MozillaProcessorAlgorithm2015):
        rule_classes = (StoreDown, *MOZILLA_2015_RULES)

    crash_id = create_crash_id()
    with pytest.raises(TransientError):
        Algorithm("p", max_attempts=3).process(RawCrash(crash_id, with_dump({"uuid": crash_id})), services)


def test_reprocessing_keeps_the_earlier_notes(services: Services) -> None:
    earlier = dt.datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    processed = process(
        services,
        with_dump({}),
        previous_notes="processor_old_1; MozillaProcessorAlgorithm2015; an old note",
        previous_started=earlier,
    )
    found = notes(processed)
    assert found[2] == f"earlier processing: {earlier.isoformat()}"
    assert found[-3:] == ["processor_old_1", "MozillaProcessorAlgorithm2015", "an old note"]


def test_stackwalking_is_skipped_after_too_many_attempts(services: Services) -> None:
    processed = process(services, {"ProductName": "KillerApp"}, attempts=4)
    assert "stackwalking skipped: earlier attempts at this crash did not finish" in notes(processed)
    assert processed["json_dump"] == {} and processed["mdsw_status_string"] == "unknown error"
    assert processed["signature"] == "EMPTY: no frame data available; unknown error"


# --- signatures ---------------------------------------------------------------------------------


def thread(*functions: str) -> dict[str, Any]:
    return {"frames": [{"frame": n, "function": f, "module": "xul.dll"} for n, f in enumerate(functions)]}


def signature(services: Services, threads: list[dict], **raw: Any) -> str:
    json_dump = {"crash_info": {"crashing_thread": 1 if len(threads) > 1 else 0}, "threads": threads}
    return process(services, with_dump(raw, json_dump))["signature"]


def test_signature_rules(services: Services) -> None:
    main = thread("MainLoop::Run(bool, bool*)", "main")
    crashing = thread("NS_ABORT_OOM(unsigned int)", "mozilla::dom::Foo::Bar()")
    assert signature(services, [main, crashing]) == "OOM | unknown | NS_ABORT_OOM | mozilla::dom::Foo::Bar"
    assert signature(services, [main, crashing], OOMAllocationSize="100") == ("OOM | small")
    assert signature(services, [main, thread("f()")], Hang="1") == "chromehang | MainLoop::Run"
    watchdog = thread("mozilla::(anonymous namespace)::RunWatchdog(void*)", "start_thread")
    assert signature(services, [main, watchdog]) == "shutdownhang | MainLoop::Run"
    long_name = "a" * 300 + "()"
    assert len(signature(services, [thread(long_name)])) == 255


def test_an_empty_stack_gets_the_stackwalkers_status(services: Services) -> None:
    json_dump = {"status": "ERROR_MINIDUMP_HEADER_MISMATCH"}
    processed = process(services, with_dump({}, json_dump))
    assert processed["signature"] == "EMPTY: no frame data available; ERROR_MINIDUMP_HEADER_MISMATCH"
    assert "MDSW did not identify the crashing thread" in notes(processed)


def test_cached_normalisation_equals_siggens(rng: random.Random) -> None:
    """The memoised frame tool gives siggen's own results (functions repeat with new lines)."""
    plain, cached = CSignatureTool(), CachedCSignatureTool()
    names = [synthetic.function_name(rng) for _ in range(300)] + [
        "js_Interpret",
        "js::AutoEnterOOMUnsafeRegion::crash(char const*)",
        "core::panicking::panic_fmt",
        "<alloc::vec::Vec<T> as core::ops::Drop>::drop",
        "`anonymous namespace'::CrashFunction",
        "mozilla::ipc::MessageChannel::Send(UniquePtr<IPC::Message>) const &",
        "std::_Func_impl<lambda_1>::_Do_call()",
        "operator new(unsigned long)",
        "f(a,b , c *)",
    ]
    for name in names * 2:
        for file in (None, "src/lib.rs", "hg:hg.mozilla.org/mozilla-central:js/src/vm/Interpreter.cpp:abc"):
            line = rng.randrange(1, 9999)
            frame = {"module": "xul.dll", "function": name, "file": file, "line": line}
            assert cached.normalize_frame(**frame) == plain.normalize_frame(**frame), frame


def test_signatures_equal_siggens_on_whole_crashes(rng: random.Random) -> None:
    from siggen.generator import SignatureGenerator
    from siggen.utils import convert_to_crash_data

    reference = SignatureGenerator()
    for _ in range(20):
        processed = {"json_dump": synthetic.json_dump(rng, threads=2, frames_per_thread=30, modules=40)}
        ours = SIGNATURES.generate({}, copy.deepcopy(processed))
        theirs = reference.generate(convert_to_crash_data(processed))
        assert (ours.signature, ours.extra.get("proto_signature")) == (
            theirs.signature,
            theirs.extra.get("proto_signature"),
        )


# --- smaller rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "version"),
    [
        ({"filename": "NPSWF32_11_7_700_169.dll"}, "11.7.700.169"),
        ({"filename": "NPSWF32.dll", "version": "10.1.51.66"}, "10.1.51.66"),
        ({"filename": "FlashPlayerPlugin_13_0_0_214.exe"}, "13.0.0.214"),
        ({"filename": "libflashplayer.so", "version": "11.2.202.238"}, "11.2.202.238"),
        ({"filename": "libxul.so", "version": "1.0"}, None),
    ],
)
def test_flash_versions(module: dict[str, str], version: str | None) -> None:
    assert FlashVersionRule().flash_version(module) == version


@pytest.mark.parametrize(
    "filename",
    [
        "NPSWF32_11_7_700_169.dll",
        "FlashPlayerPlugin_13_0_0_214.exe",
        "libflashplayer.so",
        "Flash Player-10.4",
        "FlashPlayer-10.6",
        "Flash",
        "old_NPSWF32.dll",
        "flashplayer.so",
        " libflashplayer.so",
        "libxul.so",
        "",
    ],
)
def test_flash_prefixes_pass_over_only_names_the_expression_cannot_match(filename: str) -> None:
    """The cheap prefix test skips a module only when FLASH.match would fail on it."""
    rule = FlashVersionRule()
    if rule.FLASH.match(filename):
        assert filename.startswith(rule.FLASH_PREFIXES)
    if not filename.startswith(rule.FLASH_PREFIXES):
        assert rule.flash_version({"filename": filename, "version": "1.0"}) is None


@pytest.mark.parametrize(
    ("os_name", "os_version", "pretty"),
    [
        ("Windows NT", "6.1.7601 Service Pack 1", "Windows 7"),
        ("Windows NT", "10.0.19045", "Windows 10"),
        ("Windows NT", "7.3.1", "Windows Unknown"),
        ("Mac OS X", "10.11.6 15G1004", "OS X 10.11"),
        ("Linux", "6.1.0", "Linux"),
        ("", "", None),
    ],
)
def test_os_pretty_versions(services: Services, os_name: str, os_version: str, pretty: str | None) -> None:
    crash = Crash("x", {}, {"os_name": os_name, "os_version": os_version}, services)
    OSPrettyVersionRule().action(crash)
    assert crash.processed["os_pretty_version"] == pretty


def test_missing_symbols_list_modules_without_symbols(services: Services, rng: random.Random) -> None:
    crash_id = create_crash_id()
    json_dump = synthetic.json_dump(rng, modules=14)
    result = MozillaProcessorAlgorithm2015("p", max_attempts=3).process(
        RawCrash(crash_id, with_dump({"uuid": crash_id}, json_dump)), services
    )
    expected = [m["debug_file"] for m in json_dump["modules"] if m["missing_symbols"]]
    assert [m["debug_file"] for m in result.missing_symbols] == expected == ["lib3.so", "lib10.so"]
    assert result.missing_symbols[0]["code_file"] == "lib3.so"


def test_siggen_input_is_convert_to_crash_datas(rng: random.Random) -> None:
    from siggen.utils import convert_to_crash_data

    samples = [
        {"json_dump": load("crashme.rust-stackwalk.json"), "mdsw_status_string": "OK", "signature": "s"},
        {"json_dump": synthetic.json_dump(rng, threads=1, frames_per_thread=5, modules=3), "hang": "x"},
        {"java_stack_trace": "java.lang.NullPointerException", "oom_allocation_size": "12"},
        {"json_dump": {}, "additional_minidumps": ["upload_file_minidump_browser"]},
        {},
    ]
    for processed in samples:
        ours = SignatureMaker.crash_data({}, processed)
        theirs = convert_to_crash_data(processed)
        assert {key: ours[key] for key in theirs} == theirs


def test_the_siggen_rules_share_one_cached_frame_tool(monkeypatch: pytest.MonkeyPatch) -> None:
    """build_ruleset builds one C signature tool (each costs ~0.2 s of a worker's start) and
    gives it to the generation rule and the watchdog rule; siggen's own class is left as it was."""
    built: list[CSignatureTool] = []
    init = CSignatureTool.__init__

    def counting_init(self: CSignatureTool, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        init(self, *args, **kwargs)

    monkeypatch.setattr(CSignatureTool, "__init__", counting_init)
    rules = build_ruleset()
    assert len(built) == 1
    tools = [r.c_signature_tool for r in rules if hasattr(r, "c_signature_tool")]
    tools += [
        r.signature_generation_rule.c_signature_tool for r in rules if hasattr(r, "signature_generation_rule")
    ]
    assert len(tools) >= 2
    assert all(isinstance(t, CachedCSignatureTool) for t in tools)
    assert len({id(t) for t in tools}) == 1
    assert siggen.rules.CSignatureTool is CSignatureTool
    assert not isinstance(CSignatureTool(), CachedCSignatureTool)


@pytest.mark.parametrize(
    ("threads", "signature"),
    [
        # a token-supplied json_dump may hold anything: numbers where text belongs
        ([{"frames": [{"frame": 0, "function": 12345, "module": "libxul.so"}]}], "12345"),
        (
            [{"frames": [{"frame": 0, "function": ["x"], "module": "libxul.so", "module_offset": "0x10"}]}],
            None,
        ),
        ([{"frames": [7, {"frame": 1, "function": "Foo::Bar()", "file": 3}]}, "not a thread"], "Foo::Bar"),
        # an object where the thread list belongs: no frames, not a failure
        ({"0": {"frames": [{"function": "f"}]}}, "EMPTY: no frame data available"),
    ],
)
def test_malformed_stacks_still_get_a_signature(threads: Any, signature: str | None) -> None:
    processed = {"json_dump": {"crash_info": {"crashing_thread": 0, "type": "SIGSEGV"}, "threads": threads}}
    result = SIGNATURES.generate({}, processed)
    assert result.signature != "" and not any("Rule failed" in note for note in result.notes), result.notes
    if signature is not None:
        assert result.signature == signature
    # a well-formed stack is handed to siggen as it is (no copy)
    good = [{"frames": [{"frame": 0, "function": "f", "module": "m"}]}]
    assert SignatureMaker.crash_data({}, {"json_dump": {"threads": good}})["threads"] is good
