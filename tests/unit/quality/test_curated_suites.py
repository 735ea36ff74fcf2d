"""The suites of the curated reference tables catch what a hand edit can break, and read the verified
lists of the crosswalk's own release (never a stale table, never a missing one silently)."""

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.quality.references import references_from_data_dir, references_from_db
from pipelines.quality.runner import run_suite
from pipelines.quality.suites import References, suite_for
from pipelines.quality.validate_file import validate_file
from pipelines.sources import convention_status, loss_series, offence_crosswalk
from tests.conftest import BUNDLED, copy_bundled

RELEASE = next((BUNDLED / "reference" / "offence_crosswalk").iterdir())
EVENTS = next((BUNDLED / "reference" / "convention_status").glob("*/convention_events.csv"))
HEADLINES = next((BUNDLED / "reference" / "loss_series").glob("*/headline_loss_series.csv"))
MAPPINGS = suite_for("staging", "stg_offence_crosswalk__mappings")


@pytest.fixture(scope="module")
def lists() -> dict[str, pl.DataFrame]:
    return dict(offence_crosswalk.read(p, f"reference/offence_crosswalk/x/{p.name}", "x")
                for p in sorted(RELEASE.glob("*.csv")))


@pytest.fixture(scope="module")
def refs(lists: dict[str, pl.DataFrame]) -> References:
    return References(sets={"iccs_codes": frozenset(lists["iccs_codes"]["iccs_code"])},
                      tables={"iccs_codes": lists["iccs_codes"], "convention_articles": lists["convention_articles"]})


def _vocabulary(table: str, expectation: str, column: str) -> tuple:
    [e] = [e for e in suite_for("staging", table).expectations if e.name == expectation]
    return tuple(e.values[column])


def test_vocabularies_are_the_readers() -> None:
    """The contracts' vocabularies are the readers' (pipelines/contracts/staging/*.yml)."""
    xw, events = "stg_offence_crosswalk__mappings", "stg_convention_status__events"
    assert _vocabulary(xw, "vocabularies_respected", "mapping_confidence") == offence_crosswalk.CONFIDENCES
    assert _vocabulary(xw, "vocabularies_respected", "mapping_status") == offence_crosswalk.STATUSES
    assert _vocabulary("stg_offence_crosswalk__convention_articles", "vocabularies_respected", "treaty") == \
        tuple(offence_crosswalk.TREATIES)
    assert _vocabulary(events, "vocabularies_respected", "event_type") == convention_status.EVENT_TYPES
    assert _vocabulary(events, "vocabularies_respected", "verification") == convention_status.VERIFICATIONS
    assert _vocabulary(events, "vocabularies_respected", "participant_type") == convention_status.PARTICIPANT_TYPES
    [named] = [e for e in suite_for("staging", events).expectations if e.name == "participants_named"]
    assert dict(named.where)["event_type"] == convention_status.PARTICIPANT_EVENTS


def _set(frame: pl.DataFrame, category: str, **values) -> pl.DataFrame:
    """``frame`` with ``values`` written into the row of ``category``."""
    where = pl.col("source_category") == category
    return frame.with_columns(**{c: pl.when(where).then(pl.lit(v, dtype=frame.schema[c])).otherwise(pl.col(c))
                                 for c, v in values.items()})


def _failures(frame: pl.DataFrame, suite, refs: References | None) -> dict[str, tuple]:
    return {r.expectation: (r.column, r.unexpected_count, r.sample_values, r.files[0].rows if r.files else ())
            for r in run_suite(frame, suite, refs) if not r.success}


def test_the_crosswalk_suite_catches_codes_articles_and_titles_outside_the_verified_lists(
        lists: dict[str, pl.DataFrame], refs: References) -> None:
    m = lists["mappings"]
    row = {c: dict(zip(m["source_category"], m["source_row"], strict=True))[c]
           for c in ("Fraud", "Phishing", "Botnet", "Ransomware", "Theft", "Auction")}
    bad = _set(m, "Fraud", iccs_code="07012")  # no such code: other fraud is 07019 (taxonomy_facts.md §3.3)
    bad = _set(bad, "Phishing", convention_articles="13;12")  # a group is written ascending: 12;13
    bad = _set(bad, "Botnet", budapest_articles="2;5;11")  # Budapest art. 11 is not an offence
    bad = _set(bad, "Ransomware", convention_offence="Interference with electronic data")  # art. 10's title lost
    bad = _set(bad, "Theft", iccs_code="0502")  # an unmapped row carries no code
    bad = _set(bad, "Auction", mapping_basis=None)  # a mapping must say what it rests on
    failed = _failures(bad, MAPPINGS, refs)
    assert failed == {
        "iccs_codes_verified": ("iccs_code", 2, ("07012", "0502"), (row["Fraud"], row["Theft"])),
        "iccs_labels_match_codes": ("iccs_label", 1, ("Fraud",), (row["Fraud"],)),
        "convention_articles_verified": ("convention_articles", 1, ("13;12",), (row["Phishing"],)),
        "budapest_articles_verified": ("budapest_articles", 1, ("2;5;11",), (row["Botnet"],)),
        "convention_offence_matches_articles": ("convention_offence", 2, (
            "ICT system-related forgery; ICT system-related theft or fraud", "Interference with electronic data"),
            (row["Phishing"], row["Ransomware"])),
        "unmapped_rows_carry_no_mapping": ("mapping_status", 1, ("unmapped",), (row["Theft"],)),
        "mapped_rows_name_their_basis": ("mapping_basis", 1, ("(empty)",), (row["Auction"],)),
    }
    # Every one of them is blocking and row-level: a crosswalk file with such a row is quarantined.
    screening = {e.name for e in MAPPINGS.screening()}
    assert set(failed) <= screening


def test_without_its_verified_lists_the_crosswalk_fails_saying_why(lists: dict[str, pl.DataFrame]) -> None:
    failed = {r.expectation: r.note for r in run_suite(lists["mappings"], MAPPINGS, References()) if not r.success}
    assert failed == {
        "iccs_codes_verified": "reference 'iccs_codes' not loaded",
        "iccs_labels_match_codes": "reference 'iccs_codes' not loaded",
        "convention_articles_verified": "reference 'convention_articles' not loaded",
        "budapest_articles_verified": "reference 'convention_articles' not loaded",
        "convention_offence_matches_articles": "reference 'convention_articles' not loaded",
    }
    assert set(MAPPINGS.needs(MAPPINGS.screening())) == {("staging", "stg_offence_crosswalk__iccs_codes"),
                                                          ("staging", "stg_offence_crosswalk__convention_articles")}


def test_the_lists_suites(lists: dict[str, pl.DataFrame]) -> None:
    codes = lists["iccs_codes"].with_columns(iccs_code=pl.when(pl.col("iccs_code") == "0701").then(pl.lit("701"))
                                             .otherwise("iccs_code"))
    assert set(_failures(codes, suite_for("staging", "stg_offence_crosswalk__iccs_codes"), None)) == {
        "codes_well_formed"}
    articles = lists["convention_articles"].with_columns(
        article=pl.when((pl.col("treaty") == "budapest") & (pl.col("article") == 10)).then(pl.lit(12, pl.Int32))
        .when((pl.col("treaty") == "un_cybercrime") & (pl.col("article") == 7)).then(pl.lit(6, pl.Int32))
        .otherwise("article"))
    assert set(_failures(articles, suite_for("staging", "stg_offence_crosswalk__convention_articles"), None)) == {
        "convention_articles_are_offences", "budapest_articles_are_offences"}


def test_the_convention_events_suite(lists: dict[str, pl.DataFrame]) -> None:
    events = convention_status.read(EVENTS, EVENTS.name, "x")
    suite = suite_for("staging", "stg_convention_status__events")
    assert _failures(events, suite, None) == {}

    def change(event_id: str, **values) -> pl.DataFrame:
        where = pl.col("event_id") == event_id
        return {c: pl.when(where).then(pl.lit(v, dtype=events.schema[c])).otherwise(pl.col(c))
                for c, v in values.items()}
    bad = events.with_columns(**change("signature_dza", event_date=None)).with_columns(
        **change("signature_eu", participant_type=None)).with_columns(
        **change("signatories_vir_snapshot", count_reported=None)).with_columns(
        **change("ratifications_may_2026_report", count_low=5)).with_columns(
        **change("adoption", event_type="entry_into_force", facts_ref=None))
    failed = _failures(bad, suite, None)
    assert {name: (column, n) for name, (column, n, _, _) in failed.items()} == {
        "verified_events_dated": ("event_date", 1), "participants_named": ("participant_type", 1),
        "counts_given": ("count_reported", 1), "count_ranges_ordered": ("count_high", 1),
        "vocabularies_respected": ("event_type", 1), "required_columns_not_null": ("facts_ref", 1)}
    assert events.filter(pl.col("event_id") == "signature_dza")["event_date"].item() == date(2025, 10, 25)


def test_the_headline_series_suite() -> None:
    headlines = loss_series.read(HEADLINES, HEADLINES.name, "x")
    suite = suite_for("staging", "stg_loss_series__headlines")
    refs = References(sets={"area_codes": frozenset(headlines["country_iso3"])})
    assert _failures(headlines, suite, refs) == {}
    bad = headlines.with_columns(
        series=pl.when(pl.col("country_iso3") == "CAN").then(pl.lit("CAFC losses")).otherwise("series"),
        rationale=pl.when(pl.col("country_iso3") == "SGP").then(None).otherwise("rationale"))
    failed = _failures(bad, suite, refs)
    assert {k: v[:3] for k, v in failed.items()} == {"codes_well_formed": ("series", 1, ("CAFC losses",)),
                                                     "required_columns_not_null": ("rationale", 1, ("(empty)",))}


# --- where the verified lists come from ----------------------------------------------------------------

def test_screening_reads_the_lists_being_staged_not_a_stale_table(lists: dict[str, pl.DataFrame]) -> None:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    con.execute("CREATE TABLE staging.stg_offence_crosswalk__iccs_codes AS SELECT '0701' AS iccs_code, "
                "'stale' AS iccs_label")
    from_db = references_from_db(con, {"iccs_codes", "convention_articles"})
    assert from_db.sets["iccs_codes"] == {"0701"} and "convention_articles" not in from_db.tables
    own = {("staging", "stg_offence_crosswalk__iccs_codes"): lists["iccs_codes"],
           ("staging", "stg_offence_crosswalk__convention_articles"): None}  # its file could not be read
    staged = references_from_db(con, {"iccs_codes", "convention_articles"}, staged=own)
    assert staged.sets["iccs_codes"] == frozenset(lists["iccs_codes"]["iccs_code"])
    assert staged.tables["iccs_codes"].columns == ["iccs_code", "iccs_label"]
    assert "convention_articles" not in staged.tables  # missing, so the expectations reading it fail


def test_validate_checks_a_crosswalk_file_against_the_lists_of_the_data_directory(tmp_path: Path) -> None:
    data = copy_bundled(tmp_path / "data", sources=False)
    refs = references_from_data_dir(data, {"iccs_codes", "convention_articles"})
    assert set(refs.tables) == {"iccs_codes", "convention_articles"} and "07019" in refs.sets["iccs_codes"]
    report = validate_file(RELEASE / "offence_crosswalk.csv", "offence_crosswalk", data)
    assert report.ok and report.rows == {"stg_offence_crosswalk__mappings": 126}  # 105 + 21 Eurostat ICCS codes
    bad = tmp_path / "offence_crosswalk.csv"
    bad.write_text((RELEASE / "offence_crosswalk.csv").read_text(encoding="utf-8").replace(
        "fbi_ic3,Advanced Fee,,07019,Other acts of fraud,", "fbi_ic3,Advanced Fee,,07012,Other acts of fraud,"),
        encoding="utf-8")
    report = validate_file(bad, "offence_crosswalk", data, name="offence_crosswalk.csv")
    assert not report.ok
    assert sorted(r.expectation for r in report.failures) == ["iccs_codes_verified", "iccs_labels_match_codes"]
    # row 24: the 21 Eurostat rows sort before fbi_ic3
    assert "offence_crosswalk.csv, row 24, column 'iccs_code': expectation iccs_codes_verified failed" in "\n".join(
        report.lines())
    # A data directory whose crosswalk release lacks the lists: the crosswalk cannot be checked, and says so.
    for name in ("iccs_codes.csv", "convention_articles.csv"):
        (data / "reference" / "offence_crosswalk" / RELEASE.name / name).unlink()
    report = validate_file(RELEASE / "offence_crosswalk.csv", "offence_crosswalk", data)
    assert not report.ok and {r.note for r in report.failures} == {"reference 'iccs_codes' not loaded",
                                                                   "reference 'convention_articles' not loaded"}
