"""Configuration: environment, the seed's *.conf files, validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyapp.config import load_config, parse_conf_text
from pyapp.errors import ConfigError

# The seed document's files, as an operator would write them (placeholders filled in).
SEED_PROCESSOR_CONF = """\
# Store the crash in multiple locations
destination__crashstorage_class='socorro.external.crashstorage_base.PolyCrashStorage'
# Specify crash storage types which will be used
destination__storage_classes='socorro.external.postgresql.crashstorage.PostgreSQLCrashStorage, socorro.external.es.crashstorage.ESCrashStorage, socorro.external.fs.crashstorage.FSPermanentStorage'
# Store in PostgreSQL first
destination__storage0__crashstorage_class='socorro.external.postgresql.crashstorage.PostgreSQLCrashStorage'
# Store in Elasticsearch second
destination__storage1__crashstorage_class='socorro.external.es.crashstorage.ESCrashStorage'
# Store in filesystem third (by default this is ~socorro/crashes/)
destination__storage2__crashstorage_class='socorro.external.fs.crashstorage.FSPermanentStorage'
processor__processor_class='socorro.processor.mozilla_processor_2015.MozillaProcessorAlgorithm2015'
"""

SEED_COMMON_CONF = """\
# PostgreSQL hostname (default: localhost)
resource__postgresql__database_hostname='db.example.com'
# PostgreSQL username (default: breakpad_rw)
secrets__postgresql__database_username='breakpad_rw'
# PostgreSQL username (default: aPassword)
secrets__postgresql__database_password='a p@ss/word'
"""

SEED_MIDDLEWARE_CONF = """\
implementations__implementation_list='psql: socorro.external.postgresql, fs: socorro.external.filesystem, es: socorro.external.es, http: socorro.external.http, rabbitmq: socorro.external.rabbitmq'
implementations__service_overrides='Correlations: http, CorrelationsSignatures: http, SuperSearch: es, Priorityjobs: rabbitmq, Search: es, Query: es'
# Pluggable Elasticsearch implementation
elasticsearch__elasticsearch_class='socorro.external.es.connection_context.ConnectionContext'
# Path to crashes on the filesystem
filesystem__fs_root='/home/socorro/crashes'
# Use WSGI server instead of the default CherryPy dev server
web_server__wsgi_server_class='socorro.webapi.servers.WSGIServer'
"""

SEED_WEBAPP_CONF = """\
# Comma-delimited list of valid hostnames, e.g. crash-stats.example.com
ALLOWED_HOSTS='crash-stats.example.com,localhost'
MWARE_BASE_URL='http://localhost'
MWARE_HTTP_HOST='socorro-middleware'
CACHE_MIDDLEWARE=True
DEFAULT_PRODUCT='KillerApp'
CACHE_BACKEND=django.core.cache.backends.memcached.MemcachedCache
CACHE_LOCATION='localhost:11211'
CACHE_KEY_PREFIX='socorro'
BROWSERID_AUDIENCES='http://crash-stats.example.com'
DATABASE_ENGINE='django.db.backends.postgresql_psycopg2'
DATABASE_NAME='breakpad'
DATABASE_USER='breakpad_rw'
DATABASE_PASSWORD='a p@ss/word'
DATABASE_HOST='db.example.com'
DATABASE_PORT=5432
SESSION_COOKIE_SECURE=True
SECRET_KEY='something random'
GOOGLE_ANALYTICS_ID=''
AWS_ACCESS_KEY='AKIA'
AWS_SECRET_ACCESS_KEY='secret'
SYMBOLS_BUCKET_DEFAULT_NAME='symbols'
SYMBOLS_BUCKET_EXCEPTIONS_USER='joe@example.com'
SYMBOLS_BUCKET_EXCEPTIONS_BUCKET='private'
SYMBOLS_BUCKET_DEFAULT_LOCATION='us-west-2'
"""

SEED_CRONTABBER_CONF = """\
crontabber__jobs='socorro.cron.jobs.weekly_reports_partitions.WeeklyReportsPartitionsCronApp|7d, socorro.cron.jobs.matviews.ProductVersionsCronApp|1d|05:00, socorro.cron.jobs.truncate_partitions.TruncatePartitionsCronApp|7d'
"""


def write_conf(directory: Path, **files: str) -> Path:
    directory.mkdir(exist_ok=True)
    for name, text in files.items():
        (directory / f"{name}.conf").write_text(text)
    return directory


def test_the_seeds_conf_files_load_verbatim(tmp_path: Path) -> None:
    conf = write_conf(
        tmp_path / "socorro-config",
        processor=SEED_PROCESSOR_CONF,
        common=SEED_COMMON_CONF,
        middleware=SEED_MIDDLEWARE_CONF,
        crontabber=SEED_CRONTABBER_CONF,
    )
    (conf / "webapp-django.conf").write_text(SEED_WEBAPP_CONF)
    config = load_config(environ={}, config_dir=conf)
    assert config["destination__storage_classes"] == [
        "socorro.external.postgresql.crashstorage.PostgreSQLCrashStorage",
        "socorro.external.es.crashstorage.ESCrashStorage",
        "socorro.external.fs.crashstorage.FSPermanentStorage",
    ]
    assert config["destination__storage2__crashstorage_class"].endswith("FSPermanentStorage")
    assert config["ALLOWED_HOSTS"] == ["crash-stats.example.com", "localhost"]
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["DATABASE_PORT"] == 5432  # alias of resource__postgresql__database_port
    assert config["CACHE_LOCATION"] == ["localhost:11211"]
    assert config["crontabber__jobs"].startswith("socorro.cron.jobs.weekly_reports_partitions.")
    # the seed's common.conf and webapp-django.conf describe the same database
    assert config.database_url() == "postgresql://breakpad_rw:a%20p%40ss%2Fword@db.example.com:5432/breakpad"


def test_environment_wins_over_files(tmp_path: Path) -> None:
    conf = write_conf(tmp_path / "c", common=SEED_COMMON_CONF)
    config = load_config(
        environ={"resource__postgresql__database_hostname": "env-host", "DEFAULT_PRODUCT": "Fennec"},
        config_dir=conf,
    )
    assert config["resource__postgresql__database_hostname"] == "env-host"
    assert config.sources["resource__postgresql__database_hostname"] == "environment"
    assert config["DEFAULT_PRODUCT"] == "Fennec"
    assert config["secrets__postgresql__database_username"] == "breakpad_rw"
    assert config.sources["secrets__postgresql__database_username"].endswith("common.conf:4")


def test_database_url_wins_over_parts() -> None:
    config = load_config(
        environ={"DATABASE_URL": "postgresql://u@h/db", "resource__postgresql__database_hostname": "other"}
    )
    assert config.database_url() == "postgresql://u@h/db"


def test_defaults_for_the_parts_not_given() -> None:
    config = load_config(environ={"DATABASE_HOST": "db1"})
    assert config.database_url() == "postgresql://breakpad_rw@db1:5432/breakpad"
    assert load_config(environ={}).database_url() is None


def test_config_dir_from_the_environment(tmp_path: Path) -> None:
    conf = write_conf(tmp_path / "c", webapp="DEFAULT_PRODUCT='WaterWolf'\n")
    config = load_config(environ={"CRASHSTATS_CONFIG_DIR": str(conf)})
    assert config["DEFAULT_PRODUCT"] == "WaterWolf"
    assert config.config_dir == conf


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("NO_SUCH_SETTING='x'\n", r"NO_SUCH_SETTING: unknown setting \(.*bad.conf:1\)"),
        (
            "resource__postgresql__database_port='fivefourthreetwo'\n",
            r"resource__postgresql__database_port: bad value",
        ),
        ("SESSION_COOKIE_SECURE='maybe'\n", r"SESSION_COOKIE_SECURE: bad value 'maybe'.*expected a boolean"),
        (
            "resource__postgresql__database_hostname='@@@DATABASE_HOSTNAME@@@'\n",
            r"resource__postgresql__database_hostname: still holds the seed's placeholder",
        ),
        ("DEFAULT_PRODUCT='unterminated\n", r"DEFAULT_PRODUCT: bad quoting"),
        ("DEFAULT_PRODUCT=two words\n", r"DEFAULT_PRODUCT: the value has unquoted spaces"),
        ("just some text\n", r"bad.conf:1: cannot read this line"),
        ("DATABASE_ENGINE='django.db.backends.mysql'\n", r"DATABASE_ENGINE: bad value .*PostgreSQL"),
        ("DATABASE_URL='mysql://x/y'\n", r"DATABASE_URL: bad value"),
    ],
)
def test_bad_files_fail_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    conf = write_conf(tmp_path / "c", bad=text)
    with pytest.raises(ConfigError, match=message):
        load_config(environ={}, config_dir=conf)


def test_unknown_variable_in_our_namespaces_fails() -> None:
    with pytest.raises(ConfigError, match="CRASHSTATS_PG_PROT: unknown setting"):
        load_config(environ={"CRASHSTATS_PG_PROT": "1"})
    with pytest.raises(ConfigError, match="resource__postgresql__database_hots: unknown setting"):
        load_config(environ={"resource__postgresql__database_hots": "x"})
    # anything else in the environment is none of our business
    assert load_config(environ={"HOME": "/root", "PATH": "/bin"}).database_url() is None


def test_alias_and_canonical_name_must_agree() -> None:
    with pytest.raises(ConfigError, match="conflicts with"):
        load_config(environ={"DATABASE_HOST": "a", "resource__postgresql__database_hostname": "b"})
    assert load_config(environ={"DATABASE_HOST": "a", "resource__postgresql__database_hostname": "a"})


def test_two_files_disagreeing_is_an_error(tmp_path: Path) -> None:
    conf = write_conf(tmp_path / "c", a="DEFAULT_PRODUCT='A'\n", b="DEFAULT_PRODUCT='B'\n")
    with pytest.raises(
        ConfigError, match=r"DEFAULT_PRODUCT: set to different values in .*a.conf:1 and .*b.conf:1"
    ):
        load_config(environ={}, config_dir=conf)


def test_missing_config_dir_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(environ={}, config_dir=tmp_path / "nope")


def test_conf_syntax() -> None:
    values = parse_conf_text(
        "# comment\n\n  export A='1'  \nB=\"two words\"\nC=plain # trailing comment\nD=''\nE=\n",
        "x.conf",
    )
    assert [(v.key, v.value) for v in values] == [
        ("A", "1"),
        ("B", "two words"),
        ("C", "plain"),
        ("D", ""),
        ("E", ""),
    ]


def test_secrets_are_masked_when_shown() -> None:
    config = load_config(environ={"SECRET_KEY": "hunter2", "DEFAULT_PRODUCT": "KillerApp"})
    shown = {key: value for key, value, _ in config.describe()}
    assert shown["SECRET_KEY"] == "********"
    assert shown["DEFAULT_PRODUCT"] == "'KillerApp'"


def test_sizes_and_the_collector_settings() -> None:
    config = load_config(
        {
            "CRASHSTATS_COLLECTOR_MAX_BODY": "25M",
            "CRASHSTATS_COLLECTOR_MAX_UNCOMPRESSED": "1GiB",
            "CRASHSTATS_COLLECTOR_MAX_ANNOTATIONS": "512k",
            "CRASHSTATS_COLLECTOR_TOKENS": "a,b",
        }
    )
    assert config["CRASHSTATS_COLLECTOR_MAX_BODY"] == 25 * 1024 * 1024
    assert config["CRASHSTATS_COLLECTOR_MAX_UNCOMPRESSED"] == 1024**3
    assert config["CRASHSTATS_COLLECTOR_MAX_ANNOTATIONS"] == 512 * 1024
    assert config["CRASHSTATS_COLLECTOR_TOKENS"] == ["a", "b"]
    assert ("CRASHSTATS_COLLECTOR_TOKENS", "********", "environment") in config.describe()
    assert load_config({})["CRASHSTATS_COLLECTOR_MAX_BODY"] == 25 * 1024 * 1024
    with pytest.raises(ConfigError, match="CRASHSTATS_COLLECTOR_MAX_BODY"):
        load_config({"CRASHSTATS_COLLECTOR_MAX_BODY": "lots"})
