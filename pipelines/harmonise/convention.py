"""UN Convention against Cybercrime: signature and ratification status, entry into force.

Art. 65(1) (quoted on the UN Treaty Collection page, taxonomy_facts.md §1.1): the Convention
enters into force "on the ninetieth day after the date of deposit of the fortieth instrument of
ratification, acceptance, approval or accession"; an instrument deposited by a regional economic
integration organization (REIO, e.g. the European Union) does not count in addition to those of
its member States. Only ``verified`` events drive the counts; secondary and unverified reports are
shown beside them, never added.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

RATIFICATIONS_REQUIRED = 40
DAYS_AFTER_DEPOSIT = 90
ENTRY_INTO_FORCE_RULE = (
    "Art. 65(1): on the 90th day after the deposit of the 40th instrument of ratification, acceptance, approval or "
    "accession; an instrument deposited by a regional economic integration organization is not counted in addition "
    "to those of its member States. Only verified deposits count."
)


@dataclass(frozen=True)
class EntryIntoForce:
    instruments_counted: int  # verified State instruments (one per State, REIO not counted)
    fortieth_deposit_date: date | None
    entry_into_force_date: date | None

    @property
    def reached(self) -> bool:
        return self.entry_into_force_date is not None

    @property
    def still_needed(self) -> int:
        return max(RATIFICATIONS_REQUIRED - self.instruments_counted, 0)


def entry_into_force(events: pl.DataFrame) -> EntryIntoForce:
    """Apply art. 65(1) to the ``instrument_deposit`` events of a status table.

    Counted: verified deposits by States (``participant_type = 'state'``), the earliest per State
    (a State deposits one instrument; a repeated row is not a second instrument). REIO deposits
    and unverified or secondary reports are ignored. Fewer than 40 counted: no date (null), never a
    projected one.
    """
    deposits = events.filter(
        pl.col("event_type") == "instrument_deposit", pl.col("verification") == "verified",
        pl.col("participant_type") == "state", pl.col("event_date").is_not_null(),
    ).group_by("participant").agg(pl.col("event_date").min()).sort("event_date", "participant")
    counted = deposits.height
    if counted < RATIFICATIONS_REQUIRED:
        return EntryIntoForce(counted, None, None)
    fortieth = deposits["event_date"][RATIFICATIONS_REQUIRED - 1]
    return EntryIntoForce(counted, fortieth, fortieth + timedelta(days=DAYS_AFTER_DEPOSIT))


#: Event types that observe the status (who has signed, deposited or ratified at home), as opposed to
#: fixed dates. A domestic ratification step is listed with the reports; only deposits are counted.
STATUS_EVENTS = ("signatory_count", "signature", "instrument_deposit", "domestic_ratification_step",
                 "ratification_count_report")


def _latest_verified(events: pl.DataFrame, event_type: str) -> dict | None:
    rows = events.filter(pl.col("event_type") == event_type, pl.col("verification") == "verified",
                         pl.col("event_date").is_not_null()).sort("event_date", "event_id")
    return rows.row(-1, named=True) if rows.height else None


def _verified_date(events: pl.DataFrame, event_type: str) -> date | None:
    row = _latest_verified(events, event_type)
    return row["event_date"] if row else None


def _newest_evidence(events: pl.DataFrame) -> dict | None:
    """The newest dated status event of any grade (the date of the newest evidence the reference holds)."""
    rows = events.filter(pl.col("event_type").is_in(STATUS_EVENTS), pl.col("event_date").is_not_null()).sort(
        "event_date", "event_id")
    return rows.row(-1, named=True) if rows.height else None


def convention_status(events: pl.DataFrame) -> pl.DataFrame:
    """One row: verified signatories and ratifications with their as-of dates, the entry-into-force
    state under art. 65(1), and the unverified or secondary reports listed separately."""
    verified = events.filter(pl.col("verification") == "verified")
    signatories = _latest_verified(events, "signatory_count")
    # Deposits are known up to the newest verified status observation (not a scheduled date).
    as_of = verified.filter(pl.col("event_type").is_in(STATUS_EVENTS))["event_date"].max()
    reio_signatures = verified.filter(pl.col("event_type") == "signature", pl.col("participant_type") == "reio",
                                      pl.col("event_date") <= (signatories or {}).get("event_date", date.max))
    deposits = verified.filter(pl.col("event_type") == "instrument_deposit")
    eif = entry_into_force(events)
    def reports(verification: str) -> str | None:
        rows = events.filter(pl.col("verification") == verification, pl.col("event_type").is_in(STATUS_EVENTS))
        return " | ".join(_describe(r) for r in rows.iter_rows(named=True)) or None

    count = signatories["count_reported"] if signatories else None
    newest = _newest_evidence(events)
    return pl.DataFrame([{
        "adopted_on": _verified_date(events, "adoption"),
        "opened_for_signature_on": _verified_date(events, "opening_for_signature"),
        "signature_open_until": _verified_date(events, "closing_of_signature"),
        "signatories_verified": count,
        "signatories_reio_verified": reio_signatures.height if signatories else None,
        "signatory_states_verified": count - reio_signatures.height if count is not None else None,
        "signatories_as_of": signatories["event_date"] if signatories else None,
        "signatories_source": f"{signatories['source']} ({signatories['facts_ref']})" if signatories else None,
        "ratifications_verified": deposits.height,
        "ratifications_counted_for_entry_into_force": eif.instruments_counted,
        "ratifications_as_of": as_of,
        "ratifications_required": RATIFICATIONS_REQUIRED,
        "ratifications_still_needed": eif.still_needed,
        "entry_into_force_reached": eif.reached,
        "fortieth_instrument_deposited_on": eif.fortieth_deposit_date,
        "entry_into_force_date": eif.entry_into_force_date,
        "entry_into_force_rule": ENTRY_INTO_FORCE_RULE,
        "unverified_reports": reports("unverified"),
        "secondary_reports": reports("verified_secondary"),
        "events_verified": verified.height,
        "events_not_verified": events.height - verified.height,
        "newest_evidence_on": (newest or {}).get("event_date"),
        "newest_evidence": _describe(newest) + f" [{newest['verification']}]" if newest else None,
    }], schema=STATUS_SCHEMA)


def _describe(row: dict) -> str:
    when = row["event_date"].isoformat() if row["event_date"] else (row["period_as_stated"] or "date not stated")
    if row["count_reported"] is not None:
        what = f"{row['count_reported']}"
    elif row["count_low"] is not None:
        what = f"{row['count_low']}-{row['count_high']}" if row["count_high"] is not None else f"{row['count_low']}+"
    else:
        what = ""
    label = {"signatory_count": "signatories", "ratification_count_report": "ratifications",
             "signature": "signature", "instrument_deposit": "instrument deposited",
             "domestic_ratification_step": "domestic ratification step, no deposit seen"}[row["event_type"]]
    if row["event_type"] == "signature" and what:
        label = "signatures"
    who = f" ({row['participant']})" if row["participant"] else ""
    return f"{when}: {what + ' ' if what else ''}{label}{who} ({row['source']})"


STATUS_SCHEMA = {
    "adopted_on": pl.Date, "opened_for_signature_on": pl.Date, "signature_open_until": pl.Date,
    "signatories_verified": pl.Int64, "signatories_reio_verified": pl.Int64, "signatory_states_verified": pl.Int64,
    "signatories_as_of": pl.Date, "signatories_source": pl.String, "ratifications_verified": pl.Int64,
    "ratifications_counted_for_entry_into_force": pl.Int64, "ratifications_as_of": pl.Date,
    "ratifications_required": pl.Int64, "ratifications_still_needed": pl.Int64, "entry_into_force_reached": pl.Boolean,
    "fortieth_instrument_deposited_on": pl.Date, "entry_into_force_date": pl.Date, "entry_into_force_rule": pl.String,
    "unverified_reports": pl.String, "secondary_reports": pl.String, "events_verified": pl.Int64,
    "events_not_verified": pl.Int64, "newest_evidence_on": pl.Date, "newest_evidence": pl.String,
}


def status_problems(status: pl.DataFrame, events: pl.DataFrame) -> list[str]:
    """What in ``marts.convention_status`` contradicts art. 65(1) or the verified events (empty = none)."""
    if status.height != 1:
        return [f"expected one status row, found {status.height}"]
    s = status.row(0, named=True)
    problems = []
    counted, reached, fortieth, eif = (s["ratifications_counted_for_entry_into_force"], s["entry_into_force_reached"],
                                       s["fortieth_instrument_deposited_on"], s["entry_into_force_date"])
    if s["ratifications_required"] != RATIFICATIONS_REQUIRED:
        problems.append(f"ratifications_required is {s['ratifications_required']}, art. 65(1) says 40")
    if reached != (counted >= RATIFICATIONS_REQUIRED):
        problems.append(f"entry_into_force_reached={reached} with {counted} counted instruments")
    if reached and (fortieth is None or eif != fortieth + timedelta(days=DAYS_AFTER_DEPOSIT)):
        problems.append(f"entry into force {eif} is not the 40th deposit ({fortieth}) + 90 days")
    if not reached and (eif is not None or fortieth is not None):
        problems.append(f"a date ({eif}) before 40 instruments are counted")
    if s["ratifications_still_needed"] != max(RATIFICATIONS_REQUIRED - counted, 0):
        problems.append(f"ratifications_still_needed={s['ratifications_still_needed']} with {counted} counted")
    if counted > s["ratifications_verified"]:
        problems.append(f"{counted} counted instruments but only {s['ratifications_verified']} verified deposits")
    latest = _latest_verified(events, "signatory_count")
    if (latest or {}).get("count_reported") != s["signatories_verified"]:
        problems.append(f"signatories_verified={s['signatories_verified']}, latest verified count in the reference is "
                        f"{(latest or {}).get('count_reported')}")
    return problems


# --- events and the status over time --------------------------------------------------------------------

#: The stages of one participant's path to being bound, by event type, as the events table words them.
STAGES = {"signature": "signature", "domestic_ratification_step": "domestic ratification step (no deposit seen)",
          "instrument_deposit": "instrument deposited with the UN Secretary-General"}
#: ``stage_as_stated``: the facts file's own wording of the stage, which the curated table puts first in
#: the notes ("Stage: signature (Hanoi ceremony). ...", reference/convention_status sidecar, method).
_STAGE_IN_NOTES = r"^Stage: (.+?)\.(?:\s|$)"


def participant_events(events: pl.DataFrame) -> pl.DataFrame:
    """One row per participant and event (a signature, a domestic ratification step, a deposit), dated
    where the source gives the day, with its grade and whether it is counted.

    ``is_counted``: a verified signature (the participant's first) counts among the signatures listed;
    a verified deposit by a State (its first) counts toward the 40 of art. 65(1). Secondary and
    unverified events, domestic steps and a REIO's deposit are never counted.
    """
    rows = events.filter(pl.col("event_type").is_in(list(STAGES))).sort(
        "event_date", "participant", "event_id", nulls_last=True)
    seen: set[tuple[str, str]] = set()
    counted = []
    for r in rows.select("event_type", "participant", "participant_type", "verification",
                         "event_date").iter_rows(named=True):
        countable = (r["verification"] == "verified" and r["event_date"] is not None
                     and (r["event_type"] == "signature"
                          or (r["event_type"] == "instrument_deposit" and r["participant_type"] == "state")))
        key = (r["event_type"], r["participant"])
        counted.append(countable and key not in seen)
        if countable:
            seen.add(key)
    return rows.select(
        "event_id", "event_date", "period_as_stated", "participant", "participant_type", "event_type",
        pl.col("event_type").replace_strict(STAGES).alias("stage"),
        pl.col("notes").str.extract(_STAGE_IN_NOTES, 1).alias("stage_as_stated"),
        "verification", (pl.col("verification") == "verified").alias("is_verified"),
        pl.Series("is_counted", counted, dtype=pl.Boolean),
        "source", "source_url", "facts_ref", "source_file", "source_row",
    )


def days_until(closes_on: date | None, on: date) -> int | None:
    """Days from ``on`` to ``closes_on`` (0 on the day itself, negative once it has passed; None without
    a closing date). The site passes the publication date, never the wall clock."""
    return None if closes_on is None else (closes_on - on).days


def status_over_time(events: pl.DataFrame) -> pl.DataFrame:
    """The status as it stood on each date for which the reference holds dated evidence (any grade):
    verified signatories and ratifications counted up to that date, what is still needed, and the
    secondary or unverified reports up to that date shown apart (never added).

    ``signatories_verified`` is the latest verified signatory count up to the date, or the number of
    verified signatures listed one by one when that is larger (or when no count is dated yet): both are
    verified readings of the same list. ``days_until_signature_closes`` counts from the row's date to the
    verified closing of signature (art. 64).
    """
    closes = _verified_date(events, "closing_of_signature")
    dated = events.filter(pl.col("event_type").is_in(STATUS_EVENTS), pl.col("event_date").is_not_null())
    parts = participant_events(events).filter(pl.col("event_date").is_not_null())
    counts = dated.filter(pl.col("event_type") == "signatory_count", pl.col("verification") == "verified").sort(
        "event_date", "event_id")
    rows = []
    for day in sorted(set(dated["event_date"].to_list())):
        upto = parts.filter(pl.col("event_date") <= day)
        listed = upto.filter(pl.col("is_counted"), pl.col("event_type") == "signature")
        deposits = upto.filter(pl.col("is_counted"), pl.col("event_type") == "instrument_deposit")
        count = counts.filter(pl.col("event_date") <= day)["count_reported"]
        latest = count[-1] if count.len() else None
        signed = set(listed["participant"])
        reported_signatures = set(upto.filter(~pl.col("is_verified"), pl.col("event_type") == "signature")[
            "participant"]) - signed
        steps = set(upto.filter(~pl.col("is_verified") | (pl.col("event_type") == "domestic_ratification_step"),
                                pl.col("event_type") != "signature")["participant"]) - set(deposits["participant"])
        today = dated.filter(pl.col("event_date") == day)
        rows.append({
            "as_of_date": day,
            "signatories_verified": max(latest or 0, listed.height) if latest is not None or listed.height else None,
            "signatory_count_verified": latest,
            "signatures_listed_verified": listed.height,
            "signatures_reported_not_verified": len(reported_signatures),
            "ratifications_verified": deposits.height,
            "ratifications_required": RATIFICATIONS_REQUIRED,
            "ratifications_still_needed": max(RATIFICATIONS_REQUIRED - deposits.height, 0),
            "ratification_steps_not_counted": len(steps),
            "events_on_date": today.height,
            "events_on_date_verified": today.filter(pl.col("verification") == "verified").height,
            "evidence_on_date": " | ".join(_describe(r) + f" [{r['verification']}]"
                                           for r in _summarise_day(today).iter_rows(named=True)),
            "days_until_signature_closes": days_until(closes, day),
        })
    return pl.DataFrame(rows, schema=OVER_TIME_SCHEMA)


def _summarise_day(day: pl.DataFrame) -> pl.DataFrame:
    """A day's events for ``evidence_on_date``: signatures of the same grade and source are one entry
    ("30 signature"), every other event is its own."""
    signatures = day.filter(pl.col("event_type") == "signature")
    grouped = signatures.group_by("verification", "source", maintain_order=True).agg(
        pl.len().alias("n"), pl.col("participant").first(), pl.col("period_as_stated").first())
    merged = [{"event_type": "signature", "event_date": day["event_date"][0] if day.height else None,
               "period_as_stated": g["period_as_stated"], "count_reported": g["n"] if g["n"] > 1 else None,
               "count_low": None, "count_high": None, "participant": g["participant"] if g["n"] == 1 else None,
               "source": g["source"], "verification": g["verification"]} for g in grouped.iter_rows(named=True)]
    others = day.filter(pl.col("event_type") != "signature").sort("event_id").select(
        "event_type", "event_date", "period_as_stated", "count_reported", "count_low", "count_high", "participant",
        "source", "verification").to_dicts()
    return pl.DataFrame(merged + others, schema={
        "event_type": pl.String, "event_date": pl.Date, "period_as_stated": pl.String, "count_reported": pl.Int64,
        "count_low": pl.Int64, "count_high": pl.Int64, "participant": pl.String, "source": pl.String,
        "verification": pl.String})


OVER_TIME_SCHEMA = {
    "as_of_date": pl.Date, "signatories_verified": pl.Int64, "signatory_count_verified": pl.Int64,
    "signatures_listed_verified": pl.Int64, "signatures_reported_not_verified": pl.Int64,
    "ratifications_verified": pl.Int64, "ratifications_required": pl.Int64, "ratifications_still_needed": pl.Int64,
    "ratification_steps_not_counted": pl.Int64, "events_on_date": pl.Int64, "events_on_date_verified": pl.Int64,
    "evidence_on_date": pl.String, "days_until_signature_closes": pl.Int64,
}
