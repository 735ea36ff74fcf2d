"""Run an expectation suite through Great Expectations (GX) and return plain results.

GX runs in an ephemeral, in-memory context (no files, no analytics, no progress bars) on pandas
batches converted from Polars via Arrow. ``great_expectations`` is imported inside :func:`_gx`
(the import costs 3-7 s), once per process.

What GX sees: compact projections that give the same pass/fail and the same counts as the whole
table, so that validating a million rows stays a small fraction of reading them. Every row is
covered; nothing is sampled.

=====================  ====================================================  ===========================
expectation kind       what GX evaluates                                     why it is equivalent
=====================  ====================================================  ===========================
in_set, regex,         each column's distinct values (after ``where``), with  a row fails iff its value
max_length, not_null   the number of rows holding each (``__rows``)            fails; unexpected rows =
on text/bool/date                                                             sum of ``__rows`` of the
columns                                                                       failing values
not_null on numeric    two rows: one of the column's values with the number   a row fails iff it is null
columns                of non-null rows, and null with the number of nulls
between on integers    the distinct values, as above                          as above
between on floats      first the column's extremes (the rows holding its      all values are in range iff
(and derived values)   minimum and maximum); if either is out of range, every both extremes are; a row
                       row not strictly inside the bounds, to count and name  strictly inside passes,
                       every failing row                                      whatever the strictness
unique (compound key)  one Int64 per row that is equal for two rows iff all   exact: a mixed-radix code
                       their key values are equal (dictionary codes of each   of per-column dictionary
                       column combined; columns constant in the table left    codes, no hashing. Keys are
                       out, nulls are a value of their own; rows whose key    distinct iff the sorted
                       is entirely null are skipped, as GX does). First GX    codes never repeat; the
                       sees the smallest gap between consecutive sorted       duplicates are named by GX's
                       codes (>= 1 iff all distinct); if not, the codes that  uniqueness expectation (a
                       occur more than once go to                             code seen once is unique)
                       expect_column_values_to_be_unique
schema                 one row per column: expected type, found type          the table's schema
row_count              an empty frame with the table's number of rows         the row count
derived_*              the per-row value of a documented formula (e.g.        computed per row; GX
                       count x 100,000 / rate / population - 1)               checks the bound
=====================  ====================================================  ===========================

GX's cost is mostly a fixed cost per expectation (building its metric graph in Python), so the
columns of one expectation are *stacked*: GX checks one column holding every listed column's values
(``value``, ``value_low`` and ``value_high`` for ``no_negative_values``), with the source column
kept beside it for the mapping back. Where each column has its own value set (vocabularies), the
stacked values read ``column=value`` and the value set holds ``column=term``: the same membership.
Small distinct projections share one batch, padded to equal length by repeating their own first
value (a repeat changes no pass/fail; indices in the padding are ignored).

GX reports which projection rows fail (``result_format="COMPLETE"``); the runner maps them back to
table rows to count them and to name files and rows (``source_file``/``source_row``), one result per
column.
"""

import math
import warnings
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import polars as pl

from pipelines.quality.suites import Context, Expectation, References, Suite

SAMPLE_VALUES = 10
ROWS_PER_FILE = 5
_NUMERIC = (pl.Float32, pl.Float64, pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32,
            pl.UInt64)
#: A projection longer than this gets a GX batch of its own instead of padding the shared one.
MAX_SHARED = 5_000


@dataclass(frozen=True)
class FileHits:
    """Where an expectation failed in one file: how many rows, the first rows, example values."""

    file: str
    count: int
    rows: tuple[int, ...]
    values: tuple[str, ...]
    #: the published columns of those rows, where a table column was published in a column per row
    #: (the year columns of a World Bank file); empty otherwise
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    """The outcome of one expectation on one column (or on the table)."""

    table: str
    expectation: str
    column: str | None
    severity: str
    success: bool
    element_count: int  # rows evaluated (after the expectation's row filter)
    unexpected_count: int  # rows that fail
    sample_values: tuple[str, ...] = ()
    files: tuple[FileHits, ...] = ()  # every file (or the table itself) with failing rows
    description: str = ""
    gx_expectation: str | None = None
    note: str | None = None
    published_column: str | None = None
    pointer: bool = True  # rows are source rows (False: table rows)
    messages: tuple[str, ...] = ()  # checks evaluated outside GX give their own messages

    @property
    def blocking(self) -> bool:
        return self.severity == "blocking"

    @property
    def unexpected_percent(self) -> float | None:
        return None if not self.element_count else 100.0 * self.unexpected_count / self.element_count

    @property
    def sample_rows(self) -> list[dict]:
        return [{"file": f.file, "row": r} for f in self.files for r in f.rows][:SAMPLE_VALUES]

    def lines(self) -> list[str]:
        """Messages naming file, rows, column, expectation and what was found."""
        if self.success:
            return []
        if self.messages:
            return list(self.messages)
        column = ""
        if self.column:
            column = f", column {self.column!r}"
            if self.published_column and self.published_column != self.column:
                column += f" (published as {self.published_column!r})"
        what = f"expectation {self.expectation} failed: expected {self.description}"
        if not self.files:
            found = f", found {_join(self.sample_values)}" if self.sample_values else ""
            note = f" ({self.note})" if self.note else ""
            return [f"{self.table}{column}: {what}{found}{note}"]
        out = []
        for f in self.files:
            noun = "row" if self.pointer else "table row"
            rows = f"{noun}{'s' if len(f.rows) > 1 else ''} {', '.join(str(r) for r in f.rows)}"
            if f.count > len(f.rows):
                rows += f" and {f.count - len(f.rows):,} more"
            where = column
            if f.columns:  # the file's own column names: one per row (a year), not the table's
                where = (f", column{'s' if len(f.columns) > 1 else ''} {_join(f.columns)}"
                         f" (table column {self.column!r})")
            out.append(f"{f.file}, {rows}{where}: {what}, found {_join(f.values)}")
        return out


def _join(values: Sequence[str]) -> str:
    return ", ".join(repr(v) if v != "(empty)" else v for v in values)


def fmt(value: object) -> str:
    """A value as shown in messages: whole floats without '.0', empty cells as (empty)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "(empty)"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


# --- GX ------------------------------------------------------------------------------------------

_GX: dict = {}


def _gx():
    """The GX module and a batch definition on an ephemeral pandas datasource (created once)."""
    if not _GX:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import great_expectations as gx  # local: 3-7 s import, only when validating
            from great_expectations.data_context.types.base import (
                DataContextConfig,
                InMemoryStoreBackendDefaults,
                ProgressBarsConfig,
            )

            config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(),
                                       analytics_enabled=False,
                                       progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False))
            context = gx.get_context(project_config=config, mode="ephemeral")
            batch_definition = (context.data_sources.add_pandas("cyberstats").add_dataframe_asset("projection")
                                .add_batch_definition_whole_dataframe("whole"))
        _GX.update(gx=gx, batch_definition=batch_definition, suites=0)
    return _GX["gx"], _GX["batch_definition"]


def warm_up() -> None:
    """Import GX and build the context now (benchmarks time this separately)."""
    _gx()


def _validate(pdf, expectations: list, result_format: str = "COMPLETE") -> list:
    """Validate ``expectations`` on one pandas frame; results in the order given."""
    gx, batch_definition = _gx()
    _GX["suites"] += 1
    suite = gx.ExpectationSuite(name=f"projection_{_GX['suites']}", expectations=expectations)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        batch = batch_definition.get_batch(batch_parameters={"dataframe": pdf})
        outcome = batch.validate(suite, result_format=result_format)
    by_job = {r.expectation_config.meta["job"]: r for r in outcome.results}
    return [by_job[e.meta["job"]] for e in expectations]


# --- planning ------------------------------------------------------------------------------------

@dataclass
class _Job:
    """One GX expectation over one projection ("part"), covering one or more table columns.

    ``part`` columns: ``__value`` (what GX reads) and ``__column`` (the table column it came from),
    plus ``__raw`` (the table value) and ``__rows`` (rows holding it) for distinct parts, or
    ``__pos`` (table row position) for row parts.
    """

    expectation: Expectation
    columns: tuple[str | None, ...]
    gx_type: str = ""
    gx_kwargs: dict = field(default_factory=dict)
    mode: str = "none"  # distinct | rows | schema | table | none
    part: pl.DataFrame | None = None
    #: for extremes-first jobs: () -> (mode, part) over every row, evaluated only if the extremes fail
    full: object = None
    rows: dict = field(default_factory=dict)  # column -> table rows the part covers (with __pos)
    batch: tuple = ()
    batch_column: str = ""
    note: str | None = None
    results: list[Result] | None = None  # set when no GX run is needed (e.g. a missing reference)
    passed: bool | None = None  # outcome of the first (BOOLEAN_ONLY) pass


@dataclass
class _Plan:
    frame: pl.DataFrame
    suite: Suite
    refs: References
    cache: dict = field(default_factory=dict)
    jobs: list[_Job] = field(default_factory=list)
    pending: object = None  # a Future computing column codes in the background

    def codes(self, columns: Sequence[str]) -> pl.Series:
        if self.pending is not None:
            self.pending.result()
        return _combine(self, columns)


def _filtered(plan: _Plan, where: tuple, e: Expectation | None = None) -> pl.DataFrame:
    """The table's rows (with their position ``__pos``) that an expectation's ``where`` selects.

    A filter copies every column it keeps, so a filtered frame keeps only what ``e`` reads and its
    messages show: its columns, the file pointer and the columns naming the published column."""
    columns = None
    if where and e is not None:
        per_row = [n for c in e.columns if c in plan.suite.published_per_row
                   for n in plan.suite.published_per_row[c].meta.root_names()]
        wanted = [*e.columns, *(plan.suite.pointer or ()), *per_row]
        columns = tuple(c for c in dict.fromkeys(wanted) if c in plan.frame.columns)
    key = ("where", where, columns)
    if key not in plan.cache:
        frame = plan.frame.with_row_index("__pos").with_columns(pl.col("__pos").cast(pl.Int64))
        if where:
            keep = pl.all_horizontal(pl.col(column).is_in(list(allowed)) for column, allowed in where)
            frame = frame.filter(keep) if columns is None else frame.select("__pos", *columns, keep.alias(
                "__keep")).filter("__keep").drop("__keep")
        plan.cache[key] = frame
    return plan.cache[key]


def _strategy(e: Expectation, dtype: pl.DataType) -> str:
    """How GX sees a column for this expectation: distinct values, nullness, or extremes first."""
    if e.kind in ("in_set", "regex"):
        return "distinct"
    if e.kind == "not_null":
        return "nullness"
    if e.kind == "max_length":
        return "longest"
    if e.kind == "between":
        return "extremes" if dtype in _NUMERIC and dtype.is_float() else "distinct"
    raise ValueError(e.kind)


def _prefetch(plan: _Plan, expectations: Iterable[Expectation]) -> None:
    """Compute every distinct projection the suite needs in one parallel Polars query."""
    wanted = []
    for e in expectations:
        for column in e.columns if e.kind in ("in_set", "regex", "max_length", "not_null", "between") else ():
            if column in plan.frame.columns and _strategy(e, plan.frame.schema[column]) == "distinct" \
                    and ("distinct", column, e.where) not in plan.cache and (column, e.where) not in wanted:
                wanted.append((column, e.where))
    lazy = []
    for column, where in wanted:
        lf = plan.frame.lazy()
        for c, allowed in where:
            lf = lf.filter(pl.col(c).is_in(list(allowed)))
        lazy.append(lf.group_by(column).agg(pl.len().alias("__rows")).rename({column: "__raw"}))
    for (column, where), frame in zip(wanted, pl.collect_all(lazy) if lazy else [], strict=True):
        plan.cache[("distinct", column, where)] = frame


def _missing(plan: _Plan, e: Expectation, columns: Sequence[str | None], note: str) -> _Job:
    results = [Result(plan.suite.key, e.name, c, e.severity, False, 0, 0, description=e.description, note=note,
                      pointer=plan.suite.pointer is not None) for c in columns]
    return _Job(e, tuple(columns), results=results)


def _value_set(e: Expectation, refs: References) -> frozenset | str:
    if e.reference and e.values is not None:  # a derived property that reads a reference table
        loaded = e.reference in refs.sets or e.reference in refs.tables
        return frozenset(e.values) if loaded else f"reference {e.reference!r} not loaded"
    if e.reference:
        values = refs.value_set(e.reference)
        return f"reference {e.reference!r} not loaded" if values is None else frozenset(values)
    return frozenset(e.values)


def _gx_spec(e: Expectation, column: str | None = None) -> tuple[str, dict]:
    """GX expectation type and arguments (value sets are added by the caller)."""
    if e.kind == "not_null":
        return "ExpectColumnValuesToNotBeNull", {}
    if e.kind in ("in_set", "derived_in_set"):
        return "ExpectColumnValuesToBeInSet", {}
    if e.kind in ("between", "derived_between"):
        kwargs: dict = {}
        if e.min_value is not None:
            kwargs.update(min_value=e.min_value, strict_min=e.strict_min)
        if e.upper() is not None:
            kwargs["max_value"] = e.upper()
        return "ExpectColumnValuesToBeBetween", kwargs
    if e.kind == "regex":
        return "ExpectColumnValuesToMatchRegex", {"regex": e.regex[column] if isinstance(e.regex, dict)
                                                  else e.regex}
    if e.kind == "max_length":
        return "ExpectColumnValueLengthsToBeBetween", {"min_value": 0, "max_value": e.max_lengths[column]}
    raise ValueError(f"no GX mapping for {e.kind}")


def _plan_expectation(plan: _Plan, e: Expectation) -> None:
    frame = plan.frame
    if e.kind == "schema":
        found = {c: str(t) for c, t in frame.schema.items()}
        names = list(e.schema) + [c for c in found if c not in e.schema]
        part = pl.DataFrame({"column": names,
                             "expected_type": [e.schema.get(c, "(not in the schema)") for c in names],
                             "found_type": [found.get(c, "(missing)") for c in names]})
        plan.jobs.append(_Job(e, (None,), "ExpectColumnPairValuesToBeEqual",
                              {"column_A": "expected_type", "column_B": "found_type"}, "schema", part,
                              batch=("schema", e.name)))
        return
    if e.kind == "row_count":
        plan.jobs.append(_Job(e, (None,), "ExpectTableRowCountToBeBetween", {"min_value": int(e.min_value)},
                              "table", batch=("table", e.name)))
        return
    if e.kind == "unique":
        _plan_unique(plan, e)
        return
    if e.kind.startswith("derived"):
        _plan_derived(plan, e)
        return
    present = [c for c in e.columns if c in frame.columns]
    if len(present) < len(e.columns):
        absent = [c for c in e.columns if c not in frame.columns]
        plan.jobs.append(_missing(plan, e, absent, "column missing from the table"))
    values = None
    if e.kind == "in_set" and not isinstance(e.values, dict):
        values = _value_set(e, plan.refs)
        if isinstance(values, str):
            plan.jobs.append(_missing(plan, e, present, values))
            return
    # Stack the columns GX can check with one expectation: same arguments, same kind of values.
    groups: dict[tuple, list[str]] = {}
    for column in present:
        dtype = frame.schema[column]
        family = "text" if dtype == pl.String else ("number" if dtype in _NUMERIC else str(dtype))
        gx_type, kwargs = _gx_spec(e, column)
        groups.setdefault((_strategy(e, dtype), family, gx_type, repr(sorted(kwargs.items()))), []).append(column)
    rows = _filtered(plan, e.where, e)
    for (strategy, family, gx_type, _), columns in groups.items():
        kwargs = _gx_spec(e, columns[0])[1]
        covered = dict.fromkeys(columns, rows)
        if strategy == "nullness":
            part = pl.concat([_nullness(rows, c, family) for c in columns])
            plan.jobs.append(_Job(e, tuple(columns), gx_type, kwargs, "distinct", part, rows=covered))
        elif strategy == "extremes":
            def full(columns=columns, rows=rows, e=e) -> tuple[str, pl.DataFrame]:
                return "rows", _candidates(pl.concat([rows.select(pl.lit(c).alias("__column"), "__pos",
                                                                  pl.col(c).cast(pl.Float64).alias("__value"))
                                                      for c in columns]), e)
            part = _extremes(rows, columns, lambda c: pl.col(c).cast(pl.Float64))
            plan.jobs.append(_Job(e, tuple(columns), gx_type, kwargs, "rows", part, full, covered))
        elif strategy == "longest":
            def full(columns=columns, e=e, family=family) -> tuple[str, pl.DataFrame]:
                return "distinct", _distinct_part(plan, e, columns, family)
            part = _extremes(rows, columns, lambda c: pl.col(c), by=lambda c: pl.col(c).str.len_chars(),
                             smallest=False)
            plan.jobs.append(_Job(e, tuple(columns), gx_type, kwargs, "rows", part, full, covered))
        else:
            part = _distinct_part(plan, e, columns, family)
            if e.kind == "in_set":
                value_set = values if values is not None else frozenset(
                    f"{c}={v}" for c in columns for v in e.values[c])
                kwargs = {"value_set": sorted(value_set, key=str)}
            plan.jobs.append(_Job(e, tuple(columns), gx_type, kwargs, "distinct", part, rows=covered))


def _distinct_part(plan: _Plan, e: Expectation, columns: Sequence[str], family: str) -> pl.DataFrame:
    """Distinct values of ``columns`` (after ``where``) with their row counts, stacked."""
    missing = [c for c in columns if ("distinct", c, e.where) not in plan.cache]
    if missing:
        _prefetch(plan, [Expectation(e.name, "in_set", "", columns=tuple(missing), values=(), where=e.where)])
    parts = []
    for c in columns:
        d = plan.cache[("distinct", c, e.where)]
        value = pl.format("{}={}", pl.lit(c), pl.col("__raw")) if isinstance(e.values, dict) else pl.col("__raw")
        parts.append(d.select(pl.lit(c).alias("__column"), pl.col("__raw").cast(
            pl.Float64 if family == "number" else d.schema["__raw"]), value.alias("__value"), "__rows"))
    part = pl.concat(parts) if len(parts) > 1 else parts[0]
    if family == "number" and not isinstance(e.values, dict):
        part = part.with_columns(pl.col("__value").cast(pl.Float64))
    return part


def _nullness(rows: pl.DataFrame, column: str, family: str) -> pl.DataFrame:
    """Two rows for a not-null check: a value of the column (with the number of non-null rows),
    and null (with the number of nulls). Exactly the nullness of every row, compressed; the null
    count comes from Arrow's validity bitmap."""
    col = rows[column]
    nulls = col.null_count()
    present = col.head(1) if nulls == 0 else col.filter(col.is_not_null()).head(1)  # no copy of the column
    if family == "number":
        present, col = present.cast(pl.Float64), col.head(0).cast(pl.Float64)
    part = pl.DataFrame({"__raw": pl.concat([present, pl.Series([None], dtype=col.dtype)])}).with_columns(
        pl.lit(column).alias("__column"), pl.col("__raw").alias("__value"),
        pl.Series("__rows", [rows.height - nulls] * present.len() + [nulls], dtype=pl.UInt32))
    return part.filter(pl.col("__rows") > 0).select("__column", "__raw", "__value", "__rows")


def _extremes(rows: pl.DataFrame, columns: Sequence[str], value, by=None, smallest: bool = True) -> pl.DataFrame:
    """Per column, the rows holding its smallest and largest value (or only the largest ``by``):
    every value passes a range check iff these do."""
    out = []
    exprs = []  # one query for every column: Polars scans the columns in parallel
    for i, c in enumerate(columns):
        key = (by or value)(c)
        exprs += [key.arg_max().alias(f"hi{i}"), *([key.arg_min().alias(f"lo{i}")] if smallest else [])]
    picks = rows.select(exprs).row(0, named=True) if exprs else {}
    for i, c in enumerate(columns):
        idx = sorted({picks[k] for k in (f"hi{i}", f"lo{i}") if picks.get(k) is not None})
        if idx:
            out.append(rows[idx].select(pl.lit(c).alias("__column"), "__pos", value(c).alias("__value")))
    if not out:
        return pl.DataFrame(schema={"__column": pl.String, "__pos": pl.Int64, "__value": pl.Float64})
    return pl.concat(out)


def _plan_derived(plan: _Plan, e: Expectation) -> None:
    column = e.columns[0] if e.columns else None
    gx_type, kwargs = _gx_spec(e)
    if e.kind == "derived_in_set":
        values = _value_set(e, plan.refs)
        if isinstance(values, str):
            plan.jobs.append(_missing(plan, e, [column], values))
            return
        kwargs = {"value_set": sorted(values, key=str)}
    context = plan.cache.setdefault("context", Context(plan.frame, plan.refs, plan.codes))
    derived, note = e.derive(context)
    label = pl.lit(column).alias("__column")
    if e.kind == "derived_in_set":
        part = derived.group_by("__value").agg(pl.len().alias("__rows")).select(
            label, pl.col("__value").alias("__raw"), "__value", "__rows")
        plan.jobs.append(_Job(e, (column,), gx_type, kwargs, "distinct", part,
                              rows={column: derived.rename({"__value": "__derived"})}, note=note))
    else:
        everything = derived.select(label, "__pos", "__value")
        extremes = _extremes(derived, ["__value"], lambda c: pl.col(c)).with_columns(label)
        plan.jobs.append(_Job(e, (column,), gx_type, kwargs, "rows", extremes,
                              lambda: ("rows", _candidates(everything, e)), {column: derived}, note=note))


def _plan_unique(plan: _Plan, e: Expectation) -> None:
    missing = [c for c in e.columns if c not in plan.frame.columns]
    if missing:
        plan.jobs.append(_missing(plan, e, [None], f"key column(s) missing: {', '.join(missing)}"))
        return
    rows = _filtered(plan, e.where)
    codes = plan.codes(e.columns)
    if e.where:
        codes = codes.gather(rows["__pos"])
    all_null = rows.select(pl.all_horizontal(pl.col(c).is_null() for c in e.columns)).to_series()
    if all_null.any():  # a key that is entirely missing is not compared (as GX does)
        codes = pl.select(pl.when(all_null).then(None).otherwise(codes)).to_series()
    everything = pl.DataFrame({"__column": pl.Series([None] * rows.height, dtype=pl.String),
                               "__pos": rows["__pos"], "__value": codes})
    # First GX checks the smallest gap between consecutive sorted codes: keys are all distinct iff it
    # is at least 1. Only if it is not does GX check the codes that occur more than once, to name the
    # duplicates (a code that occurs once is unique in any projection that keeps every row holding it).
    gaps = codes.drop_nulls().sort().diff().drop_nulls()
    smallest = pl.DataFrame({"__column": pl.Series([None], dtype=pl.String), "__pos": pl.Series([0], dtype=pl.Int64),
                             "__value": [gaps.min() if gaps.len() else 1]})

    def repeated() -> tuple:
        candidates = everything.filter(pl.col("__value").is_duplicated() & pl.col("__value").is_not_null())
        return "rows", candidates if candidates.height else everything, "ExpectColumnValuesToBeUnique", {}

    plan.jobs.append(_Job(e, (None,), "ExpectColumnValuesToBeBetween", {"min_value": 1}, "rows", smallest,
                          repeated, rows={None: rows}))


def _candidates(part: pl.DataFrame, e: Expectation) -> pl.DataFrame:
    """The rows of a failed range check that GX evaluates one by one: every value not strictly inside
    the bounds (boundary values and NaN included, so GX's own rules decide on them). A value strictly
    inside passes whatever the bound's strictness, and GX never counts a missing value against a
    range, so leaving those rows out changes no count: the failure path then costs the failing rows,
    not the table. Whole ``part`` if nothing is left (GX then reports why the first pass failed)."""
    inside = pl.lit(True)
    if e.min_value is not None:
        inside = inside & (pl.col("__value") > e.min_value)
    if e.upper() is not None:
        inside = inside & (pl.col("__value") < e.upper())
    candidates = part.filter(~inside)  # a null value gives null, which the filter drops
    return candidates if candidates.height else part


def _column_codes(plan: _Plan, column: str) -> tuple[pl.Series, int] | None:
    """Dictionary codes 0..radix-1 of one column (null is a code of its own); None if constant."""
    key = ("codes", column)
    if key not in plan.cache:
        col = plan.frame[column]
        if col.len() == 0 or col.null_count() == col.len() or (
                col.null_count() == 0 and bool((col == col[0]).all())):
            plan.cache[key] = None  # constant in the table: cannot tell rows apart
            return None
        if col.dtype == pl.String:
            codes = col.cast(pl.Categorical).to_physical().cast(pl.Int64)
        elif col.dtype == pl.Boolean:
            codes = col.cast(pl.Int64)
        else:
            codes = col.rank("dense").cast(pl.Int64)
        lo, hi = codes.min(), codes.max()
        plan.cache[key] = ((codes - lo).fill_null(hi - lo + 1), int(hi - lo + 2))
    return plan.cache[key]


def _combine(plan: _Plan, columns: Sequence[str]) -> pl.Series:
    """Mixed-radix combination of column codes; every prefix is cached, so a key and the same key
    without its last column (count/rate pairs: the key without ``unit``) cost one pass."""
    columns = tuple(columns)
    start, code, radix_total = 0, None, 1
    for i in range(len(columns), 0, -1):
        if ("combined", columns[:i]) in plan.cache:
            start = i
            code, radix_total = plan.cache[("combined", columns[:i])]
            break
    for i in range(start, len(columns)):
        coded = _column_codes(plan, columns[i])
        if coded is not None:
            codes, radix = coded
            if code is None:
                code, radix_total = codes, radix
            else:
                if radix_total * radix >= 2**62:
                    code = code.rank("dense").cast(pl.Int64)
                    radix_total = int(code.max()) + 1
                code, radix_total = code * radix + codes, radix_total * radix
        plan.cache[("combined", columns[:i + 1])] = (code, radix_total)
    if code is None:
        return pl.Series("__key", [0] * plan.frame.height, dtype=pl.Int64)
    return code.alias("__key")


def key_codes(frame: pl.DataFrame, columns: Sequence[str]) -> pl.Series:
    """One Int64 per row, equal for two rows iff every key column is equal (null equals null).

    Each column becomes dictionary codes (strings via Categorical, other types ranked densely); the
    codes are combined in mixed radix, compressing with a dense rank whenever the product of radices
    would leave Int64. Columns constant in the table are skipped. Exact: no hashing.
    """
    return _combine(_Plan(frame, Suite("", "", ()), References()), columns)


def _pack(plan: _Plan, jobs: list[_Job]) -> dict[tuple, object]:
    """Assign GX jobs to batches; return batch key -> polars frame (or ("empty", n))."""
    batches: dict[tuple, object] = {}
    shared: list[_Job] = []
    for i, job in enumerate(j for j in jobs if j.results is None):
        job.batch_column = f"c{i}"
        if job.mode == "schema":
            batches[job.batch] = job.part
            job.batch_column = ""
        elif job.mode == "table":
            batches[job.batch] = ("empty", plan.frame.height)
            job.batch_column = ""
        elif 0 < job.part.height <= MAX_SHARED and job.gx_type != "ExpectColumnValuesToBeUnique":
            shared.append(job)  # a repeated value changes no pass/fail, except for uniqueness
        else:
            job.batch = ("alone", i)
            batches[job.batch] = pl.DataFrame({job.batch_column: job.part["__value"]})
    if shared:
        length = max(j.part.height for j in shared)
        columns = {}
        for job in shared:
            values = job.part["__value"]
            if values.len() < length:
                values = pl.concat([values, values.gather([0] * (length - values.len()))])
            columns[job.batch_column] = values.alias(job.batch_column)
            job.batch = ("shared",)
        batches[("shared",)] = pl.DataFrame(columns)
    return batches


# --- running and mapping results back to rows -----------------------------------------------------

def run_suite(frame: pl.DataFrame, suite: Suite, refs: References | None = None,
              expectations: Iterable[Expectation] | None = None) -> list[Result]:
    """Evaluate ``expectations`` (default: the whole suite) on ``frame``; one result per column."""
    plan = _Plan(frame, suite, refs or References())
    expectations = tuple(suite.expectations if expectations is None else expectations)
    heavy = [e for e in expectations if e.kind == "unique" or e.kind.startswith("derived")]
    light = [e for e in expectations if not (e.kind == "unique" or e.kind.startswith("derived"))]
    key_columns = list(dict.fromkeys(c for e in heavy if e.kind == "unique" for c in e.columns
                                     if c in frame.columns))
    with ThreadPoolExecutor(max_workers=1) as pool:
        # Key codes (Polars, outside the GIL) are computed while GX (Python) checks the rest.
        plan.pending = pool.submit(lambda: [_column_codes(plan, c) for c in key_columns])
        _prefetch(plan, light)
        for e in light:
            _plan_expectation(plan, e)
        checked = _run(plan, plan.jobs, "BOOLEAN_ONLY")
        plan.pending.result()
        plan.pending = None
    start = len(plan.jobs)
    for e in heavy:
        _plan_expectation(plan, e)
    checked += _run(plan, plan.jobs[start:], "BOOLEAN_ONLY")
    # Pass 1 asked GX only whether each expectation holds (its cheapest result format). Pass 2, for
    # the few that fail, asks for every failing projection row (range checks that failed on the
    # extremes are evaluated again on every row), to count them and to name files and rows.
    failed = [job for job in checked if not job.passed]
    for job in failed:
        if job.full is not None:
            job.mode, job.part, *spec = job.full()
            job.full = None
            if spec:  # the full evaluation may use another GX expectation (uniqueness)
                job.gx_type, job.gx_kwargs = spec
        job.passed = None
    _run(plan, failed, "COMPLETE")
    order = {id(e): i for i, e in enumerate(expectations)}
    return [r for job in sorted(plan.jobs, key=lambda j: order[id(j.expectation)]) for r in job.results]


def _run(plan: _Plan, jobs: list[_Job], result_format: str) -> list[_Job]:
    gx, _ = _gx()
    todo = [j for j in jobs if j.results is None]
    for bkey, batch in _pack(plan, todo).items():
        batch_jobs = [j for j in todo if j.batch == bkey]
        expectations_gx = [
            getattr(gx.expectations, job.gx_type)(
                **({"column": job.batch_column} if job.batch_column else {}), **job.gx_kwargs, meta={"job": i})
            for i, job in enumerate(batch_jobs)]
        outcomes = _validate(_to_pandas(batch), expectations_gx, result_format)
        for job, outcome in zip(batch_jobs, outcomes, strict=True):
            info = outcome.exception_info or {}
            if result_format == "BOOLEAN_ONLY" and outcome.success and not info.get("raised_exception"):
                job.passed = True
                job.results = _passed(plan, job, outcome)
            elif result_format == "BOOLEAN_ONLY":
                job.passed = False
            else:
                job.results = _finish(plan, job, outcome)
    return todo


def _passed(plan: _Plan, job: _Job, outcome) -> list[Result]:
    e, suite = job.expectation, plan.suite
    count = (lambda c: plan.frame.height) if job.mode in ("table", "schema") else (lambda c: job.rows[c].height)
    return [Result(suite.key, e.name, c, e.severity, True, count(c), 0, description=e.description,
                   gx_expectation=outcome.expectation_config.type, note=job.note, pointer=suite.pointer is not None,
                   published_column=suite.published_columns.get(c) if c else None) for c in job.columns]


def _to_pandas(batch):
    if isinstance(batch, tuple) and batch[0] == "empty":
        import pandas as pd

        return pd.DataFrame(index=pd.RangeIndex(batch[1]))
    return batch.to_pandas()


def _finish(plan: _Plan, job: _Job, outcome) -> list[Result]:
    e, suite = job.expectation, plan.suite
    base = dict(table=suite.key, expectation=e.name, severity=e.severity, description=e.description,
                gx_expectation=outcome.expectation_config.type, note=job.note, pointer=suite.pointer is not None)
    info = outcome.exception_info or {}
    if info.get("raised_exception"):
        base["note"] = f"GX could not evaluate it: {info.get('exception_message')}"
        return [Result(**base, column=c, success=False, element_count=0, unexpected_count=0) for c in job.columns]
    result = outcome.result or {}
    index = list(result.get("unexpected_index_list") or [])
    if job.mode == "table":
        observed = result.get("observed_value")
        return [Result(**base, column=None, success=bool(outcome.success), element_count=int(observed or 0),
                       unexpected_count=0 if outcome.success else 1,
                       sample_values=() if outcome.success else (f"{observed} rows",))]
    if job.mode == "schema":
        bad = job.part[index] if index else job.part.clear()
        samples = tuple(f"{r['column']}: expected {r['expected_type']}, found {r['found_type']}"
                        for r in bad.iter_rows(named=True))
        return [Result(**base, column=None, success=bool(outcome.success), element_count=job.part.height,
                       unexpected_count=bad.height, sample_values=samples[:SAMPLE_VALUES])]
    if index and max(index) >= job.part.height:  # indices in the padding repeat real values
        index = [i for i in index if i < job.part.height]
    bad = job.part[pl.Series("i", index, dtype=pl.Int64)] if index else job.part.clear()
    out, total = [], 0
    for column in job.columns:
        rows = job.rows[column]
        mine = bad.filter(pl.col("__column") == column) if column is not None else bad
        if job.mode == "distinct":
            unexpected = int(mine["__rows"].sum()) if mine.height else 0
            value_column = "__derived" if "__derived" in rows.columns else column
            failing = _rows_with_values(rows, value_column, mine["__raw"].to_list()) if unexpected \
                else rows.clear()
        else:
            failing = rows.join(mine.select("__pos"), on="__pos", how="semi") if mine.height else rows.clear()
            unexpected = failing.height
        if e.kind.startswith("derived") and failing.height:  # name the table rows, show the derived value
            failing = _filtered(plan, ()).join(failing.select("__pos", pl.col(
                "__derived" if "__derived" in failing.columns else "__value").alias("__value")), on="__pos")
        total += unexpected
        published = suite.published_columns.get(column) if column else None
        out.append(Result(**base, column=column, success=unexpected == 0, element_count=rows.height,
                          unexpected_count=unexpected, published_column=published,
                          **_locate(plan, e, column, failing)))
    if bool(outcome.success) != (total == 0):  # GX and the row mapping must agree; never pass silently
        note = f"GX success={outcome.success} but {total} rows mapped back; treated as failed"
        out = [Result(**{**r.__dict__, "success": False, "note": note}) for r in out]
    return out


def _rows_with_values(rows: pl.DataFrame, column: str, values: list) -> pl.DataFrame:
    present = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    wanted = pl.Series(present).cast(rows.schema[column], strict=False) if present else None
    cond = pl.col(column).is_in(wanted.implode()) if present else pl.lit(False)
    if len(present) < len(values):
        cond = cond | pl.col(column).is_null()
    return rows.filter(cond)


def _value_expr(e: Expectation, column: str | None) -> pl.Expr:
    """What to show for a failing row: the key, the derived value, or the column's own value."""
    if e.kind == "unique":
        return pl.concat_str([pl.col(c).cast(pl.String).fill_null("(empty)") for c in e.columns], separator=" | ")
    if e.kind == "derived_between":
        return pl.format("{}%", (pl.col("__value") * 100).round(1))
    if e.kind == "derived_in_set" and (e.values != (True,) or not column):
        return pl.col("__value")
    return pl.col(column)


def _locate(plan: _Plan, e: Expectation, column: str | None, failing: pl.DataFrame) -> dict:
    """Sample values and, per file, the count and first rows of the failing rows."""
    if failing.height == 0:
        return {}
    pointer = plan.suite.pointer
    value = _value_expr(e, column).alias("__shown")
    if pointer and pointer[0] in failing.columns and pointer[1] in failing.columns:
        # rows without a pointer (e.g. a rate with no count row) are named by their table row
        file = pl.col(pointer[0]).fill_null(plan.suite.key)
        row = pl.when(pl.col(pointer[0]).is_null()).then(pl.col("__pos") + 1).otherwise(
            pl.col(pointer[1]).cast(pl.Int64))
    else:
        file, row = pl.lit(plan.suite.key), pl.col("__pos") + 1
    per_row = plan.suite.published_per_row.get(column) if column else None
    published = (per_row if per_row is not None else pl.lit(None, dtype=pl.String)).alias("__published")
    shown = failing.select(file.alias("__file"), row.alias("__row"), value, published).sort("__file", "__row")
    samples = [fmt(v) for v in shown["__shown"].unique(maintain_order=True).head(SAMPLE_VALUES).to_list()]
    per_file = shown.group_by("__file", maintain_order=True).agg(
        pl.len().alias("n"), pl.col("__row").head(ROWS_PER_FILE).alias("rows"),
        pl.col("__shown").unique(maintain_order=True).head(ROWS_PER_FILE).alias("values"),
        pl.col("__published").head(ROWS_PER_FILE).drop_nulls().unique(maintain_order=True).alias("columns"))
    files = tuple(FileHits(r["__file"], int(r["n"]), tuple(int(x) for x in r["rows"]),
                           tuple(fmt(v) for v in r["values"]), tuple(r["columns"]))
                  for r in per_file.iter_rows(named=True))
    return {"sample_values": tuple(samples), "files": files}
