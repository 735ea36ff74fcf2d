"""The suites compiled from the table contracts are well formed, and the contracts hold what they
declare (pipelines/contracts, pipelines/quality/compile.py)."""

import polars as pl
import pytest

from pipelines import contracts
from pipelines.contracts import ContractError
from pipelines.quality.compile import compile_expectation
from pipelines.quality.suites import BLOCKING, KINDS, WARN, suite_for, suites
from pipelines.sources import ALL
from pipelines.sql import models

SUITES = suites()


def test_every_built_table_has_a_contract() -> None:
    from pipelines.assets.intermediate import STEPS

    declared = set(contracts.tables())
    staged = {("staging", t) for spec in ALL.values() for t in spec.tables}
    assert staged - declared == set()
    assert {("marts", m) for m in models("marts")} - declared == set()
    assert {("intermediate", step.name) for step in STEPS} - declared == set()
    assert {("raw", spec.raw_table) for spec in ALL.values()} <= declared
    assert ("staging", "observations") in declared


def test_every_column_is_described_with_a_known_type() -> None:
    for contract in contracts.all_contracts():
        assert contract.description and "TODO" not in contract.description, contract.name
        for column in contract.columns:
            assert column.description and "TODO" not in column.description, (contract.name, column.name)
            assert column.type in contracts.TYPES


def test_observation_tables_extend_the_canonical_columns() -> None:
    canonical = contracts.load("staging", "_observations").column_names
    for spec in ALL.values():
        if spec.is_observations:
            contract = contracts.load("staging", spec.tables[0])
            assert contract.column_names == canonical
            assert contract.source_id == spec.source_id
    assert contracts.load("staging", "observations").column_names == canonical


def test_conform_refuses_missing_and_undeclared_columns() -> None:
    contract = contracts.load("marts", "rate_reconciliation_summary")
    frame = contract.empty()
    assert contract.conform(frame).columns == list(contract.column_names)
    with pytest.raises(ContractError, match="missing scope"):
        contract.conform(frame.drop("scope"))
    with pytest.raises(ContractError, match="not declared extra"):
        contract.conform(frame.with_columns(extra=pl.lit(1)))


@pytest.mark.parametrize("spec, message", [
    ({"name": "x", "description": "d", "between": {"minimum": 0}, "columns": ["first_year"]}, "between takes"),
    ({"name": "x", "description": "d", "in_set": [1], "columns": ["nope"]}, "undeclared columns"),
    ({"name": "x", "description": "d", "derived": "nope", "columns": ["first_year"]}, "unknown derived"),
    ({"name": "x", "description": "d", "columns": ["first_year"]}, "expected one of"),
    ({"name": "x", "description": "d", "rule": "first_year >>> 3", "columns": ["first_year"]}, "not a SQL expression"),
    ({"name": "x", "in_set": [1], "columns": ["first_year"]}, "needs a name and a description"),
])
def test_a_malformed_expectation_is_named(spec: dict, message: str) -> None:
    with pytest.raises(ContractError, match=message):
        compile_expectation(contracts.load("marts", "trends"), spec)


def test_a_rule_is_evaluated_per_row() -> None:
    from pipelines.quality.runner import run_suite

    contract = contracts.load("marts", "regional_losses")
    suite = contract.suite()
    [rule] = [e for e in suite.expectations if e.name == "reporting_within_region"]
    frame = pl.DataFrame({"countries_reporting": [3, 9], "countries_in_region": [5, 5]})
    [result] = run_suite(frame, suite, None, [rule])
    assert (result.success, result.unexpected_count) == (False, 1)


def test_observation_sources_are_the_registry() -> None:
    [known] = [e for e in suite_for("staging", "observations").expectations if e.name == "source_ids_known"]
    assert known.reference == "source_ids"


@pytest.mark.parametrize("key", sorted(SUITES))
def test_suite_is_well_formed(key: str) -> None:
    suite = SUITES[key]
    names = suite.names()
    assert names, key
    for e in suite.expectations:
        assert e.kind in KINDS and e.severity in (BLOCKING, WARN)
        assert e.description and not e.description.endswith("."), e.name
        assert e.name.isidentifier() and e.name == e.name.lower(), e.name
        if e.kind in ("derived_in_set", "derived_between"):
            assert e.derive is not None, e.name
        if e.kind == "in_set":
            assert e.values is not None or e.reference, e.name
        if e.kind == "between" or e.kind == "derived_between":
            assert e.min_value is not None or e.max_value is not None, e.name
    # One severity per expectation name (a Dagster check is blocking or not).
    for name in names:
        assert len({e.severity for e in suite.expectations if e.name == name}) == 1, (key, name)
    # Every table has at least one blocking expectation, so its checks gate what is downstream.
    assert any(e.blocking for e in suite.expectations), key


def test_screening_is_blocking_row_level_only() -> None:
    suite = suite_for("staging", "stg_unodc_cts__observations")
    screened = suite.screening()
    assert screened and all(e.blocking and e.row_level for e in screened)
    names = {e.name for e in screened}
    assert {"no_negative_values", "area_codes_known", "years_in_range", "currencies_known"} <= names
    # UNODC publishes duplicate keys: a warning, never a reason to quarantine a real export.
    assert "keys_unique" not in names
    assert suite_for("staging", "stg_fbi_ic3__observations").screening()
    assert any(e.name == "keys_unique" for e in suite_for("staging", "stg_fbi_ic3__observations").screening())


def test_reference_needs_follow_the_expectations() -> None:
    unodc = suite_for("staging", "stg_unodc_cts__observations")
    assert unodc.needs(unodc.screening()) == [("staging", "stg_country_codes__currencies"),
                                              ("staging", "stg_un_m49__areas")]
    assert ("staging", "stg_worldbank_wdi__values") in unodc.needs()
    union = suite_for("staging", "observations")
    assert union.needs() == []  # the crosswalk is optional: its absence is reported, not waited for
    assert union.needs(optional=True) == [("staging", "stg_offence_crosswalk__mappings")]
    assert suite_for("staging", "stg_un_m49__areas").needs() == []


NATIONAL = "sources/national_figures/2026-11-22/national_headline_figures.csv"


def _by_name(suite, name: str) -> list:
    return [e for e in suite.expectations if e.name == name]


def test_an_absurd_loss_in_local_currency_fails_in_staging_and_in_the_mart(tmp_path) -> None:
    """GBR 2024 typed as 1.17e21 GBP has no USD conversion to catch it (no GBP rate for 2024)."""
    from pipelines.quality.runner import run_suite
    from pipelines.sources import national_figures
    from tests.conftest import BUNDLED

    path = tmp_path / "national.csv"
    path.write_text((BUNDLED / NATIONAL).read_text(encoding="utf-8").replace(
        "calendar_year,loss,1170000000,,,GBP,reported,as_published,,UK Finance,Annual Fraud Report 2025",
        "calendar_year,loss,1.17e21,,,GBP,reported,as_published,,UK Finance,Annual Fraud Report 2025"),
        encoding="utf-8")
    staging = suite_for("staging", "stg_national_figures__observations")
    good = national_figures.read(BUNDLED / NATIONAL, NATIONAL, "2026-11-22")
    assert all(r.success for r in run_suite(good, staging, None, _by_name(staging, "losses_plausible")))
    bad = national_figures.read(path, "national.csv", "2026-11-22")
    [value, *_] = run_suite(bad, staging, None, _by_name(staging, "losses_plausible"))
    assert (value.column, value.success, value.unexpected_count, value.files[0].rows) == ("value", False, 1, (77,))
    assert value in [r for r in run_suite(bad, staging, None, staging.screening()) if not r.success]  # quarantines

    mart = suite_for("marts", "losses_by_country_year")
    losses = pl.DataFrame({"loss_lcu": [1.17e21, 3.9e14, None], "loss_lcu_low": [None, 8e12, 1.0],
                           "loss_lcu_high": [None, 1e13, 2.0], "source_file": ["n.csv"] * 3, "source_row": [77, 5, 6]})
    results = run_suite(losses, mart, None, _by_name(mart, "local_currency_losses_plausible"))
    assert [(r.column, r.success, r.unexpected_count) for r in results] == [
        ("loss_lcu", False, 1), ("loss_lcu_low", True, 0), ("loss_lcu_high", True, 0)]


def test_the_local_currency_bound_leaves_every_real_national_figure_far_below_it(facts) -> None:
    [bound] = [e for e in suite_for("staging", "stg_national_figures__observations").expectations
               if e.name == "losses_plausible"]
    MAX_LOSS_LOCAL_CURRENCY = bound.max_value
    assert MAX_LOSS_LOCAL_CURRENCY == 1e20
    figures = pl.read_csv(facts / "national_headline_figures.csv", infer_schema_length=0)
    largest = max(figures[c].cast(pl.Float64, strict=False).max() for c in ("value", "value_low", "value_high"))
    assert largest == 3.9e14  # VND, Viet Nam 2023
    assert largest * 100_000 < MAX_LOSS_LOCAL_CURRENCY
