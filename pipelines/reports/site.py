"""Render the report site from the marts of a warehouse (the build file or a published one).

Offline by construction: plotly.js is written once to ``assets/plotly.min.js`` and every page
loads it with a relative ``<script src>``; no page references any network address. All text goes
through Jinja2 autoescaping. Output is deterministic for identical marts apart from the run
timestamp shown on the page.
"""

import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import jinja2
import polars as pl

from pipelines.reports.figures import Chart, regional_losses_chart, usd_billions
from pipelines.settings import PROJECT_ROOT
from pipelines.warehouse import raw_files

TEMPLATES = PROJECT_ROOT / "dashboards" / "templates"
STATIC = PROJECT_ROOT / "dashboards" / "static"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d", "select2d"]}


@dataclass(frozen=True)
class SiteResult:
    directory: Path
    pages: list[str]


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["usd"] = usd_billions
    env.filters["pct"] = lambda v: "n/a" if v is None else f"{v:.0%}"
    env.filters["num"] = _num
    return env


def _num(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    return str(value)


def chart_html(chart: Chart) -> str:
    """The figure as a div plus a JSON payload drawn by assets/site.js (no inline plotly.js)."""
    spec = chart.figure.to_plotly_json()
    payload = json.dumps({"data": spec.get("data", []), "layout": spec.get("layout", {}), "config": PLOTLY_CONFIG},
                         sort_keys=True, default=str)
    # JSON inside <script type=application/json>: escape "</" so no text can close the element.
    return payload.replace("</", "<\\/")


def build_site(con: duckdb.DuckDBPyConnection, out_dir: Path, run_info: dict) -> SiteResult:
    """Write the site into ``out_dir`` (replaced) from the marts readable through ``con``."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    (out_dir / "assets").mkdir(parents=True)
    from plotly.offline import get_plotlyjs

    (out_dir / "assets" / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    for static in sorted(STATIC.iterdir()):
        shutil.copyfile(static, out_dir / "assets" / static.name)

    regional = con.execute("SELECT * FROM marts.regional_losses").pl()
    chart = regional_losses_chart(regional)
    world = regional.filter(pl.col("region_code") == "001").sort("year")
    # Headline: the latest year whose coverage is known (population data end a year before losses).
    known = world.filter(pl.col("population_coverage_share").is_not_null())
    latest_world = known.filter(pl.col("year") == known["year"].max()).to_dicts()[0] if known.height else None
    sources = raw_files(con)
    env = _env()
    html = env.get_template("index.html").render(
        run=run_info, chart=chart, chart_json=chart_html(chart), world=latest_world,
        world_rows=world.to_dicts(), sources=sources.to_dicts(),
    )
    (out_dir / "index.html").write_text(html, encoding="utf-8")
    manifest = {p.relative_to(out_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(out_dir.rglob("*")) if p.is_file()}
    (out_dir / "build-info.json").write_text(json.dumps({**run_info, "files": manifest}, indent=2, sort_keys=True),
                                             encoding="utf-8")
    return SiteResult(out_dir, ["index.html"])


def run_info(fingerprint: str, pipeline_version: str, run_id: str, files: int) -> dict:
    return {"fingerprint": fingerprint, "pipeline_version": pipeline_version, "run_id": run_id,
            "built_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "input_files": files}
