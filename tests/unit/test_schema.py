"""The observation contract's vocabularies are the schema's, and its suite holds a reader to them."""

import polars as pl

from pipelines import schema
from pipelines.quality.runner import run_suite
from pipelines.quality.suites import suite_for
from pipelines.sources import fbi_ic3
from tests.conftest import BUNDLED

TOTALS = BUNDLED / "sources" / "fbi_ic3" / "reports-2015-2025" / "ic3_annual_totals.csv"


def _vocabularies() -> dict[str, tuple]:
    [e] = [e for e in suite_for("staging", "stg_fbi_ic3__observations").expectations
           if e.name == "vocabularies_respected"]
    return {column: tuple(values) for column, values in e.values.items()}


def test_the_contract_vocabularies_are_the_schema_vocabularies() -> None:
    assert _vocabularies() == {
        "measure": schema.MEASURES, "unit": schema.UNITS, "period_type": schema.PERIOD_TYPES,
        "area_type": schema.AREA_TYPES, "value_type": schema.VALUE_TYPES, "revision": schema.REVISIONS,
        "source_grade": schema.SOURCE_GRADES, "asset_scope": schema.ASSET_SCOPES,
    }


def test_source_grade_is_required_and_checked_against_the_vocabulary() -> None:
    suite = suite_for("staging", "stg_fbi_ic3__observations")
    frame = fbi_ic3.read(TOTALS, "sources/fbi_ic3/x/ic3_annual_totals.csv", "x", sha256="0" * 64)
    assert not [r for r in run_suite(frame, suite, expectations=[
        e for e in suite.expectations if e.name in ("vocabularies_respected", "required_columns_not_null")])
        if not r.success]
    bad = frame.with_columns(source_grade=pl.when(pl.col("year") == 2024).then(pl.lit("news"))
                             .when(pl.col("year") == 2023).then(None).otherwise(pl.col("source_grade")))
    failed = {(r.expectation, r.column): (r.unexpected_count, r.sample_values) for r in run_suite(bad, suite)
              if not r.success and r.column == "source_grade"}
    assert failed == {("vocabularies_respected", "source_grade"): (2, ("news",)),
                      ("required_columns_not_null", "source_grade"): (2, ("(empty)",))}
