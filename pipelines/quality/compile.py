"""Turn a table contract (pipelines/contracts) into its expectation suite.

Generic expectations come from the declarations themselves: ``columns_match_schema`` from the
columns and types, ``required_columns_not_null`` from ``required: true`` columns, ``keys_unique``
(or the contract's ``key_name``) from ``key``, ``source_id_matches`` from ``source_id``. Named
expectations are read from the contract's ``expectations`` list (see the format in
:mod:`pipelines.contracts`); ``rule`` expectations are SQL boolean expressions evaluated per row
(Polars' SQL expression parser), ``derived`` ones are the documented Python properties of
:mod:`pipelines.quality.derived`.

Documented exceptions (``except:`` on a ``rule`` or ``derived`` expectation): rows that are a permanent,
named fact of the data rather than drift (Antarctica has no UN M49 region; a currency the bundled
references publish no rate for in a year) are left out of the expectation, and the check's note names
how many rows were excepted and why, so that a run's warnings are only ever news::

    except:
      where: area_code = 'ATA'                    # SQL boolean expression, true on the excepted rows
      reason: Antarctica (ATA) is in no UN M49 region   # names the rows, shown with the check
"""

import polars as pl

from pipelines.contracts import Contract, ContractError
from pipelines.quality.suites import BLOCKING, WARN, Context, Derive, Expectation, Suite, current_year, flag, unit_last

_KINDS = ("not_null", "in_set", "in_reference", "between", "regex", "max_length", "unique", "min_rows", "rule",
          "derived")
_ALLOWED = {"name", "columns", "description", "severity", "where", "except", *_KINDS}


def _number(value: object, where: str) -> float | int | object:
    if value == "current_year":
        return current_year
    if isinstance(value, int | float):
        return value
    raise ContractError(f"{where}: expected a number or current_year, found {value!r}")


def _between(spec: dict, where: str) -> dict:
    unknown = set(spec) - {"min", "max", "strict_min"}
    if unknown:
        raise ContractError(f"{where}: between takes min, max, strict_min (found {sorted(unknown)})")
    return {"min_value": _number(spec["min"], where) if "min" in spec else None,
            "max_value": _number(spec["max"], where) if "max" in spec else None,
            "strict_min": bool(spec.get("strict_min", False))}


def _values(spec: object) -> tuple | dict:
    if isinstance(spec, dict):
        return {k: tuple(v) for k, v in spec.items()}
    return tuple(spec)


def _sql(text: str, where: str, what: str) -> pl.Expr:
    try:
        return pl.sql_expr(text)
    except Exception as exc:  # polars raises several error types for a bad expression
        raise ContractError(f"{where}: {what} is not a SQL expression Polars can evaluate: {exc}") from exc


def excepting(derive: Derive, expr: pl.Expr, reason: str) -> Derive:
    """``derive`` without the rows where ``expr`` holds (a documented exception); the note says how many
    rows were excepted and why."""
    def derive_except(ctx: Context) -> tuple[pl.DataFrame, str | None]:
        frame, note = derive(ctx)
        hits = ctx.frame.select(expr.fill_null(False).alias("__except")).with_row_index("__pos").filter("__except")
        excepted = frame.filter(pl.col("__pos").is_in(hits["__pos"].cast(pl.Int64).implode()))
        kept = frame.filter(~pl.col("__pos").is_in(hits["__pos"].cast(pl.Int64).implode()))
        said = f"{excepted.height:,} row{'s' * (excepted.height != 1)} left out (documented exception): {reason}"
        return kept, "; ".join(part for part in (note, said) if part)
    return derive_except


def _exception(spec: dict, where: str) -> tuple[pl.Expr, str] | None:
    given = spec.get("except")
    if given is None:
        return None
    if not isinstance(given, dict) or set(given) != {"where", "reason"} or not str(given["reason"]).strip():
        raise ContractError(f"{where}: except needs a where (SQL condition on the excepted rows) and a reason "
                            "naming them")
    if "rule" not in spec and "derived" not in spec:
        raise ContractError(f"{where}: except applies to rule and derived expectations only")
    return _sql(str(given["where"]), where, "except.where"), " ".join(str(given["reason"]).split())


def compile_expectation(contract: Contract, spec: dict) -> Expectation:
    where = f"pipelines/contracts/{contract.schema}/{contract.table}.yml, expectation {spec.get('name')!r}"
    unknown = set(spec) - _ALLOWED
    if unknown or not spec.get("name") or not spec.get("description"):
        raise ContractError(f"{where}: needs a name and a description (unknown keys: {sorted(unknown)})")
    severity = spec.get("severity", BLOCKING)
    if severity not in (BLOCKING, WARN):
        raise ContractError(f"{where}: severity must be {BLOCKING} or {WARN}")
    common = {"name": spec["name"], "description": " ".join(str(spec["description"]).split()),
              "severity": severity, "columns": tuple(spec.get("columns") or ()),
              "where": tuple((c, tuple(v)) for c, v in (spec.get("where") or {}).items())}
    undeclared = [c for c in [*common["columns"], *(c for c, _ in common["where"])]
                  if c not in contract.column_names]
    if undeclared:
        raise ContractError(f"{where}: names undeclared columns {undeclared}")
    exception = _exception(spec, where)
    if "derived" in spec:
        from pipelines.quality.derived import DERIVED

        if spec["derived"] not in DERIVED:
            raise ContractError(f"{where}: unknown derived property {spec['derived']!r} (pipelines/quality/derived.py)")
        derive, reference = DERIVED[spec["derived"]]
        if exception is not None:
            derive = excepting(derive, *exception)
        if "between" in spec:
            return Expectation(kind="derived_between", derive=derive, reference=reference,
                               **_between(spec["between"], where), **common)
        if "in_reference" in spec:
            return Expectation(kind="derived_in_set", derive=derive, reference=spec["in_reference"], **common)
        return Expectation(kind="derived_in_set", derive=derive, values=_values(spec.get("in_set", (True,))),
                           reference=reference, **common)
    if "rule" in spec:
        derive = flag(_sql(spec["rule"], where, "rule"))
        if exception is not None:
            derive = excepting(derive, *exception)
        return Expectation(kind="derived_in_set", derive=derive, values=(True,), **common)
    if spec.get("not_null"):
        return Expectation(kind="not_null", **common)
    if "in_reference" in spec:
        return Expectation(kind="in_set", reference=spec["in_reference"], **common)
    if "in_set" in spec:
        return Expectation(kind="in_set", values=_values(spec["in_set"]), **common)
    if "between" in spec:
        return Expectation(kind="between", **_between(spec["between"], where), **common)
    if "regex" in spec:
        return Expectation(kind="regex", regex=spec["regex"], **common)
    if "max_length" in spec:
        return Expectation(kind="max_length", max_lengths=spec["max_length"], **common)
    if "unique" in spec:
        return Expectation(kind="unique", **{**common, "columns": unit_last(spec["unique"])})
    if "min_rows" in spec:
        return Expectation(kind="row_count", min_value=spec["min_rows"], **common)
    raise ContractError(f"{where}: expected one of {', '.join(_KINDS)}")


def compile_suite(contract: Contract) -> Suite:
    where = f"pipelines/contracts/{contract.schema}/{contract.table}.yml"
    expectations: list[Expectation] = [Expectation(
        "columns_match_schema", "schema", f"the columns and types of {where}",
        schema={c.name: str(c.polars_type) for c in contract.columns})]
    required = tuple(c.name for c in contract.columns if c.required)
    if required:
        expectations.append(Expectation("required_columns_not_null", "not_null", "a value in every row",
                                        columns=required))
    if contract.source_id:
        expectations.append(Expectation("source_id_matches", "in_set", f"source_id {contract.source_id!r}",
                                        columns=("source_id",), values=(contract.source_id,)))
    named = [compile_expectation(contract, spec) for spec in contract.expectations]
    if contract.key:
        expectations_key = Expectation(
            contract.key_name, "unique", f"one row per {contract.key_description or ', '.join(contract.key)}",
            columns=unit_last(contract.key), severity=contract.key_severity)
        named.append(expectations_key)
    return Suite(contract.schema, contract.table, (*expectations, *named), pointer=contract.pointer,
                 published_columns=dict(contract.published_columns),
                 published_per_row=_published_per_row(contract))


def _published_per_row(contract: Contract) -> dict:
    """Columns unpivoted from one published column per year (World Bank: "value" was the "2000"
    column of its row): table column -> the column whose value names the published column."""
    return {column: pl.col(by).cast(pl.String) for column, by in contract.published_per_row.items()}
