"""The stackwalker: rust-minidump's minidump-stackwalk on dumps the real Crashpad client makes,
with symbols made by dump_syms from the same wheel, from a local symbol store or a symbol
server through the cache; timeouts, memory limits and broken dumps end in processor notes."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pyapp.processor.stackwalker import STATUS_UNKNOWN, Stackwalker, find_stackwalker
from tests.processor.conftest import SHARED

FRAMES = ["crash_here", "middle_function", "main"]


def crashing_frames(json_dump: dict) -> list[str | None]:
    thread = json_dump["threads"][json_dump["crash_info"]["crashing_thread"]]
    return [frame.get("function") for frame in thread["frames"][:3]]


def test_a_crashpad_dump_with_local_symbols(
    crashme_dump: Path, crashme_symbols: Path, tmp_path: Path
) -> None:
    walker = Stackwalker(
        find_stackwalker(), symbols_paths=[str(crashme_symbols)], cache_dir=tmp_path / "cache"
    )
    assert walker.version().startswith("minidump-stackwalk ")
    result = walker.walk(crashme_dump)
    assert result.status == "OK" and result.success and result.return_code == 0
    assert result.notes == []
    assert crashing_frames(result.json_dump) == FRAMES
    assert result.json_dump["crash_info"]["address"] == "0x00000000deadbeef"
    assert result.json_dump["system_info"]["os"] == "Linux"
    crashme_module = next(m for m in result.json_dump["modules"] if m["filename"] == "crashme")
    assert crashme_module["loaded_symbols"] is True and crashme_module["missing_symbols"] is False
    libc = next(m for m in result.json_dump["modules"] if m["filename"] == "libc.so.6")
    assert libc["missing_symbols"] is True  # looked up in the store, not there


def test_without_symbols_frames_are_module_offsets(crashme_dump: Path, tmp_path: Path) -> None:
    result = Stackwalker(find_stackwalker(), cache_dir=tmp_path / "cache").walk(crashme_dump)
    assert result.status == "OK"
    assert crashing_frames(result.json_dump)[0] is None
    crashme_module = next(m for m in result.json_dump["modules"] if m["filename"] == "crashme")
    assert crashme_module["loaded_symbols"] is False


@pytest.fixture
def symbol_server(crashme_symbols: Path) -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server serving the symbol store (the Tecken layout); records request paths."""
    requests: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path.split("?", 1)[0])
            super().do_GET()

        def log_message(self, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(crashme_symbols))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", requests
    finally:
        server.shutdown()
        server.server_close()


def test_symbols_from_a_symbol_server_are_cached(
    crashme_dump: Path, symbol_server: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, requests = symbol_server
    cache = tmp_path / "cache"
    walker = Stackwalker(find_stackwalker(), symbols_urls=[url], cache_dir=cache)
    assert crashing_frames(walker.walk(crashme_dump).json_dump) == FRAMES
    assert any(path.endswith("/crashme.sym") for path in requests)
    assert list(cache.glob("crashme/*/crashme.sym"))
    # the cache answers now, the server is no longer asked for crashme
    requests.clear()
    assert crashing_frames(walker.walk(crashme_dump).json_dump) == FRAMES
    assert not any(path.endswith("/crashme.sym") for path in requests)


def test_a_broken_dump_ends_in_a_note(tmp_path: Path) -> None:
    dump = tmp_path / "broken.dmp"
    dump.write_bytes(b"this is not a minidump")
    result = Stackwalker(find_stackwalker(), cache_dir=tmp_path / "cache").walk(dump)
    assert result.json_dump == {} and result.status == STATUS_UNKNOWN and not result.success
    assert result.return_code not in (0, None)
    assert result.notes == [
        f"MDSW failed with {result.return_code}: unknown error (" + result.notes[0].split("(", 1)[1]
    ]
    assert "header" in result.notes[0].lower()


def test_a_stackwalker_that_hangs_is_killed(crashme_dump: Path, tmp_path: Path) -> None:
    hanging = tmp_path / "hanging-stackwalker"
    hanging.write_text("#!/bin/sh\nsleep 600 &\nsleep 600\n")  # a child of its own keeps the pipe open too
    hanging.chmod(0o755)
    result = Stackwalker(str(hanging), timeout=1).walk(crashme_dump)
    assert result.notes == ["MDSW terminated with SIGKILL due to timeout"]
    assert result.return_code == -9 and result.status == STATUS_UNKNOWN


def test_the_memory_limit_applies(crashme_dump: Path, tmp_path: Path) -> None:
    result = Stackwalker(find_stackwalker(), cache_dir=tmp_path / "cache", memory_limit=4 * 1024**2).walk(
        crashme_dump
    )
    assert result.status == STATUS_UNKNOWN and result.json_dump == {}
    assert len(result.notes) == 1 and result.notes[0].startswith("MDSW ")
    generous = Stackwalker(find_stackwalker(), cache_dir=tmp_path / "cache", memory_limit=1024**3)
    assert generous.walk(crashme_dump).status == "OK"


if (SHARED / "fixtures" / "minidumps" / "rust-minidump" / "test.dmp").exists():
    # extended test: the shared corpus is there (CI has it beside the checkout)

    def test_rust_minidumps_windows_test_dump_with_its_symbols(tmp_path: Path) -> None:
        corpus = SHARED / "fixtures" / "minidumps" / "rust-minidump"
        walker = Stackwalker(
            find_stackwalker(), symbols_paths=[str(corpus / "symbols")], cache_dir=tmp_path / "cache"
        )
        result = walker.walk(corpus / "test.dmp")
        assert result.status == "OK"
        assert result.json_dump["crash_info"]["type"] == "EXCEPTION_ACCESS_VIOLATION_WRITE"
        assert result.json_dump["system_info"]["os"] == "Windows NT"
        frames = result.json_dump["threads"][0]["frames"]
        assert frames[0]["function"] == "`anonymous namespace'::CrashFunction"
        assert (frames[0]["file"], frames[0]["line"]) == ("c:\\test_app.cc", 58)
        assert [f["function"] for f in frames[1:3]] == ["main", "__tmainCRTStartup"]
