"""Paths and options, resolved in one place: explicit argument > environment variable > default.

Nothing here runs at import time; call :func:`resolve` when a run (or a Dagster resource) starts.
"""

import os
import tomllib
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from pipelines.errors import ConfigError

ENV_DATA_DIR = "CYBERSTATS_DATA_DIR"
ENV_WAREHOUSE = "CYBERSTATS_WAREHOUSE"
ENV_SITE_DIR = "CYBERSTATS_SITE_DIR"
ENV_WORK_DIR = "CYBERSTATS_WORK_DIR"
ENV_BASE_YEAR = "CYBERSTATS_BASE_YEAR"
ENV_COVERAGE = "CYBERSTATS_MIN_POPULATION_COVERAGE"
ENV_SINGLE_FILE = "CYBERSTATS_SINGLE_FILE"
ENV_PUBLICATIONS_KEPT = "CYBERSTATS_PUBLICATIONS_KEPT"

#: Price base year for constant-USD columns (latest complete CPI-U year in the bundled data).
DEFAULT_BASE_YEAR = 2024
#: A regional aggregate is publishable when reporting countries hold at least this share of the
#: region's population (see README "Methodology").
DEFAULT_MIN_POPULATION_COVERAGE = 0.5
#: Past publications kept beside the warehouse, the current one included (pipelines.archive).
DEFAULT_KEPT = 12


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know about where things are and how to compute."""

    data_dir: Path
    warehouse: Path
    site_dir: Path
    work_dir: Path
    base_year: int = DEFAULT_BASE_YEAR
    min_population_coverage: float = DEFAULT_MIN_POPULATION_COVERAGE
    #: Also write the whole report as one self-contained HTML file (for air-gapped units).
    single_file: bool = False
    #: Past publications kept beside the warehouse (the current one included; pipelines.archive).
    publications_kept: int = DEFAULT_KEPT

    @property
    def sources_dir(self) -> Path:
        return self.data_dir / "sources"

    @property
    def reference_dir(self) -> Path:
        return self.data_dir / "reference"

    def build_db(self, run_id: str) -> Path:
        """The private DuckDB file run ``run_id`` builds (starts empty; never opened by analysts)."""
        from pipelines.build import DB_NAME, build_dir

        return build_dir(self.work_dir, run_id) / DB_NAME

    @property
    def dagster_home(self) -> Path:
        """The persistent Dagster instance of this work folder: CLI runs are recorded there, and
        ``make dev`` / ``cyberstats dev`` serve it, so the UI shows their history and check results."""
        return self.work_dir / "dagster"

    @property
    def raw_store(self) -> Path:
        """Content-addressed copies of every input file (``<sha256>`` names)."""
        return self.work_dir / "raw"

    def with_overrides(self, **changes: object) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _overlap(a: Path, b: Path) -> bool:
    """True when ``a`` and ``b`` are the same folder or one is inside the other."""
    return a == b or a.is_relative_to(b) or b.is_relative_to(a)


def check_layout(data: Path, warehouse: Path, site: Path, work: Path) -> None:
    """Refuse outputs that overlap inputs or each other.

    A kept past publication (a file in ``<name>.publications/``, pipelines.archive) is never a target.
    Publishing the site replaces its whole folder, and the work folder holds private copies that a run
    may delete, so neither may be, contain or lie inside the data directory's inputs (``sources/``,
    ``reference/``), the warehouse file, or each other. The site may not be, or contain, the data
    directory either. (Defaults: ``<data>/reports``, ``<data>/warehouse/cyberstats.duckdb`` and
    ``<data>/warehouse/.build`` satisfy every rule.)
    """
    if warehouse.parent.name.endswith(".publications"):
        raise ConfigError(f"warehouse {warehouse} is a kept past publication (in {warehouse.parent.name}/): it is "
                          "never written to, nor published over; read it with --as-of (query, tables, describe, "
                          "shell, export, sources), and publish to the warehouse beside that folder")
    inputs = {"the data directory's sources/ folder": data / "sources",
              "the data directory's reference/ folder": data / "reference"}
    for label, folder in inputs.items():
        if _overlap(site, folder):
            raise ConfigError(f"site directory {site} overlaps {label} ({folder}); publishing the site replaces "
                              "its whole folder: choose a folder of its own (default <data-dir>/reports)")
        if _overlap(work, folder):
            raise ConfigError(f"work directory {work} overlaps {label} ({folder}): choose a folder of its own "
                              "(default <warehouse-dir>/.build)")
        if warehouse.is_relative_to(folder):
            raise ConfigError(f"warehouse {warehouse} is inside {label} ({folder}): inputs and outputs must "
                              "not mix")
    if site == data or data.is_relative_to(site):
        raise ConfigError(f"site directory {site} would replace the data directory {data}")
    if warehouse.is_relative_to(site):
        raise ConfigError(f"site directory {site} contains the warehouse {warehouse}; publishing the site "
                          "replaces its whole folder: choose a folder of its own (default <data-dir>/reports)")
    if _overlap(site, work):
        raise ConfigError(f"site directory {site} and work directory {work} overlap: each needs a folder of its own")
    if warehouse.is_relative_to(work):
        raise ConfigError(f"warehouse {warehouse} is inside the private work directory {work}")


def _path(value: str | os.PathLike[str]) -> Path:
    return Path(value).expanduser().resolve()


def checkout_root() -> Path | None:
    """The source checkout the ``pipelines`` package runs from (an editable install, or the checkout on
    ``sys.path``); None when cyberstats is installed as a package (``pip install .``, a wheel).

    A checkout is recognised by its ``pyproject.toml`` naming the project beside the package folder;
    site-packages has none.
    """
    package = resources.files("pipelines")
    if not isinstance(package, Path):  # imported from a zip file: certainly not a checkout
        return None
    root = package.resolve().parent
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return root if project.get("name") == "cyberstats" else None


def bundled_data_dir() -> Path | None:
    """The default data directory: the checkout's ``data/`` (curated extracts and reference tables).
    None for an installed package, which ships no data."""
    root = checkout_root()
    return root / "data" if root is not None else None


def data_dir_setting(data_dir: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None) -> Path:
    """The data directory: argument, then ``CYBERSTATS_DATA_DIR``, then the checkout's ``data/``.

    Raises ConfigError when none is given and there is no checkout (an installed cyberstats).
    Existence is checked by the caller.
    """
    env = os.environ if environ is None else environ
    chosen = data_dir or env.get(ENV_DATA_DIR) or bundled_data_dir()
    if not chosen:
        raise ConfigError(
            f"no data directory: this cyberstats is installed as a package, which bundles no data (only a "
            f"source checkout has a default, its data/ folder); pass --data-dir DIR or set {ENV_DATA_DIR} "
            "to a folder with sources/ and reference/ (see README 'Data directory')"
        )
    return _path(chosen)


def resolve(
    data_dir: str | os.PathLike[str] | None = None,
    warehouse: str | os.PathLike[str] | None = None,
    site_dir: str | os.PathLike[str] | None = None,
    work_dir: str | os.PathLike[str] | None = None,
    base_year: int | None = None,
    min_population_coverage: float | None = None,
    single_file: bool | None = None,
    publications_kept: int | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Resolve settings: argument, then ``CYBERSTATS_*`` environment variable, then default.

    Defaults keep every output next to the data it came from:
    ``<data-dir>/warehouse/cyberstats.duckdb``, ``<data-dir>/reports/`` and a private
    ``<warehouse-dir>/.build/`` work area.
    """
    env = os.environ if environ is None else environ

    data = data_dir_setting(data_dir, env)
    if not data.is_dir():
        raise ConfigError(f"data directory {data} does not exist (set --data-dir or {ENV_DATA_DIR})")
    if not (data / "sources").is_dir():
        raise ConfigError(
            f"data directory {data} has no 'sources/' folder; expected "
            "<data-dir>/sources/<source_id>/<release>/<files> (see README 'Data directory')"
        )
    wh = _path(warehouse or env.get(ENV_WAREHOUSE) or data / "warehouse" / "cyberstats.duckdb")
    if wh.suffix != ".duckdb":
        raise ConfigError(f"warehouse path {wh} must end in .duckdb")
    site = _path(site_dir or env.get(ENV_SITE_DIR) or data / "reports")
    work = _path(work_dir or env.get(ENV_WORK_DIR) or wh.parent / ".build")

    year_text = base_year if base_year is not None else env.get(ENV_BASE_YEAR)
    try:
        year = int(year_text) if year_text is not None else DEFAULT_BASE_YEAR
    except ValueError as exc:
        raise ConfigError(f"{ENV_BASE_YEAR}={year_text!r} is not a year") from exc
    if not 1990 <= year <= 2100:
        raise ConfigError(f"base year {year} is outside 1990-2100")

    cov_text = min_population_coverage if min_population_coverage is not None else env.get(ENV_COVERAGE)
    try:
        coverage = float(cov_text) if cov_text is not None else DEFAULT_MIN_POPULATION_COVERAGE
    except ValueError as exc:
        raise ConfigError(f"{ENV_COVERAGE}={cov_text!r} is not a number") from exc
    if not 0.0 < coverage <= 1.0:
        raise ConfigError(f"minimum population coverage {coverage} must be in (0, 1]")

    if single_file is None:
        single_file = env.get(ENV_SINGLE_FILE, "").strip().lower() in ("1", "true", "yes")

    kept_text = publications_kept if publications_kept is not None else env.get(ENV_PUBLICATIONS_KEPT)
    try:
        kept = int(kept_text) if kept_text is not None else DEFAULT_KEPT
    except ValueError as exc:
        raise ConfigError(f"{ENV_PUBLICATIONS_KEPT}={kept_text!r} is not a whole number") from exc
    if kept < 1:
        raise ConfigError(f"publications kept {kept}: expected at least 1 (the current publication)")

    check_layout(data, wh, site, work)
    return Settings(
        data_dir=data,
        warehouse=wh,
        site_dir=site,
        work_dir=work,
        base_year=year,
        min_population_coverage=coverage,
        single_file=single_file,
        publications_kept=kept,
    )
