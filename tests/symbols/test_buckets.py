"""The seed's bucket rules: the default bucket and location, SYMBOLS_BUCKET_EXCEPTIONS with
wildcards and locations, the older single-user form, and clear errors for what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyapp.config import load_config
from pyapp.errors import ConfigError
from pyapp.symbols.buckets import Bucket, bucket_for, parse_exceptions, s3_client


def config(tmp_path: Path, **values: str):
    conf = tmp_path / "conf"
    conf.mkdir(exist_ok=True)
    return load_config(environ=values, config_dir=conf)


def test_the_seeds_examples(tmp_path: Path) -> None:
    cfg = config(
        tmp_path,
        SYMBOLS_BUCKET_DEFAULT_NAME="public-symbols",
        SYMBOLS_BUCKET_DEFAULT_LOCATION="us-west-2",
        SYMBOLS_BUCKET_EXCEPTIONS="joe.bloggs@example.com:private-crashes.my-bucket|us-east-1, "
        "*@example.biz:examplebucket, *@domain.*:bucket2|us-west-9",
    )
    assert bucket_for(cfg, "joe.bloggs@example.com") == Bucket("private-crashes.my-bucket", "us-east-1")
    assert bucket_for(cfg, "Joe.Bloggs@Example.com") == Bucket("private-crashes.my-bucket", "us-east-1")
    assert bucket_for(cfg, "anyone@example.biz") == Bucket("examplebucket", None)
    assert bucket_for(cfg, "a@domain.org") == Bucket("bucket2", "us-west-9")
    assert bucket_for(cfg, "a@domain.co.uk") == Bucket("bucket2", "us-west-9")
    assert bucket_for(cfg, "a@sub.example.biz") == Bucket("public-symbols", "us-west-2")
    assert bucket_for(cfg, "someone@else.org") == Bucket("public-symbols", "us-west-2")


def test_first_matching_exception_wins_and_the_older_form_comes_last(tmp_path: Path) -> None:
    cfg = config(
        tmp_path,
        SYMBOLS_BUCKET_DEFAULT_NAME="default-bucket",
        SYMBOLS_BUCKET_EXCEPTIONS="*@x.org:first, a@x.org:second",
        SYMBOLS_BUCKET_EXCEPTIONS_USER="legacy@y.org",
        SYMBOLS_BUCKET_EXCEPTIONS_BUCKET="legacy-bucket|eu-central-1",
    )
    assert bucket_for(cfg, "a@x.org").name == "first"
    assert bucket_for(cfg, "legacy@y.org") == Bucket("legacy-bucket", "eu-central-1")
    assert bucket_for(cfg, "other@y.org") == Bucket("default-bucket", None)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("no-colon-here", "is not EMAIL:BUCKET"),
        ("a@b.c:", "is not EMAIL:BUCKET"),
        (":bucket", "is not EMAIL:BUCKET"),
        ("a@b.c:bad/bucket", "is not a bucket name"),
        ("a@b.c:ok-bucket|not a region", "is not a bucket location"),
    ],
)
def test_malformed_exceptions_name_the_key(raw: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_exceptions(raw)
    assert str(info.value).startswith("SYMBOLS_BUCKET_EXCEPTIONS: ") and message in str(info.value)


def test_no_default_bucket(tmp_path: Path) -> None:
    cfg = config(tmp_path, SYMBOLS_BUCKET_EXCEPTIONS="*@x.org:xbucket")
    assert bucket_for(cfg, "me@x.org").name == "xbucket"
    with pytest.raises(ConfigError, match="SYMBOLS_BUCKET_DEFAULT_NAME is not set"):
        bucket_for(cfg, "me@y.org")


def test_half_of_the_older_form(tmp_path: Path) -> None:
    cfg = config(tmp_path, SYMBOLS_BUCKET_DEFAULT_NAME="d-bucket", SYMBOLS_BUCKET_EXCEPTIONS_USER="a@b.c")
    with pytest.raises(ConfigError, match="go together"):
        bucket_for(cfg, "a@b.c")


@pytest.mark.parametrize(
    ("values", "missing"),
    [
        ({}, "AWS_ACCESS_KEY and AWS_SECRET_ACCESS_KEY are empty"),
        ({"AWS_ACCESS_KEY": "k"}, "AWS_SECRET_ACCESS_KEY is empty"),
        ({"AWS_ACCESS_KEY": "", "AWS_SECRET_ACCESS_KEY": "s"}, "AWS_ACCESS_KEY is empty"),
    ],
)
def test_credentials_are_required(tmp_path: Path, values: dict[str, str], missing: str) -> None:
    with pytest.raises(ConfigError) as info:
        s3_client(config(tmp_path, **values))
    assert str(info.value).startswith(missing)


def test_placeholders_of_the_seed_are_refused(tmp_path: Path) -> None:
    conf = tmp_path / "seed"
    conf.mkdir()
    (conf / "webapp-django.conf").write_text(
        "SYMBOLS_BUCKET_DEFAULT_NAME='@@@SYMBOLS_BUCKET_DEFAULT_NAME@@@'\n"
    )
    with pytest.raises(ConfigError, match="SYMBOLS_BUCKET_DEFAULT_NAME: still holds the seed's placeholder"):
        load_config(environ={}, config_dir=conf)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("SYMBOLS_BUCKET_EXCEPTIONS", "*@x.org", "is not EMAIL:BUCKET"),
        ("SYMBOLS_BUCKET_EXCEPTIONS", "*@x.org:bad bucket", "is not a bucket name"),
        ("CRASHSTATS_SYMBOLS_SERVER_MODE", "sideways", "expected redirect"),
    ],
)
def test_bad_settings_stop_at_start(tmp_path: Path, key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        config(tmp_path, **{key: value})
    assert str(info.value).startswith(f"{key}: bad value {value!r}") and message in str(info.value)


def test_the_server_mode_is_read_in_any_case(tmp_path: Path) -> None:
    assert (
        config(tmp_path, CRASHSTATS_SYMBOLS_SERVER_MODE=" Stream ")["CRASHSTATS_SYMBOLS_SERVER_MODE"]
        == "stream"
    )
