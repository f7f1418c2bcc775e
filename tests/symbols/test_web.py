"""The symbol routes over real HTTP: the symbol server under gunicorn (302 to presigned moto
URLs, or streamed; 404; caching headers), the missing-symbols page and its CSV, anonymous
uploads refused with nothing stored; and the signed-in upload path through the real app in a
WSGI server: API tokens (Auth-Token) and a signed-in browser session with its CSRF token."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import psycopg
import pytest

from pyapp.config import Config
from pyapp.db import Database
from pyapp.symbols.upload import upload_symbols
from tests.auth_fixtures import WebClient, create_token, create_user
from tests.clock import SuiteClock
from tests.site.htmlcheck import check_page, texts
from tests.support import scalar
from tests.symbols.conftest import (
    SiteServer,
    bucket_keys,
    debug_id,
    fetch,
    make_zip,
    multipart,
    store_crash_lacking,
    sym_text,
    tree_name,
)

UTC = dt.UTC


@pytest.fixture
def uploaded(tmp_path: Path, make_config: Callable[..., Config], database: Database) -> str:
    """libfoo.so's symbols in the store; returns the symbol path."""
    path = make_zip(
        tmp_path / "s.zip", {tree_name("libfoo.so", debug_id(1)): sym_text("libfoo.so", debug_id(1))}
    )
    upload_symbols(make_config(), database, user_email="a@example.org", path=path)
    return f"/symbols/libfoo.so/{debug_id(1)}/libfoo.so.sym"


def test_anonymous_uploads_are_refused_and_nothing_is_stored(
    start_site: Callable[..., SiteServer],
    tmp_path: Path,
    s3_client: Any,
    conn: psycopg.Connection,
    settings: dict,
) -> None:
    site = start_site()
    data = make_zip(
        tmp_path / "s.zip", {tree_name("libfoo.so", debug_id(1)): sym_text("libfoo.so", debug_id(1))}
    )
    body, headers = multipart("s.zip", data.read_bytes())
    api = fetch(site.url + "/symbols/upload/api/", "POST", body, {**headers, "Auth-Token": "no-such-token"})
    assert api.status == 403 and "not matched" in api.json()["error"]
    anonymous = fetch(site.url + "/symbols/upload/api/", "POST", body, headers)
    assert anonymous.status == 403 and "upload_symbols" in anonymous.json()["error"]
    reader = create_token(settings["DATABASE_URL"], create_user(settings["DATABASE_URL"]), [])
    refused = fetch(site.url + "/symbols/upload/api/", "POST", body, {**headers, "Auth-Token": reader})
    assert refused.status == 403 and "upload_symbols" in refused.json()["error"]
    form = fetch(site.url + "/symbols/upload/web/", "POST", body, headers)
    assert form.status == 403 and b"upload_symbols" in form.body
    assert fetch(site.url + "/symbols/upload/web/").status == 403
    listing = fetch(site.url + "/symbols/")
    assert listing.status == 403 and b"upload_symbols" in listing.body
    assert bucket_keys(s3_client, settings["SYMBOLS_BUCKET_DEFAULT_NAME"]) == []
    assert scalar(conn, "SELECT count(*) FROM symbols_uploads") == 0


def test_the_symbol_server_redirects_to_the_store(
    start_site: Callable[..., SiteServer], uploaded: str
) -> None:
    site = start_site()
    for path in (uploaded, uploaded.replace(debug_id(1), debug_id(1).lower())):
        answer = fetch(site.url + path + "?code_file=libfoo.so&code_id=abc")
        assert answer.status == 302, answer.body
        assert answer.headers["cache-control"] == "public, max-age=360"
        target = answer.headers["location"]
        assert "X-Amz-Signature=" in target and "/v1/libfoo.so/" in target
        obj = fetch(target)
        assert obj.status == 200 and obj.headers["content-encoding"] == "gzip"
        assert gzip.decompress(obj.body) == sym_text("libfoo.so", debug_id(1))
    assert fetch(site.url + uploaded, "HEAD").status == 302
    absent = fetch(site.url + f"/symbols/libfoo.so/{debug_id(2)}/libfoo.so.sym")
    assert absent.status == 404 and absent.headers["cache-control"] == "no-cache"
    assert b"no symbols for libfoo.so/" in absent.body
    assert fetch(site.url + "/symbols/libfoo.so/not-an-id/libfoo.so.sym").status == 404
    assert fetch(site.url + f"/symbols/..%2F..%2Fetc/{debug_id(1)}/passwd.sym").status == 404


def test_the_symbol_server_streams(start_site: Callable[..., SiteServer], uploaded: str) -> None:
    site = start_site(CRASHSTATS_SYMBOLS_SERVER_MODE="stream")
    text = sym_text("libfoo.so", debug_id(1))
    zipped = fetch(site.url + uploaded, headers={"Accept-Encoding": "gzip"})
    assert zipped.status == 200 and zipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == text
    assert zipped.headers["cache-control"] == "public, max-age=86400"
    etag = zipped.headers["etag"]
    plain = fetch(site.url + uploaded)
    assert plain.status == 200 and "content-encoding" not in plain.headers and plain.body == text
    assert int(plain.headers["content-length"]) == len(text) and plain.headers["etag"] == etag
    assert fetch(site.url + uploaded, headers={"If-None-Match": etag}).status == 304
    head = fetch(site.url + uploaded, "HEAD")
    assert head.status == 200 and head.body == b"" and int(head.headers["content-length"]) == len(text)
    assert fetch(site.url + f"/symbols/libfoo.so/{debug_id(3)}/libfoo.so.sym").status == 404


def test_the_missing_symbols_page(
    start_site: Callable[..., SiteServer], conn: psycopg.Connection, clock: SuiteClock
) -> None:
    now = clock.now()
    store_crash_lacking(conn, now - dt.timedelta(days=1), [("libnosyms.so", debug_id(5))])
    store_crash_lacking(conn, now - dt.timedelta(days=40), [("libancient.so", debug_id(6))])
    site = start_site()
    page = fetch(site.url + "/missingsymbols/")
    assert page.status == 200 and b"libnosyms.so" in page.body and debug_id(5).encode() in page.body
    tree, _ = check_page(page.body.decode())
    assert debug_id(5) in texts(tree)
    assert b"libancient.so" not in page.body
    table = fetch(site.url + "/missingsymbols.csv?days=60")
    assert table.status == 200 and table.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.body.decode())))
    assert [(r["debug_file"], r["debug_id"]) for r in rows] == [
        ("libnosyms.so", debug_id(5)),
        ("libancient.so", debug_id(6)),
    ]
    assert rows[0]["days_seen"] == "1" and rows[0]["code_file"] == "libnosyms.so"
    listing = fetch(site.url + "/missingsymbols.json").json()
    assert [r["debug_file"] for r in listing["rows"]] == ["libnosyms.so"]
    assert fetch(site.url + "/missingsymbols/?days=0").status == 400


# --- the signed-in path, through the real app: API tokens and a browser session ------------


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        return


class Users:
    """Users with permissions, and the Auth-Token header of each (created on first use)."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.tokens: dict[tuple[str, frozenset[str]], str] = {}

    def headers(self, email: str, *permissions: str) -> dict[str, str]:
        key = (email, frozenset(permissions))
        if key not in self.tokens:
            user = create_user(self.db_url, email, permissions=permissions)
            self.tokens[key] = create_token(self.db_url, user, permissions)
        return {"Auth-Token": self.tokens[key]}


@pytest.fixture
def app_server(make_config: Callable[..., Config], settings: dict) -> Iterator[tuple[str, Users]]:
    """The real site (with its AuthMiddleware) in a WSGI server on a free port."""
    from web.app import make_app

    app = make_app(make_config(CRASHSTATS_SYMBOLS_MAX_UPLOAD="1M", SECRET_KEY="symbols-test-key"))
    server = make_server("127.0.0.1", 0, app, WSGIServer, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", Users(settings["DATABASE_URL"])
    finally:
        server.shutdown()
        server.server_close()


def test_uploads_by_a_permitted_viewer(
    app_server: tuple[str, Users], tmp_path: Path, s3_client: Any, conn: psycopg.Connection, settings: dict
) -> None:
    url, users = app_server
    bucket = settings["SYMBOLS_BUCKET_DEFAULT_NAME"]
    me = users.headers("uploader@example.org", "upload_symbols")
    good = make_zip(
        tmp_path / "good.zip", {tree_name("libweb.so", debug_id(1)): sym_text("libweb.so", debug_id(1))}
    )
    body, headers = multipart("good.zip", good.read_bytes())
    answer = fetch(url + "/symbols/upload/api/", "POST", body, {**headers, **me})
    assert answer.status == 201, answer.body
    summary = answer.json()
    assert summary["user"] == "uploader@example.org" and summary["archive"] == "good.zip"
    assert summary["bucket"] == bucket and summary["stored"] == 1
    assert bucket_keys(s3_client, bucket) == [f"v1/libweb.so/{debug_id(1)}/libweb.so.sym"]

    # an attack: the 400 names the file and why; nothing of it is stored
    forged = make_zip(
        tmp_path / "forged.zip",
        {
            tree_name("libnew.so", debug_id(2)): sym_text("libnew.so", debug_id(2)),
            tree_name("libweb.so", debug_id(3)): sym_text("libc.so.6", debug_id(3)),
        },
    )
    body, headers = multipart("forged.zip", forged.read_bytes())
    refused = fetch(url + "/symbols/upload/api/", "POST", body, {**headers, **me})
    assert refused.status == 400
    assert refused.json()["error"].startswith(
        f"upload refused: {tree_name('libweb.so', debug_id(3))}: the MODULE line"
    )
    slip = make_zip(tmp_path / "slip.zip", {"../../evil.sym": sym_text()})
    body, headers = multipart("slip.zip", slip.read_bytes())
    form = fetch(url + "/symbols/upload/web/", "POST", body, {**headers, **me})
    assert form.status == 400 and b"../../evil.sym" in form.body and b"zip slip" in form.body
    assert bucket_keys(s3_client, bucket) == [f"v1/libweb.so/{debug_id(1)}/libweb.so.sym"]
    assert scalar(conn, "SELECT count(*) FROM symbols_uploads") == 1

    # the form page, its result page, and the list of one's own uploads
    assert fetch(url + "/symbols/upload/web/", headers=me).status == 200
    again = make_zip(
        tmp_path / "again.zip", {tree_name("libweb.so", debug_id(1)): sym_text("libweb.so", debug_id(1))}
    )
    body, headers = multipart("again.zip", again.read_bytes())
    result = fetch(url + "/symbols/upload/web/", "POST", body, {**headers, **me})
    assert result.status == 201 and b"1 already there" in result.body
    page = fetch(url + "/symbols/", headers=me)
    assert page.status == 200
    tree, page_links = check_page(page.body.decode())
    assert "again.zip" in texts(tree) and "/symbols/upload/web/" in page_links
    _, form_links = check_page(fetch(url + "/symbols/upload/web/", headers=me).body.decode())
    assert "/symbols/upload/web/" in form_links
    check_page(result.body.decode())
    mine = fetch(url + "/symbols.json", headers=me).json()
    assert [u["archive_name"] for u in mine["uploads"]] == ["again.zip", "good.zip"]
    assert not mine["all_users"]
    other = users.headers("other@example.org", "upload_symbols")
    assert fetch(url + "/symbols.json", headers=other).json()["uploads"] == []
    admin = users.headers("admin@example.org", "view_all_symbol_uploads")
    everyone = fetch(url + "/symbols.json", headers=admin).json()
    assert everyone["all_users"] and len(everyone["uploads"]) == 2
    assert fetch(url + "/symbols/upload/web/", headers=admin).status == 403


def test_upload_limits_and_bad_requests(app_server: tuple[str, Users]) -> None:
    url, users = app_server
    me = users.headers("u@example.org", "upload_symbols")
    empty = fetch(
        url + "/symbols/upload/api/", "POST", b"", {"Content-Type": "multipart/form-data; boundary=x", **me}
    )
    assert empty.status == 400 and "not a readable multipart form" in empty.json()["error"]
    boundary = "b0undary"
    no_file = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--{boundary}--\r\n'
    ).encode()
    answer = fetch(
        url + "/symbols/upload/api/",
        "POST",
        no_file,
        {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(no_file)),
            **me,
        },
    )
    assert answer.status == 400 and "no file in the request" in answer.json()["error"]
    # a body declared over the limit is answered before it is read
    body, headers = multipart("big.zip", b"x" * 1000)
    too_big = fetch(
        url + "/symbols/upload/api/", "POST", body, {**headers, "Content-Length": str(2 * 1024**2), **me}
    )
    assert too_big.status == 413 and "1,048,576-byte limit" in too_big.json()["error"]


def attack_archives(tmp_path: Path) -> dict[str, tuple[Path, str, str]]:
    """name: (archive, the member the 400 must name, words of the reason)."""
    import stat
    import tarfile
    import zipfile

    from tests.symbols.test_archive import ten_gb_declared_zip

    good = {tree_name("libgood.so", debug_id(1)): sym_text("libgood.so", debug_id(1))}
    symlink = tmp_path / "symlink.zip"
    with zipfile.ZipFile(symlink, "w") as archive:
        for name, data in good.items():
            archive.writestr(name, data)
        info = zipfile.ZipInfo(tree_name("liblink.so", debug_id(2)))
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    tar_link = tmp_path / "link.tar.gz"
    with tarfile.open(tar_link, "w:gz") as archive:
        link = tarfile.TarInfo(tree_name("liblink.so", debug_id(2)))
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/shadow"
        archive.addfile(link)
    return {
        "zip slip": (
            make_zip(tmp_path / "slip.zip", {**good, "../../x.sym": sym_text()}),
            "../../x.sym",
            "zip slip",
        ),
        "symlink in a zip": (symlink, tree_name("liblink.so", debug_id(2)), "symbolic links"),
        "symlink in a tar": (tar_link, tree_name("liblink.so", debug_id(2)), "links are not allowed"),
        "10 GB-declared bomb": (
            ten_gb_declared_zip(tmp_path / "bomb.zip"),
            tree_name("bomb.so", debug_id(1)),
            "declares 10,737,418,240 bytes",
        ),
        "forged MODULE line": (
            make_zip(
                tmp_path / "forged.zip",
                {**good, tree_name("libz.so", debug_id(3)): sym_text("libc.so.6", debug_id(3))},
            ),
            tree_name("libz.so", debug_id(3)),
            "forged or misplaced MODULE line",
        ),
    }


def test_attacks_get_a_400_naming_the_file_and_store_nothing(
    app_server: tuple[str, Users], tmp_path: Path, s3_client: Any, conn: psycopg.Connection, settings: dict
) -> None:
    url, users = app_server
    me = users.headers("attacker@example.org", "upload_symbols")
    for label, (path, member, reason) in attack_archives(tmp_path).items():
        body, headers = multipart(path.name, path.read_bytes())
        answer = fetch(url + "/symbols/upload/api/", "POST", body, {**headers, **me})
        assert answer.status == 400, label
        error = answer.json()["error"]
        assert error.startswith(f"upload refused: {member}: ") and reason in error, (label, error)
    assert bucket_keys(s3_client, settings["SYMBOLS_BUCKET_DEFAULT_NAME"]) == []
    assert scalar(conn, "SELECT count(*) FROM symbols_uploads") == 0
    assert scalar(conn, "SELECT count(*) FROM symbols_files") == 0


def test_the_form_in_a_signed_in_browser_needs_its_csrf_token(
    app_server: tuple[str, Users], tmp_path: Path, s3_client: Any, conn: psycopg.Connection, settings: dict
) -> None:
    url, _ = app_server
    user = create_user(settings["DATABASE_URL"], "browser@example.org", permissions=["upload_symbols"])
    browser = WebClient.of(url)
    browser.login(user.email)
    token = browser.csrf_from("/symbols/upload/web/")
    data = make_zip(
        tmp_path / "b.zip", {tree_name("libbrowser.so", debug_id(7)): sym_text("libbrowser.so", debug_id(7))}
    )
    body, headers = multipart("b.zip", data.read_bytes())
    forged = browser.request("POST", "/symbols/upload/web/", body, headers)  # no csrf_token field
    assert forged.status == 403 and "CSRF" in forged.text
    assert scalar(conn, "SELECT count(*) FROM symbols_uploads") == 0
    body, headers = multipart("b.zip", data.read_bytes(), extra={"csrf_token": token})
    sent = browser.request("POST", "/symbols/upload/web/", body, headers)
    assert sent.status == 201, sent.text[:500]
    assert scalar(conn, "SELECT user_email FROM symbols_uploads") == "browser@example.org"
    assert bucket_keys(s3_client, settings["SYMBOLS_BUCKET_DEFAULT_NAME"]) == [
        f"v1/libbrowser.so/{debug_id(7)}/libbrowser.so.sym"
    ]
