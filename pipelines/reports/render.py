"""Render the report site of a build or of a published warehouse (the plain function the report
asset and ``cyberstats report`` call)."""

from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.fingerprint import pipeline_version
from pipelines.quality.report import quality_page
from pipelines.reports.site import SiteResult, build_site, run_info
from pipelines.warehouse import connect


@contextmanager
def open_previous(warehouse: Path):
    """The currently published warehouse, read-only, or None (none yet, or unreadable: then there is
    nothing to compare with)."""
    if not warehouse.is_file():
        yield None
        return
    try:
        with connect(warehouse, read_only=True, retries=3) as con:
            yield con
    except Exception:  # an unreadable previous publication only means "no comparison"
        yield None


def render_site(con: duckdb.DuckDBPyConnection, out_dir: Path, run_id: str, fingerprint: str, n_files: int,
                single_file: bool = False) -> SiteResult:
    """Render the site from the marts (and quality and meta tables) of ``con`` into ``out_dir``."""
    info = run_info(fingerprint, pipeline_version(), run_id, n_files,
                    datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    return build_site(con, out_dir, info, single_file=single_file, extra_pages=[quality_page])
