"""Revisions: figures that changed, between source releases and between publications (``marts.revisions``).

Two kinds of rows, one table:

* ``source_release``: a publisher restated a figure. The same series-year (source, area, series,
  indicator, dimension, category, sex, age, year, measure, unit, currency) carries another value in a
  later vintage: a newer release of the source (UNODC CTS 2022-06-06 -> 2024-05-16 -> 2025-06-02),
  or, within one national-figures file, a later revision stage (first published or provisional ->
  as published -> restated or final, the order of :data:`pipelines.indicators.series.REVISION_RANK`).
  Consecutive vintages are compared; each pair of differing values is one row with both source rows.
  Values published twice in the same vintage (two news summaries of one release) are alternatives,
  not revisions: marts.losses_by_country_year says which one is preferred and why.
* ``publication``: a published figure differs from the one the previous publication held (the
  warehouse this build replaces). The figures compared are listed in :data:`FIGURES` with their key,
  value and pointer; a figure present in only one of the two publications is listed as added or
  removed. The reason says what moved it: another source file or row (a new release), an input file
  whose bytes changed, the countries in a regional sum, or a recomputation (reference data, method).
"""

import json
from dataclasses import dataclass

import duckdb
import polars as pl

from pipelines.indicators.series import REVISION_RANK
from pipelines.warehouse import ident, table_exists

#: Identity of a series-year in staging.observations (every column but the vintage and the value).
SERIES_KEY = ("source_id", "area_code", "series", "indicator", "dimension", "category", "sex", "age", "year",
              "measure", "unit", "currency")
KINDS = ("source_release", "publication")
#: A total order of the rows (a re-run with the same inputs writes the same table).
ORDER = ["table_name", "figure_key", "old_release", "new_release", "old_value", "new_value", "old_source_file",
         "old_source_row", "new_source_file", "new_source_row"]
REASONS = ("restated", "added", "removed", "withheld", "source_changed", "input_changed", "coverage_changed",
           "recomputed")


@dataclass(frozen=True)
class Figure:
    """A published figure compared between publications: ``value`` of ``table`` identified by ``key``."""

    table: str
    key: tuple[str, ...]
    value: str
    unit: str  # a unit, or "column:<name>" for a unit held in a column (currency_code)
    label: tuple[str, ...]
    where: str = "TRUE"
    pointer: tuple[str, str] | None = None  # (source file, source row) columns
    release: str | None = None  # the column naming the source release of the figure
    coverage: str | None = None  # the column counting the countries in a sum

    @property
    def unit_column(self) -> str | None:
        return self.unit.removeprefix("column:") if self.unit.startswith("column:") else None

    def columns(self) -> list[str]:
        extra = [self.release, self.coverage, self.unit_column]
        return list(dict.fromkeys([*self.key, self.value, *self.label, *(self.pointer or ()),
                                   *(c for c in extra if c)]))


FIGURES = (
    Figure("losses_by_country_year", key=("country_iso3", "year"), value="loss_lcu", unit="column:currency_code",
           label=("country_name", "year", "series"), where="is_preferred", pointer=("source_file", "source_row"),
           release="release"),
    Figure("offences_by_country_year", key=("area_code", "indicator", "dimension", "category", "sex", "age", "year"),
           value="offences_count", unit="offences", label=("area_name", "category", "sex", "age", "year"),
           pointer=("count_source_file", "count_source_row"), release="release"),
    Figure("regional_losses", key=("region_code", "year"), value="loss_usd_nominal", unit="USD",
           label=("region_name", "year"), coverage="countries_reporting"),
    Figure("regional_offences", key=("region_code", "year", "indicator", "dimension", "category"),
           value="offences_count", unit="offences", label=("region_name", "category", "year"),
           coverage="countries_reporting"),
)

COLUMNS = {
    "revision_kind": pl.String, "table_name": pl.String, "figure": pl.String, "figure_key": pl.String,
    "area_code": pl.String, "year": pl.Int32, "measure": pl.String, "unit": pl.String,
    "old_value": pl.Float64, "new_value": pl.Float64, "change_abs": pl.Float64, "change_share": pl.Float64,
    "old_release": pl.String, "new_release": pl.String, "old_source_file": pl.String,
    "old_source_row": pl.Int64, "new_source_file": pl.String, "new_source_row": pl.Int64,
    "compared_publication": pl.String, "reason": pl.String, "reason_note": pl.String,
}


#: Decimal places a value is given with: as stated (value_decimals: a derived copy's rounding, 3.6 given to 2
#: places), else its shortest text (45.2 -> 1, 4079 -> 0; at most 12).
_DECIMALS = ("CAST(coalesce(value_decimals, CASE WHEN value = round(value) THEN 0 "
             "ELSE least(12, length(split_part(CAST(value AS VARCHAR), '.', 2))) END) AS INTEGER)")


def _stage_sql() -> str:
    """Revision stage of an observation, later = higher (first published 0, as published 1, restated 2)."""
    top = max(REVISION_RANK.values())
    whens = " ".join(f"WHEN '{name}' THEN {top - rank}" for name, rank in sorted(REVISION_RANK.items()))
    return f"CASE revision {whens} ELSE {top - 1} END"


def source_release_revisions(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Figures a later vintage of the same series restates (``source_release`` rows), from every loaded
    observation of every release."""
    key = ", ".join(SERIES_KEY)
    same = " AND ".join(f"a.{c} IS NOT DISTINCT FROM b.{c}" for c in SERIES_KEY)
    # Two values are paired when they are the only value of the figure in their vintage, or when they come
    # from the same publication (two summaries of one stage are alternatives: pairing them crosswise would
    # invent restatements), and only when the old value is gone from the later vintage and the new one was
    # not in the earlier (a file sent again with the same two values restates nothing).
    paired = ("((a.values_in_vintage = 1 AND b.values_in_vintage = 1) "
              "OR a.publication IS NOT DISTINCT FROM b.publication) "
              "AND NOT list_contains(b.vintage_values, a.value) AND NOT list_contains(a.vintage_values, b.value) "
              # a later value given with fewer decimals (a rounded copy) restates nothing if it is the old value
              # rounded to those decimals: 45.3511 -> 45.4 is rounding, 45.3511 -> 45.2 a restatement
              "AND round(a.value, b.decimals) <> b.value")
    rows = con.execute(f"""
        WITH o AS (
            SELECT {key}, release, release_date, revision, publication, value, source_file, source_row,
                   {_stage_sql()} AS stage, {_DECIMALS} AS decimals
            FROM staging.observations WHERE value IS NOT NULL),
        -- consecutive releases of the source, at the same revision stage
        by_release AS (
            SELECT *, dense_rank() OVER (PARTITION BY {key}, stage ORDER BY release_date, release) AS step,
                   count(DISTINCT value) OVER (PARTITION BY {key}, stage, release) AS values_in_vintage,
                   list(value) OVER (PARTITION BY {key}, stage, release) AS vintage_values
            FROM o),
        -- consecutive revision stages within one release (first published -> as published -> restated)
        by_stage AS (
            SELECT *, dense_rank() OVER (PARTITION BY {key}, release ORDER BY stage) AS step,
                   count(DISTINCT value) OVER (PARTITION BY {key}, release, stage) AS values_in_vintage,
                   list(value) OVER (PARTITION BY {key}, release, stage) AS vintage_values
            FROM o),
        pairs AS (
            SELECT a.*, b.value AS new_value, b.release AS new_release, b.revision AS new_revision,
                   b.publication AS new_publication, b.source_file AS new_source_file, b.source_row AS new_source_row
            FROM by_release a JOIN by_release b ON {same} AND a.stage = b.stage AND b.step = a.step + 1
                AND a.value <> b.value AND {paired}
            UNION ALL
            SELECT a.*, b.value, b.release, b.revision, b.publication, b.source_file, b.source_row
            FROM by_stage a JOIN by_stage b ON {same} AND a.release = b.release AND b.step = a.step + 1
                AND a.value <> b.value AND {paired})
        , grouped AS (
            SELECT {key}, value AS old_value, new_value, release AS old_release, new_release,
                   revision AS old_revision, new_revision, publication AS old_publication, new_publication,
                   min(source_file) AS old_source_file, min(source_row) AS old_source_row,
                   min(new_source_file) AS new_source_file, min(new_source_row) AS new_source_row
            FROM pairs GROUP BY ALL)
        SELECT * FROM grouped
        -- a restatement inside a file that a newer release carries again is listed once, for its first release
        QUALIFY row_number() OVER (PARTITION BY {key}, old_revision, new_revision, old_value, new_value,
                                   old_publication, new_publication ORDER BY old_release, new_release, old_source_file,
                                   old_source_row, new_source_file, new_source_row) = 1
        ORDER BY ALL
        """).pl()  # noqa: S608 (column names are constants)
    if rows.height == 0:
        return empty()

    def label() -> pl.Expr:
        parts = [pl.col(c).cast(pl.String)
                 for c in ("area_code", "series", "category", "sex", "age", "year", "measure")]
        return pl.concat_str(parts, separator=" · ", ignore_nulls=True)

    note = (pl.when(pl.col("old_release") != pl.col("new_release"))
            .then(pl.format("restated in {} release {} (before: release {})", pl.col("source_id"),
                            pl.col("new_release"), pl.col("old_release")))
            .otherwise(pl.format("{} figure ({}) restated as {} figure ({})", pl.col("old_revision"),
                                 pl.col("old_publication"), pl.col("new_revision"), pl.col("new_publication"))))
    unit = pl.when(pl.col("unit") == "currency").then(pl.col("currency")).otherwise(pl.col("unit"))
    return _finish(rows.with_columns(
        revision_kind=pl.lit("source_release"), table_name=pl.lit("staging.observations"), figure=label(),
        figure_key=pl.struct(list(SERIES_KEY)).map_elements(_json, return_dtype=pl.String),
        unit=unit, compared_publication=pl.lit(None, pl.String), reason=pl.lit("restated"), reason_note=note))


def publication_revisions(new: duckdb.DuckDBPyConnection, previous: duckdb.DuckDBPyConnection | None,
                          previous_fingerprint: str | None) -> pl.DataFrame:
    """Every figure of :data:`FIGURES` whose value in ``new`` differs from ``previous`` (``publication``
    rows); empty when there is no previous publication."""
    if previous is None:
        return empty()
    changed = _changed_files(new, previous)
    frames = [_compare(figure, new, previous, previous_fingerprint, changed) for figure in FIGURES
              if table_exists(new, "marts", figure.table) and table_exists(previous, "marts", figure.table)]
    frames = [f for f in frames if f.height]
    return pl.concat(frames).sort(ORDER) if frames else empty()


def _changed_files(new: duckdb.DuckDBPyConnection, previous: duckdb.DuckDBPyConnection) -> list[str]:
    """Input files (relpath) present in both publications with other bytes."""
    if not (table_exists(new, "marts", "source_files") and table_exists(previous, "marts", "source_files")):
        return []
    files = [dict(con.execute("SELECT relpath, sha256 FROM marts.source_files").fetchall()) for con in (new, previous)]
    return sorted(k for k in files[0].keys() & files[1].keys() if files[0][k] != files[1][k])


def _read(con: duckdb.DuckDBPyConnection, figure: Figure) -> pl.DataFrame | None:
    have = {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'marts' "
        "AND table_name = ?", [figure.table]).fetchall()}
    wanted = figure.columns()
    if not set(wanted) <= have:  # an older publication without a column compared now: not comparable
        return None
    cols = ", ".join(ident(c) for c in wanted)
    return con.execute(f"SELECT {cols} FROM marts.{ident(figure.table)} WHERE {figure.where}").pl()  # noqa: S608


def _compare(figure: Figure, new: duckdb.DuckDBPyConnection, previous: duckdb.DuckDBPyConnection,
             previous_fingerprint: str | None, changed_files: list[str]) -> pl.DataFrame:
    now, before = _read(new, figure), _read(previous, figure)
    if now is None or before is None:
        return empty()
    key = list(figure.key)
    both = before.with_columns(_side=pl.lit(True)).join(
        now.with_columns(_side=pl.lit(True)), on=key, how="full", coalesce=True, suffix="_new", nulls_equal=True)
    old_v, new_v = pl.col(figure.value), pl.col(f"{figure.value}_new")
    both = both.filter(pl.col("_side").is_null() | pl.col("_side_new").is_null()
                       | (old_v.is_null() != new_v.is_null()) | (old_v != new_v).fill_null(False))
    if both.height == 0:
        return empty()
    nothing = pl.lit(None, pl.String)
    old_ptr = [pl.col(c) for c in figure.pointer] if figure.pointer else [nothing, pl.lit(None, pl.Int64)]
    new_ptr = [pl.col(f"{c}_new") for c in figure.pointer] if figure.pointer else [nothing, pl.lit(None, pl.Int64)]
    unit = (pl.coalesce(pl.col(f"{figure.unit_column}_new"), pl.col(figure.unit_column)) if figure.unit_column
            else pl.lit(figure.unit))
    label_cols = [pl.coalesce(pl.col(f"{c}_new"), pl.col(c)).cast(pl.String) if c not in key
                  else pl.col(c).cast(pl.String) for c in figure.label]
    cov_old = pl.col(figure.coverage) if figure.coverage else pl.lit(None)
    cov_new = pl.col(f"{figure.coverage}_new") if figure.coverage else pl.lit(None)
    ptr_changed = ((old_ptr[0] != new_ptr[0]) | (old_ptr[1] != new_ptr[1])) if figure.pointer else pl.lit(False)
    reason = (pl.when(pl.col("_side").is_null()).then(pl.lit("added"))
              .when(pl.col("_side_new").is_null()).then(pl.lit("removed"))
              .when(new_v.is_null()).then(pl.lit("withheld"))
              .when(ptr_changed).then(pl.lit("source_changed"))
              .when(new_ptr[0].is_in(changed_files)).then(pl.lit("input_changed"))
              .when(cov_old != cov_new).then(pl.lit("coverage_changed"))
              .otherwise(pl.lit("recomputed")))
    note = (pl.when(reason == "added").then(pl.lit("new in this publication"))
            .when(reason == "removed").then(pl.lit("no longer published"))
            .when(reason == "withheld").then(pl.lit("still listed, but without a value now (its flags say why)"))
            .when(reason == "source_changed").then(
                pl.format("now from {} row {} (was {} row {})", new_ptr[0], new_ptr[1], old_ptr[0], old_ptr[1]))
            .when(reason == "input_changed").then(
                pl.format("the input file {} changed (row {})", new_ptr[0], new_ptr[1]))
            .when(reason == "coverage_changed").then(
                pl.format("countries in the sum: {} -> {}", cov_old, cov_new))
            .otherwise(pl.lit("recomputed from the same countries (their figures changed)" if figure.coverage else
                              "recomputed from the same source row (reference data or method changed)")))
    area = next((c for c in ("country_iso3", "area_code", "region_code") if c in key), None)
    out = both.with_columns(
        revision_kind=pl.lit("publication"), table_name=pl.lit(f"marts.{figure.table}"),
        figure=pl.concat_str(label_cols, separator=" · ", ignore_nulls=True),
        figure_key=pl.struct(key).map_elements(_json, return_dtype=pl.String),
        area_code=pl.col(area).cast(pl.String) if area else pl.lit(None, pl.String),
        measure=pl.lit(figure.value), unit=unit,
        old_value=old_v.cast(pl.Float64), new_value=new_v.cast(pl.Float64),
        old_release=(pl.col(figure.release) if figure.release else nothing).cast(pl.String),
        new_release=(pl.col(f"{figure.release}_new") if figure.release else nothing).cast(pl.String),
        old_source_file=old_ptr[0].cast(pl.String), old_source_row=old_ptr[1].cast(pl.Int64),
        new_source_file=new_ptr[0].cast(pl.String), new_source_row=new_ptr[1].cast(pl.Int64),
        compared_publication=pl.lit(previous_fingerprint, pl.String), reason=reason, reason_note=note)
    return _finish(out)


def _json(row: dict) -> str:
    return json.dumps(row, sort_keys=True, default=str)


def _finish(frame: pl.DataFrame) -> pl.DataFrame:
    change = pl.col("new_value") - pl.col("old_value")
    return frame.with_columns(
        year=pl.col("year").cast(pl.Int32), change_abs=change,
        change_share=pl.when(pl.col("old_value") != 0).then(change / pl.col("old_value").abs()),
    ).select([pl.col(c).cast(t) for c, t in COLUMNS.items()])


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=COLUMNS)


def largest_first(revisions: pl.DataFrame) -> pl.DataFrame:
    """Changed figures (both values known) by the size of the change relative to the old value, largest
    first; then figures added or removed."""
    return revisions.with_columns(_size=pl.col("change_share").abs()).sort(
        [pl.col("old_value").is_null() | pl.col("new_value").is_null(), "_size", "change_abs"],
        descending=[False, True, True], nulls_last=True).drop("_size")
