"""Art. 65(1) entry into force and the Convention status row: verified events only."""

from datetime import date, timedelta

import polars as pl

from pipelines.harmonise.convention import (
    DAYS_AFTER_DEPOSIT,
    RATIFICATIONS_REQUIRED,
    convention_status,
    entry_into_force,
    status_problems,
)
from pipelines.sources import convention_status as reader
from tests.conftest import BUNDLED

COLUMNS = {"event_id": pl.String, "event_type": pl.String, "event_date": pl.Date, "period_as_stated": pl.String,
           "participant": pl.String, "participant_type": pl.String, "count_reported": pl.Int64,
           "count_low": pl.Int64, "count_high": pl.Int64, "verification": pl.String, "source": pl.String,
           "facts_ref": pl.String}
START = date(2026, 1, 5)


def events(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame([{c: r.get(c) for c in COLUMNS} for r in rows], schema=COLUMNS)


def deposit(i: int, *, day: date | None = None, kind: str = "state", verification: str = "verified",
            who: str | None = None) -> dict:
    return {"event_id": f"d{i}-{who}-{kind}-{verification}", "event_type": "instrument_deposit",
            "event_date": day or START + timedelta(days=i), "participant": who or f"State {i:02d}",
            "participant_type": kind, "verification": verification, "source": "UNTC", "facts_ref": "test"}


def deposits(n: int) -> list[dict]:
    return [deposit(i) for i in range(n)]


def test_fewer_than_forty_instruments_give_no_date() -> None:
    eif = entry_into_force(events(*deposits(39)))
    assert (eif.instruments_counted, eif.reached, eif.entry_into_force_date, eif.still_needed) == (39, False, None, 1)
    assert entry_into_force(events()).instruments_counted == 0


def test_exactly_forty_enter_into_force_on_the_ninetieth_day() -> None:
    eif = entry_into_force(events(*deposits(40)))
    fortieth = START + timedelta(days=39)
    assert eif.reached and eif.fortieth_deposit_date == fortieth
    assert eif.entry_into_force_date == fortieth + timedelta(days=90) == date(2026, 5, 14)  # 13 Feb + 90 days
    assert eif.still_needed == 0
    # Later instruments do not move the date.
    assert entry_into_force(events(*deposits(45))).entry_into_force_date == eif.entry_into_force_date


def test_a_reio_instrument_is_not_counted_in_addition() -> None:
    eu = deposit(0, kind="reio", who="European Union", day=START - timedelta(days=10))
    eif = entry_into_force(events(eu, *deposits(39)))
    assert eif.instruments_counted == 39 and not eif.reached
    with_40th = entry_into_force(events(eu, *deposits(40)))
    assert with_40th.fortieth_deposit_date == START + timedelta(days=39)


def test_unverified_and_secondary_reports_are_ignored() -> None:
    rumours = [deposit(100 + i, verification=v) for i, v in enumerate(["unverified", "verified_secondary"])]
    eif = entry_into_force(events(*deposits(39), *rumours))
    assert eif.instruments_counted == 39 and eif.entry_into_force_date is None


def test_domestic_ratification_steps_are_never_counted() -> None:
    """A parliament's approval or a law signed is not a deposit with the UN Secretary-General (art. 65(1))."""
    steps = [{**deposit(i), "event_type": "domestic_ratification_step"} for i in range(40)]
    eif = entry_into_force(events(*steps))
    assert eif.instruments_counted == 0 and not eif.reached
    s = convention_status(events(*steps)).row(0, named=True)
    assert (s["ratifications_verified"], s["ratifications_still_needed"], s["events_verified"]) == (0, 40, 40)
    reported = convention_status(events(deposit(0, verification="verified_secondary") | {
        "event_type": "domestic_ratification_step"})).row(0, named=True)
    assert "domestic ratification step, no deposit seen (State 00)" in reported["secondary_reports"]


def test_one_instrument_per_state_and_same_day_deposits() -> None:
    repeated = deposit(200, who="State 00", day=START + timedelta(days=300))
    assert entry_into_force(events(*deposits(39), repeated)).instruments_counted == 39
    same_day = [deposit(i, day=START) for i in range(40)]
    assert entry_into_force(events(*same_day)).entry_into_force_date == START + timedelta(days=DAYS_AFTER_DEPOSIT)


def _bundled() -> pl.DataFrame:
    path = next((BUNDLED / "reference" / "convention_status").glob("*/convention_events.csv"))
    return reader.read(path, "convention_events.csv", "x")


def test_status_from_the_bundled_facts() -> None:
    ev = _bundled()
    status = convention_status(ev)
    s = status.row(0, named=True)
    assert (s["signatories_verified"], s["signatory_states_verified"], s["signatories_reio_verified"]) == (72, 71, 1)
    assert s["signatories_as_of"] == date(2025, 10, 26) and s["adopted_on"] == date(2024, 12, 24)
    assert s["opened_for_signature_on"] == date(2025, 10, 25) and s["signature_open_until"] == date(2026, 12, 31)
    assert (s["ratifications_verified"], s["ratifications_counted_for_entry_into_force"]) == (0, 0)
    assert s["ratifications_as_of"] == date(2025, 10, 26)  # the newest verified status source, not a scheduled date
    assert (s["ratifications_required"], s["ratifications_still_needed"]) == (RATIFICATIONS_REQUIRED, 40)
    assert s["entry_into_force_reached"] is False and s["entry_into_force_date"] is None
    assert "1-3 ratifications (Azerbaijan; Qatar; Viet Nam)" in s["unverified_reports"]
    assert "77 signatories" in s["unverified_reports"] and "65 signatories" in s["secondary_reports"]
    # convention_status_events.csv: Azerbaijan's approval law (secondary, no deposit seen) is listed, not counted.
    assert "2026-02-10: domestic ratification step, no deposit seen (Azerbaijan)" in s["secondary_reports"]
    assert "domestic ratification step, no deposit seen (Qatar)" in s["unverified_reports"]
    # Verified: adoption, opening and closing of signature, the count of 72, and the 30 signatures read in the
    # UN Treaty Collection page (29 States and the EU).
    assert (s["events_verified"], s["events_not_verified"]) == (34, 25)
    assert status_problems(status, ev) == []


def test_verified_deposits_drive_the_status() -> None:
    ev = pl.concat([_bundled().select(list(COLUMNS)), events(*deposits(40))])
    s = convention_status(ev).row(0, named=True)
    assert s["ratifications_verified"] == 40 and s["entry_into_force_reached"] is True
    assert s["entry_into_force_date"] == START + timedelta(days=39 + 90)
    assert s["ratifications_as_of"] == START + timedelta(days=39)


def test_status_problems_name_the_broken_rule() -> None:
    ev = _bundled()
    status = convention_status(ev)
    early = status.with_columns(entry_into_force_date=pl.lit(date(2026, 3, 1)))
    assert status_problems(early, ev) == ["a date (2026-03-01) before 40 instruments are counted"]
    wrong = status.with_columns(signatories_verified=pl.lit(77, pl.Int64))
    assert "latest verified count in the reference is 72" in status_problems(wrong, ev)[0]
    assert status_problems(pl.concat([status, status]), ev) == ["expected one status row, found 2"]
