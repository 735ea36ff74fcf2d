"""The Convention's events and its status over time: verified events counted once, reports apart, dates."""

from datetime import date

import polars as pl
import pytest

from pipelines.harmonise.convention import (
    STAGES,
    convention_status,
    days_until,
    participant_events,
    status_over_time,
)
from pipelines.sources import convention_status as reader
from tests.conftest import BUNDLED

SCHEMA = {"event_id": pl.String, "event_type": pl.String, "event_date": pl.Date, "period_as_stated": pl.String,
          "participant": pl.String, "participant_type": pl.String, "count_reported": pl.Int64,
          "count_low": pl.Int64, "count_high": pl.Int64, "verification": pl.String, "source": pl.String,
          "source_url": pl.String, "facts_ref": pl.String, "notes": pl.String, "source_file": pl.String,
          "source_row": pl.Int64}
CLOSE = date(2026, 12, 31)


def ev(event_id: str, event_type: str, day: date | None, who: str | None = None, *, grade: str = "verified",
       kind: str = "state", count: int | None = None, notes: str | None = None) -> dict:
    return {"event_id": event_id, "event_type": event_type, "event_date": day, "participant": who,
            "participant_type": kind if who else None, "count_reported": count, "verification": grade,
            "source": "UNTC", "facts_ref": "test", "notes": notes, "source_file": "f.csv", "source_row": 2}


def frame(*rows: dict) -> pl.DataFrame:
    closing = ev("close", "closing_of_signature", CLOSE)
    return pl.DataFrame([{c: r.get(c) for c in SCHEMA} for r in (closing, *rows)], schema=SCHEMA)


def test_only_verified_dated_signatures_and_state_deposits_count_once_each() -> None:
    events = frame(
        ev("s1", "signature", date(2025, 10, 25), "A", notes="Stage: signature (Hanoi ceremony). Read in UNTC."),
        ev("s1b", "signature", date(2025, 11, 3), "A"),  # a repeated row is not a second signature
        ev("s2", "signature", date(2025, 10, 25), "B", grade="verified_secondary"),
        ev("s3", "signature", None, "C", grade="unverified"),
        ev("eu", "signature", date(2025, 10, 25), "European Union", kind="reio"),
        ev("d1", "instrument_deposit", date(2026, 3, 1), "A"),
        ev("d2", "instrument_deposit", date(2026, 3, 2), "European Union", kind="reio"),
        ev("d3", "instrument_deposit", date(2026, 3, 3), "D", grade="verified_secondary"),
        ev("r1", "domestic_ratification_step", date(2026, 2, 10), "B"),  # verified, but a domestic step
        ev("n", "signatory_count", date(2025, 10, 26), count=72),  # not a participant event
    )
    out = participant_events(events)
    counted = dict(zip(out["event_id"], out["is_counted"], strict=True))
    assert counted == {"s1": True, "s1b": False, "s2": False, "s3": False, "eu": True, "d1": True, "d2": False,
                       "d3": False, "r1": False}
    assert set(out["stage"]) == set(STAGES.values())
    # The facts' wording of the stage is read from the curated notes ("Stage: ...."); absent: null.
    stages = dict(zip(out["event_id"], out["stage_as_stated"], strict=True))
    assert (stages["s1"], stages["s1b"]) == ("signature (Hanoi ceremony)", None)
    # Undated events come last; dated ones in date order.
    assert out["event_id"][-1] == "s3" and out["event_date"].drop_nulls().is_sorted()


def test_status_over_time_counts_up_to_each_date_and_keeps_reports_apart() -> None:
    events = frame(
        *(ev(f"s{i}", "signature", date(2025, 10, 25), f"S{i}") for i in range(3)),
        ev("q", "signature", date(2025, 10, 25), "Q", grade="verified_secondary"),
        ev("n65", "signatory_count", date(2025, 10, 25), count=65, grade="verified_secondary"),
        ev("n72", "signatory_count", date(2025, 10, 26), count=72),
        ev("aze1", "domestic_ratification_step", date(2026, 2, 10), "AZE", grade="verified_secondary"),
        ev("aze2", "domestic_ratification_step", date(2026, 2, 23), "AZE", grade="verified_secondary"),
        ev("d", "instrument_deposit", date(2026, 3, 1), "S0"),
        ev("qat", "domestic_ratification_step", None, "QAT", grade="unverified"),  # undated: in no row
    )
    rows = {r["as_of_date"]: r for r in status_over_time(events).iter_rows(named=True)}
    assert list(rows) == [date(2025, 10, 25), date(2025, 10, 26), date(2026, 2, 10), date(2026, 2, 23),
                          date(2026, 3, 1)]
    first = rows[date(2025, 10, 25)]
    # No verified count yet on day 1 (65 is secondary): the signatures listed one by one are the verified figure.
    assert (first["signatories_verified"], first["signatory_count_verified"], first["signatures_listed_verified"],
            first["signatures_reported_not_verified"]) == (3, None, 3, 1)
    assert (first["events_on_date"], first["events_on_date_verified"]) == (5, 3)
    assert "3 signatures (UNTC) [verified]" in first["evidence_on_date"]
    assert "65 signatories (UNTC) [verified_secondary]" in first["evidence_on_date"]
    assert rows[date(2025, 10, 26)]["signatories_verified"] == 72
    # Azerbaijan's two domestic steps are one participant, never counted toward the 40.
    feb = rows[date(2026, 2, 23)]
    assert (feb["ratifications_verified"], feb["ratifications_still_needed"], feb["ratification_steps_not_counted"]) \
        == (0, 40, 1)
    march = rows[date(2026, 3, 1)]
    assert (march["ratifications_verified"], march["ratifications_still_needed"]) == (1, 39)
    assert march["days_until_signature_closes"] == (CLOSE - date(2026, 3, 1)).days == 305
    assert first["days_until_signature_closes"] == 432


def test_days_until_counts_from_the_date_given_never_the_clock() -> None:
    assert days_until(CLOSE, date(2026, 12, 8)) == 23
    assert days_until(CLOSE, CLOSE) == 0
    assert days_until(CLOSE, date(2027, 1, 2)) == -2
    assert days_until(None, date(2026, 12, 8)) is None


def test_newest_evidence_is_the_newest_dated_event_of_any_grade() -> None:
    events = frame(ev("n72", "signatory_count", date(2025, 10, 26), count=72),
                   ev("aze", "domestic_ratification_step", date(2026, 2, 23), "AZE", grade="verified_secondary"),
                   ev("can", "signature", None, "Canada", grade="unverified"))
    row = convention_status(events).row(0, named=True)
    assert row["newest_evidence_on"] == date(2026, 2, 23)
    assert row["newest_evidence"].startswith("2026-02-23: domestic ratification step") and "[verified_secondary]" in \
        row["newest_evidence"]
    assert row["ratifications_as_of"] == date(2025, 10, 26)  # the newest *verified* evidence stays apart


@pytest.fixture(scope="module")
def bundled() -> pl.DataFrame:
    path = next((BUNDLED / "reference" / "convention_status").glob("*/convention_events.csv"))
    return reader.read(path, path.name, path.parent.name)


def test_the_bundled_events_give_72_signatories_and_no_counted_ratification(bundled: pl.DataFrame) -> None:
    events = participant_events(bundled)
    # Every row of facts/convention_status_events.csv (50) plus the unverified report of Canada's signature.
    from_events_file = events.filter(pl.col("facts_ref").str.contains("convention_status_events.csv row", literal=True))
    assert events.height == 51 and from_events_file.height == 50
    assert events.filter("is_counted")["event_type"].unique().to_list() == ["signature"]
    assert events.filter("is_counted").height == 30  # read one by one on the UNTC page (29 States and the EU)
    timeline = status_over_time(bundled)
    assert timeline["as_of_date"].to_list() == [date(2025, 10, 25), date(2025, 10, 26), date(2026, 2, 10),
                                                date(2026, 2, 23)]
    assert timeline["signatories_verified"].to_list() == [30, 72, 72, 72]
    assert timeline["ratifications_verified"].to_list() == [0, 0, 0, 0]
    assert timeline["ratification_steps_not_counted"].to_list() == [0, 0, 1, 1]  # Azerbaijan, no deposit seen
    assert timeline["days_until_signature_closes"][-1] == 311
