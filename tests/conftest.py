"""Shared test fixtures. Real publisher files come from ../shared/data (present in CI by contract)."""

import shutil
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
