"""Shared test fixtures. Real publisher files come from ../shared/data (present in CI by contract)."""

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.run import ENV_INSTANCE

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
REAL = SHARED / "real"
FACTS = SHARED / "facts"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BUNDLED = REPO / "data"


def pytest_configure(config: pytest.Config) -> None:
    """Pipeline runs in tests use an in-memory Dagster instance (``CYBERSTATS_DAGSTER_INSTANCE``, see
    pipelines/run.py): writing each of a run's ~1,400 events to the work folder's sqlite instance costs
    about 3.5 s of CPU a run (25.5 s against 22 s for the bundled data), and only the golden build and
    the tests of the persistent instance read that history (they run under :func:`persistent_instance`).
    Set the variable to ``persistent`` to run every test on the persistent instance."""
    os.environ.setdefault(ENV_INSTANCE, "ephemeral")


@contextmanager
def persistent_instance() -> Iterator[None]:
    """Runs inside record their history in the work folder's persistent Dagster instance, as
    ``cyberstats run`` does outside the tests."""
    saved = os.environ.pop(ENV_INSTANCE, None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ[ENV_INSTANCE] = saved


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


def copy_bundled(target: Path, sources: bool | tuple[str, ...] = True) -> Path:
    """A private copy of the bundled data directory: reference always; every source, none, or the
    sources named (a smaller run for a test whose failure needs only those)."""
    shutil.copytree(BUNDLED / "reference", target / "reference")
    if sources is True:
        shutil.copytree(BUNDLED / "sources", target / "sources")
    else:
        (target / "sources").mkdir(parents=True)
        for source_id in sources or ():
            shutil.copytree(BUNDLED / "sources" / source_id, target / "sources" / source_id)
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


def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder shared by every process of this test session: the session's base temporary folder, or
    under pytest-xdist the folder holding each worker's own (``.../pytest-N/`` above ``popen-gwK``)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """``<shared root>/<name>``, made by ``build(folder)`` once per test session whatever the number of
    xdist workers: the first worker to ask builds it under an exclusive lock, the others wait for it and
    then share it (read only). A failed build is reported by every worker that asks, never retried."""
    root = shared_root(tmp_path_factory)
    folder, done = root / name, root / f"{name}.done"
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not done.exists():
            if folder.exists():
                pytest.fail(f"the shared build {name!r} failed in another test process (see its first error)")
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """The bundled data run once per test session (one build shared by every xdist worker), with the
    single-file report, recorded in its work folder's persistent Dagster instance as a CLI run is.

    Tests that only read the warehouse or the site share it; a test that changes anything works on a
    copy (:func:`copy_published`)."""
    from tests.integration.helpers import run_cli

    def build(root: Path) -> None:
        copy_bundled(root / "data")
        with persistent_instance():
            assert run_cli(root / "data", "--single-file") == 0

    return Published(build_once(tmp_path_factory, "golden", build))


def copy_published(source: Published, target: Path) -> Published:
    """A private copy of a publication (data, warehouse, site, and the raw store and Dagster instance
    of its work folder; earlier builds are left behind)."""
    shutil.copytree(source.root, target, ignore=lambda folder, names: ["builds"] if folder.endswith(".build") else [])
    return Published(target)


@pytest.fixture
def published_copy(golden: Published, tmp_path: Path) -> Published:
    return copy_published(golden, tmp_path / "copy")


@pytest.fixture(scope="session")
def negative_value_blocked(golden: Published, tmp_path_factory: pytest.TempPathFactory):
    """The corpus case ``value_negative`` alone (a UNODC extract with a count of -5) dropped into a copy of
    the golden publication and run: the blocking check fails the run. One run, shared by
    tests/bad_inputs/test_corpus_alone.py (what the command says and leaves) and tests/assets/test_checks.py
    (what Dagster recorded): ``(helpers.Outcome, helpers.Recorded)``."""
    from tests.bad_inputs.corpus import CASES
    from tests.bad_inputs.helpers import shared_run

    case = next(c for c in CASES if c.id == "value_negative")
    return shared_run(tmp_path_factory, "negative_value_blocked", golden.root, {case.target: case.make()})


@pytest.fixture(scope="session")
def negative_value_allowed(golden: Published, tmp_path_factory: pytest.TempPathFactory):
    """The same broken UNODC file as a resubmission (``helpers.RESUBMITTED``) run with
    ``--allow-quarantine``: published without it. Shared by tests/bad_inputs/test_corpus_allow_quarantine.py
    and tests/assets/test_checks.py."""
    from tests.bad_inputs.corpus import unodc_with
    from tests.bad_inputs.helpers import RESUBMITTED, shared_run

    return shared_run(tmp_path_factory, "negative_value_allowed", golden.root,
                      {RESUBMITTED: unodc_with(2, {"VALUE": "-5"})()}, "--allow-quarantine")


#: The files that run the pipeline (or a browser) for longest, longest first, as measured on two cores.
#: `make test` runs pytest-xdist with ``--dist loadfile --no-loadscope-reorder``: each file goes whole to
#: one worker (its module fixtures are built once), in collection order, so the long files start first
#: and the many short ones fill in around them (longest-first scheduling). The second file does not
#: need the golden build, so that one worker makes it while the other is busy. Only the order changes.
LONGEST_FIRST = (
    "tests/browser/test_site_in_chromium.py",            # the golden build, then every page in Chromium
    "tests/integration/test_full_unodc_exports.py",      # a run on the complete exports (122,089 rows)
    "tests/bad_inputs/test_corpus.py",                   # one run with every broken file
    "tests/assets/test_checks.py",                       # the two shared negative-value runs (conftest)
    "tests/integration/test_installed_package.py",       # a wheel, then a run in a subprocess
    "tests/integration/test_publication_safety.py",      # three runs
    "tests/bad_inputs/test_corpus_allow_quarantine.py",  # the shared --allow-quarantine run, then a run
    "tests/integration/test_convention_marts.py",        # two runs
    "tests/bad_inputs/test_corpus_alone.py",             # two failing runs and the shared one
    "tests/integration/test_concurrency.py",             # a killed run, then a run
    "tests/bad_inputs/test_corpus_odd_inputs.py",        # a run
    "tests/integration/test_pipeline.py",                # a forced run
    "tests/integration/test_site.py",                    # two renders of the site
    "tests/browser/test_accessibility.py",               # thirteen pages audited in Chromium
    "tests/integration/test_indicators.py",              # a failing run
    "tests/integration/test_report_command.py",          # a run
    "tests/integration/test_drop_folder.py",             # cyberstats ingest, then a run
    "tests/integration/test_failed_run.py",              # failing runs
    "tests/integration/test_failed_run_quality.py",      # two failing runs
    "tests/unit/bench/test_validation_bench.py",         # the validation benchmark on small inputs
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))  # stable: the rest keep their order
