"""The curated reference tables agree with the shared verified facts they are curated from.

The offence crosswalk (with its verified ICCS codes and Convention articles), the Convention status
events and the headline loss series are edited by hand (data/reference/*/<release>/, each with a
hand-written sidecar). What tools/build_extracts.py used to enforce while generating them is checked
here, on the curated files and the facts: every draft row is represented, renamed IC3 labels copy
their draft row, codes and articles are the verified ones, every Convention event of the facts is
recorded with its grade, and every headline series exists. Properties of a table on its own
(vocabularies, codes in the verified lists) are also expectations of its suite
(pipelines/quality/suites.py); the last test runs those suites on the bundled tables.
"""

import csv
import hashlib
import re
from pathlib import Path

import polars as pl
import pytest
import yaml

from pipelines.quality.runner import run_suite
from pipelines.quality.suites import References, suite_for
from pipelines.sources import convention_status, fbi_ic3, loss_series, national_figures, offence_crosswalk
from tests.conftest import BUNDLED, FACTS, SHARED

REFERENCE = BUNDLED / "reference"
CROSSWALK_RELEASE = next((REFERENCE / "offence_crosswalk").iterdir())
CURATED_FILES = sorted([*CROSSWALK_RELEASE.glob("*.csv"), *(REFERENCE / "convention_status").glob("*/*.csv"),
                        *(REFERENCE / "loss_series").glob("*/*.csv")])
#: The fields that carry a mapping (what a renamed label copies from its draft row).
MAPPING = ("iccs_code", "iccs_label", "cy_tag", "convention_articles", "convention_offence", "budapest_articles",
           "mapping_confidence", "mapping_status")
DRAFT_SOURCE_IDS = {"UNODC_CTS": "unodc_cts", "FBI_IC3": "fbi_ic3"}
#: Draft rows keyed by a label the export does not print: the 2022 indicator "Victims of sexual
#: exploitation" prints Category "Total" (taxonomy_facts.md §4 notes).
DRAFT_RELABELLED = {"Victims of sexual exploitation": ("Total", "Victims of sexual exploitation")}
#: IC3 labels printed in other years than a draft label, mapped as that label (taxonomy_facts.md §5, draft notes).
IC3_RENAMED = {
    "Phishing/Vishing/Smishing/Pharming": "Phishing", "Corporate Data Breach": "Data Breach", "BEC/EAC": "BEC",
    "Confidence Fraud/Romance": "Confidence/Romance", "Credit Card Fraud": "Credit Card/Check Fraud",
    "Lottery/Sweepstakes": "Lottery/Sweepstakes/Inheritance", "Malware/Scareware/Virus": "Malware",
    "Malware/Scareware": "Malware", "Virus": "Malware", "Real Estate/Rental": "Real Estate",
    "Tech/Customer Support": "Tech Support", "419/Overpayment": "Overpayment",
}


def _read(path: Path) -> tuple[str, pl.DataFrame]:
    return offence_crosswalk.read(path, path.name, path.parent.name)


@pytest.fixture(scope="module")
def lists() -> dict[str, pl.DataFrame]:
    return dict(_read(p) for p in sorted(CROSSWALK_RELEASE.glob("*.csv")))


@pytest.fixture(scope="module")
def crosswalk(lists: dict[str, pl.DataFrame]) -> dict[tuple[str, str], dict]:
    return {(r["source_id"], r["source_category"]): r for r in lists["mappings"].iter_rows(named=True)}


def _csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _markdown_table(section: str) -> list[list[str]]:
    """The body rows of the first Markdown table in ``section`` (cells stripped, bold removed)."""
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[c.strip().replace("**", "") for c in line.strip().strip("|").split("|")] for line in rows[2:]]


def _section(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


# --- every curated table: hand-written, and in step with the facts it names --------------------------

@pytest.mark.parametrize("path", CURATED_FILES, ids=lambda p: p.relative_to(REFERENCE).as_posix())
def test_the_facts_a_table_was_curated_from_are_unchanged(path: Path, facts: Path) -> None:
    side = yaml.safe_load(path.with_name(path.name + ".source.yml").read_text(encoding="utf-8"))
    for fact in side["curated"]["from"]:
        data = (SHARED / fact["file"]).read_bytes()
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (fact["sha256"], fact["bytes"]), (
            f"shared/data/{fact['file']} changed since {path.relative_to(BUNDLED)} was curated from it: review "
            f"the rows that rest on it ({fact['used_for']}), then update sha256 and bytes in its sidecar")


# --- offence crosswalk: the verified lists ----------------------------------------------------------

def test_iccs_codes_are_those_of_taxonomy_facts_3_1(lists: dict[str, pl.DataFrame]) -> None:
    table = _markdown_table(_section((FACTS / "taxonomy_facts.md").read_text(encoding="utf-8"),
                                     "### 3.1 Codes and labels", "OAS glossary pages"))
    facts: dict[str, tuple[str, str, str]] = {}  # code -> (its part of the label cell, the cell, the page)
    for code_cell, label_cell, page in table:
        codes = [c.strip() for c in code_cell.split("/")]
        parts = [p.strip() for p in label_cell.split(" / ")] if len(codes) > 1 else [label_cell]
        for code, part in zip(codes, parts, strict=True):
            facts[code] = (part, label_cell, page)
    codes = lists["iccs_codes"]
    assert set(codes["iccs_code"]) == set(facts)
    for row in codes.iter_rows(named=True):
        part, cell, page = facts[row["iccs_code"]]
        # The label without its inclusions ('Other acts of fraud (incl. ...)'); the facts shorten the second of
        # two labels in one cell ('Sexual exploitation of adults / of children').
        assert part.startswith(row["iccs_label"]) or row["iccs_label"].endswith(part), row
        assert (row["facts_label"], row["printed_page"], row["facts_ref"]) == (cell, page, "taxonomy_facts.md §3.1")


def test_convention_articles_are_those_of_taxonomy_facts_1_2_and_2(lists: dict[str, pl.DataFrame]) -> None:
    text = (FACTS / "taxonomy_facts.md").read_text(encoding="utf-8")
    un = {int(r[0]): r[1] for r in _markdown_table(_section(text, "### 1.2", "**The belief list")) if r[0].isdigit()}
    budapest = {int(r[0]): r[1] for r in _markdown_table(_section(text, "## 2. Council of Europe", "Art. 1 defines"))
                if r[0].isdigit()}
    articles = lists["convention_articles"]
    rows = {(r["treaty"], r["article"]): r for r in articles.iter_rows(named=True)}
    # Chapter II offences only: UN arts 7-17 (18-21 are not offences), Budapest arts 2-10 (11 is ancillary).
    assert {a for t, a in rows if t == "un_cybercrime"} == set(range(7, 18)) == set(un) & set(range(7, 18))
    assert {a for t, a in rows if t == "budapest"} == set(range(2, 11)) == set(budapest) - {11}
    for (treaty, article), row in rows.items():
        facts_title = un[article] if treaty == "un_cybercrime" else budapest[article]
        assert row["facts_title"] == facts_title, row
        short = re.sub("[Ii]nformation and communications technology system", "ICT system", facts_title)
        assert row["title"] == short[0].upper() + short[1:], row
        assert row["facts_ref"] == ("taxonomy_facts.md §1.2" if treaty == "un_cybercrime" else "taxonomy_facts.md §2")


# --- offence crosswalk: the rows ---------------------------------------------------------------------

def _articles(text: str) -> str | None:
    numbers = sorted({int(a) for a in text.split(";") if a.strip()})
    return ";".join(map(str, numbers)) or None


def test_every_draft_row_is_represented(crosswalk: dict[tuple[str, str], dict],
                                        lists: dict[str, pl.DataFrame]) -> None:
    """Draft rows keep their mapping: '+Cy=1' split into code and tag, article lists sorted, titles checked."""
    labels = dict(lists["iccs_codes"].select("iccs_code", "iccs_label").iter_rows())
    draft = _csv(FACTS / "offence_crosswalk_draft.csv")
    by_basis = {}
    for row in crosswalk.values():
        by_basis.setdefault(row["mapping_basis"], []).append(row)
    for n, d in enumerate(draft, start=2):
        (row,) = by_basis[f"offence_crosswalk_draft.csv row {n}"]
        category, indicator = DRAFT_RELABELLED.get(d["source_category"], (d["source_category"], None))
        assert (row["source_id"], row["source_category"], row["source_indicator"]) == (
            DRAFT_SOURCE_IDS[d["source_system"]], category, indicator), n
        code, _, cy = d["iccs_code"].partition("+Cy=")
        if not code:  # the draft leaves it without a code (IC3 'Other': its 'proxy' stood for 'none')
            assert row["mapping_status"] == "unmapped" and row["notes"].startswith("Unmapped."), n
            continue
        assert (row["iccs_code"], row["cy_tag"], row["convention_articles"], row["budapest_articles"],
                row["mapping_confidence"], row["mapping_status"]) == (
            code, int(cy) if cy else None, _articles(d["convention_article"]), _articles(d["budapest_article"]),
            d["mapping_confidence"], "mapped"), n
        assert d["iccs_label"].startswith(labels[code]), n  # the draft label is the ICCS label (maybe abridged)
        titles = {t.strip() for t in d["convention_offence"].split(";") if t.strip()}
        assert titles == set((row["convention_offence"] or "").split("; ")) - {""}, n


def test_renamed_ic3_labels_copy_their_draft_row(crosswalk: dict[tuple[str, str], dict]) -> None:
    renamed = {}
    for (source_id, category), row in crosswalk.items():
        m = re.fullmatch(r"offence_crosswalk_draft\.csv row (\d+) \((.+)\), renamed label", row["mapping_basis"] or "")
        if m:
            renamed[category] = m.group(2)
            base = crosswalk[(source_id, m.group(2))]
            assert base["mapping_basis"] == f"offence_crosswalk_draft.csv row {m.group(1)}", category
            assert {c: row[c] for c in MAPPING} == {c: base[c] for c in MAPPING}, category
            assert row["parent_category"] == base["parent_category"], category
            assert f"Mapping copied from '{m.group(2)}'" in row["notes"], category
    assert renamed == IC3_RENAMED


def test_every_mapping_rests_on_a_fact_and_every_unmapped_row_says_why(
        crosswalk: dict[tuple[str, str], dict]) -> None:
    basis = re.compile(r"^(offence_crosswalk_draft\.csv row \d+|draft rows? .+|.*taxonomy_facts\.md §\d)")
    for key, row in crosswalk.items():
        if row["mapping_status"] == "mapped":
            assert basis.match(row["mapping_basis"] or ""), key
        else:
            assert row["notes"].startswith("Unmapped."), key
            assert all(row[c] is None for c in MAPPING if c != "mapping_status"), key
    # The facts cover the cyber-relevant CTS categories only: every other CTS category is unmapped.
    draft_cts = {DRAFT_RELABELLED.get(d["source_category"], (d["source_category"],))[0]
                 for d in _csv(FACTS / "offence_crosswalk_draft.csv") if d["source_system"] == "UNODC_CTS"}
    for (source_id, category), row in crosswalk.items():
        if source_id == "unodc_cts" and category not in draft_cts:
            assert row["mapping_status"] == "unmapped", category


def test_parents_follow_the_cts_labels_the_iccs_hierarchy_and_the_ncrb_tables(
        crosswalk: dict[tuple[str, str], dict]) -> None:
    for (source_id, category), row in crosswalk.items():
        prefix = category.split(": ")[0]
        if source_id == "unodc_cts" and prefix != category and (source_id, prefix) in crosswalk:
            assert row["parent_category"] == prefix, category  # 'Parent: child' names its parent
    # ICCS 030221 (child pornography) is a class of 0302 (sexual exploitation), ICCS p.52.
    assert crosswalk[("unodc_cts", "Child pornography")]["parent_category"] == "Sexual Exploitation"
    assert crosswalk[("ncrb", "Total")]["parent_category"] == "Total cyber crimes"
    assert {c: r["parent_category"] for (s, c), r in crosswalk.items() if s == "ncrb" and len(c) == 1} == dict.fromkeys(
        "ABCDE", "Total")


# --- Convention status events ------------------------------------------------------------------------

EVENTS = next((REFERENCE / "convention_status").glob("*/convention_events.csv"))
GRADES = {"yes": "verified", "secondary": "verified_secondary"}
#: Rows graded more cautiously than the events file: it grades them 'secondary' but calls the source
#: tertiary, and taxonomy_facts.md §1.1 grades the same May 2026 report 'unverified (tertiary)'.
DOWNGRADED = {"Qatar", "Viet Nam"}


@pytest.fixture(scope="module")
def events() -> pl.DataFrame:
    return convention_status.read(EVENTS, EVENTS.name, EVENTS.parent.name)


def test_every_event_of_the_events_file_is_recorded_with_its_grade(events: pl.DataFrame) -> None:
    rows = events.to_dicts()
    for n, f in enumerate(_csv(FACTS / "convention_status_events.csv"), start=2):
        (row,) = [r for r in rows if re.search(rf"\bconvention_status_events\.csv row {n}$", r["facts_ref"])]
        is_signature = f["event"] == "signature"
        assert (row["event_type"], row["participant"], row["participant_type"]) == (
            "signature" if is_signature else "domestic_ratification_step", f["participant"],
            "state" if f["country_iso3"] else "reio"), n
        assert (row["event_date"].isoformat() if row["event_date"] else "", row["period_as_stated"],
                row["source_url"]) == (f["date"], f["date_as_stated"], f["source_url"]), n
        downgraded = not is_signature and f["participant"] in DOWNGRADED
        assert row["verification"] == ("unverified" if downgraded else GRADES[f["verified"]]), n
        if row["event_id"] != "signature_eu":  # the EU's signature is also a §1.1 fact, with that row's wording
            assert row["source"] == f["source_title"] and row["notes"].startswith(f"Stage: {f['event_stage']}. "), n
            assert f["notes"] in row["notes"], n


def test_the_other_events_are_facts_of_section_1_1_and_agree_with_each_other(events: pl.DataFrame) -> None:
    others = events.filter(~pl.col("facts_ref").str.starts_with("convention_status_events.csv"))
    assert others["facts_ref"].str.starts_with("taxonomy_facts.md §1.1").all()
    assert others.height == 10
    # No deposit of an instrument is in the facts: nothing counts toward entry into force yet.
    assert events.filter(pl.col("event_type") == "instrument_deposit").height == 0
    # The signatures read one by one never exceed the verified count (72 at the end of the ceremony).
    signatures = events.filter(pl.col("event_type") == "signature", pl.col("verification") == "verified")
    count = events.filter(pl.col("event_type") == "signatory_count", pl.col("verification") == "verified")
    assert signatures["participant"].n_unique() == signatures.height == 30 <= count["count_reported"].max() == 72
    assert signatures.filter(pl.col("participant_type") == "reio")["participant"].to_list() == ["European Union"]


# --- headline loss series ------------------------------------------------------------------------------

HEADLINES = next((REFERENCE / "loss_series").glob("*/headline_loss_series.csv"))


def test_headline_series_are_the_facts_readme_table_and_exist_in_the_bundled_sources() -> None:
    readme = (FACTS / "README.md").read_text(encoding="utf-8")
    table = _markdown_table(_section(readme, "## Suggested headline loss series, by country", "\n## "))
    headlines = loss_series.read(HEADLINES, HEADLINES.name, HEADLINES.parent.name)
    assert headlines["country_iso3"].to_list() == [r[0] for r in table]
    frames = [reader(p, p.name, p.parent.name) for source_id, reader in (("national_figures", national_figures.read),
                                                                          ("fbi_ic3", fbi_ic3.read))
              for p in sorted((BUNDLED / "sources" / source_id).glob("*/*.csv"))]
    losses = pl.concat(frames, how="diagonal_relaxed").filter(pl.col("measure") == "loss")
    for row, (country, cell, _) in zip(headlines.iter_rows(named=True), table, strict=True):
        if row["series"] is None:  # Viet Nam: by decision no headline series
            assert cell.startswith("No consistent official series"), country
            continue
        series = losses.filter(pl.col("country_iso3") == country, pl.col("series") == row["series"])
        assert series.height > 0, f"{country}: no loss figures of series {row['series']!r} in the bundled sources"
        # The series is the publisher the README names ('FBI IC3 ...', 'SPF scam ...', 'CERT NZ ...').
        named = {w for w in re.split(r"[\s/]+", cell.split("`")[0].split("(")[0]) if len(w) >= 3}
        assert any(w in series["publisher"][0] for w in named), (country, named, series["publisher"][0])


# --- the suites hold on the bundled tables ------------------------------------------------------------

def test_the_suites_of_the_curated_tables_hold_on_the_bundled_tables(lists: dict[str, pl.DataFrame],
                                                                      events: pl.DataFrame) -> None:
    m49 = _csv(REFERENCE / "un_m49" / "2024-09-25" / "m49_countries.csv")
    refs = References(sets={"iccs_codes": frozenset(lists["iccs_codes"]["iccs_code"]),
                            "area_codes": frozenset(r["ISO-alpha3 Code"] for r in m49)},
                      tables={"iccs_codes": lists["iccs_codes"], "convention_articles": lists["convention_articles"]})
    frames = {"stg_offence_crosswalk__mappings": lists["mappings"],
              "stg_offence_crosswalk__iccs_codes": lists["iccs_codes"],
              "stg_offence_crosswalk__convention_articles": lists["convention_articles"],
              "stg_convention_status__events": events,
              "stg_loss_series__headlines": loss_series.read(HEADLINES, HEADLINES.name, "x")}
    for table, frame in frames.items():
        results = run_suite(frame, suite_for("staging", table), refs)
        assert results and [(r.expectation, r.column, r.note) for r in results if not r.success] == [], table
