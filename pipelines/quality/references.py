"""Reference data the expectations compare against: from the build database, or from a data directory.

* ``area_codes``: ISO3 codes of UN M49 (``staging.stg_un_m49__areas``) plus areas UNODC lists that
  M49 does not (``pipelines.harmonise.regions.NON_M49``: XKX);
* ``currencies``: ISO 4217 codes in use (``staging.stg_country_codes__currencies``);
* ``population``: World Bank SP.POP.TOTL by country and year (``staging.stg_worldbank_wdi__values``);
* ``crosswalk_categories``: ``"<source_id> | <category>"`` for every category of the offence
  crosswalk (``staging.stg_offence_crosswalk__mappings``; absent until the crosswalk is loaded);
* ``iccs_codes`` (a set, and a table with the labels) and ``convention_articles`` (a table: treaty,
  article, title): the verified lists curated beside the crosswalk
  (``staging.stg_offence_crosswalk__iccs_codes``, ``..._convention_articles``). While the crosswalk
  release itself is screened they come from the files of that release (``staged``), never from a
  table an earlier run left in the build database.

Reading references is validation, not a transform: nothing from them enters a table.
"""

from collections.abc import Mapping
from pathlib import Path

import duckdb
import polars as pl

from pipelines.harmonise.regions import NON_M49
from pipelines.quality.suites import REFERENCE_TABLES, References
from pipelines.warehouse import read_table, table_exists

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


#: References read whole from a curated table: name -> the columns kept.
_CURATED_LISTS = {"iccs_codes": ("iccs_code", "iccs_label"), "convention_articles": ("treaty", "article", "title")}


def _curated_lists(frame_of, wanted: set[str] | None, sets: dict, tables: dict) -> None:
    for name, columns in _CURATED_LISTS.items():
        if wanted is not None and name not in wanted:
            continue
        frame = frame_of(name)
        if frame is None:
            continue
        tables[name] = frame.select(columns)
        if name == "iccs_codes":
            sets[name] = frozenset(frame["iccs_code"].drop_nulls().to_list())


def references_from_db(con: duckdb.DuckDBPyConnection, wanted: set[str] | None = None,
                       staged: Mapping[tuple[str, str], pl.DataFrame | None] | None = None) -> References:
    """References from the staging tables present in ``con`` (absent tables are simply missing).

    ``staged``: tables being built by the caller (``(schema, table) -> frame``, None for a table
    none of whose files could be read). A reference built by the caller is never read from ``con``
    (a table there is an earlier run's): the curated lists come from these frames."""
    sets: dict[str, frozenset[str]] = {"source_ids": source_ids()}
    tables: dict[str, pl.DataFrame] = {}
    staged = staged or {}

    def want(name: str) -> bool:
        return ((wanted is None or name in wanted) and REFERENCE_TABLES[name] not in staged
                and table_exists(con, *REFERENCE_TABLES[name]))

    def frame_of(name: str) -> pl.DataFrame | None:
        if REFERENCE_TABLES[name] in staged:
            return staged[REFERENCE_TABLES[name]]
        return read_table(con, *REFERENCE_TABLES[name]) if want(name) else None

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
    _curated_lists(frame_of, wanted, sets, tables)
    return References(sets=sets, tables=tables)


def references_from_data_dir(data_dir: Path, wanted: set[str] | None = None) -> References:
    """References read from ``<data-dir>/reference/`` with the registered readers (newest release).

    Used by ``cyberstats validate``, which checks a file without a build database. Of the offence
    crosswalk only its verified lists are read (to validate a crosswalk file against them); the
    crosswalk itself is not needed to validate a source file. ``wanted``: the references to read
    (default: all); a reference whose files cannot be read is missing (its expectations say so).
    """
    from pipelines.catalog import discover, select_files
    from pipelines.errors import InputError
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

    def want(name: str) -> bool:
        return wanted is None or name in wanted

    def curated(name: str) -> pl.DataFrame | None:
        try:
            return frames("offence_crosswalk", name)
        except InputError:
            return None

    sets: dict[str, frozenset[str]] = {"source_ids": source_ids()}
    tables: dict[str, pl.DataFrame] = {}
    if want("area_codes") and (m49 := frames("un_m49")) is not None:
        sets["area_codes"] = _area_codes(m49)
    if want("currencies") and (codes := frames("country_codes")) is not None:
        sets["currencies"] = _currencies(codes)
    if want("population") and (values := frames("worldbank_wdi", "values")) is not None:
        tables["population"] = _population(values)
    _curated_lists(curated, wanted, sets, tables)
    return References(sets=sets, tables=tables)
