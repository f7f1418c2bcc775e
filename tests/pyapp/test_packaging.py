"""A regular (non-editable) install carries the schema: `pip install .` then `db upgrade` works."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pyapp import migrate, schema

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_install_builds_the_schema(tmp_path: Path, empty_db: str) -> None:
    # build from a copy: setuptools leaves build/ behind in the tree it builds
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".git", ".venv", "var", "build", "__pycache__", "*.egg-info"),
    )
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "-w",
            str(wheels),
            str(source),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    target = tmp_path / "site"
    (wheel,) = wheels.glob("crashstats-*.whl")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target), "DATABASE_URL": empty_db}
    env.pop("CRASHSTATS_CONFIG_DIR", None)
    where = subprocess.run(
        [sys.executable, "-c", "import pyapp.schema as s; print(s.ROOT)"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip() == str(target / "pyapp" / "_bundle")
    proc = subprocess.run(
        [sys.executable, "-m", "pyapp.cli.main", "db", "upgrade"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert migrate.current(empty_db) == [schema.head_revision()]
