"""The crosswalk and Convention marts, published by a whole run into tmp_path and read with `cyberstats query`."""

import csv
import json
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from tests.integration.helpers import run_cli, warehouse


@pytest.fixture(scope="module")
def published(golden) -> Path:
    data = golden.data
    return data


def query(data: Path, sql: str, capsys: pytest.CaptureFixture) -> list[dict]:
    """Rows as `cyberstats query --format json` prints them."""
    capsys.readouterr()
    assert main(["query", sql, "--warehouse", str(warehouse(data)), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_convention_status_shows_72_signatories(published: Path, capsys: pytest.CaptureFixture) -> None:
    rows = query(published, "SELECT signatories_verified, signatory_states_verified, signatories_as_of, "
                            "ratifications_verified, ratifications_required, entry_into_force_reached, "
                            "entry_into_force_date, unverified_reports FROM marts.convention_status", capsys)
    assert len(rows) == 1
    row = rows[0]
    assert (row["signatories_verified"], row["signatory_states_verified"]) == (72, 71)
    assert str(row["signatories_as_of"]).startswith("2025-10-26")
    assert (row["ratifications_verified"], row["ratifications_required"]) == (0, 40)
    assert row["entry_into_force_reached"] is False and row["entry_into_force_date"] is None
    assert "Azerbaijan" in row["unverified_reports"]


def test_convention_events_trace_to_their_rows_and_the_timeline_counts_verified_only(published: Path) -> None:
    with duckdb.connect(str(warehouse(published)), read_only=True) as con:
        events = con.execute("SELECT event_id, event_date, participant, verification, is_counted, source_url, "
                             "source_file, source_row FROM marts.convention_events").fetchall()
        timeline = con.execute("SELECT as_of_date, signatories_verified, ratifications_verified, "
                               "ratifications_still_needed, ratification_steps_not_counted "
                               "FROM marts.convention_status_over_time ORDER BY as_of_date").fetchall()
        newest = con.execute("SELECT newest_evidence_on FROM marts.convention_status").fetchone()[0]
    (path,) = {e[6] for e in events}
    with (published / path).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for event_id, day, participant, grade, counted, url, _, row in events:
        record = rows[row - 2]  # source_row counts the header
        assert (record["event_id"], record["participant"], record["verification"], record["source_url"] or None) == (
            event_id, participant, grade, url)
        assert (str(day) if day else "") == record["event_date"]
        assert not counted or grade == "verified"
    counted = [e for e in events if e[4]]
    assert len(events) == 51 and len(counted) == 30 and all(e[3] == "verified" for e in counted)
    assert [(str(d), s, r, n, steps) for d, s, r, n, steps in timeline] == [
        ("2025-10-25", 30, 0, 40, 0), ("2025-10-26", 72, 0, 40, 0), ("2026-02-10", 72, 0, 40, 1),
        ("2026-02-23", 72, 0, 40, 1)]
    assert str(newest) == "2026-02-23"


def _bundled_value(data: Path, ref: str) -> float:
    path, row = ref.rsplit("#", 1)
    with (data / path).open(encoding="utf-8", newline="") as fh:
        record = list(csv.reader(fh))[int(row) - 1]
    return float(record[-2] if "unodc_cts" in path else record[-1])


def test_unodc_cyber_fraud_is_article_13_exact(published: Path, capsys: pytest.CaptureFixture) -> None:
    rows = query(published, "SELECT recorded_count, categories_counted, worst_mapping_confidence, "
                            "includes_non_ict_offences, categories_not_added, source_rows "
                            "FROM marts.offences_by_convention_article WHERE area_code = 'DEU' AND year = 2020 "
                            "AND convention_articles = '13' AND source_id = 'unodc_cts'", capsys)
    assert len(rows) == 1
    row = rows[0]
    assert row["recorded_count"] == 234_090 == _bundled_value(published, row["source_rows"])
    assert row["categories_counted"] == "Fraud: Cyber-related (Cy)"
    assert row["worst_mapping_confidence"] == "exact" and row["includes_non_ict_offences"] is False
    assert row["categories_not_added"].startswith("Fraud (replaced by its Cy-tagged part")  # 808,074 all fraud


def test_ic3_2024_investment_loss_is_under_article_13(published: Path, capsys: pytest.CaptureFixture) -> None:
    rows = query(published, "SELECT loss_usd_nominal, categories_counted, mappings_counted, source_rows "
                            "FROM marts.offences_by_convention_article WHERE area_code = 'USA' AND year = 2024 "
                            "AND convention_articles = '13' AND measure = 'loss'", capsys)
    assert len(rows) == 1
    row = rows[0]
    assert "Investment [exact]" in row["mappings_counted"]
    parts = {ref: _bundled_value(published, ref) for ref in row["source_rows"].split(" | ")}
    assert 6_570_639_864 in parts.values()
    assert row["loss_usd_nominal"] == sum(parts.values())
    assert len(parts) == len(row["categories_counted"].split(" | ")) == 12
    # Never split: no IC3 2024 loss row claims article 13 alone except this group's.
    with duckdb.connect(str(warehouse(published)), read_only=True) as con:
        groups = [r[0] for r in con.execute(
            "SELECT convention_articles FROM marts.offences_by_convention_article WHERE area_code = 'USA' "
            "AND year = 2024 AND measure = 'loss' AND list_contains(string_split(convention_articles, ';'), '13') "
            "ORDER BY 1").fetchall()]
    assert groups == ["12;13", "13", "7;13"]


def test_every_observed_category_has_a_crosswalk_row(published: Path) -> None:
    with duckdb.connect(str(warehouse(published)), read_only=True) as con:
        gaps = con.execute("SELECT source_id, category FROM staging.observations EXCEPT "
                           "SELECT source_id, source_category FROM staging.stg_offence_crosswalk__mappings").fetchall()
        statuses = dict(con.execute("SELECT mapping_status, count(*) FROM marts.offence_crosswalk GROUP BY 1")
                        .fetchall())
        zeros = con.execute("SELECT iccs_code FROM marts.offence_crosswalk WHERE source_category = "
                            "'Unlawful access to a computer system'").fetchall()
        comments = con.execute("SELECT table_name, count(*) FROM duckdb_columns() WHERE schema_name = 'marts' AND "
                               "table_name IN ('offences_by_convention_article', 'offence_crosswalk', "
                               "'convention_status', 'convention_events', 'convention_status_over_time') AND "
                               "(comment IS NULL OR comment = '') GROUP BY 1").fetchall()
    assert gaps == []
    assert set(statuses) == {"mapped", "unmapped"} and sum(statuses.values()) == 126  # 105 + 21 Eurostat ICCS codes
    assert zeros == [("09031",)]
    assert comments == []


def test_parents_and_children_are_never_summed_in_the_published_mart(published: Path) -> None:
    with duckdb.connect(str(warehouse(published)), read_only=True) as con:
        both = con.execute(
            "SELECT count(*) FROM marts.offences_by_convention_article WHERE area_type <> 'region' AND "
            "list_contains(string_split(categories_counted, ' | '), 'Fraud') AND "
            "list_contains(string_split(categories_counted, ' | '), 'Fraud: Cyber-related (Cy)')").fetchone()[0]
        mixed = con.execute("SELECT count(*) FROM marts.offences_by_convention_article "
                            "WHERE (recorded_count IS NULL) = (loss_usd_nominal IS NULL)").fetchone()[0]
        # Marts are downloaded as CSV and XLSX, which hold no nested values.
        nested = con.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                             "AND (data_type LIKE '%[]' OR data_type LIKE 'STRUCT%' OR data_type LIKE 'MAP%')"
                             ).fetchall()
    assert (both, mixed, nested) == (0, 0, [])


def test_checks_are_part_of_the_code_location() -> None:
    from pipelines.definitions import build_definitions

    graph = build_definitions().resolve_asset_graph()
    names = {key.name for key in graph.asset_check_keys}
    assert {"parent_and_child_never_summed", "overlapping_groups_declared", "units_never_mixed",
            "no_figure_counted_twice",
            "regional_rows_equal_country_sums", "every_category_in_crosswalk",
            "entry_into_force_follows_art_65"} <= names
    # Every check is blocking in Dagster's sense (ordering); its severity is in its description and in the
    # severity of a failure (a warning fails with WARN and stops nothing).
    described = {key.name: graph.get_check_spec(key).description for key in graph.asset_check_keys}
    assert described["parent_and_child_never_summed"].startswith("Blocking: ")
    assert described["every_category_in_crosswalk"].startswith("Warning: ")


def test_a_category_missing_from_the_crosswalk_warns_but_publishes(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture) -> None:
    from tests.conftest import copy_bundled

    data = copy_bundled(tmp_path / "data")
    path = next((data / "reference" / "offence_crosswalk").glob("*/offence_crosswalk.csv"))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("fbi_ic3,Other,")), encoding="utf-8")
    assert run_cli(data) == 0
    assert "every_category_in_crosswalk" in capsys.readouterr().err
    with duckdb.connect(str(warehouse(data)), read_only=True) as con:
        gap = con.execute("SELECT mapping_status, observations, convention_rows_counted FROM marts.offence_crosswalk "
                          "WHERE source_id = 'fbi_ic3' AND source_category = 'Other'").fetchall()
    assert gap == [("not_in_crosswalk", 22, 0)]


def test_a_broken_crosswalk_stops_the_run_with_file_row_and_column(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture) -> None:
    from tests.conftest import copy_bundled

    data = copy_bundled(tmp_path / "data")
    path = next((data / "reference" / "offence_crosswalk").glob("*/offence_crosswalk.csv"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",Unlawful access to a computer system,,09031,", ",Unlawful access to a computer "
                                                                                  "system,,9031,"), encoding="utf-8")
    assert run_cli(data) == 1
    err = capsys.readouterr().err
    assert "offence_crosswalk.csv, row" in err and "'iccs_code'" in err and "09031?" in err
    assert not warehouse(data).exists()
