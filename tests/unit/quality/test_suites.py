"""The suites cover every staging table and every mart, and are well formed."""

import pytest

from pipelines.quality.suites import BLOCKING, KINDS, OBSERVATION_SOURCES, SUITES, WARN, suite_for
from pipelines.sources import ALL, SOURCES
from pipelines.sql import models


def test_every_staging_table_and_every_mart_has_a_suite() -> None:
    staged = {t for spec in ALL.values() for t in spec.tables}
    covered = {key.split(".", 1)[1] for key in SUITES}
    assert staged - covered == set()
    assert set(models("marts")) - covered == set()
    assert "staging.observations" in SUITES


def test_observation_sources_match_the_registry() -> None:
    assert set(OBSERVATION_SOURCES) == set(SOURCES)


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
