"""UN Convention against Cybercrime status events (curated reference from the shared facts:
taxonomy_facts.md §1.1 and convention_status_events.csv; ``facts_ref`` names the row).

Columns::

    event_id, event_type, event_date, period_as_stated, participant, participant_type,
    count_reported, count_low, count_high, verification, source, source_url, facts_ref, notes

``event_type``: adoption | opening_for_signature | closing_of_signature | signatory_count (a
reported number of signatories) | signature (one participant signs) | instrument_deposit (one
participant deposits an instrument of ratification, acceptance, approval or accession) |
domestic_ratification_step (one participant ratifies or approves at home: a parliament's vote, a law
signed, a report that it ratified; no deposit with the UN Secretary-General seen, so never counted
toward entry into force) | ratification_count_report (a reported number of ratifications, possibly a
range).
``verification``: verified | verified_secondary | unverified; only ``verified`` rows drive the
published counts. ``event_date`` (ISO ``YYYY-MM-DD``) is given only when the source gives the day;
``period_as_stated`` keeps the wording. ``participant_type``: state | reio (regional economic
integration organization, e.g. the European Union), for signatures, deposits and domestic steps.
"""

from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.sources._curated import read_curated, refuse
from pipelines.sources._tabular import ROW

COLUMNS = (
    "event_id", "event_type", "event_date", "period_as_stated", "participant", "participant_type", "count_reported",
    "count_low", "count_high", "verification", "source", "source_url", "facts_ref", "notes",
)
EVENT_TYPES = ("adoption", "opening_for_signature", "closing_of_signature", "signatory_count", "signature",
               "instrument_deposit", "domestic_ratification_step", "ratification_count_report")
#: Event types about one participant, who must be named with its type.
PARTICIPANT_EVENTS = ("signature", "instrument_deposit", "domestic_ratification_step")
VERIFICATIONS = ("verified", "verified_secondary", "unverified")
PARTICIPANT_TYPES = ("state", "reio")
_COUNTS = ("count_reported", "count_low", "count_high")


def read(path: Path, name: str, release: str, sidecar: dict | None = None,
         sha256: str | None = None) -> pl.DataFrame:
    df = read_curated(path, name, COLUMNS, ("event_id", "event_type", "verification", "source", "facts_ref"),
                      "Convention status")
    dup = df.filter(pl.col("event_id").is_duplicated())
    if dup.height:
        raise InputError(file=name, row=int(dup[ROW][1]), column="event_id", expected="a unique event id",
                         found=dup["event_id"][0])
    dates = df["event_date"].replace("", None).str.to_date("%Y-%m-%d", strict=False)
    for rec, day in zip(df.iter_rows(named=True), dates, strict=True):
        _check_row(rec, day, name)
    return df.with_columns(
        pl.col(c).replace("", None) for c in COLUMNS if c not in ("event_id", "event_type", "verification")
    ).with_columns(
        event_date=dates,
        **{c: pl.col(c).cast(pl.Int64) for c in _COUNTS},
    ).select(*COLUMNS, source_file=pl.lit(name), source_row=pl.col(ROW))


def _check_row(rec: dict, day, name: str) -> None:
    def fail(column: str, expected: str) -> None:
        refuse(rec, name, column, expected)

    if rec["event_type"] not in EVENT_TYPES:
        fail("event_type", " | ".join(EVENT_TYPES))
    if rec["verification"] not in VERIFICATIONS:
        fail("verification", " | ".join(VERIFICATIONS))
    if rec["event_date"] and day is None:
        fail("event_date", "a date YYYY-MM-DD (or empty when the source gives no day)")
    if rec["verification"] == "verified" and day is None:
        fail("event_date", "the date of a verified event")
    if rec["participant_type"] and rec["participant_type"] not in PARTICIPANT_TYPES:
        fail("participant_type", " | ".join(PARTICIPANT_TYPES))
    if rec["event_type"] in PARTICIPANT_EVENTS:
        for column in ("participant", "participant_type"):
            if not rec[column]:
                fail(column, f"the {column.replace('_', ' ')} of a {rec['event_type']}")
    for column in _COUNTS:
        if rec[column] and not rec[column].isdigit():
            fail(column, "a whole number of parties")
    if rec["event_type"] == "signatory_count" and not rec["count_reported"]:
        fail("count_reported", "the number of signatories reported")
    if rec["event_type"] == "ratification_count_report" and not (rec["count_reported"] or rec["count_low"]):
        fail("count_reported", "a reported number of ratifications (or count_low/count_high)")
    if rec["count_low"] and rec["count_high"] and int(rec["count_low"]) > int(rec["count_high"]):
        fail("count_high", f"a number at least count_low ({rec['count_low']})")
