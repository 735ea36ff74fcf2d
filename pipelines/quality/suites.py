"""Expectation suites: the properties a table's rows must have, compiled from its contract.

A suite is plain data: a list of :class:`Expectation` specs, each named for the property it expects
(``no_negative_values``, ``area_codes_known``, ``years_in_range``, ``keys_unique``), with a severity:

* ``blocking``: a broken contract. The Dagster check fails with ERROR severity and nothing downstream
  of the table materialises in that run, so nothing is published. Row-level blocking expectations on
  a staging table also screen each file before it is loaded: a file with failing rows is quarantined.
* ``warn``: drift worth a look (publisher duplicates, rates that disagree with population, a
  category missing from the crosswalk). Reported and recorded, never blocking.

The suites are declared in the table contracts (``pipelines/contracts/<schema>/<table>.yml``) and
compiled by :mod:`pipelines.quality.compile`; :mod:`pipelines.quality.runner` runs them through
Great Expectations.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

import polars as pl

BLOCKING, WARN = "blocking", "warn"

#: Kinds evaluated per row, whose failures point at source rows (and so at files).
ROW_KINDS = frozenset({"not_null", "in_set", "between", "regex", "max_length", "unique", "derived_in_set",
                       "derived_between"})
KINDS = ROW_KINDS | {"schema", "row_count"}

#: Earliest year a figure may refer to (years_in_range in the contracts uses its own bound).
FIRST_OBSERVATION_YEAR = 1990

Derive = Callable[["Context"], tuple[pl.DataFrame, str | None]]


def current_year() -> int:
    """Latest year a figure can refer to (evaluated when validating, not at import)."""
    return datetime.now(UTC).year


@dataclass(frozen=True)
class References:
    """Reference data an expectation compares against (read from the build database or data dir).

    ``sets``: named value sets (``area_codes``, ``currencies``, ``crosswalk_categories``,
    ``iccs_codes``, ``source_ids``); ``tables``: named frames (``population``: country_iso3, year,
    population; ``iccs_codes``: iccs_code, iccs_label; ``convention_articles``: treaty, article, title).
    A reference that is missing makes the expectations that need it fail with a note saying so.
    """

    sets: Mapping[str, frozenset[str]] = field(default_factory=dict)
    tables: Mapping[str, pl.DataFrame] = field(default_factory=dict)

    def value_set(self, name: str) -> frozenset[str] | None:
        """A named value set; ``source_ids`` (the registered observation sources) is always known."""
        if name in self.sets:
            return self.sets[name]
        if name == "source_ids":
            from pipelines.sources import SOURCES

            return frozenset(SOURCES)
        return None


@dataclass(frozen=True)
class Expectation:
    """One property of a table. ``columns`` are checked one by one unless the kind is ``unique``
    (a compound key). ``where`` restricts the rows checked: ``((column, (allowed values...)), ...)``.
    """

    name: str
    kind: str
    description: str  # completes "expected ...": what a good value looks like
    columns: tuple[str, ...] = ()
    severity: str = BLOCKING
    values: tuple | Mapping[str, tuple] | None = None  # in_set: one set, or one per column
    #: the reference read: the value set of an in_set (or of a derived_in_set without ``values``), or
    #: what a derived property reads (it must be loaded, else the expectation fails saying so)
    reference: str | None = None
    min_value: float | None = None
    max_value: float | Callable[[], float] | None = None
    strict_min: bool = False
    regex: str | Mapping[str, str] | None = None  # regex: one pattern, or one per column
    max_lengths: Mapping[str, int] | None = None
    where: tuple[tuple[str, tuple], ...] = ()
    derive: Derive | None = None  # derived_*: Context -> (frame of __pos, __value; note)
    schema: Mapping[str, str] | None = None  # schema: column -> type name

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r}")
        if self.severity not in (BLOCKING, WARN):
            raise ValueError(f"{self.name}: severity must be {BLOCKING!r} or {WARN!r}")

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCKING

    @property
    def row_level(self) -> bool:
        return self.kind in ROW_KINDS

    def upper(self) -> float | None:
        return self.max_value() if callable(self.max_value) else self.max_value


@dataclass(frozen=True)
class Suite:
    """The expectations of one table; ``pointer`` names its (file, row) columns, if it has them."""

    schema: str
    table: str
    expectations: tuple[Expectation, ...]
    pointer: tuple[str, str] | None = None
    #: canonical column -> column name as published, for messages ("value" was "VALUE")
    published_columns: Mapping[str, str] = field(default_factory=dict)
    #: canonical column -> expression giving, row by row, the column it was published in, for tables
    #: unpivoted from one column per year (World Bank: "value" was the "2000" column of its row)
    published_per_row: Mapping[str, pl.Expr] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.table}"

    def names(self) -> list[str]:
        """Expectation names in suite order, each once (one Dagster check per name)."""
        return list(dict.fromkeys(e.name for e in self.expectations))

    def screening(self) -> tuple[Expectation, ...]:
        """Blocking row-level expectations: the ones a file must pass before it is loaded."""
        return tuple(e for e in self.expectations if e.blocking and e.row_level and self.pointer)

    def references(self, expectations: Sequence[Expectation] | None = None) -> set[str]:
        return {e.reference for e in (self.expectations if expectations is None else expectations) if e.reference}

    def needs(self, expectations: Sequence[Expectation] | None = None, optional: bool = False
              ) -> list[tuple[str, str]]:
        """Staging tables holding the references these expectations read (Dagster dependencies).

        ``optional``: include references whose absence is itself reported (the crosswalk)."""
        names = self.references(expectations) - (set() if optional else OPTIONAL_REFERENCES)
        return sorted({REFERENCE_TABLES[n] for n in names if n in REFERENCE_TABLES} - {(self.schema, self.table)})


#: Reference name -> the staging table it comes from.
REFERENCE_TABLES = {
    "area_codes": ("staging", "stg_un_m49__areas"),
    "currencies": ("staging", "stg_country_codes__currencies"),
    "population": ("staging", "stg_worldbank_wdi__values"),
    "crosswalk_categories": ("staging", "stg_offence_crosswalk__mappings"),
    "iccs_codes": ("staging", "stg_offence_crosswalk__iccs_codes"),
    "convention_articles": ("staging", "stg_offence_crosswalk__convention_articles"),
}
#: References that are not tables: ``source_ids``, the registered observation sources (pipelines.sources).
#: References that may be absent: the expectation then warns "not loaded" instead of waiting.
OPTIONAL_REFERENCES = {"crosswalk_categories"}


# --- building blocks -----------------------------------------------------------------------------

def _dtype_name(dtype: pl.DataType) -> str:
    return str(dtype)


def schema_of(columns: Mapping[str, pl.DataType]) -> dict[str, str]:
    return {c: _dtype_name(t) for c, t in columns.items()}


def columns_match(schema: Mapping[str, pl.DataType], what: str) -> Expectation:
    return Expectation("columns_match_schema", "schema", f"the columns and types of {what}",
                       schema=schema_of(schema))


def not_null(*columns: str, name: str = "required_columns_not_null", severity: str = BLOCKING) -> Expectation:
    return Expectation(name, "not_null", "a value in every row", columns=columns, severity=severity)


def keys_unique(*columns: str, severity: str = BLOCKING, what: str = "", where: tuple = (),
                name: str = "keys_unique") -> Expectation:
    return Expectation(name, "unique", f"one row per {what or ', '.join(columns)}", columns=columns,
                       severity=severity, where=where)


def years_in_range(first: int = FIRST_OBSERVATION_YEAR, column: str = "year") -> Expectation:
    return Expectation("years_in_range", "between", f"a year from {first} to the current year",
                       columns=(column,), min_value=first, max_value=current_year)


def non_negative(*columns: str, name: str = "no_negative_values",
                 what: str = "counts, rates and losses of at least 0") -> Expectation:
    return Expectation(name, "between", what, columns=columns, min_value=0)


def positive(*columns: str, name: str, what: str, where: tuple = ()) -> Expectation:
    return Expectation(name, "between", what, columns=columns, min_value=0, strict_min=True, where=where)


def known(name: str, column: str, reference: str, what: str, severity: str = BLOCKING) -> Expectation:
    return Expectation(name, "in_set", what, columns=(column,), reference=reference, severity=severity)


def well_formed(patterns: Mapping[str, str]) -> Expectation:
    return Expectation("codes_well_formed", "regex", "codes of the published form (" + "; ".join(
        f"{column} {regex}" for column, regex in patterns.items()) + ")", columns=tuple(patterns), regex=patterns)


def table_complete(min_rows: int, what: str) -> Expectation:
    return Expectation("table_complete", "row_count", f"at least {min_rows} rows ({what})", min_value=min_rows)


# --- derived per-row properties -----------------------------------------------------------------

class Context:
    """What a derived expectation may read: the table, the references, exact key codes, a memo."""

    def __init__(self, frame: pl.DataFrame, refs: References,
                 codes: Callable[[Sequence[str]], pl.Series]) -> None:
        self.frame, self.refs, self._codes, self._memo = frame, refs, codes, {}

    def codes(self, columns: Sequence[str]) -> pl.Series:
        """One Int64 per row, equal for two rows iff all ``columns`` are equal (see runner.key_codes)."""
        return self._codes(columns)

    def memo(self, key: str, compute: Callable[[], object]) -> object:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


def _flag(frame: pl.DataFrame, expr: pl.Expr) -> pl.DataFrame:
    """Per-row boolean property, as (__pos, __value); nulls count as False."""
    return frame.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("__pos"),
                        expr.fill_null(False).alias("__value"))


def flag(expr: pl.Expr) -> Derive:
    """A derived_in_set property computed row by row from ``expr`` (expected: True)."""
    def derive(ctx: Context) -> tuple[pl.DataFrame, str | None]:
        return _flag(ctx.frame, expr), None
    return derive


def value_or_range(value: str, low: str, high: str) -> Derive:
    return flag(pl.col(value).is_not_null() | (pl.col(low).is_not_null() & pl.col(high).is_not_null()))


def unit_last(key: Sequence[str]) -> tuple[str, ...]:
    """A key with ``unit`` last: the key codes of the count/rate pairs are then a prefix of it."""
    return (*(c for c in key if c != "unit"), *(("unit",) if "unit" in key else ()))


@cache
def suites() -> dict[str, Suite]:
    """Every table's suite, compiled from its contract (pipelines/contracts)."""
    from pipelines import contracts

    return {c.name: c.suite() for c in contracts.all_contracts()}


def suite_for(schema: str, table: str) -> Suite | None:
    return suites().get(f"{schema}.{table}")
