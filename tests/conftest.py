"""Shared test fixtures. Real publisher files come from ../shared/data (present in CI by contract)."""

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
REAL = SHARED / "real"
FACTS = SHARED / "facts"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BUNDLED = REPO / "data"


@pytest.fixture(scope="session")
def real() -> Path:
    if not (REAL / "PROVENANCE.md").is_file():
        pytest.fail(f"the shared real-data folder is missing at {REAL} (CI provides ../shared beside the clone)")
    return REAL


@pytest.fixture(scope="session")
def facts() -> Path:
    if not (FACTS / "national_headline_figures.csv").is_file():
        pytest.fail(f"the shared facts folder is missing at {FACTS}")
    return FACTS


def copy_bundled(target: Path, sources: bool = True) -> Path:
    """A private copy of the bundled data directory (reference always; sources optionally)."""
    shutil.copytree(BUNDLED / "reference", target / "reference")
    if sources:
        shutil.copytree(BUNDLED / "sources", target / "sources")
    else:
        (target / "sources").mkdir(parents=True)
    return target


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return copy_bundled(tmp_path / "data")


@dataclass(frozen=True)
class Published:
    """A data directory with its published warehouse and site beside it (the layout tests use:
    <root>/data, <root>/wh/cyberstats.duckdb, <root>/site)."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def warehouse(self) -> Path:
        return self.root / "wh" / "cyberstats.duckdb"

    @property
    def site(self) -> Path:
        return self.root / "site"


@pytest.fixture(scope="session")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """The bundled data run once per test session (per xdist worker), with the single-file report.

    Tests that only read the warehouse or the site share it; a test that changes anything works on a
    copy (:func:`copy_published`)."""
    from tests.integration.helpers import run_cli

    published = Published(tmp_path_factory.mktemp("golden"))
    copy_bundled(published.data)
    assert run_cli(published.data, "--single-file") == 0
    return published


def copy_published(source: Published, target: Path) -> Published:
    """A private copy of a publication (data, warehouse, site, and the raw store and Dagster instance
    of its work folder; earlier builds are left behind)."""
    shutil.copytree(source.root, target, ignore=lambda folder, names: ["builds"] if folder.endswith(".build") else [])
    return Published(target)


@pytest.fixture
def published_copy(golden: Published, tmp_path: Path) -> Published:
    return copy_published(golden, tmp_path / "copy")
