"""The shipped nginx samples (deploy/nginx/) in front of the real collector under gunicorn.

The samples are copied with their absolute paths and ports rewritten to a private prefix, checked
with ``nginx -t`` and served by a real nginx: crash uploads over TLS (chunked and gzipped as
Crashpad sends them) and plain HTTP, the 25 MB body limit answered by nginx, the redirect to
HTTPS, the internal "socorro-middleware" host, and slow clients held by nginx instead of the
collector's single sync worker.
"""

from __future__ import annotations

import gzip
import http.client
import os
import random
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pyapp.embedded import free_port
from pyapp.schema import ROOT
from pyapp.submitter import encode_multipart
from tests.support import stop_process
from tests.web.conftest import CollectorServer, make_crash

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SAMPLES = ROOT / "deploy" / "nginx"


@dataclass
class Nginx:
    http_port: int
    https_port: int
    middleware_port: int
    collector: CollectorServer
    prefix: Path

    def connection(self, *, tls: bool = True, timeout: float = 30) -> http.client.HTTPConnection:
        if tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection("127.0.0.1", self.https_port, timeout=timeout, context=context)
        return http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=timeout)


def render_samples(confd: Path, *, ports: dict[str, int], cert: Path, key: Path) -> None:
    """The samples as an operator would install them, pointed at this test's ports and files."""
    for sample in SAMPLES.iterdir():
        text = sample.read_text()
        text = text.replace("/etc/nginx/conf.d/", f"{confd}/")
        text = text.replace("listen [::]:80;\n", "").replace("listen [::]:443 ssl http2;\n", "")
        text = text.replace("listen 80;", f"listen 127.0.0.1:{ports['http']};")
        text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{ports['https']} ssl http2;")
        text = text.replace("listen 127.0.0.1:80;", f"listen 127.0.0.1:{ports['middleware']};")
        text = text.replace("127.0.0.1:8001", f"127.0.0.1:{ports['collector']}")
        # the web app is not part of this test: its upstream is the collector too (it answers
        # the health checks)
        text = text.replace("127.0.0.1:8000", f"127.0.0.1:{ports['collector']}")
        text = text.replace("/etc/ssl/crash-stats/fullchain.pem", str(cert))
        text = text.replace("/etc/ssl/crash-stats/privkey.pem", str(key))
        text = text.replace("/opt/crashstats/", f"{ROOT}/")
        (confd / sample.name.removesuffix(".sample")).write_text(text)


@pytest.fixture
def nginx(tmp_path: Path, start_collector) -> Iterator[Nginx]:
    collector = start_collector(workers=1)
    prefix = tmp_path / "nginx"
    confd = prefix / "conf.d"
    temp = prefix / "temp"
    confd.mkdir(parents=True)
    temp.mkdir()
    cert, key = prefix / "cert.pem", prefix / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=crash-stats",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    ports = {
        "http": free_port(),
        "https": free_port(),
        "middleware": free_port(),
        "collector": collector.port,
    }
    render_samples(confd, ports=ports, cert=cert, key=key)
    user = "user root;\n" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log info;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"    access_log {prefix}/access.log;\n"
        f"    client_body_temp_path {temp}/body;\n    proxy_temp_path {temp}/proxy;\n"
        f"    fastcgi_temp_path {temp}/fastcgi;\n    uwsgi_temp_path {temp}/uwsgi;\n"
        f"    scgi_temp_path {temp}/scgi;\n"
        f"    include {confd}/*.conf;\n"
        "}\n"
    )
    check = subprocess.run(
        [NGINX, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", ports["https"]), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError((prefix / "error.log").read_text()) from None
                time.sleep(0.05)
        yield Nginx(ports["http"], ports["https"], ports["middleware"], collector, prefix)
    finally:
        stop_process(process)


def crash_body(seed: int) -> tuple[bytes, dict[str, str]]:
    body, ctype = encode_multipart(make_crash(random.Random(seed), dump_size=300_000))
    return gzip.compress(body), {"Content-Type": ctype, "Content-Encoding": "gzip"}


def post(
    conn: http.client.HTTPConnection, body: bytes, headers: dict[str, str], *, chunked: bool
) -> tuple[int, str]:
    try:
        if chunked:
            pieces = (body[i : i + 16384] for i in range(0, len(body), 16384))
            conn.request("POST", "/submit?guid=abc", body=pieces, headers=headers, encode_chunked=True)
        else:
            conn.request("POST", "/submit", body=body, headers={"Content-Length": str(len(body)), **headers})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def test_crash_uploads_through_nginx(nginx: Nginx) -> None:
    body, headers = crash_body(1)
    status, text = post(nginx.connection(), body, headers, chunked=True)
    assert status == 200 and text.startswith("CrashID=bp-"), text
    crash_id = text.strip().removeprefix("CrashID=bp-")
    raw = nginx.collector.raw_crash(crash_id)
    assert raw["ProductName"] == "KillerApp" and raw["guid"] == "abc"
    assert nginx.collector.queued(crash_id) is not None
    # old Breakpad clients over plain HTTP
    body, headers = crash_body(2)
    status, text = post(nginx.connection(tls=False), body, headers, chunked=False)
    assert status == 200 and text.startswith("CrashID=bp-"), text
    assert len(nginx.collector.stored_ids()) == 2


def test_plain_http_pages_redirect_to_https(nginx: Nginx) -> None:
    conn = nginx.connection(tls=False)
    try:
        conn.request("GET", "/topcrasher/products/KillerApp", headers={"Host": "crash-stats"})
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    assert response.status == 301
    assert response.getheader("Location") == "https://crash-stats/topcrasher/products/KillerApp"


def test_a_body_over_the_limit_is_refused_by_nginx(nginx: Nginx) -> None:
    body = os.urandom(26 * 1024 * 1024)
    status, _ = post(
        nginx.connection(), body, {"Content-Type": "multipart/form-data; boundary=x"}, chunked=False
    )
    assert status == 413
    assert nginx.collector.stored_ids() == set()
    assert "POST /submit" not in nginx.collector.log()


def test_the_middleware_host_exposes_only_the_api_and_health(nginx: Nginx) -> None:
    for path, status in (("/__heartbeat__", 200), ("/submit", 404)):
        conn = http.client.HTTPConnection("127.0.0.1", nginx.middleware_port, timeout=10)
        try:
            conn.request("GET", path, headers={"Host": "socorro-middleware"})
            response = conn.getresponse()
            response.read()
        finally:
            conn.close()
        assert response.status == status, path


def test_slow_clients_are_held_by_nginx_not_the_collector(nginx: Nginx) -> None:
    # the collector has ONE sync worker: a client trickling its body straight to it would hold it
    stalled = []
    for _ in range(4):
        sock = socket.create_connection(("127.0.0.1", nginx.http_port), timeout=10)
        sock.sendall(
            b"POST /submit HTTP/1.1\r\nHost: crash-stats\r\nContent-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: 100000\r\n\r\n--x\r\n"
        )
        stalled.append(sock)
    try:
        body, headers = crash_body(3)
        status, text = post(nginx.connection(tls=False, timeout=20), body, headers, chunked=False)
        assert status == 200 and text.startswith("CrashID=bp-"), text
    finally:
        for sock in stalled:
            sock.close()
