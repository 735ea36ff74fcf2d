"""tools/build_extracts.py grades each national figure by where it was read (publisher's domain or not)."""

import csv
from collections import Counter
from pathlib import Path

import tools.build_extracts as build

FTC = "US Federal Trade Commission (FTC), Consumer Sentinel Network"


def grade(publisher: str, url: str, verification: str = "verified") -> str:
    return build.source_grade({"publisher": publisher, "source_url": url, "verification": verification})


def test_the_publishers_own_domain_is_verified_and_anything_else_secondary() -> None:
    assert grade(FTC, "https://www.ftc.gov/news-events/data") == "verified"
    assert grade(FTC, "https://ftc.gov/x") == "verified"
    assert grade(FTC, "https://notftc.gov/x") == "secondary"  # a domain ending in the name is not it
    assert grade(FTC, "https://www.helpnetsecurity.com/2024/02/ftc") == "secondary"
    assert grade(FTC, "https://www.ftc.gov/x", verification="unverified") == "unverified"
    assert grade("Someone not listed", "https://someone.example/x") == "secondary"
    ons = "Office for National Statistics (ONS), Crime Survey for England and Wales (CSEW)"
    assert grade(ons, "https://cy.ons.gov.uk/peoplepopulationandcommunity") == "verified"
    assert grade(ons, "https://www.nationalcrimeagency.gov.uk/what-we-do") == "secondary"  # NCA citing ONS


def test_the_ic3_report_text_is_the_publishers_and_other_copies_are_not() -> None:
    text = ("https://github.com/korakoss/uk-cyber/blob/82dc53225d242570a76ed120c89f6946637c85ca/data/raw/ic3/"
            "text/2024_IC3Report.txt")
    assert grade(build.IC3_PUBLISHER, text) == "verified"
    assert grade(build.IC3_PUBLISHER, "https://github.com/someone/else/blob/main/ic3.txt") == "secondary"
    assert grade("Singapore Police Force (SPF)", "https://www.scribd.com/document/694834778/x") == "secondary"


def test_grades_of_the_facts_file(facts: Path) -> None:
    with (facts / "national_headline_figures.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    grades = Counter(build.source_grade(r) for r in rows)
    assert grades == {"verified": 52, "secondary": 186}  # 16 of the verified are the IC3 annual totals
    can = {r["value"]: build.source_grade(r) for r in rows
           if r["country_iso3"] == "CAN" and r["year"] == "2019" and r["metric"] == "loss"}
    assert can == {"96163328.64": "secondary", "98000000": "secondary"}  # CHCH News, MySteinbach
