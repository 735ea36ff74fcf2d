"""The Dagster instance a CLI run records in: the work folder's persistent one, or (tests) an in-memory one."""

from pathlib import Path

import pytest

from pipelines.errors import ConfigError
from pipelines.run import ENV_INSTANCE, dagster_instance
from pipelines.settings import Settings


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", warehouse=tmp_path / "wh" / "c.duckdb", site_dir=tmp_path / "site",
                    work_dir=tmp_path / "work")


def test_the_default_is_the_persistent_instance_of_the_work_folder(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_INSTANCE, raising=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    with dagster_instance(_settings(tmp_path)) as instance:
        assert not instance.is_ephemeral
        assert Path(instance.root_directory) == tmp_path / "work" / "dagster"
        # Dagster's sqlite event log keeps one engine per file for the run (pipelines.run._engines_reused);
        # a Dagster upgrade that renames what it replaces fails here rather than silently slowing runs.
        storage = instance.event_log_storage
        assert "_connect" in vars(storage)
        with storage.index_connection() as conn:
            assert conn.exec_driver_sql("select count(*) from event_logs").scalar() == 0
    assert "_connect" not in vars(storage)
    assert "telemetry:\n  enabled: false" in (tmp_path / "work" / "dagster" / "dagster.yaml").read_text()


def test_ephemeral_records_nothing_in_the_work_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_INSTANCE, "ephemeral")
    with dagster_instance(_settings(tmp_path)) as instance:
        assert instance.is_ephemeral
    assert not (tmp_path / "work").exists()


def test_an_unknown_instance_kind_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_INSTANCE, "sqlite")
    with pytest.raises(ConfigError, match="expected 'persistent'"), dagster_instance(_settings(tmp_path)):
        pass
