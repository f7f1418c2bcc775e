"""The seed's processor.conf keys: the algorithm and crash storage classes they name (Socorro's
class paths are aliases of ours), and one clear line for what cannot work."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pyapp.config import Config, load_config
from pyapp.errors import ConfigError
from pyapp.processor.algorithm import MozillaProcessorAlgorithm2015
from pyapp.processor.elasticsearch import ElasticsearchCrashStorage
from pyapp.processor.settings import ProcessorSettings, resolve_algorithm, resolve_stores
from pyapp.processor.storage import FSPermanentStorage, S3CrashStorage
from tests.processor.conftest import cli_env, crashstats
from tests.processor.test_storage import ES, FS, POSTGRES, S3, SEED

SEED_CONF = """
processor__processor_class='socorro.processor.mozilla_processor_2015.MozillaProcessorAlgorithm2015'
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
"""


@pytest.fixture
def config(tmp_path: Path) -> Callable[..., Config]:
    def make(**settings: str) -> Config:
        return load_config(environ=settings, config_dir=tmp_path)

    return make


def test_the_seeds_processor_conf_verbatim(tmp_path: Path) -> None:
    (tmp_path / "processor.conf").write_text(SEED_CONF)
    config = load_config(environ={"ELASTICSEARCH_URL": "http://127.0.0.1:9200"}, config_dir=tmp_path)
    settings = ProcessorSettings.from_config(config)
    assert settings.algorithm is MozillaProcessorAlgorithm2015
    assert settings.stores == [ElasticsearchCrashStorage, FSPermanentStorage]
    storage = settings.crash_storage()
    assert storage.destinations == ["elasticsearch", "filesystem"]


def test_our_class_paths_and_defaults(config) -> None:
    assert resolve_algorithm(config()) is MozillaProcessorAlgorithm2015
    assert resolve_stores(config()) == []  # PostgreSQL only
    ours = "pyapp.processor.storage.S3CrashStorage, pyapp.processor.storage.FSPermanentStorage"
    assert resolve_stores(config(destination__storage_classes=ours)) == [S3CrashStorage, FSPermanentStorage]
    assert resolve_stores(config(destination__crashstorage_class=FS)) == [FSPermanentStorage]
    assert resolve_stores(config(destination__crashstorage_class=POSTGRES)) == []


def test_numbered_storage_settings_set_and_override(config) -> None:
    assert resolve_stores(config(destination__storage1__crashstorage_class=S3)) == [S3CrashStorage]
    overridden = config(
        destination__storage_classes=f"{POSTGRES}, {ES}", destination__storage1__crashstorage_class=FS
    )
    assert resolve_stores(overridden) == [FSPermanentStorage]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"destination__storage_classes": "socorro.external.hb.crashstorage.HBaseCrashStorage"},
            "destination__storage_classes: socorro.external.hb.crashstorage.HBaseCrashStorage: HBase is not "
            "supported; use S3 or the filesystem",
        ),
        (
            {
                "destination__storage2__crashstorage_class": "socorro.external.rabbitmq.crashstorage.RabbitMQCrashStorage"
            },
            "destination__storage2__crashstorage_class: socorro.external.rabbitmq.crashstorage.RabbitMQCrashStorage: "
            "the processing queue is the processing_queue table; no RabbitMQ",
        ),
        (
            {"destination__crashstorage_class": "nowhere.Storage"},
            "destination__crashstorage_class: cannot import nowhere for nowhere.Storage (No module named 'nowhere')",
        ),
        (
            {"destination__storage_classes": "pyapp.config.Config"},
            "destination__storage_classes: pyapp.config.Config is not a crash storage class",
        ),
        (
            {"processor__processor_class": "pyapp.config.Config"},
            "processor__processor_class: pyapp.config.Config is not a processor algorithm (hint: use "
            "socorro.processor.mozilla_processor_2015.MozillaProcessorAlgorithm2015)",
        ),
        ({"CRASHSTATS_PROCESSOR_BATCH": "0"}, "CRASHSTATS_PROCESSOR_BATCH: must be more than 0, not 0"),
    ],
)
def test_what_cannot_work_is_named(config, settings: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ProcessorSettings.from_config(config(**settings))
    assert str(caught.value) == message


def test_stores_that_need_settings_say_which(config) -> None:
    with pytest.raises(
        ConfigError, match=r"^ELASTICSEARCH_URL: the Elasticsearch crash storage needs a server"
    ):
        ProcessorSettings.from_config(config(destination__storage_classes=ES)).crash_storage()
    with pytest.raises(ConfigError, match=r"^CRASHSTATS_DUMP_S3_BUCKET: the S3 crash storage needs a bucket"):
        ProcessorSettings.from_config(config(destination__storage_classes=S3)).crash_storage()


def test_a_bad_configuration_stops_the_processor_with_one_line(processor_settings) -> None:
    hbase = "socorro.external.hb.crashstorage.HBaseCrashStorage"
    done = crashstats(
        "processor", "--once", env=cli_env(processor_settings, destination__storage_classes=hbase)
    )
    assert done.returncode == 78
    assert done.stderr.strip().splitlines() == [
        f"crashstats: error: destination__storage_classes: {hbase}: HBase is not supported; use S3 or the filesystem"
    ]
    done = crashstats("processor", "--once", env=cli_env(processor_settings, **SEED))  # no ELASTICSEARCH_URL
    assert done.returncode == 78
    assert done.stderr.strip().splitlines() == [
        "crashstats: error: ELASTICSEARCH_URL: the Elasticsearch crash storage needs a server "
        "(hint: set ELASTICSEARCH_URL (resource__elasticsearch__elasticsearch_urls))"
    ]


def test_usage_errors(processor_settings) -> None:
    env = cli_env(processor_settings)
    for args, message in (
        (["processor", "--workers", "0"], "--workers must be at least 1"),
        (["processor", "--all"], "--all goes with --retry-failed"),
        (
            ["processor", "--retry-failed", "--once"],
            "--retry-failed does not combine with --once or --workers",
        ),
        (["reprocess", "--signature", "x"], "--signature needs --since DATE"),
        (["reprocess", "--crash-id", "nope"], "not a crash ID: 'nope'"),
    ):
        done = crashstats(*args, env=env)
        assert (done.returncode, done.stderr.strip()) == (2, f"crashstats: error: {message}"), args
