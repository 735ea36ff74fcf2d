"""Convention status reference: every event graded, dated only when the facts give the day."""

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import InputError
from pipelines.sources import convention_status
from tests.conftest import BUNDLED
from tests.unit.curated_csv import write_curated

EVENTS = next((BUNDLED / "reference" / "convention_status").glob("*/convention_events.csv"))


def read(path: Path) -> pl.DataFrame:
    return convention_status.read(path, "reference/convention_status/x/convention_events.csv", "x")


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    return write_curated(tmp_path / "events.csv", convention_status.COLUMNS, rows)


COUNT = {"event_id": "s72", "event_type": "signatory_count", "event_date": "2025-10-26", "count_reported": "72",
         "verification": "verified", "source": "UNTC", "facts_ref": "taxonomy_facts.md §1.1"}


def test_bundled_events_are_the_facts_of_section_1_1_and_the_events_file() -> None:
    df = read(EVENTS)
    by_id = {r["event_id"]: r for r in df.iter_rows(named=True)}
    assert by_id["adoption"]["event_date"] == date(2024, 12, 24)
    assert by_id["signature_opening"]["event_date"] == date(2025, 10, 25)
    end = by_id["signatories_end_of_ceremony"]
    assert (end["count_reported"], end["verification"], end["event_date"]) == (72, "verified", date(2025, 10, 26))
    assert by_id["signature_eu"]["participant_type"] == "reio"
    # Later tertiary reports are kept, flagged, and have no day-exact date.
    later = df.filter(pl.col("verification") == "unverified")
    assert later.height == 5 and later["event_date"].is_null().all()
    assert by_id["ratifications_may_2026_report"]["count_low"] == 1
    assert by_id["ratifications_may_2026_report"]["count_high"] == 3
    # Signatures read in the UN Treaty Collection page are verified and dated; Azerbaijan's approval law is a
    # domestic step (no deposit seen), never an instrument deposit.
    assert (by_id["signature_dza"]["verification"], by_id["signature_dza"]["event_date"]) == (
        "verified", date(2025, 10, 25))
    step = by_id["domestic_ratification_aze_2026-02-10"]
    assert (step["event_type"], step["verification"], step["participant_type"]) == (
        "domestic_ratification_step", "verified_secondary", "state")
    assert df.filter(pl.col("event_type") == "instrument_deposit").height == 0
    assert df["facts_ref"].str.contains(r"^taxonomy_facts\.md §1\.1|^convention_status_events\.csv row \d+$").all()


@pytest.mark.parametrize(("row", "column"), [
    ({**COUNT, "event_type": "ratified"}, "event_type"),
    ({**COUNT, "verification": "probably"}, "verification"),
    ({**COUNT, "event_date": "26/10/2025"}, "event_date"),
    ({**COUNT, "event_date": ""}, "event_date"),  # a verified event needs its date
    ({**COUNT, "count_reported": "seventy-two"}, "count_reported"),
    ({**COUNT, "count_reported": ""}, "count_reported"),
    ({**COUNT, "event_type": "signature", "participant": "Canada"}, "participant_type"),
    ({**COUNT, "event_type": "instrument_deposit", "participant_type": "state"}, "participant"),
    ({**COUNT, "event_type": "domestic_ratification_step", "participant": "Azerbaijan"}, "participant_type"),
    ({**COUNT, "event_type": "signature", "participant": "EU", "participant_type": "union"}, "participant_type"),
    ({**COUNT, "event_type": "ratification_count_report", "count_reported": "", "count_low": "3", "count_high": "1"},
     "count_high"),
    ({**COUNT, "source": ""}, "source"),
])
def test_bad_rows_are_named(tmp_path: Path, row: dict, column: str) -> None:
    with pytest.raises(InputError) as err:
        read(_write(tmp_path, [row]))
    assert (err.value.row, err.value.column) == (2, column)


def test_unverified_event_may_lack_a_day(tmp_path: Path) -> None:
    df = read(_write(tmp_path, [{**COUNT, "event_date": "", "period_as_stated": "July 2026",
                                 "verification": "unverified"}]))
    assert df["event_date"].to_list() == [None] and df["period_as_stated"].to_list() == ["July 2026"]


def test_duplicate_event_ids_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read(_write(tmp_path, [COUNT, COUNT]))
    assert (err.value.row, err.value.column) == (3, "event_id")
