"""Reference data the expectations compare against: from the build database, or from a data directory.

* ``area_codes``: ISO3 codes of UN M49 (``staging.stg_un_m49__areas``) plus areas UNODC lists that
  M49 does not (``pipelines.harmonise.regions.NON_M49``: XKX);
* ``currencies``: ISO 4217 codes in use (``staging.stg_country_codes__currencies``);
* ``population``: World Bank SP.POP.TOTL by country and year (``staging.stg_worldbank_wdi__values``);
* ``crosswalk_categories``: ``"<source_id> | <category>"`` for every category of the offence
  crosswalk (``staging.stg_offence_crosswalk__mappings``; absent until the crosswalk is loaded).

Reading references is validation, not a transform: nothing from them enters a table.
"""

from pathlib import Path

import duckdb
import polars as pl

from pipelines.harmonise.regions import NON_M49
from pipelines.quality.suites import REFERENCE_TABLES, References
from pipelines.warehouse import table_exists

POPULATION_INDICATOR = "SP.POP.TOTL"


def _area_codes(m49: pl.DataFrame) -> frozenset[str]:
    return frozenset(m49["country_iso3"].drop_nulls().to_list()) | frozenset(NON_M49)


def _currencies(codes: pl.DataFrame) -> frozenset[str]:
    return frozenset(codes["currency_code"].drop_nulls().to_list())


def _population(values: pl.DataFrame) -> pl.DataFrame:
    return values.filter(pl.col("indicator_code") == POPULATION_INDICATOR).select(
        pl.col("country_code").alias("country_iso3"), "year", pl.col("value").alias("population"))


def _crosswalk(mappings: pl.DataFrame) -> frozenset[str]:
    return frozenset(f"{s} | {c}" for s, c in mappings.select("source_id", "source_category").iter_rows())


def source_ids() -> frozenset[str]:
    """The registered observation sources."""
    from pipelines.sources import SOURCES

    return frozenset(SOURCES)


def references_from_db(con: duckdb.DuckDBPyConnection, wanted: set[str] | None = None) -> References:
    """References from the staging tables present in ``con`` (absent tables are simply missing)."""
    sets: dict[str, frozenset[str]] = {"source_ids": source_ids()}
    tables: dict[str, pl.DataFrame] = {}

    def want(name: str) -> bool:
        return (wanted is None or name in wanted) and table_exists(con, *REFERENCE_TABLES[name])

    if want("area_codes"):
        sets["area_codes"] = _area_codes(con.execute(
            "SELECT country_iso3 FROM staging.stg_un_m49__areas").pl())
    if want("currencies"):
        sets["currencies"] = _currencies(con.execute(
            "SELECT currency_code FROM staging.stg_country_codes__currencies").pl())
    if want("population"):
        tables["population"] = con.execute(
            "SELECT country_code AS country_iso3, year, value AS population FROM staging.stg_worldbank_wdi__values "
            "WHERE indicator_code = ?", [POPULATION_INDICATOR]).pl()
    if want("crosswalk_categories"):
        sets["crosswalk_categories"] = _crosswalk(con.execute(
            "SELECT source_id, source_category FROM staging.stg_offence_crosswalk__mappings").pl())
    return References(sets=sets, tables=tables)


def references_from_data_dir(data_dir: Path) -> References:
    """References read from ``<data-dir>/reference/`` with the registered readers (newest release).

    Used by ``cyberstats validate``, which checks a file without a build database. The offence
    crosswalk is not read here (its staging suite is not needed to validate a source file).
    """
    from pipelines.catalog import discover, select_files
    from pipelines.sources import REFERENCES

    def frames(source_id: str, layout: str | None = None) -> pl.DataFrame | None:
        spec = REFERENCES[source_id]
        out = []
        for f in select_files(spec, discover(data_dir, "reference", source_id)):
            result = spec.read(f.path, f.relpath, f.release, f.sidecar, f.sha256)
            kind, frame = result if isinstance(result, tuple) else (None, result)
            if kind == layout:
                out.append(frame)
        return pl.concat(out, how="diagonal_relaxed") if out else None

    sets: dict[str, frozenset[str]] = {"source_ids": source_ids()}
    tables: dict[str, pl.DataFrame] = {}
    if (m49 := frames("un_m49")) is not None:
        sets["area_codes"] = _area_codes(m49)
    if (codes := frames("country_codes")) is not None:
        sets["currencies"] = _currencies(codes)
    if (values := frames("worldbank_wdi", "values")) is not None:
        tables["population"] = _population(values)
    return References(sets=sets, tables=tables)
