"""Where the data directory comes from: argument, env var, the checkout's data/; an installed package has none."""

from pathlib import Path

import pytest

from pipelines import settings
from pipelines.cli import main
from pipelines.errors import ConfigError
from tests.conftest import BUNDLED, REPO


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if cyberstats were installed from a wheel: no checkout, no CYBERSTATS_* environment."""
    monkeypatch.setattr(settings, "checkout_root", lambda: None)
    monkeypatch.delenv(settings.ENV_DATA_DIR, raising=False)
    monkeypatch.delenv(settings.ENV_WAREHOUSE, raising=False)


def test_a_checkout_defaults_to_its_data_folder() -> None:
    assert settings.checkout_root() == REPO
    assert settings.bundled_data_dir() == BUNDLED
    assert settings.resolve(environ={}).data_dir == BUNDLED.resolve()


@pytest.mark.parametrize("pyproject", [None, '[project]\nname = "something-else"\n', "not toml ["])
def test_site_packages_is_not_a_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         pyproject: str | None) -> None:
    site = tmp_path / "site-packages"
    (site / "pipelines").mkdir(parents=True)
    (site / "data" / "sources").mkdir(parents=True)  # a stray top-level data/ does not make a checkout
    if pyproject is not None:
        (site / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    monkeypatch.setattr(settings.resources, "files", lambda name: site / name)
    assert settings.checkout_root() is None
    assert settings.bundled_data_dir() is None


def test_an_installed_package_needs_a_data_dir(installed, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--data-dir") as err:
        settings.resolve(environ={})
    assert settings.ENV_DATA_DIR in str(err.value)
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    assert settings.resolve(data_dir=data, environ={}).data_dir == data
    assert settings.resolve(environ={settings.ENV_DATA_DIR: str(data)}).data_dir == data


@pytest.mark.parametrize("command", [["run"], ["query", "select 1"], ["sources"], ["report"],
                                     ["validate", "x.csv", "--source", "unodc_cts"]])
def test_installed_commands_without_data_dir_exit_2_and_say_pass_data_dir(
        installed, command: list[str], capsys: pytest.CaptureFixture) -> None:
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "installed as a package" in err and "--data-dir" in err
