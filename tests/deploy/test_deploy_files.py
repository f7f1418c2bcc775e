"""The deployment files in deploy/: systemd units that systemd accepts, running commands that exist,
and the seed's cron line. (The nginx samples are served for real in tests/web/test_nginx.py.)"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from pyapp.cli.main import build_parser
from pyapp.schema import ROOT

UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))


def render(unit: Path, target: Path) -> Path:
    """The unit with /opt/crashstats pointing at this checkout (the executable must exist)."""
    name = unit.name.replace("@.service", "@1.service")
    path = target / name
    path.write_text(unit.read_text().replace("/opt/crashstats", str(ROOT)))
    return path


def test_there_are_units_for_web_collector_and_processors() -> None:
    assert [u.name for u in UNITS] == [
        "crashstats-collector.service",
        "crashstats-processor@.service",
        "crashstats-web.service",
    ]


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_systemd_accepts_the_unit(unit: Path, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing (Debian package systemd)"
    rendered = render(unit, tmp_path)
    proc = subprocess.run([analyze, "verify", "--man=no", str(rendered)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_the_unit_runs_a_crashstats_command_that_exists(unit: Path) -> None:
    exec_line = next(line for line in unit.read_text().splitlines() if line.startswith("ExecStart="))
    argv = shlex.split(exec_line.removeprefix("ExecStart="))
    assert argv[0] == "/opt/crashstats/.venv/bin/crashstats"
    parser = build_parser()
    args = parser.parse_args(argv[1:])  # exits (fails the test) on an unknown command or option
    assert callable(args.func)


def test_the_cron_file_runs_the_seeds_crontabber_line() -> None:
    lines = [
        line
        for line in (ROOT / "deploy" / "cron" / "crashstats").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    job = [line for line in lines if line.startswith("*/5")]
    assert job == ["*/5 * * * * socorro /opt/crashstats/scripts/crontabber.sh"]
    assert (ROOT / "scripts" / "crontabber.sh").stat().st_mode & 0o111
