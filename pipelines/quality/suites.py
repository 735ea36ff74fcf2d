"""Expectation suites as code: for every staging table, the intermediate tables reports depend on, and
every mart, the properties its rows must have.

A suite is plain data: a list of :class:`Expectation` specs, each named for the property it expects
(``no_negative_values``, ``area_codes_known``, ``years_in_range``, ``keys_unique``), with a severity:

* ``blocking``: a broken contract. The Dagster check fails with ERROR severity and nothing downstream
  of the table materialises in that run, so nothing is published. Row-level blocking expectations on
  a staging table also screen each file before it is loaded: a file with failing rows is quarantined.
* ``warn``: drift worth a look (publisher duplicates, rates that disagree with population, a
  category missing from the crosswalk). Reported and recorded, never blocking.

:mod:`pipelines.quality.runner` turns the specs into Great Expectations expectations.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import polars as pl

from pipelines.schema import (
    AREA_TYPES,
    MEASURES,
    OBSERVATION_KEY,
    OBSERVATION_SCHEMA,
    PERIOD_TYPES,
    REVISIONS,
    UNITS,
    VALUE_TYPES,
)

BLOCKING, WARN = "blocking", "warn"

#: Kinds evaluated per row, whose failures point at source rows (and so at files).
ROW_KINDS = frozenset({"not_null", "in_set", "between", "regex", "max_length", "unique", "derived_in_set",
                       "derived_between"})
KINDS = ROW_KINDS | {"schema", "row_count"}

#: Earliest year a figure may refer to, per table family.
FIRST_OBSERVATION_YEAR = 1990
#: A rate per 100,000 population above this means more recorded cases than inhabitants: a unit or
#: decimal error (the highest rate in the five real UNODC exports is 5,321 thefts per 100,000).
MAX_RATE_PER_100K = 100_000
#: A count above this exceeds the world's population (highest real count: 7.0 million).
MAX_COUNT = 10_000_000_000
#: A loss above this (ten trillion US dollars, about a tenth of world GDP) is a unit error.
MAX_LOSS_USD = 10_000_000_000_000
#: A loss above this many units of any currency is a unit or typing error, whatever the currency:
#: 1e20 is about world GDP (USD 110 trillion in 2024) expressed in Iranian rials at the 2025 open-market
#: rate (about 1,000,000 per US dollar), the ISO 4217 currency in use with the most units per dollar
#: (others: LBP 89,500, VND 26,000, LAK 21,000, IDR 16,000, KRW 1,400; EUR/GBP about 1). It is also
#: eight times the largest global cybercrime-cost estimate (USD 10.5 trillion) in rials. The highest real
#: national figure is VND 3.9e14 (Viet Nam 2023, shared/data/facts/national_headline_figures.csv),
#: five orders of magnitude below. Losses without a USD conversion are checked against this bound
#: only (a tighter bound needs the exchange rate; converted losses also meet MAX_LOSS_USD).
MAX_LOSS_LOCAL_CURRENCY = 1e20
#: Implied population (count x 100,000 / rate) may differ from World Bank population by this share
#: before a warning: UNODC uses UN population estimates (99% of real pairs are within 23%).
POPULATION_TOLERANCE = 0.25
#: Our rate may differ from UNODC's published rate by this share before a warning.
RATE_TOLERANCE = 0.25
LABEL_MAX_CHARS = 300
TEXT_MAX_CHARS = 5_000

Derive = Callable[["Context"], tuple[pl.DataFrame, str | None]]


def current_year() -> int:
    """Latest year a figure can refer to (evaluated when validating, not at import)."""
    return datetime.now(UTC).year


@dataclass(frozen=True)
class References:
    """Reference data an expectation compares against (read from the build database or data dir).

    ``sets``: named value sets (``area_codes``, ``currencies``, ``crosswalk_categories``,
    ``iccs_codes``); ``tables``: named frames (``population``: country_iso3, year, population;
    ``iccs_codes``: iccs_code, iccs_label; ``convention_articles``: treaty, article, title). A
    reference that is missing makes the expectations that need it fail with a note saying so.
    """

    sets: Mapping[str, frozenset[str]] = field(default_factory=dict)
    tables: Mapping[str, pl.DataFrame] = field(default_factory=dict)


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
        return sorted({REFERENCE_TABLES[n] for n in names} - {(self.schema, self.table)})


#: Reference name -> the staging table it comes from.
REFERENCE_TABLES = {
    "area_codes": ("staging", "stg_un_m49__areas"),
    "currencies": ("staging", "stg_country_codes__currencies"),
    "population": ("staging", "stg_worldbank_wdi__values"),
    "crosswalk_categories": ("staging", "stg_offence_crosswalk__mappings"),
    "iccs_codes": ("staging", "stg_offence_crosswalk__iccs_codes"),
    "convention_articles": ("staging", "stg_offence_crosswalk__convention_articles"),
}
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


_PAIR_KEY = unit_last(OBSERVATION_KEY)[:-1]


def _count_rate_pairs(ctx: Context) -> tuple[pl.DataFrame, int]:
    """Each count row with the rate row of the same series and period: rows whose key differs only
    in ``unit``. Found by sorting the exact key codes of the key without ``unit`` (no join): a run of
    exactly one count and one rate row is a pair; a longer run (a publisher duplicate) is ambiguous
    and skipped. Returns (pairs: __pos_count, __pos_rate, count, rate; ambiguous series)."""
    def compute() -> tuple[pl.DataFrame, int]:
        frame = ctx.frame
        unit = frame["unit"]
        rows = pl.DataFrame({
            "__pair": ctx.codes([c for c in _PAIR_KEY if c in frame.columns]), "__is_count": unit == "count",
            "__is_rate": unit == "rate_per_100k_population",
        }).with_row_index("__pos").filter(pl.col("__is_count") | pl.col("__is_rate"))
        rows = rows[rows["__pair"].arg_sort()]
        key = pl.col("__pair")
        rows = rows.with_columns(
            (key == key.shift(-1)).fill_null(False).alias("__next"), (key == key.shift(1)).fill_null(False)
            .alias("__prev"), (key == key.shift(-2)).fill_null(False).alias("__next2"))
        starts = rows.select(pl.arg_where(pl.col("__next") & ~pl.col("__prev") & ~pl.col("__next2"))).to_series()
        first, second = rows.select("__pos", "__is_count")[starts], rows.select("__pos", "__is_count")[starts + 1]
        ok = first["__is_count"] != second["__is_count"]
        ambiguous = int((~ok).sum()) + rows.filter(pl.col("__next2") & ~pl.col("__prev")).height
        which = first["__is_count"]
        count_pos = pl.select(pl.when(which).then(first["__pos"]).otherwise(second["__pos"])).to_series()
        rate_pos = pl.select(pl.when(which).then(second["__pos"]).otherwise(first["__pos"])).to_series()
        count_pos, rate_pos = count_pos.filter(ok).cast(pl.Int64), rate_pos.filter(ok).cast(pl.Int64)
        value = frame["value"]
        pairs = pl.DataFrame({"__pos_count": count_pos, "__pos_rate": rate_pos, "count": value.gather(count_pos),
                              "rate": value.gather(rate_pos)})
        return pairs, ambiguous
    return ctx.memo("count_rate_pairs", compute)


def _zero_count_zero_rate(ctx: Context) -> tuple[pl.DataFrame, str | None]:
    pairs, _ = _count_rate_pairs(ctx)
    return pairs.select(pl.col("__pos_count").alias("__pos"),
                        ((pl.col("count") == 0) == (pl.col("rate") == 0)).alias("__value")), None


def _rates_consistent_with_population(ctx: Context) -> tuple[pl.DataFrame, str | None]:
    """Implied population (count x 100,000 / rate) / World Bank population - 1, for country totals."""
    population = ctx.refs.tables.get("population")
    if population is None:
        return pl.DataFrame(schema={"__pos": pl.Int64, "__value": pl.Float64}), "population reference not loaded"
    pairs, ambiguous = _count_rate_pairs(ctx)
    frame = ctx.frame
    total = ((frame["area_type"] == "country") & (frame["sex"] == "Total") & (frame["age"] == "Total")).fill_null(
        False)
    pairs = pairs.filter(total.gather(pairs["__pos_count"]) & (pl.col("count") > 0) & (pl.col("rate") > 0))
    totals = pairs.with_columns(frame.select("country_iso3", "year")[pairs["__pos_count"]])
    joined = totals.join(population.select("country_iso3", pl.col("year").cast(pl.Int32), "population"),
                         on=["country_iso3", "year"], how="left")
    without = joined.filter(pl.col("population").is_null()).height
    compared = joined.filter(pl.col("population").is_not_null())
    note = (f"{compared.height:,} count/rate pairs of country totals compared with World Bank population; "
            f"{without:,} without a World Bank population for the year; {ambiguous:,} ambiguous series skipped "
            "(more than one count or rate row)")
    return compared.select(pl.col("__pos_count").alias("__pos"),
                           (pl.col("count") * 100_000 / pl.col("rate") / pl.col("population") - 1)
                           .alias("__value")), note


def _rates_match_published(ctx: Context) -> tuple[pl.DataFrame, str | None]:
    both = (ctx.frame.with_row_index("__pos").with_columns(pl.col("__pos").cast(pl.Int64))
            .filter((pl.col("sex") == "Total") & (pl.col("age") == "Total")
                    & (pl.col("offences_per_100k_population_unodc") > 0)
                    & pl.col("offences_per_100k_population_wb").is_not_null()))
    return both.select("__pos", (pl.col("offences_per_100k_population_wb")
                                 / pl.col("offences_per_100k_population_unodc") - 1).alias("__value")), \
        f"{both.height:,} rows with both rates (sex and age Total)"


def categories_in_crosswalk(source_column: str | None) -> Expectation:
    """WARN: every (source, category) pair is in the offence crosswalk (mapped, or flagged unmapped)."""
    def derive(ctx: Context) -> tuple[pl.DataFrame, str | None]:
        source = pl.col(source_column) if source_column else pl.lit("unodc_cts")
        values = ctx.frame.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("__pos"),
                              pl.format("{} | {}", source, pl.col("category")).alias("__value"))
        return values, None
    return Expectation("categories_in_crosswalk", "derived_in_set",
                       "a (source, category) pair listed in staging.stg_offence_crosswalk__mappings "
                       "(mapped, or flagged unmapped)", severity=WARN, reference="crosswalk_categories",
                       derive=derive, columns=("category",))


# --- curated reference tables (staging) ----------------------------------------------------------

#: Vocabularies of the curated tables (pipelines/sources/offence_crosswalk.py, convention_status.py;
#: listed here to keep this module import-light; tests/unit/quality/test_curated_suites.py keeps them
#: equal).
CROSSWALK_CONFIDENCES = ("exact", "partial", "proxy")
CROSSWALK_STATUSES = ("mapped", "unmapped")
TREATIES = ("un_cybercrime", "budapest")
EVENT_TYPES = ("adoption", "opening_for_signature", "closing_of_signature", "signatory_count", "signature",
               "instrument_deposit", "domestic_ratification_step", "ratification_count_report")
VERIFICATIONS = ("verified", "verified_secondary", "unverified")
PARTICIPANT_TYPES = ("state", "reio")
#: Event types about one participant (who signed, deposited or ratified).
PARTICIPANT_EVENTS = ("signature", "instrument_deposit", "domestic_ratification_step")
#: An ICCS code: section (2 digits), division (4), group (5) or class (6).
ICCS_CODE = r"^\d{2}(\d{2}(\d{1,2})?)?$"
_MAPPING_FIELDS = ("iccs_code", "iccs_label", "cy_tag", "convention_articles", "convention_offence",
                   "budapest_articles", "mapping_confidence")


def _rows(values: list[bool]) -> pl.DataFrame:
    """A per-row boolean property computed in Python (small curated tables), as (__pos, __value)."""
    return pl.DataFrame({"__pos": pl.Series(range(len(values)), dtype=pl.Int64),
                         "__value": pl.Series(values, dtype=pl.Boolean)})


def _article_list(text: str | None) -> list[int] | None:
    """The numbers of an article list ('9;10'), or None if it is not one."""
    parts = (text or "").split(";")
    return [int(p) for p in parts] if all(p.isdigit() for p in parts) else None


def _verified_articles(column: str, treaty: str) -> Derive:
    """Each row's ``column``: articles of the verified list of ``treaty``, ascending, each once (a
    group such as 9;10 is one key downstream: 10;9 would be another group); empty passes."""
    def derive(ctx: Context) -> tuple[pl.DataFrame, str | None]:
        articles = ctx.refs.tables["convention_articles"]
        allowed = set(articles.filter(pl.col("treaty") == treaty)["article"].to_list())

        def ok(text: str | None) -> bool:
            if text is None:
                return True
            numbers = _article_list(text)
            return numbers is not None and numbers == sorted(set(numbers)) and set(numbers) <= allowed
        return _rows([ok(t) for t in ctx.frame[column].to_list()]), None
    return derive


def _convention_titles(ctx: Context) -> tuple[pl.DataFrame, str | None]:
    """convention_offence = the verified titles of the row's Convention articles, in order, '; '-joined."""
    articles = ctx.refs.tables["convention_articles"].filter(pl.col("treaty") == "un_cybercrime")
    titles = dict(zip(articles["article"].to_list(), articles["title"].to_list(), strict=True))

    def ok(arts: str | None, offence: str | None) -> bool:
        numbers = _article_list(arts) if arts is not None else []
        if numbers is None or any(n not in titles for n in numbers):
            return offence is None  # the articles' own expectation names the bad list
        return (offence or None) == ("; ".join(titles[n] for n in numbers) or None)
    frame = ctx.frame
    return _rows([ok(a, o) for a, o in zip(frame["convention_articles"].to_list(),
                                           frame["convention_offence"].to_list(), strict=True)]), None


def _iccs_labels(ctx: Context) -> tuple[pl.DataFrame, str | None]:
    """iccs_label = the label of iccs_code in the verified ICCS list (both empty when unmapped)."""
    codes = ctx.refs.tables["iccs_codes"]
    labels = dict(zip(codes["iccs_code"].to_list(), codes["iccs_label"].to_list(), strict=True))
    frame = ctx.frame
    return _rows([(label == labels.get(code)) if code is not None else label is None
                  for code, label in zip(frame["iccs_code"].to_list(), frame["iccs_label"].to_list(),
                                         strict=True)]), None


def crosswalk_expectations() -> tuple[Expectation, ...]:
    """The offence crosswalk's contract: vocabularies, and every mapping drawn from the verified lists
    curated beside it (iccs_codes.csv, convention_articles.csv of the same release)."""
    mapped = (("mapping_status", ("mapped",)),)
    return (
        not_null("source_id", "source_category", "mapping_status", "notes"),
        Expectation("vocabularies_respected", "in_set", "a term of the crosswalk vocabulary",
                    columns=("source_id", "mapping_status", "mapping_confidence", "cy_tag"),
                    values={"source_id": OBSERVATION_SOURCES, "mapping_status": CROSSWALK_STATUSES,
                            "mapping_confidence": CROSSWALK_CONFIDENCES, "cy_tag": (1,)}),
        well_formed({"iccs_code": ICCS_CODE}),
        keys_unique("source_id", "source_category", "source_indicator", what="source category"),
        Expectation("mapped_rows_name_their_basis", "not_null",
                    "an ICCS code, a mapping confidence and the fact the mapping rests on (mapping_basis) on "
                    "every mapped row", columns=("iccs_code", "mapping_confidence", "mapping_basis"), where=mapped),
        Expectation("unmapped_rows_carry_no_mapping", "derived_in_set",
                    "no ICCS code or label, Cy tag, article or confidence on an unmapped row (its notes say why)",
                    values=(True,), columns=("mapping_status",),
                    derive=flag((pl.col("mapping_status") != "unmapped")
                                | pl.all_horizontal(pl.col(c).is_null() for c in _MAPPING_FIELDS))),
        known("iccs_codes_verified", "iccs_code", "iccs_codes",
              "an ICCS code of the verified list (iccs_codes.csv of the crosswalk release)"),
        Expectation("iccs_labels_match_codes", "derived_in_set",
                    "the label of the row's code in the verified ICCS list, exactly (none without a code)",
                    values=(True,), reference="iccs_codes", derive=_iccs_labels, columns=("iccs_label",)),
        Expectation("convention_articles_verified", "derived_in_set",
                    "UN Convention against Cybercrime articles of the verified list (convention_articles.csv), "
                    "ascending, each once, separated by ';'", values=(True,), reference="convention_articles",
                    derive=_verified_articles("convention_articles", "un_cybercrime"),
                    columns=("convention_articles",)),
        Expectation("budapest_articles_verified", "derived_in_set",
                    "Budapest Convention articles of the verified list (convention_articles.csv), ascending, each "
                    "once, separated by ';'", values=(True,), reference="convention_articles",
                    derive=_verified_articles("budapest_articles", "budapest"), columns=("budapest_articles",)),
        Expectation("convention_offence_matches_articles", "derived_in_set",
                    "the verified titles of the row's Convention articles, in the same order, joined by '; ' "
                    "(none without articles)", values=(True,), reference="convention_articles",
                    derive=_convention_titles, columns=("convention_offence",)),
    )


def convention_event_expectations() -> tuple[Expectation, ...]:
    """The Convention status events' contract (pipelines/sources/convention_status.py)."""
    return (
        not_null("event_id", "event_type", "verification", "source", "facts_ref"),
        keys_unique("event_id"),
        Expectation("vocabularies_respected", "in_set", "a term of the Convention status vocabulary",
                    columns=("event_type", "verification", "participant_type"),
                    values={"event_type": EVENT_TYPES, "verification": VERIFICATIONS,
                            "participant_type": PARTICIPANT_TYPES}),
        Expectation("verified_events_dated", "derived_in_set", "a day-exact date on every verified event",
                    values=(True,), columns=("event_date",),
                    derive=flag((pl.col("verification") != "verified") | pl.col("event_date").is_not_null())),
        Expectation("participants_named", "not_null",
                    "the participant and its type (state or reio) on every signature, deposit and domestic "
                    "ratification step", columns=("participant", "participant_type"),
                    where=(("event_type", PARTICIPANT_EVENTS),)),
        Expectation("counts_given", "derived_in_set",
                    "a reported number on every signatory count, and a number or range on every ratification "
                    "count report", values=(True,), columns=("count_reported",),
                    derive=flag(pl.when(pl.col("event_type") == "signatory_count")
                                .then(pl.col("count_reported").is_not_null())
                                .when(pl.col("event_type") == "ratification_count_report")
                                .then(pl.col("count_reported").is_not_null() | pl.col("count_low").is_not_null())
                                .otherwise(True))),
        non_negative("count_reported", "count_low", "count_high", what="counts of at least 0"),
        Expectation("count_ranges_ordered", "derived_in_set", "count_low at most count_high", values=(True,),
                    columns=("count_high",),
                    derive=flag(pl.col("count_low").is_null() | pl.col("count_high").is_null()
                                | (pl.col("count_low") <= pl.col("count_high")))),
    )


# --- observation tables (staging) ---------------------------------------------------------------

OBSERVATION_REQUIRED = (
    "source_id", "release", "dataset", "area_code", "area_type", "year", "period_label", "period_type",
    "indicator", "category", "measure", "unit", "value_type", "revision", "publisher", "source_file",
    "source_sha256", "source_row",
)
#: Observation sources (pipelines.sources.SOURCES; listed here to keep this module import-light).
OBSERVATION_SOURCES = ("unodc_cts", "fbi_ic3", "national_figures", "ncrb")
LABEL_COLUMNS = ("area_code", "area_name", "indicator", "dimension", "category", "category_harmonised", "sex",
                 "age", "period_label", "publisher", "series", "unit_published", "currency", "data_source_note")
TEXT_COLUMNS = ("publication", "source_url", "notes")
#: What identifies one published figure of the national figures template: the same country, period,
#: metric, unit and currency, series (scope), value type and revision, publisher and publication. Two
#: rows with the same figure key are one figure entered twice, or, with different values, a
#: contradiction; neither may be published (the second would win or lose by row order).
FIGURE_KEY = (*OBSERVATION_KEY, "series", "value_type", "revision", "currency", "period_start", "period_end",
              "publication")

PUBLISHED_COLUMNS = {
    "unodc_cts": {"country_iso3": "Iso3_code", "area_code": "Iso3_code", "area_name": "Country",
                  "indicator": "Indicator", "dimension": "Dimension", "category": "Category", "sex": "Sex",
                  "age": "Age", "year": "Year", "period_label": "Year", "unit": "Unit of measurement",
                  "value": "VALUE", "data_source_note": "Source"},
    "fbi_ic3": {"year": "year", "category": "crime_type_as_printed"},
    "national_figures": {"country_iso3": "country_iso3", "year": "year", "measure": "metric", "value": "value",
                         "value_low": "value_low", "value_high": "value_high", "currency": "currency",
                         "notes": "notes", "publisher": "publisher", "series": "series"},
    "ncrb": {"area_name": "State/UT", "area_code": "State/UT"},
}


_LOCAL_LOSS_BOUND = (f"a loss of at most {MAX_LOSS_LOCAL_CURRENCY:.0e}".replace("e+", "e")
                     + " in its own currency (about world GDP in Iranian rials, the currency with the most units "
                       "per US dollar)")


def observation_expectations(source_id: str, key_severity: str = BLOCKING,
                             key: tuple[str, ...] = OBSERVATION_KEY, key_what: str = "",
                             key_name: str = "keys_unique",
                             extra: tuple[Expectation, ...] = ()) -> tuple[Expectation, ...]:
    return (
        columns_match(OBSERVATION_SCHEMA, "the canonical observation table (pipelines/schema.py)"),
        not_null(*OBSERVATION_REQUIRED),
        Expectation("value_or_range_present", "derived_in_set",
                    "a value, or both value_low and value_high for a published range", values=(True,),
                    derive=value_or_range("value", "value_low", "value_high"), columns=("value",)),
        Expectation("vocabularies_respected", "in_set", "a term of the schema vocabulary (pipelines/schema.py)",
                    columns=("measure", "unit", "period_type", "area_type", "value_type", "revision"),
                    values={"measure": MEASURES, "unit": UNITS, "period_type": PERIOD_TYPES,
                            "area_type": AREA_TYPES, "value_type": VALUE_TYPES, "revision": REVISIONS}),
        Expectation("source_id_matches", "in_set", f"source_id {source_id!r}", columns=("source_id",),
                    values=(source_id,)),
        known("area_codes_known", "country_iso3", "area_codes",
              "an ISO3 code in UN M49 (or an area UNODC lists outside it, such as XKX)"),
        known("currencies_known", "currency", "currencies", "an ISO 4217 currency code in use (country-codes)"),
        Expectation("currency_given_for_losses", "derived_in_set",
                    "a currency on every loss row (unit currency) and on no other row", values=(True,),
                    derive=flag((pl.col("unit") == "currency") == pl.col("currency").is_not_null()),
                    columns=("currency",)),
        years_in_range(),
        non_negative("value", "value_low", "value_high"),
        Expectation("rates_plausible", "between",
                    f"a rate of at most {MAX_RATE_PER_100K:,} per 100,000 population (one per inhabitant)",
                    columns=("value",), max_value=MAX_RATE_PER_100K,
                    where=(("unit", ("rate_per_100k_population",)),)),
        Expectation("counts_plausible", "between", f"a count of at most {MAX_COUNT:,} (the world's population)",
                    columns=("value", "value_low", "value_high"), max_value=MAX_COUNT,
                    where=(("unit", ("count",)),)),
        Expectation("losses_plausible", "between", _LOCAL_LOSS_BOUND,
                    columns=("value", "value_low", "value_high"), max_value=MAX_LOSS_LOCAL_CURRENCY,
                    where=(("unit", ("currency",)),)),
        Expectation("text_lengths_bounded", "max_length",
                    f"labels of at most {LABEL_MAX_CHARS} characters and notes of at most "
                    f"{TEXT_MAX_CHARS:,}", columns=LABEL_COLUMNS + TEXT_COLUMNS,
                    max_lengths={**dict.fromkeys(LABEL_COLUMNS, LABEL_MAX_CHARS),
                                 **dict.fromkeys(TEXT_COLUMNS, TEXT_MAX_CHARS)}),
        keys_unique(*unit_last(key), severity=key_severity, name=key_name,
                    what=key_what or "published number (source, release, dataset, area, period, indicator, "
                    "dimension, category, sex, age, measure, publisher, unit)"),
        *extra,
    )


_POPULATION_CHECKS = (
    Expectation("rates_consistent_with_population", "derived_between",
                f"count x 100,000 / rate within {POPULATION_TOLERANCE:.0%} of the World Bank population "
                "(country totals: sex and age Total)", severity=WARN, min_value=-POPULATION_TOLERANCE,
                max_value=POPULATION_TOLERANCE, derive=_rates_consistent_with_population, columns=("value",),
                reference="population"),
    Expectation("zero_counts_have_zero_rates", "derived_in_set",
                "a zero count paired with a zero rate, and a positive count with a positive rate",
                severity=WARN, values=(True,), derive=_zero_count_zero_rate, columns=("value",)),
)

def _observation_suite(source_id: str, **kwargs) -> Suite:
    return Suite("staging", f"stg_{source_id}__observations", observation_expectations(source_id, **kwargs),
                 pointer=("source_file", "source_row"), published_columns=PUBLISHED_COLUMNS.get(source_id, {}))


# --- the suites ---------------------------------------------------------------------------------

def _suites() -> dict[str, Suite]:
    m49 = Suite("staging", "stg_un_m49__areas", (
        not_null("m49_code", "country_name"),
        well_formed({"country_iso3": r"^[A-Z]{3}$", "country_iso2": r"^[A-Z]{2}$", "m49_code": r"^\d{3}$",
                      "region_code": r"^\d{3}$", "subregion_code": r"^\d{3}$"}),
        keys_unique("m49_code"),
        keys_unique("country_iso3", name="iso3_codes_unique"),
        table_complete(200, "the UN M49 list has 249 countries and areas"),
    ), pointer=("source_file", "source_row"))
    currencies = Suite("staging", "stg_country_codes__currencies", (
        not_null("country_iso3"),
        well_formed({"country_iso3": r"^[A-Z]{3}$", "currency_code": r"^[A-Z]{3}$", "iso_numeric": r"^\d{3}$"}),
        keys_unique("country_iso3"),
        table_complete(200, "country-codes lists 249 countries"),
    ), pointer=("source_file", "source_row"))
    wdi_values = Suite("staging", "stg_worldbank_wdi__values", (
        not_null("country_code", "indicator_code", "year"),
        keys_unique("country_code", "indicator_code", "year"),
        years_in_range(1960),
        positive("value", name="population_positive", what="a population above 0",
                 where=(("indicator_code", ("SP.POP.TOTL",)),)),
        positive("value", name="exchange_rates_positive", what="an exchange rate above 0",
                 where=(("indicator_code", ("PA.NUS.FCRF",)),)),
    ), pointer=("source_file", "source_row"),
        # The bulk CSV has one column per year: a value was published in its year's column.
        published_columns={"country_code": "Country Code", "indicator_code": "Indicator Code"},
        published_per_row={"value": pl.col("year").cast(pl.String), "year": pl.col("year").cast(pl.String)})
    wdi_countries = Suite("staging", "stg_worldbank_wdi__countries", (
        not_null("country_code"),
        keys_unique("country_code"),
    ), pointer=("source_file", "source_row"))
    fred = Suite("staging", "stg_fred_fx__rates", (
        not_null("currency_code", "year", "rate_as_published"),
        well_formed({"currency_code": r"^[A-Z]{3}$"}),
        keys_unique("fred_series", "year"),
        years_in_range(1971),
        positive("rate_as_published", name="rates_positive", what="an exchange rate above 0"),
    ), pointer=("source_file", "source_row"))
    cpi = Suite("staging", "stg_bls_cpi__monthly", (
        not_null("year", "month", "cpi_index"),
        keys_unique("year", "month"),
        years_in_range(1913),
        Expectation("months_valid", "between", "a month from 1 to 12", columns=("month",), min_value=1,
                    max_value=12),
        positive("cpi_index", name="index_positive", what="an index above 0"),
    ), pointer=("source_file", "source_row"))
    headlines = Suite("staging", "stg_loss_series__headlines", (
        not_null("country_iso3", "rationale"),
        keys_unique("country_iso3"),
        known("area_codes_known", "country_iso3", "area_codes", "an ISO3 code in UN M49"),
        well_formed({"country_iso3": r"^[A-Z]{3}$", "series": r"^[a-z][a-z0-9_]*$"}),
    ), pointer=("source_file", "source_row"))

    observations = (
        # UNODC publishes duplicate keys (548 rows of the 2022 violent-crime release carry two values
        # for one series, e.g. ALB 2015 victims of sexual exploitation 38 and 5): drift, not a break.
        _observation_suite("unodc_cts", key_severity=WARN, extra=_POPULATION_CHECKS),
        _observation_suite("fbi_ic3"),
        # National figures may carry several figures for one country, year and metric (different scopes
        # have their own series id; different publications are alternatives, chosen between by series
        # selection): the contract is one value per figure key.
        _observation_suite("national_figures", key=FIGURE_KEY, key_name="no_contradictory_values",
                           key_what="figure: one value per country, period, metric, currency, series, value type, "
                                    "revision, publisher and publication (a second row is the figure entered "
                                    "twice or, with another value, a contradiction; give a different scope its "
                                    "own series id)"),
        _observation_suite("ncrb"),
    )
    union = Suite("staging", "observations", (
        columns_match(OBSERVATION_SCHEMA, "the canonical observation table (pipelines/schema.py)"),
        Expectation("source_ids_known", "in_set", "a registered source id", columns=("source_id",),
                    values=OBSERVATION_SOURCES),
        categories_in_crosswalk("source_id"),
    ), pointer=("source_file", "source_row"))
    crosswalk = Suite("staging", "stg_offence_crosswalk__mappings", crosswalk_expectations(),
                      pointer=("source_file", "source_row"))
    iccs_codes = Suite("staging", "stg_offence_crosswalk__iccs_codes", (
        not_null("iccs_code", "iccs_label", "facts_ref"),
        well_formed({"iccs_code": ICCS_CODE}),
        keys_unique("iccs_code"),
    ), pointer=("source_file", "source_row"))
    convention_articles = Suite("staging", "stg_offence_crosswalk__convention_articles", (
        not_null("treaty", "article", "title", "facts_ref"),
        Expectation("vocabularies_respected", "in_set", "a treaty of the crosswalk (un_cybercrime, budapest)",
                    columns=("treaty",), values={"treaty": TREATIES}),
        Expectation("convention_articles_are_offences", "between",
                    "a chapter II offence article of the UN Convention against Cybercrime (7-17)",
                    columns=("article",), min_value=7, max_value=17, where=(("treaty", ("un_cybercrime",)),)),
        Expectation("budapest_articles_are_offences", "between",
                    "an offence article of the Budapest Convention (2-11)", columns=("article",), min_value=2,
                    max_value=11, where=(("treaty", ("budapest",)),)),
        keys_unique("treaty", "article"),
    ), pointer=("source_file", "source_row"))
    convention_events = Suite("staging", "stg_convention_status__events", convention_event_expectations(),
                              pointer=("source_file", "source_row"))

    fx = Suite("intermediate", "int_fx_rates_by_currency_year", (
        not_null("currency_code", "year", "lcu_per_usd"),
        keys_unique("currency_code", "year"),
        positive("lcu_per_usd", name="rates_positive", what="an exchange rate above 0"),
    ))
    population = Suite("intermediate", "int_population_by_country_year", (
        not_null("country_iso3", "year"),
        keys_unique("country_iso3", "year"),
        positive("population", name="population_positive", what="a population above 0"),
    ))
    areas = Suite("intermediate", "int_areas_with_regions", (
        not_null("area_code", "country_iso3"),
        keys_unique("area_code"),
        not_null("region_code", name="regions_assigned", severity=WARN),
    ))

    loss_columns = ("loss_lcu", "loss_lcu_low", "loss_lcu_high", "loss_usd_nominal", "loss_usd_nominal_low",
                    "loss_usd_nominal_high", "loss_usd_constant", "loss_usd_constant_low", "loss_usd_constant_high")
    losses = Suite("marts", "losses_by_country_year", (
        not_null("country_iso3", "year", "series", "currency_code", "value_type", "revision", "publisher",
                 "source_id", "source_file", "source_row"),
        Expectation("loss_or_range_present", "derived_in_set",
                    "a loss, or both bounds of a published range", values=(True,),
                    derive=value_or_range("loss_lcu", "loss_lcu_low", "loss_lcu_high"), columns=("loss_lcu",)),
        non_negative(*loss_columns, name="no_negative_losses", what="losses of at least 0"),
        Expectation("losses_plausible", "between", f"a loss of at most {MAX_LOSS_USD:,.0f} US dollars",
                    columns=("loss_usd_nominal", "loss_usd_nominal_high", "loss_usd_constant"),
                    max_value=MAX_LOSS_USD),
        Expectation("local_currency_losses_plausible", "between", _LOCAL_LOSS_BOUND,
                    columns=("loss_lcu", "loss_lcu_low", "loss_lcu_high"), max_value=MAX_LOSS_LOCAL_CURRENCY),
        known("area_codes_known", "country_iso3", "area_codes", "an ISO3 code in UN M49"),
        known("currencies_known", "currency_code", "currencies", "an ISO 4217 currency code in use"),
        years_in_range(),
        keys_unique("source_file", "source_row", what="source row"),
        keys_unique("country_iso3", "year", name="one_preferred_figure_per_country_year",
                    where=(("is_preferred", (True,)),), what="country and year among preferred figures"),
        Expectation("conversions_complete", "derived_in_set",
                    "a USD conversion for every loss (see conversion_note where missing)", severity=WARN,
                    values=(True,), columns=("loss_usd_nominal",),
                    derive=flag(pl.col("loss_lcu").is_null() | pl.col("loss_usd_nominal").is_not_null())),
    ), pointer=("source_file", "source_row"))
    offences = Suite("marts", "offences_by_country_year", (
        not_null("area_code", "country_iso3", "year", "indicator", "category", "release"),
        non_negative("offences_count", "offences_per_100k_population_unodc", "offences_per_100k_population_wb",
                     "population_wb", what="counts, rates and populations of at least 0"),
        Expectation("rates_plausible", "between",
                    f"a rate of at most {MAX_RATE_PER_100K:,} per 100,000 population",
                    columns=("offences_per_100k_population_unodc", "offences_per_100k_population_wb"),
                    max_value=MAX_RATE_PER_100K),
        known("area_codes_known", "country_iso3", "area_codes", "an ISO3 code in UN M49 (or XKX)"),
        years_in_range(),
        keys_unique("area_code", "indicator", "category", "sex", "age", "year", severity=WARN),
        Expectation("rates_match_published", "derived_between",
                    f"our rate within {RATE_TOLERANCE:.0%} of UNODC's published rate (sex and age Total)",
                    severity=WARN, min_value=-RATE_TOLERANCE, max_value=RATE_TOLERANCE,
                    derive=_rates_match_published, columns=("offences_per_100k_population_wb",)),
        categories_in_crosswalk(None),
    ), pointer=("count_source_file", "count_source_row"))
    regional = Suite("marts", "regional_losses", (
        not_null("region_code", "region_name", "year", "countries_reporting", "countries_in_region"),
        keys_unique("region_code", "year"),
        years_in_range(),
        non_negative("loss_usd_nominal", "loss_usd_constant", "population_reporting", "population_region",
                     name="no_negative_losses", what="losses and populations of at least 0"),
        Expectation("coverage_share_in_range", "between", "a population share from 0 to 1",
                    columns=("population_coverage_share",), min_value=0, max_value=1),
        Expectation("reporting_within_region", "derived_in_set",
                    "no more countries reporting than countries in the region", values=(True,),
                    columns=("countries_reporting",),
                    derive=flag(pl.col("countries_reporting") <= pl.col("countries_in_region"))),
        Expectation("publishable_rule_applied", "derived_in_set",
                    "is_publishable true exactly when coverage >= min_population_coverage and every figure was "
                    "converted", values=(True,), columns=("is_publishable",),
                    derive=flag(pl.col("is_publishable").fill_null(False) == (
                        (pl.col("population_coverage_share") >= pl.col("min_population_coverage"))
                        & (pl.col("countries_not_converted") == 0)).fill_null(False))),
    ))
    incidents = Suite("marts", "incident_counts_by_country_year", (
        not_null("area_code", "year", "metric", "value_type", "publisher", "source_id", "source_file", "source_row"),
        non_negative("count", "count_low", "count_high", what="counts of at least 0"),
        Expectation("counts_plausible", "between", f"a count of at most {MAX_COUNT:,} (the world's population)",
                    columns=("count", "count_low", "count_high"), max_value=MAX_COUNT),
        Expectation("metrics_known", "in_set", "reports | complaints | cases_recorded | victims",
                    columns=("metric",), values=("reports", "complaints", "cases_recorded", "victims")),
        known("area_codes_known", "country_iso3", "area_codes", "an ISO3 code in UN M49"),
        years_in_range(),
        keys_unique("source_file", "source_row", "metric", "year", "category", what="published figure"),
    ), pointer=("source_file", "source_row"))
    articles = Suite("marts", "offences_by_convention_article", (
        not_null("area_type", "area_code", "year", "convention_articles", "source_id", "measure"),
        non_negative("recorded_count", "loss_usd_nominal", what="counts and losses of at least 0"),
        known("area_codes_known", "country_iso3", "area_codes", "an ISO3 code in UN M49 (or XKX)"),
        years_in_range(),
        keys_unique("area_code", "year", "convention_articles", "source_id", "measure",
                    what="area, year, Convention article group, source and measure"),
    ))
    crosswalk_mart = Suite("marts", "offence_crosswalk", (
        not_null("source_id", "source_category", "mapping_status"),
        keys_unique("source_id", "source_category", "source_indicator", what="source category"),
        non_negative("observations", "observations_mapped", "convention_rows_counted", what="counts of at least 0"),
        Expectation("categories_in_crosswalk", "in_set",
                    "a category listed in the crosswalk: mapped, or flagged unmapped (not not_in_crosswalk)",
                    columns=("mapping_status",), values=("mapped", "unmapped"), severity=WARN),
    ))
    status = Suite("marts", "convention_status", (
        not_null("adopted_on", "ratifications_required", "entry_into_force_reached"),
        non_negative("signatories_verified", "ratifications_verified", "ratifications_counted_for_entry_into_force",
                     "ratifications_still_needed", what="counts of at least 0"),
        table_complete(1, "one row: the Convention's status"),
    ))
    coverage_rules = (
        Expectation("coverage_share_in_range", "between", "a population share from 0 to 1",
                    columns=("population_coverage_share",), min_value=0, max_value=1),
        Expectation("reporting_within_region", "derived_in_set",
                    "no more countries reporting than countries in the region", values=(True,),
                    columns=("countries_reporting",),
                    derive=flag(pl.col("countries_reporting") <= pl.col("countries_in_region"))),
    )
    regional_offences = Suite("marts", "regional_offences", (
        not_null("region_level", "region_code", "region_name", "year", "category", "countries_reporting",
                 "countries_in_region"),
        keys_unique("region_code", "year", "indicator", "dimension", "category",
                    what="region, year and offence category"),
        years_in_range(),
        non_negative("offences_count", "population_wb_reporting", "offences_per_100k_population_wb",
                     what="counts, populations and rates of at least 0"),
        Expectation("rates_plausible", "between", f"a rate of at most {MAX_RATE_PER_100K:,} per 100,000 population",
                    columns=("offences_per_100k_population_wb",), max_value=MAX_RATE_PER_100K),
        *coverage_rules,
        Expectation("publishable_rule_applied", "derived_in_set",
                    "is_publishable true exactly when coverage >= min_population_coverage", values=(True,),
                    columns=("is_publishable",),
                    derive=flag(pl.col("is_publishable").fill_null(False) == (
                        pl.col("population_coverage_share") >= pl.col("min_population_coverage")).fill_null(False))),
    ))
    published_regional = Suite("marts", "regional_losses_published", (
        not_null("area_code", "year", "currency_code", "publisher", "source_file", "source_row"),
        Expectation("loss_or_range_present", "derived_in_set",
                    "a loss, or both bounds of a published range", values=(True,),
                    derive=value_or_range("loss_lcu", "loss_lcu_low", "loss_lcu_high"), columns=("loss_lcu",)),
        non_negative("loss_lcu", "loss_lcu_low", "loss_lcu_high", "loss_usd_nominal", name="no_negative_losses",
                     what="losses of at least 0"),
        Expectation("local_currency_losses_plausible", "between", _LOCAL_LOSS_BOUND,
                    columns=("loss_lcu", "loss_lcu_low", "loss_lcu_high"), max_value=MAX_LOSS_LOCAL_CURRENCY),
        years_in_range(),
        keys_unique("source_file", "source_row", what="source row"),
    ), pointer=("source_file", "source_row"))
    reconciliation = Suite("marts", "rate_reconciliation", (
        not_null("source_id", "release", "area_code", "year", "category", "status", "is_comparable"),
        non_negative("count_published", "rate_per_100k_population_unodc", "population_wb",
                     "rate_per_100k_population_wb", what="counts, rates and populations of at least 0"),
        years_in_range(),
        keys_unique("source_file", "rate_source_row", what="published rate row"),
    ), pointer=("source_file", "rate_source_row"))
    reconciliation_summary = Suite("marts", "rate_reconciliation_summary", (
        not_null("scope", "published_rate_rows", "comparable_rows", "passes"),
        non_negative("published_rate_rows", "comparable_rows", "compared_rows", "rows_outside_tolerance",
                     what="row counts of at least 0"),
        Expectation("share_in_range", "between", "a share from 0 to 1", columns=("share_outside_tolerance",),
                    min_value=0, max_value=1),
    ))
    trends = Suite("marts", "trends", (
        not_null("series_id", "series_family", "area_code", "segment", "points", "direction"),
        keys_unique("series_id", "segment", what="series segment"),
        years_in_range(column="first_year"),
        Expectation("directions_known", "in_set", "increasing | decreasing | no trend | insufficient data",
                    columns=("direction",), values=("increasing", "decreasing", "no trend", "insufficient data")),
        Expectation("p_values_in_range", "between", "a p-value from 0 to 1", columns=("mk_p_value",),
                    min_value=0, max_value=1),
        Expectation("years_ordered", "derived_in_set",
                    "first_year <= last_year, both present exactly when the segment has points", values=(True,),
                    columns=("first_year",),
                    derive=flag(pl.when(pl.col("points") == 0)
                                .then(pl.col("first_year").is_null() & pl.col("last_year").is_null())
                                .otherwise(pl.col("first_year") <= pl.col("last_year")))),
    ))
    trend_points = Suite("marts", "trend_points", (
        not_null("series_id", "series_family", "year", "segment"),
        Expectation("missing_values_explained", "derived_in_set", "a value, or a point_note saying why there is none",
                    values=(True,), columns=("value",),
                    derive=flag(pl.col("value").is_not_null() | pl.col("point_note").is_not_null())),
        keys_unique("series_id", "year", what="series and year"),
        years_in_range(),
    ))
    source_files = Suite("marts", "source_files", (
        not_null("source_id", "kind", "release", "relpath", "sha256", "size_bytes"),
        well_formed({"sha256": r"^[0-9a-f]{64}$"}),
        keys_unique("relpath", what="file"),
        non_negative("size_bytes", what="a size of at least 0 bytes"),
    ))
    national_totals = Suite("marts", "national_totals_from_parts", (
        not_null("source_id", "dataset", "country_iso3", "category", "measure", "year", "count_sum_of_parts",
                 "parts_summed", "source_file"),
        keys_unique("source_id", "release", "dataset", "indicator", "category", "measure", "year",
                    what="table, category and year"),
        years_in_range(),
        non_negative("count_sum_of_parts", "count_published_total", "parts_summed", "subtotal_rows_not_summed",
                     what="counts of at least 0"),
        Expectation("difference_consistent", "derived_in_set",
                    "difference_count = count_sum_of_parts - count_published_total, and matches_published true "
                    "exactly when it is 0", values=(True,), columns=("difference_count",),
                    derive=flag(pl.when(pl.col("count_published_total").is_null())
                                .then(pl.col("difference_count").is_null() & pl.col("matches_published").is_null())
                                .otherwise((pl.col("difference_count") == pl.col("count_sum_of_parts")
                                            - pl.col("count_published_total"))
                                           & (pl.col("matches_published") == (pl.col("difference_count") == 0)))
                                )),
        # Whether the totals agree is the indicator check national_totals_equal_sum_of_parts (a warning).
    ), pointer=("source_file", "published_total_source_row"))
    suites = [m49, currencies, wdi_values, wdi_countries, fred, cpi, headlines, crosswalk, iccs_codes,
              convention_articles, convention_events,
              *observations, union, fx, population, areas, losses, offences, regional, incidents, articles,
              crosswalk_mart, status, source_files, regional_offences, published_regional, reconciliation,
              reconciliation_summary, trends, trend_points, national_totals]
    return {s.key: s for s in suites}


SUITES: dict[str, Suite] = _suites()


def suite_for(schema: str, table: str) -> Suite | None:
    return SUITES.get(f"{schema}.{table}")
