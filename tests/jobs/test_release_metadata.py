"""release-metadata: reading build metadata (release_metadata_parse) and the job's flow.

The flow test replaces add_new_release and update_product_versions in its throwaway database by
stubs recording their arguments (new builds only, refusals kept apart, update_product_versions
once); the last test runs the job against the real functions, so the call keeps matching
add_new_release's signature and the builds become product versions.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

from tests.clock import SuiteClock
from tests.jobs.conftest import Reply, utc

ARCHIVE_BUILD_INFO = {  # archive.mozilla.org: <product>-<version>.<locale>.<platform>.json
    "as": "/usr/bin/clang -std=gnu99",
    "buildid": "20171005100211",
    "moz_app_id": "{killerapp@example.com}",
    "moz_app_maxversion": "57.*",
    "moz_app_name": "killerapp",
    "moz_app_vendor": "Example",
    "moz_app_version": "57.0b6",
    "moz_pkg_platform": "linux-x86_64",
    "moz_source_repo": "https://hg.example.com/releases/beta",
    "moz_source_stamp": "8f0e4a5e3b7c",
    "moz_update_channel": "beta",
    "target": "x86_64-pc-linux-gnu",
}
BUILDHUB_RECORD = {
    "build": {"as": "ml.exe", "date": "2017-10-02T10:00:00Z", "id": "20171002100000", "number": 2},
    "download": {"mimetype": "application/msdos-windows", "size": 100, "url": "https://example.com/x.exe"},
    "source": {
        "product": "killerapp",
        "repository": "https://hg.example.com/releases/release",
        "revision": "abc",
        "tree": "releases/release",
    },
    "target": {
        "channel": "release",
        "locale": "en-US",
        "os": "win",
        "platform": "win64",
        "version": "56.0.1",
    },
}
FLAT = {
    "product": "KillerApp",
    "version": "58.0a1",
    "channel": "nightly",
    "build_id": "20171010030203",
    "platform": "mac",
    "repository": "dev",
}


def parse(sql: psycopg.Connection, doc) -> list[dict]:
    return sql.execute("SELECT * FROM release_metadata_parse(%s)", (Jsonb(doc),)).fetchall()


def test_the_three_shapes(sql: psycopg.Connection) -> None:
    rows = parse(sql, [ARCHIVE_BUILD_INFO, BUILDHUB_RECORD, FLAT])
    assert [
        (
            r["doc_index"],
            r["product_name"],
            r["version"],
            r["update_channel"],
            r["build_id"],
            r["platform"],
            r["beta_number"],
            r["repository"],
            r["version_build"],
            r["is_new"],
            r["error"],
        )
        for r in rows
    ] == [
        (
            1,
            "killerapp",
            "57.0",
            "beta",
            Decimal(20171005100211),
            "linux-x86_64",
            6,
            "beta",
            None,
            True,
            None,
        ),
        (
            2,
            "killerapp",
            "56.0.1",
            "release",
            Decimal(20171002100000),
            "win64",
            None,
            "release",
            "build2",
            True,
            None,
        ),
        (3, "KillerApp", "58.0a1", "nightly", Decimal(20171010030203), "mac", None, "dev", None, True, None),
    ]


def test_containers_and_errors(sql: psycopg.Connection) -> None:
    search = {"hits": {"total": 1, "hits": [{"_id": "x", "_source": BUILDHUB_RECORD}]}}
    assert [r["version"] for r in parse(sql, search)] == ["56.0.1"]
    assert [r["version"] for r in parse(sql, {"data": [FLAT, FLAT]})] == ["58.0a1", "58.0a1"]
    assert [r["platform"] for r in parse(sql, ARCHIVE_BUILD_INFO)] == ["linux-x86_64"]
    rows = parse(
        sql,
        [
            {"product": "KillerApp"},
            "a string",
            {**FLAT, "build_id": "2017-10-10"},
            {**FLAT, "beta_number": "x"},
        ],
    )
    assert [(r["doc_index"], r["error"]) for r in rows] == [
        (1, "missing version, channel, build id, platform"),
        (2, "not a JSON object"),
        (3, "build id '2017-10-10' is not YYYYMMDDhhmmss digits"),
        (4, "beta_number 'x' is not a number"),
    ]


def test_known_builds_are_not_new(sql: psycopg.Connection) -> None:
    sql.execute(
        "INSERT INTO products (product_name, sort, release_name) VALUES ('KillerApp', 1, 'killerapp')"
    )
    sql.execute(
        "INSERT INTO releases_raw"
        " (product_name, version, platform, build_id, build_type, beta_number, repository)"
        " VALUES ('killerapp', '57.0', 'linux-x86_64', 20171005100211, 'beta', 6, 'beta')"
    )
    assert [
        r["is_new"]
        for r in parse(
            sql, [ARCHIVE_BUILD_INFO, {**ARCHIVE_BUILD_INFO, "product": "KillerApp"}, BUILDHUB_RECORD]
        )
    ] == [False, False, True]


STUBS = """
CREATE TABLE job_test_calls (id serial, procedure text, args text[]);
CREATE FUNCTION add_new_release(product text, version text, release_channel text, build_id numeric,
    platform text, beta_number integer, repository text, version_build text,
    update_products boolean, ignore_duplicates boolean)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE v_release citext;
BEGIN
    SELECT release_name INTO v_release FROM products
     WHERE product_name = product::citext OR release_name = product::citext;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'You must enter a valid product name: % is not known', product
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO job_test_calls (procedure, args) VALUES ('add_new_release',
        ARRAY[product, version, release_channel, build_id::text, platform, beta_number::text, repository,
              version_build, update_products::text, ignore_duplicates::text]);
    INSERT INTO releases_raw (product_name, version, platform, build_id, build_type, beta_number, repository,
                              version_build)
    VALUES (v_release, version, platform, build_id, release_channel, beta_number, repository, version_build);
    RETURN true;
END $$;
CREATE FUNCTION update_product_versions(product_window integer DEFAULT 30) RETURNS boolean LANGUAGE sql AS $$
    INSERT INTO job_test_calls (procedure, args) VALUES ('update_product_versions', '{}') RETURNING true
$$;
"""


def install_stubs(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for name in ("add_new_release", "update_product_versions"):
            for (ident,) in conn.execute(
                "SELECT oid::regprocedure::text FROM pg_proc WHERE proname = %s", (name,)
            ):
                conn.execute(f"DROP FUNCTION {ident} CASCADE")
        conn.execute(STUBS)
        conn.execute(
            "INSERT INTO products (product_name, sort, release_name) VALUES ('KillerApp', 1, 'killerapp')"
        )


def test_the_job_adds_new_builds_and_keeps_refusals_apart(harness, http_server, tmp_path: Path) -> None:
    folder = tmp_path / "releases"
    (folder / "candidates").mkdir(parents=True)
    (folder / "candidates" / "killerapp-57.0b6.en-US.linux-x86_64.json").write_text(
        json.dumps(ARCHIVE_BUILD_INFO)
    )
    (folder / "flat.json").write_text(json.dumps([FLAT, {**FLAT, "product": "OtherApp"}]))
    (folder / "broken.json").write_text("{not json")
    (folder / "partial.json").write_text(json.dumps({"product": "KillerApp", "version": "1.0"}))
    (folder / "notes.txt").write_text("not read")
    server = http_server(lambda request: Reply(200, {"hits": {"hits": [{"_source": BUILDHUB_RECORD}]}}))

    h = harness(
        "jobs.release_metadata.ReleaseMetadataCronApp|1h",
        utc(2026, 3, 2, 10, 0),
        CRASHSTATS_RELEASE_METADATA_SOURCE=f"{folder},{server.url}/buildhub/search?token=t",
    )
    install_stubs(h.url)
    [outcome] = h.tick()
    assert outcome.status == "ran", outcome.message
    calls = h.sql("SELECT procedure, args FROM job_test_calls ORDER BY id")
    assert calls == [
        {
            "procedure": "add_new_release",
            "args": [
                "killerapp",
                "57.0",
                "beta",
                "20171005100211",
                "linux-x86_64",
                "6",
                "beta",
                "build1",
                "false",
                "true",
            ],
        },
        {
            "procedure": "add_new_release",
            "args": [
                "KillerApp",
                "58.0a1",
                "nightly",
                "20171010030203",
                "mac",
                None,
                "dev",
                "build1",
                "false",
                "true",
            ],
        },
        {
            "procedure": "add_new_release",
            "args": [
                "killerapp",
                "56.0.1",
                "release",
                "20171002100000",
                "win64",
                None,
                "release",
                "build2",
                "false",
                "true",
            ],
        },
        {"procedure": "update_product_versions", "args": []},
    ]
    [log] = h.log("release-metadata")
    assert log["notices"] == [
        "release metadata: 3 new builds, 0 already known, 3 rejected",
        f"rejected {folder}/broken.json: not readable JSON"
        " (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))",
        f"rejected {folder}/flat.json #2: add_new_release refused it: You must enter a valid product name:"
        " OtherApp is not known",
        f"rejected {folder}/partial.json #1: missing channel, build id, platform",
        "update_product_versions() -> true",
    ]
    assert server.requests[0].query == {"token": ["t"]}

    # an hour later nothing is new: no add_new_release, no update_product_versions
    h.clock.advance(dt.timedelta(hours=1))
    [outcome] = h.tick()
    assert outcome.status == "ran"
    assert len(h.sql("SELECT * FROM job_test_calls")) == 4
    assert (
        h.log("release-metadata")[-1]["notices"][0]
        == "release metadata: 0 new builds, 3 already known, 3 rejected"
    )


def test_an_unreachable_source_fails_the_run(harness, tmp_path: Path) -> None:
    h = harness(
        "jobs.release_metadata.ReleaseMetadataCronApp|1h",
        utc(2026, 3, 2, 10, 0),
        CRASHSTATS_RELEASE_METADATA_SOURCE=str(tmp_path / "nowhere"),
    )
    [outcome] = h.tick()
    assert outcome.status == "failed"
    assert outcome.message == f"jobs.http.FetchError: {tmp_path}/nowhere: no such file or directory"


def test_the_job_against_the_real_release_functions(harness, tmp_path: Path, clock: SuiteClock) -> None:
    """No stubs: the job's call matches add_new_release's signature, and the builds it adds
    become product versions through the real update_product_versions."""
    recent = clock.now() - dt.timedelta(days=3)  # inside update_product_versions' window
    build = recent.strftime("%Y%m%d%H%M%S")
    folder = tmp_path / "releases"
    folder.mkdir()
    docs = [
        {**FLAT, "build_id": build},  # KillerApp 58.0a1 nightly
        {**FLAT, "version": "57.0b6", "channel": "beta", "build_id": build, "repository": "beta"},
        {**FLAT, "version": "56.0.1", "channel": "release", "build_id": build, "repository": "release"},
        {**FLAT, "version": "56.0", "channel": "weekly", "build_id": build},  # no such channel: refused
        {**FLAT, "product": "OtherApp", "build_id": build},  # unknown product: refused
    ]
    (folder / "builds.json").write_text(json.dumps(docs))
    h = harness(
        "jobs.release_metadata.ReleaseMetadataCronApp|1h",
        utc(2026, 3, 2, 10, 0),
        CRASHSTATS_RELEASE_METADATA_SOURCE=str(folder),
    )
    h.sql("SELECT add_new_product('KillerApp', '50.0', '{killerapp@example.com}', 'killerapp')")
    [outcome] = h.tick()
    assert outcome.status == "ran", outcome.message
    raw = h.sql(
        "SELECT version::text AS version, build_type::text AS build_type FROM releases_raw ORDER BY 1"
    )
    assert raw == [
        {"version": "56.0.1", "build_type": "release"},
        {"version": "57.0", "build_type": "beta"},
        {"version": "58.0a1", "build_type": "nightly"},
    ]
    versions = h.sql(
        "SELECT version_string::text AS v, build_type::text AS t, beta_number FROM product_versions"
        " WHERE product_name = 'KillerApp' ORDER BY version_sort"
    )
    assert {(r["v"], r["t"]) for r in versions} >= {
        ("56.0.1", "release"),
        ("57.0b6", "beta"),
        ("58.0a1", "nightly"),
    }
    notices = h.log("release-metadata")[-1]["notices"]
    assert notices[0] == "release metadata: 3 new builds, 0 already known, 2 rejected"
    refused = [n for n in notices if "add_new_release refused it" in n]
    assert len(refused) == 2 and any("OtherApp" in n for n in refused)
    assert notices[-1] == "update_product_versions() -> true"
