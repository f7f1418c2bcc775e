"""Which S3 bucket a person's symbols go to, and the S3 client that stores them.

The seed's "Symbols S3 uploads" rules:

* ``SYMBOLS_BUCKET_DEFAULT_NAME`` / ``SYMBOLS_BUCKET_DEFAULT_LOCATION``: the bucket (created in
  that location when it does not exist yet);
* ``SYMBOLS_BUCKET_EXCEPTIONS``: ``EMAIL:BUCKET`` or ``EMAIL:BUCKET|LOCATION`` entries,
  comma-separated, ``*`` wildcards in the e-mail (``*@example.biz:examplebucket,
  *@domain.*:bucket2|us-west-9``); the first entry matching the uploader wins. The older
  single-user form ``SYMBOLS_BUCKET_EXCEPTIONS_USER`` + ``SYMBOLS_BUCKET_EXCEPTIONS_BUCKET``
  is one more entry after them;
* ``AWS_ACCESS_KEY`` / ``AWS_SECRET_ACCESS_KEY``: required ("These settings can not be
  empty"); ``AWS_ENDPOINT_URL`` points boto3 at MinIO, Ceph or moto.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any

from pyapp.errors import ConfigError

BUCKET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$")
LOCATION = re.compile(r"^[A-Za-z0-9-]{1,64}$")


@dataclass(frozen=True)
class Bucket:
    name: str
    location: str | None = None


@dataclass(frozen=True)
class BucketRule:
    pattern: str
    bucket: Bucket

    def matches(self, email: str) -> bool:
        return fnmatch.fnmatchcase(email.strip().lower(), self.pattern.lower())


def parse_bucket(raw: str, key: str) -> Bucket:
    """``BUCKET`` or ``BUCKET|LOCATION``."""
    name, _, location = raw.strip().partition("|")
    name, location = name.strip(), location.strip()
    if not BUCKET_NAME.match(name):
        raise ConfigError(f"{key}: {name!r} is not a bucket name (3 to 255 letters, digits, '.', '-', '_')")
    if location and not LOCATION.match(location):
        raise ConfigError(f"{key}: {location!r} is not a bucket location (e.g. us-west-2)")
    return Bucket(name, location or None)


def parse_exceptions(raw: str | None, key: str = "SYMBOLS_BUCKET_EXCEPTIONS") -> list[BucketRule]:
    """``EMAIL:BUCKET[|LOCATION], ...`` as rules, in order."""
    rules: list[BucketRule] = []
    for entry in (raw or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        pattern, sep, bucket = entry.partition(":")
        pattern = pattern.strip()
        if not sep or not pattern or not bucket.strip():
            raise ConfigError(
                f"{key}: {entry!r} is not EMAIL:BUCKET or EMAIL:BUCKET|LOCATION",
                hint="e.g. *@example.biz:examplebucket, *@domain.*:bucket2|us-west-9",
            )
        rules.append(BucketRule(pattern, parse_bucket(bucket, key)))
    return rules


def bucket_rules(config: Any) -> list[BucketRule]:
    """Every exception of the configuration, in the order they are tried."""
    rules = parse_exceptions(config["SYMBOLS_BUCKET_EXCEPTIONS"])
    user, bucket = config["SYMBOLS_BUCKET_EXCEPTIONS_USER"], config["SYMBOLS_BUCKET_EXCEPTIONS_BUCKET"]
    if bool(user) != bool(bucket):
        raise ConfigError(
            "SYMBOLS_BUCKET_EXCEPTIONS_USER and SYMBOLS_BUCKET_EXCEPTIONS_BUCKET go together",
            hint="or use SYMBOLS_BUCKET_EXCEPTIONS='EMAIL:BUCKET|LOCATION'",
        )
    if user and bucket:
        rules.append(BucketRule(user.strip(), parse_bucket(bucket, "SYMBOLS_BUCKET_EXCEPTIONS_BUCKET")))
    return rules


def bucket_for(config: Any, email: str) -> Bucket:
    """The bucket the symbols of ``email`` go to."""
    for rule in bucket_rules(config):
        if rule.matches(email):
            return rule.bucket
    name = config["SYMBOLS_BUCKET_DEFAULT_NAME"]
    if not name:
        raise ConfigError(
            "SYMBOLS_BUCKET_DEFAULT_NAME is not set: symbol uploads need a bucket",
            hint="set SYMBOLS_BUCKET_DEFAULT_NAME (and SYMBOLS_BUCKET_DEFAULT_LOCATION, e.g. us-west-2)",
        )
    location = (config["SYMBOLS_BUCKET_DEFAULT_LOCATION"] or "").strip()
    if location and not LOCATION.match(location):
        raise ConfigError(
            f"SYMBOLS_BUCKET_DEFAULT_LOCATION: {location!r} is not a bucket location (e.g. us-west-2)"
        )
    return Bucket(parse_bucket(name, "SYMBOLS_BUCKET_DEFAULT_NAME").name, location or None)


def s3_client(config: Any, *, location: str | None = None, pool: int = 10) -> Any:
    """A boto3 S3 client with the symbol-upload credentials (required), endpoint and the S3
    timeouts (:mod:`pyapp.s3`)."""
    access_key, secret_key = config["AWS_ACCESS_KEY"], config["AWS_SECRET_ACCESS_KEY"]
    missing = [k for k, v in (("AWS_ACCESS_KEY", access_key), ("AWS_SECRET_ACCESS_KEY", secret_key)) if not v]
    if missing:
        raise ConfigError(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} empty: the symbol store needs "
            "AWS credentials (the seed: these settings can not be empty)",
            hint="set AWS_ACCESS_KEY and AWS_SECRET_ACCESS_KEY (and AWS_ENDPOINT_URL for MinIO, Ceph, moto)",
        )
    import boto3

    from pyapp.s3 import S3Timeouts

    return boto3.session.Session().client(
        "s3",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        endpoint_url=config["AWS_ENDPOINT_URL"] or None,
        region_name=location or "us-east-1",
        config=S3Timeouts.from_config(config).boto_config(
            max_pool_connections=max(pool, 10), signature_version="s3v4"
        ),
    )


def ensure_bucket(client: Any, bucket: Bucket) -> bool:
    """Create the bucket in its location when it does not exist; True when it was created."""
    from botocore.exceptions import ClientError

    try:
        client.head_bucket(Bucket=bucket.name)
        return False
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code not in ("404", "NoSuchBucket", "NotFound"):
            raise
    args: dict[str, Any] = {"Bucket": bucket.name}
    if bucket.location and bucket.location != "us-east-1":
        args["CreateBucketConfiguration"] = {"LocationConstraint": bucket.location}
    try:
        client.create_bucket(**args)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("BucketAlreadyOwnedByYou",):
            raise
        return False
    return True
