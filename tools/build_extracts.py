"""Regenerate the bundled curated extracts under data/ from the shared real files.

    python tools/build_extracts.py --shared ../shared/data [--out data]

Every extract keeps its publisher's layout (so the same reader loads the bundled extract and the
complete file an analyst drops in), is written as UTF-8 with LF line ends, and gets a
``<file>.source.yml`` sidecar: publisher, title, release, URL, licence, retrieval, sha256 of the
original and how the extract was made. Output is deterministic: running it twice gives identical
bytes (tests/integration/test_bundled_extracts.py checks data/ against a fresh run).
"""

import argparse
import csv
import hashlib
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.harmonise.periods import parse_period, revision_from_label  # noqa: E402
from pipelines.sources._tabular import decode_text, read_xlsx_table  # noqa: E402

#: Date these extracts were made from the shared copies (fixed so regeneration is reproducible).
EXTRACTED_ON = "2026-11-22"
MADE_BY = "tools/build_extracts.py"

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
    "source_url", "verification", "notes",
]
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
#: Headline loss series per country: shared/data/facts/README.md, "Suggested headline loss series,
#: by country (one publisher each)". Viet Nam has no consistent official series and gets none.
HEADLINE_SERIES: list[tuple[str, str, str]] = [
    ("USA", "ic3_annual_total", "FBI IC3 annual totals; FTC Sentinel is broader and overlaps (never added)"),
    ("CAN", "cafc", "CAFC reported losses"),
    ("AUS", "accc_combined", "ACCC/NASC combined data (Scamwatch, ReportCyber, banks, ...); coverage widened "
                             "over time; the 2021 reported figure, not the estimate"),
    ("GBR", "uk_finance", "UK Finance members' unauthorised + APP fraud (banking fraud incl. cards)"),
    ("SGP", "spf", "Singapore Police Force scam losses"),
    ("IND", "i4c", "I4C National Cyber Crime Reporting Portal losses"),
    ("JPN", "npa_special_fraud", "NPA special fraud; SNS investment/romance fraud is a separate series"),
    ("KOR", "knpa", "KNPA voice phishing (telecom-based fraud)"),
    ("NZL", "cert_nz", "CERT NZ direct financial loss, all incident types"),
    ("NGA", "nibss", "NIBSS bank fraud reported by financial institutions"),
    ("VNM", "", "no consistent official series (MPS case-based, A05 and NCA survey figures conflict)"),
]
IC3_PUBLISHER = "Federal Bureau of Investigation, Internet Crime Complaint Center (IC3)"


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
    }))
    facts_path = shared / "facts" / "national_headline_figures.csv"
    facts = [r for r in csv.DictReader(facts_path.open(encoding="utf-8")) if r["publisher"] == IC3_PUBLISHER]
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
    }))
    return out


# --- national figures ------------------------------------------------------------------------------

def build_national(shared: Path) -> list[Extract]:
    facts_path = shared / "facts" / "national_headline_figures.csv"
    facts = list(csv.DictReader(facts_path.open(encoding="utf-8")))
    rows = [NATIONAL_COLUMNS]
    estimates: dict[str, int] = {}
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
               "value_type": "estimate" if reasons else "reported", "revision": revision}
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
                      "wording (plus listed overrides); value_type 'estimate' by the listed rules",
            "estimate_rules": estimates,
            "series_rules": [f"{iso}: notes matching {pat!r} -> {sid}" for iso, pat, sid in SERIES_RULES],
            "revision_overrides": [f"{p} / {lbl}: {v}" for (p, lbl), v in REVISION_OVERRIDES.items()],
            "rows_in_original": len(facts),
            "rows": kept,
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
            "release": "2025-10-07", "release_date": updated,
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
    p = ref / "fred_exchange_rates" / "annual.csv"
    text, n_in, n_out = _select_columns(p, ["Date", "Country", "Exchange rate"],
                                        keep_row=lambda r: int(r["Date"][:4]) >= 2000
                                        and r["Country"] != "Venezuela")
    out.append(Extract(Path("reference/fred_fx/fa7d949/fred_annual_fx_2000-latest.csv"), text, {
        "source_id": "fred_fx", "publisher": "Board of Governors of the Federal Reserve System (H.10), via FRED",
        "title": "Annual foreign exchange rates (local currency per USD)", "release": "fa7d949",
        "url": "https://fred.stlouisfed.org/categories/15", "licence": "ODC-PDDL-1.0 (datasets package)",
        "retrieved": EXTRACTED_ON,
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


def build_headline_series(shared: Path) -> list[Extract]:
    readme = shared / "facts" / "README.md"
    rows = [["country_iso3", "series", "rationale"], *[list(r) for r in HEADLINE_SERIES]]
    return [Extract(Path("reference/loss_series") / EXTRACTED_ON / "headline_loss_series.csv", csv_text(rows), {
        "source_id": "loss_series", "publisher": "cyberstats (curated)",
        "title": "Headline loss series per country (which publisher series stands for a country's losses)",
        "release": EXTRACTED_ON, "url": "shared/data/facts/README.md#suggested-headline-loss-series-by-country",
        "licence": "Apache-2.0 (this table); the series belong to their publishers", "retrieved": EXTRACTED_ON,
        "original": original(readme, shared, "shared/data/facts/README.md, section 'Suggested headline loss "
                                             "series, by country (one publisher each)'"),
        "extract": {"made_by": MADE_BY, "method": "the README's table as (country, series id, rationale); series "
                    "ids are those the national figures extract and the IC3 reader assign", "rows": len(rows) - 1},
    })]


# --- offence crosswalk ---------------------------------------------------------------------------
#
# Built from shared/data/facts/offence_crosswalk_draft.csv (draft rows, verbatim mappings) and
# taxonomy_facts.md, plus one explicit row for every other category any loaded source prints: a
# renamed label copies the draft row it is a rename of (and says so), anything the facts cannot
# place is `unmapped` with the reason. No ICCS code or article outside the facts is accepted
# (ICCS_LABELS, ARTICLE_TITLES and BUDAPEST_ARTICLES are the verified lists).

CROSSWALK_COLUMNS = [
    "source_id", "source_category", "source_indicator", "iccs_code", "iccs_label", "cy_tag",
    "convention_articles", "convention_offence", "budapest_articles", "mapping_confidence", "mapping_status",
    "parent_category", "mapping_basis", "notes",
]
#: ICCS v1.0 codes verified in taxonomy_facts.md §3.1 (English labels, without inclusions).
ICCS_LABELS = {
    "0201": "Assaults and threats", "02012": "Threat", "0204": "Trafficking in persons", "0205": "Coercion",
    "02051": "Extortion or blackmail", "0208": "Acts intended to induce fear or emotional distress",
    "02081": "Harassment", "02082": "Stalking", "02089": "Other acts intended to induce fear or emotional distress",
    "0211": "Acts that trespass against the person", "02111": "Invasion of privacy",
    "02119": "Other acts that trespass against the person", "030122": "Non-physical sexual assault",
    "030129": "Other sexual assault not elsewhere classified", "0302": "Sexual exploitation",
    "03021": "Sexual exploitation of adults", "03022": "Sexual exploitation of children",
    "030221": "Child pornography", "030222": "Child prostitution", "030223": "Sexual grooming of children",
    "030229": "Other sexual exploitation of children", "03029": "Other acts of sexual exploitation",
    "0503": "Intellectual property offences", "0701": "Fraud", "07011": "Financial fraud",
    "070111": "Financial fraud against the State", "070112": "Financial fraud against natural or legal persons",
    "07019": "Other acts of fraud", "0702": "Forgery/counterfeiting", "07021": "Counterfeiting means of payment",
    "07022": "Counterfeit product offences", "07023": "Acts of forgery/counterfeiting documents",
    "07029": "Other acts of forgery/counterfeiting", "0704": "Acts involving the proceeds of crime",
    "07041": "Money laundering", "07042": "Illicit trafficking in cultural property",
    "08022": "Pornography offences", "0903": "Acts against computer systems",
    "09031": "Unlawful access to a computer system",
    "09032": "Unlawful interference with a computer system or computer data",
    "090321": "Unlawful interference with a computer system", "090322": "Unlawful interference with computer data",
    "09033": "Unlawful interception or access of computer data", "09039": "Other acts against computer systems",
}
#: UN Convention against Cybercrime, Chapter II articles (taxonomy_facts.md §1.2; numbers verified,
#: English titles in the draft's short form: "ICT system" for "information and communications
#: technology system").
ARTICLE_TITLES = {
    7: "Illegal access", 8: "Illegal interception", 9: "Interference with electronic data",
    10: "Interference with an ICT system", 11: "Misuse of devices", 12: "ICT system-related forgery",
    13: "ICT system-related theft or fraud",
    14: "Offences related to online child sexual abuse or child sexual exploitation material",
    15: "Solicitation or grooming for the purpose of committing a sexual offence against a child",
    16: "Non-consensual dissemination of intimate images", 17: "Laundering of proceeds of crime",
}
#: Budapest Convention (ETS 185) offence articles 2-10 (taxonomy_facts.md §2, verified).
BUDAPEST_ARTICLES = range(2, 11)
DRAFT_SOURCE_IDS = {"UNODC_CTS": "unodc_cts", "FBI_IC3": "fbi_ic3"}
#: Draft rows whose key is not the label the export prints: the 2022 indicator "Victims of sexual
#: exploitation" prints Category "Total"; the mapping applies to that indicator only.
DRAFT_RELABEL = {("unodc_cts", "Victims of sexual exploitation"): ("Total", "Victims of sexual exploitation")}
#: The draft marks IC3 "Other" `proxy` only because its enum has no 'none' value (draft notes).
DRAFT_UNMAPPED = {("fbi_ic3", "Other")}

_OUTSIDE_CTS = ("Outside the cyber crosswalk: taxonomy_facts.md covers the cyber-relevant CTS categories only; ICCS "
                "code not verified here; no Convention against Cybercrime or Budapest offence corresponds.")
_VICTIM_BREAKDOWN = ("A breakdown of victims by relationship to the perpetrator (indicators 'Victims of serious "
                     "assault' and 'Victims of sexual violence'), not an offence category.")
_NO_IC3_DEFINITION = "IC3 definition not in the facts consulted (taxonomy_facts.md §5 covers the 2022-2024 labels)"
_ICT_DESCRIPTOR = ("An IC3 descriptor, not a crime type: available only after another crime type has been selected "
                   "(taxonomy_facts.md §5). Never added to crime-type totals and never mapped to ICCS. Virtual assets "
                   "are property under Conv. art. 2(i), so crypto losses already count under art. 13 through "
                   "their crime type.")

#: Labels printed in other years for a draft category: (label, draft label whose mapping is copied,
#: confidence override or None, why).
IC3_RENAMED: list[tuple[str, str, str | None, str]] = [
    ("Phishing/Vishing/Smishing/Pharming", "Phishing", None,
     "Label printed 2015-2021; the transcription harmonises it to 'Phishing'. Vishing, smishing and pharming are "
     "voice, SMS and redirect variants of the same credential harvesting."),
    ("Corporate Data Breach", "Data Breach", None,
     "Label printed 2015-2021; the draft's Data Breach row: 'Labelled Corporate Data Breach before 2022'."),
    ("BEC/EAC", "BEC", None,
     "Label printed 2016-2021 (Business Email Compromise / Email Account Compromise); the transcription harmonises "
     "BEC, BEC/EAC and Business Email Compromise to one series. Account compromise is the takeover the BEC row "
     "already places under 09031 / Conv. art.7."),
    ("Confidence Fraud/Romance", "Confidence/Romance", None,
     "Label printed 2015-2021; harmonised with Confidence/Romance by the transcription."),
    ("Credit Card Fraud", "Credit Card/Check Fraud", None,
     "Label printed 2015-2021; harmonised with Credit Card/Check Fraud by the transcription. ICCS 07011 inclusions "
     "name credit card fraud."),
    ("Lottery/Sweepstakes", "Lottery/Sweepstakes/Inheritance", None,
     "Label printed 2015-2018; harmonised with Lottery/Sweepstakes/Inheritance by the transcription."),
    ("Malware/Scareware/Virus", "Malware", None,
     "Label printed 2017-2021; harmonised with Malware by the transcription. Scareware (fake security alerts "
     "selling software) also has a fraud element (07019)."),
    ("Malware/Scareware", "Malware", None,
     "Label printed 2015-2016; harmonised with Malware by the transcription. Scareware also has a fraud element "
     "(07019)."),
    ("Virus", "Malware", None,
     "Label printed 2015-2016; harmonised with Malware by the transcription. The IC3 Malware definition (code "
     "intended to damage, disable or copy itself onto computers) covers viruses."),
    ("Real Estate/Rental", "Real Estate", None,
     "Label printed 2015-2021; harmonised with Real Estate by the transcription."),
    ("Tech/Customer Support", "Tech Support", None,
     "Label printed 2025; the draft's Tech Support row: 'Renamed Tech/Customer Support in 2025'."),
    ("419/Overpayment", "Overpayment", None,
     "Label printed 2015-2016 (harmonised to Overpayment by the transcription). '419' names advance-fee fraud, "
     "which the draft also maps to 07019 / Conv. art.13 (Advanced Fee row), so the combined label keeps the "
     "mapping."),
]


def _row(source_id: str, category: str, *, iccs: str = "", cy: str = "", arts: str = "", budapest: str = "",
         confidence: str = "", parent: str = "", basis: str = "", notes: str, indicator: str = "") -> dict:
    return {"source_id": source_id, "source_category": category, "source_indicator": indicator, "iccs_code": iccs,
            "cy_tag": cy, "convention_articles": arts, "budapest_articles": budapest,
            "mapping_confidence": confidence, "mapping_status": "mapped" if iccs else "unmapped",
            "parent_category": parent, "mapping_basis": basis, "notes": notes}


#: Rows for categories the draft does not cover (ICCS codes from taxonomy_facts.md §3.1 only).
EXTRA_CROSSWALK_ROWS: list[dict] = [
    # FBI IC3, labels printed before 2022 or outside the draft
    _row("fbi_ic3", "Denial of Service", iccs="090321", cy="1", arts="10", budapest="5", confidence="exact",
         basis="taxonomy_facts.md §3.1 (ICCS 090321)",
         notes="Label printed 2015-2016 (harmonised with Denial of Service/TDoS by the transcription). ICCS 090321 "
               "'Unlawful interference with a computer system (incl. denial of service attack)' names the conduct "
               "(ICCS p.85). Conv. art.10 / Budapest art.5 system interference."),
    _row("fbi_ic3", "Denial of Service/TDoS", iccs="090321", cy="1", arts="10", budapest="5", confidence="partial",
         basis="taxonomy_facts.md §3.1 (ICCS 090321)",
         notes="Label printed 2017-2021. DoS is named in ICCS 090321 (p.85); telephony DoS (TDoS) floods phone "
               "lines, which fall under 'computer system' only where the telephone system is one, hence partial."),
    _row("fbi_ic3", "Computer Intrusion", iccs="09031", cy="1", arts="7", budapest="2", confidence="partial",
         basis="taxonomy_facts.md §3.1 (ICCS 09031)",
         notes=f"Label printed 2021 only. {_NO_IC3_DEFINITION}; intrusion is unauthorised access (ICCS 09031, the "
               "IC3 2024 Data Breach definition uses 'computer intrusion' in that sense), but without the "
               "definition the scope is not confirmed, hence partial."),
    _row("fbi_ic3", "Harassment/Threats of Violence", iccs="0208", cy="1", confidence="partial",
         basis="draft rows Harassment/Stalking and Threats of Violence",
         notes="Label printed 2015-2020: harassment (ICCS 0208, draft Harassment/Stalking row) combined with threats "
               "(ICCS 02012, draft Threats of Violence row: 'Before 2021 IC3 combined this with Harassment or "
               "Terrorism'). Straddles two codes, mapped at 0208. No Convention or Budapest offence."),
    _row("fbi_ic3", "Terrorism/Threats of Violence", iccs="02012", cy="1", confidence="partial",
         basis="draft row Threats of Violence",
         notes="Label printed 2021 only: threats (ICCS 02012, draft Threats of Violence row) combined with "
               "terrorism complaints, whose ICCS code is not verified here; broader than the code. No Convention or "
               "Budapest offence."),
    _row("fbi_ic3", "Auction", iccs="07019", cy="1", arts="13", budapest="8", confidence="proxy",
         basis="draft row Non-Payment/Non-Delivery",
         notes=f"Label printed 2015 only. {_NO_IC3_DEFINITION}. Proxy: online auction fraud is the failure to "
               "deliver or pay for goods bought online, the conduct of the draft Non-Payment/Non-Delivery row "
               "(ICCS 07019 'obtaining goods by fraud'; Conv. art.13(c) deception via ICT)."),
    _row("fbi_ic3", "Charity", iccs="07019", cy="1", arts="13", budapest="8", confidence="proxy",
         basis="ICCS 07019 (taxonomy_facts.md §3.1)",
         notes=f"Labels printed 2015-2020 and 2025. {_NO_IC3_DEFINITION}. Proxy, resting on the label alone: charity "
               "fraud obtains donations by deception, which ICCS 07019 'Other acts of fraud' covers (Conv. art.13(c) "
               "deception via ICT)."),
    _row("fbi_ic3", "Hacktivist",
         notes=f"Unmapped. Labels printed 2015-2020. {_NO_IC3_DEFINITION}; the label names a motive, not a conduct "
               "(intrusion, denial of service and defacement would each map differently)."),
    _row("fbi_ic3", "Terrorism",
         notes="Unmapped. Label printed 2015-2020 (merged into Terrorism/Threats of Violence in 2021). ICCS code for "
               "terrorism not verified here; no Convention or Budapest offence."),
    _row("fbi_ic3", "Civil Matter",
         notes="Unmapped. Labels printed 2015-2021: civil disputes, not criminal offences; no ICCS home."),
    _row("fbi_ic3", "Criminal Forums",
         notes=f"Unmapped. Label printed 2015 only. {_NO_IC3_DEFINITION}; the label names a venue, not a conduct."),
    _row("fbi_ic3", "Gambling",
         notes="Unmapped. Labels printed 2015-2021. ICCS code for gambling offences not verified here; no "
               "Convention or Budapest offence."),
    _row("fbi_ic3", "Health Care Related",
         notes=f"Unmapped. Labels printed 2015-2021. {_NO_IC3_DEFINITION}; the label names a sector, not a "
               "conduct."),
    _row("fbi_ic3", "Misrepresentation",
         notes=f"Unmapped. Labels printed 2015-2020. {_NO_IC3_DEFINITION}; misrepresentation by a seller may be a "
               "civil (consumer) matter or fraud."),
    _row("fbi_ic3", "No Lead Value",
         notes=f"Unmapped. Labels printed 2015-2019. {_NO_IC3_DEFINITION}; the label describes complaints with no "
               "lead value, not a conduct."),
    _row("fbi_ic3", "Re-shipping",
         notes=f"Unmapped. Labels printed 2015-2021. {_NO_IC3_DEFINITION}; the label names a scheme (forwarding "
               "goods) whose reports may come from victims or from recruited forwarders (cf. the draft Employment "
               "row's money-mule note, ICCS 07041), so no single conduct can be placed."),
    _row("fbi_ic3", "Re-Shipping",
         notes="Unmapped. Spelling printed in the 2017-2018 loss tables; see Re-shipping."),
    _row("fbi_ic3", "Cryptocurrency", notes=f"Unmapped. {_ICT_DESCRIPTOR}"),
    _row("fbi_ic3", "Cryptocurrency Wallet",
         notes=f"Unmapped. Printed 2022-2023. {_ICT_DESCRIPTOR}"),
    _row("fbi_ic3", "All complaints (report total)",
         notes="Unmapped. The reader's label for IC3's annual totals (all complaints and losses): not a crime type. "
               "Crime types do not add up to it and are never summed to it."),
    # India NCRB (codes A-E are not explained in the file; labels believed, see the NCRB reader)
    _row("ncrb", "Total cyber crimes",
         notes="Unmapped. All cyber crimes registered per State/UT (NCRB 'Total Cyber Crimes'): every kind of cyber "
               "crime together, spanning many ICCS sections and Convention articles, with no breakdown in this "
               "table. Contains the cyber fraud cases ('Total' and A-E); never added to them."),
    _row("ncrb", "Total", iccs="0701", cy="1", arts="13", budapest="8", confidence="partial",
         parent="Total cyber crimes", basis="ICCS 0701 + Cy (taxonomy_facts.md §3.1, §3.2)",
         notes="Total cyber fraud cases (table 'cyber fraud by type'). ICCS p.12: a fraud committed through a computer "
               "is a fraud with the Cy tag. Partial: NCRB counts FIR cases under Indian legal heads, whose scope "
               "is not verified against ICCS 0701. A part of 'Total cyber crimes'."),
    *[_row("ncrb", code, iccs="0701", cy="1", arts="13", budapest="8", confidence="proxy", parent="Total",
           basis="ICCS 0701 + Cy (taxonomy_facts.md §3.1, §3.2)",
           notes=f"Cyber fraud type code {code}, not explained in the file (believed: {label}). Proxy: placed at "
                 "division 0701 with the Cy tag because the table counts cyber fraud; the ICCS class within 0701 "
                 "cannot be verified. A part of 'Total'; never added to it.")
      for code, label in [("A", "credit/debit card"), ("B", "ATM"), ("C", "online banking"), ("D", "OTP"),
                          ("E", "other frauds")]],
    # National headline figures
    _row("national_figures", "All reported offences (headline figure)",
         notes="Unmapped. A national headline total in each publisher's own scope and unit (reports, complaints, "
               "cases, losses): no single offence category, ICCS code or Convention article."),
]
#: UNODC CTS categories outside the crosswalk's cyber scope (every one printed in the complete exports).
UNODC_VICTIM_BREAKDOWNS = ["Intimate partner or family member", "Other Perpetrator known to the victim",
                           "Perpetrator unknown to the victim", "Relationship to perpetrator is not known"]
#: ICCS hierarchy between CTS series that the labels do not show (030221 is a class of 0302, ICCS p.52).
UNODC_EXTRA_PARENTS = {"Child pornography": "Sexual Exploitation"}


def _sorted_list(text: str, allowed, what: str, where: str) -> str:
    if not text.strip():
        return ""
    numbers = sorted({int(x) for x in text.split(";")})
    bad = [n for n in numbers if n not in allowed]
    if bad:
        raise SystemExit(f"offence crosswalk {where}: {what} {bad} not in the verified list")
    return ";".join(str(n) for n in numbers)


def _split_iccs(code: str) -> tuple[str, str]:
    code = code.strip()
    if code.endswith("+Cy=1"):
        return code[: -len("+Cy=1")], "1"
    return code, ""


def unodc_categories(shared: Path) -> dict[str, set[str]]:
    """Every Category printed in the complete real CTS exports, with the indicators it occurs in."""
    found: dict[str, set[str]] = {}
    for path in sorted((shared / "real" / "unodc_cts").glob("*/data_cts_*")):
        if path.suffix == ".xlsx":
            frame = read_xlsx_table(path, path.name, "Iso3_code", "UNODC header").frame
            pairs = zip(frame["Category"].to_list(), frame["Indicator"].to_list(), strict=True)
        else:
            text, _ = decode_text(path.read_bytes(), path.name)
            records = list(csv.reader(io.StringIO(text.replace("\r\n", "\n"), newline="")))
            k = next(i for i, r in enumerate(records) if r and r[0].lstrip("\ufeff") == "Iso3_code")
            c, i = records[k].index("Category"), records[k].index("Indicator")
            pairs = ((r[c], r[i]) for r in records[k + 1:] if r)
        for category, indicator in pairs:
            found.setdefault(category, set()).add(indicator)
    return found


def ic3_categories(shared: Path) -> set[str]:
    """Every crime type label as printed in the IC3 count and loss transcriptions (2015-2025)."""
    labels: set[str] = set()
    for name in ("crime_type_counts_long.csv", "crime_type_losses_long.csv"):
        path = shared / "real" / "fbi_ic3" / name
        labels |= {r["category_raw"].strip() for r in csv.DictReader(path.open(encoding="utf-8"))}
    return labels


def crosswalk_rows(shared: Path) -> list[dict]:
    draft_path = shared / "facts" / "offence_crosswalk_draft.csv"
    draft = list(csv.DictReader(draft_path.open(encoding="utf-8")))
    rows: dict[tuple[str, str], dict] = {}
    by_label: dict[tuple[str, str], dict] = {}
    for n, d in enumerate(draft, start=2):
        source_id = DRAFT_SOURCE_IDS[d["source_system"]]
        iccs, cy = _split_iccs(d["iccs_code"])
        category, indicator = DRAFT_RELABEL.get((source_id, d["source_category"]), (d["source_category"], ""))
        unmapped = (source_id, d["source_category"]) in DRAFT_UNMAPPED or not iccs
        notes = d["notes"]
        if unmapped:
            notes = ("Unmapped. " + notes.removeprefix("UNMAPPED. ")).replace(
                "'proxy' is used here only", "the draft marked it 'proxy' only")
        elif category != d["source_category"]:
            notes = f"Draft row '{d['source_category']}' (an indicator whose Category prints 'Total'). {notes}"
        row = _row(source_id, category, indicator=indicator, iccs="" if unmapped else iccs,
                   cy="" if unmapped else cy, arts="" if unmapped else d["convention_article"],
                   budapest="" if unmapped else d["budapest_article"],
                   confidence="" if unmapped else d["mapping_confidence"],
                   basis=f"offence_crosswalk_draft.csv row {n}", notes=notes)
        if not unmapped and not d["iccs_label"].startswith(ICCS_LABELS.get(iccs, "\0")):
            raise SystemExit(f"offence crosswalk draft row {n}: label {d['iccs_label']!r} is not ICCS {iccs}")
        titles = {t.strip() for t in d["convention_offence"].split(";") if t.strip()}
        arts = {int(a) for a in d["convention_article"].split(";") if a.strip()}
        if titles != {ARTICLE_TITLES[a] for a in arts}:
            raise SystemExit(f"offence crosswalk draft row {n}: article titles {titles} do not match {arts}")
        rows[(source_id, category)] = row
        by_label[(source_id, d["source_category"])] = row
    for label, draft_label, confidence, why in IC3_RENAMED:
        base = by_label[("fbi_ic3", draft_label)]
        rows[("fbi_ic3", label)] = {**base, "source_category": label,
                                    "mapping_confidence": confidence or base["mapping_confidence"],
                                    "mapping_basis": f"{base['mapping_basis']} ({draft_label}), renamed label",
                                    "notes": f"{why} Mapping copied from '{draft_label}': {base['notes']}"}
    for extra in EXTRA_CROSSWALK_ROWS:
        rows[(extra["source_id"], extra["source_category"])] = dict(extra)
    cts = unodc_categories(shared)
    for category in sorted(cts):
        if ("unodc_cts", category) in rows:
            continue
        why = _VICTIM_BREAKDOWN if category in UNODC_VICTIM_BREAKDOWNS else _OUTSIDE_CTS
        rows[("unodc_cts", category)] = _row("unodc_cts", category, notes=f"Unmapped. {why}")
    # Parents: a CTS label 'Parent: child' names its parent; plus the ICCS hierarchy the labels hide.
    for (source_id, category), row in rows.items():
        if source_id == "unodc_cts" and not row["parent_category"]:
            prefix = category.split(": ")[0]
            if prefix != category and ("unodc_cts", prefix) in rows:
                row["parent_category"] = prefix
            elif category in UNODC_EXTRA_PARENTS:
                row["parent_category"] = UNODC_EXTRA_PARENTS[category]
                row["notes"] += " ICCS 030221 is a class of 0302 (ICCS p.52): a part of 'Sexual Exploitation'."
    # Normalise, label and validate.
    out = []
    for key in sorted(rows):
        row = rows[key]
        where = f"{key[0]} / {key[1]}"
        row["convention_articles"] = _sorted_list(row["convention_articles"], ARTICLE_TITLES, "Convention article",
                                                  where)
        row["budapest_articles"] = _sorted_list(row["budapest_articles"], BUDAPEST_ARTICLES, "Budapest article",
                                                where)
        row["convention_offence"] = "; ".join(ARTICLE_TITLES[int(a)] for a in row["convention_articles"].split(";")
                                              if a)
        if row["iccs_code"] and row["iccs_code"] not in ICCS_LABELS:
            raise SystemExit(f"offence crosswalk {where}: ICCS code {row['iccs_code']} is not verified")
        row["iccs_label"] = ICCS_LABELS.get(row["iccs_code"], "")
        if row["parent_category"] and (key[0], row["parent_category"]) not in rows:
            raise SystemExit(f"offence crosswalk {where}: parent {row['parent_category']!r} has no row")
        out.append(row)
    missing = sorted(({("unodc_cts", c) for c in cts} | {("fbi_ic3", c) for c in ic3_categories(shared)}) - set(rows))
    if missing:
        raise SystemExit(f"offence crosswalk: categories printed in the real files have no row: {missing}")
    return out


def build_crosswalk(shared: Path) -> list[Extract]:
    draft = shared / "facts" / "offence_crosswalk_draft.csv"
    facts = shared / "facts" / "taxonomy_facts.md"
    rows = crosswalk_rows(shared)
    text = csv_text([CROSSWALK_COLUMNS, *[[r[c] for c in CROSSWALK_COLUMNS] for r in rows]])
    summary = {
        source: {grade: n for grade in ("exact", "partial", "proxy", "unmapped")
                 if (n := sum(1 for r in rows if r["source_id"] == source
                              and (r["mapping_confidence"] or "unmapped") == grade))}
        for source in sorted({r["source_id"] for r in rows})
    }
    return [Extract(Path("reference/offence_crosswalk") / EXTRACTED_ON / "offence_crosswalk.csv", text, {
        "source_id": "offence_crosswalk", "publisher": "cyberstats (curated from the shared taxonomy facts)",
        "title": "Offence crosswalk: source category -> ICCS code, Cy tag, UN Convention against Cybercrime and "
                 "Budapest Convention articles, with mapping confidence",
        "release": EXTRACTED_ON, "url": "shared/data/facts/offence_crosswalk_draft.csv",
        "licence": "Apache-2.0 (this table); ICCS is UNODC's, the Conventions are UN and Council of Europe texts",
        "retrieved": EXTRACTED_ON,
        "original": original(draft, shared, "shared/data/facts/offence_crosswalk_draft.csv (curated draft)"),
        "facts": original(facts, shared, "shared/data/facts/taxonomy_facts.md (ICCS codes §3, articles §1.2, §2, "
                                         "CTS labels §4, IC3 crime types §5, conventions §6)"),
        "extract": {
            "made_by": MADE_BY,
            "method": "draft rows with our source ids; '+Cy=1' split into iccs_code and cy_tag; article lists sorted "
                      "numerically and titled from taxonomy_facts.md §1.2; IC3 'Other' unmapped (the draft's 'proxy' "
                      "stood for 'none'); one explicit row for every other category printed in the complete UNODC "
                      "exports, the IC3 transcriptions 2015-2025, the NCRB tables and the national figures, mapped "
                      "only where the facts or a renamed draft label justify it (mapping_basis says which), else "
                      "unmapped with the reason; parents from the CTS 'Parent: child' labels, the ICCS hierarchy "
                      "and the NCRB table structure. Fails if a category printed in the real files has no row, or a "
                      "code or article is not in the verified lists.",
            "rows": len(rows),
            "rows_by_source_and_confidence": summary,
        },
        "notes": "mapping_confidence grades the link from the source category to the ICCS code (taxonomy_facts.md "
                 "§6); Convention and Budapest articles are indicative. iccs_code is text: keep leading zeros.",
    })]


# --- UN Convention against Cybercrime: signature and ratification status --------------------------
#
# Every row is a fact of taxonomy_facts.md §1.1 (the table row is named in facts_ref). Dates are
# only those the facts give to the day; a period the facts state less precisely stays in
# period_as_stated with no date. Tertiary reports are kept, flagged `unverified`, and never drive
# the verified counts.

CONVENTION_COLUMNS = [
    "event_id", "event_type", "event_date", "period_as_stated", "participant", "participant_type", "count_reported",
    "count_low", "count_high", "verification", "source", "source_url", "facts_ref", "notes",
]
_UNTC = "UN Treaty Collection, MTDSG chapter XVIII-16 (status page)"
_UNTC_URL = "https://treaties.un.org/doc/Publication/MTDSG/Volume%20II/Chapter%20XVIII/XVIII-16.en.xml"
_FACTS_11 = "taxonomy_facts.md §1.1"
CONVENTION_EVENTS: list[dict] = [
    {"event_id": "adoption", "event_type": "adoption", "event_date": "2024-12-24",
     "period_as_stated": "24 Dec 2024", "participant": "United Nations General Assembly",
     "verification": "verified", "source": _UNTC, "source_url": _UNTC_URL, "facts_ref": f"{_FACTS_11}, rows 1-2",
     "notes": "Adopted by GA resolution 79/243 at the 55th plenary meeting; done at New York on 24 December 2024."},
    {"event_id": "signature_opening", "event_type": "opening_for_signature", "event_date": "2025-10-25",
     "period_as_stated": "Hanoi, 25-26 Oct 2025", "verification": "verified", "source": _UNTC,
     "source_url": _UNTC_URL, "facts_ref": f"{_FACTS_11}, row 3",
     "notes": "Art. 64: opened for signature in Hanoi on 25-26 October 2025. Depositary notification "
              "C.N.196.2025.TREATIES-XVIII.16 (13 May 2025)."},
    {"event_id": "signature_closing", "event_type": "closing_of_signature", "event_date": "2026-12-31",
     "period_as_stated": "until 31 Dec 2026", "verification": "verified", "source": _UNTC, "source_url": _UNTC_URL,
     "facts_ref": f"{_FACTS_11}, row 3",
     "notes": "Art. 64: after Hanoi the Convention stays open for signature at UN Headquarters, New York, until "
              "31 December 2026."},
    {"event_id": "signatories_day1_snapshot", "event_type": "signatory_count", "event_date": "2025-10-25",
     "period_as_stated": "day 1 of the ceremony, 25 Oct 2025", "count_reported": "65",
     "verification": "verified_secondary", "source": "UN News / WAM / APP (written on day 1)",
     "source_url": "https://www.wam.ae/en/article/bmdsepq-sixty-five-nations-sign-first-treaty-fight",
     "facts_ref": f"{_FACTS_11}, row 7",
     "notes": "A snapshot taken during the first day; superseded by the end-of-ceremony figure (72)."},
    {"event_id": "signatories_vir_snapshot", "event_type": "signatory_count", "count_reported": "69",
     "period_as_stated": "not stated", "verification": "verified_secondary", "source": "vir.com.vn",
     "source_url": "https://vir.com.vn/hanoi-hosts-high-level-talks-on-global-cybercrime-cooperation-139450.html",
     "facts_ref": f"{_FACTS_11}, row 7",
     "notes": "A snapshot at an unstated moment of the ceremony; superseded by the end-of-ceremony figure (72)."},
    {"event_id": "signatories_end_of_ceremony", "event_type": "signatory_count", "event_date": "2025-10-26",
     "period_as_stated": "end of the Hanoi ceremony (25-26 Oct 2025)", "count_reported": "72",
     "verification": "verified", "source": _UNTC, "source_url": _UNTC_URL, "facts_ref": f"{_FACTS_11}, rows 5-7",
     "notes": "The UNTC status page shows 'Signatories 72'; every signature visible in its excerpt is dated 25 Oct "
              "2025. Confirmed by UNODC (via Help Net Security, '72 states signed') and a Vietnamese government "
              "source (72, of which 64 in the main hall). The 72 include the European Union: 71 States plus the "
              "EU (the EU is in the UNTC list; 71 + EU is an inference from the vietnam.vn regional breakdown). "
              "Dated to the end of the ceremony because the facts call 72 the end-of-ceremony figure; the page's "
              "retrieval date is not recorded."},
    {"event_id": "signature_eu", "event_type": "signature", "event_date": "2025-10-25",
     "period_as_stated": "25 Oct 2025", "participant": "European Union", "participant_type": "reio",
     "verification": "verified", "source": _UNTC, "source_url": _UNTC_URL, "facts_ref": f"{_FACTS_11}, rows 5-6",
     "notes": "The EU, a regional economic integration organization, appears in the UNTC list of signatories; every "
              "visible signature is dated 25 Oct 2025. Under art. 65(1) an instrument it deposits does not count "
              "in addition to those of its member States."},
    {"event_id": "signature_canada_report", "event_type": "signature", "period_as_stated": "July 2026",
     "participant": "Canada", "participant_type": "state", "verification": "unverified",
     "source": "news digest citing michaelgeist.ca (tertiary)", "facts_ref": f"{_FACTS_11}, row 8",
     "notes": "Reported later, for context only; not seen on the UNTC page consulted, which predates it."},
    {"event_id": "signatories_canada_report", "event_type": "signatory_count", "period_as_stated": "July 2026",
     "count_reported": "77", "verification": "unverified",
     "source": "news digest citing michaelgeist.ca (tertiary)", "facts_ref": f"{_FACTS_11}, row 8",
     "notes": "Canada 'joining 76 other signatories' (76 + Canada = 77). Unverified; never used for the verified "
              "count."},
    {"event_id": "ratifications_may_2026_report", "event_type": "ratification_count_report",
     "period_as_stated": "May 2026", "participant": "Azerbaijan; Qatar; Viet Nam", "count_low": "1",
     "count_high": "3", "verification": "unverified",
     "source": "news-digest repositories; the-machine-herald/machineherald.io PR #1389 (tertiary)",
     "facts_ref": f"{_FACTS_11}, row 8",
     "notes": "A May 2026 report mentions 1-3 ratifications (Azerbaijan, Qatar, Viet Nam). Unverified: no deposit "
              "date or instrument is in the facts, so nothing here counts toward entry into force."},
]


def build_convention_status(shared: Path) -> list[Extract]:
    facts = shared / "facts" / "taxonomy_facts.md"
    rows = [CONVENTION_COLUMNS, *[[e.get(c, "") for c in CONVENTION_COLUMNS] for e in CONVENTION_EVENTS]]
    return [Extract(Path("reference/convention_status") / EXTRACTED_ON / "convention_events.csv", csv_text(rows), {
        "source_id": "convention_status", "publisher": "cyberstats (curated from the shared taxonomy facts)",
        "title": "UN Convention against Cybercrime (A/RES/79/243): adoption, signature and ratification events",
        "release": EXTRACTED_ON, "url": _UNTC_URL,
        "licence": "Apache-2.0 (this table); facts from the UN Treaty Collection and the sources named per row",
        "retrieved": EXTRACTED_ON,
        "original": original(facts, shared, "shared/data/facts/taxonomy_facts.md, §1.1 (adoption, signature, entry "
                                            "into force)"),
        "extract": {"made_by": MADE_BY,
                    "method": "one row per fact of §1.1 (facts_ref names the table row); verification as the facts "
                              "grade it (verified / verified_secondary / unverified); dates only where the facts give "
                              "the day. Entry into force (art. 65(1)): 90th day after the deposit of the 40th "
                              "instrument, a regional economic integration organization's instrument not counted in "
                              "addition to its member States' (pipelines/harmonise/convention.py).",
                    "rows": len(rows) - 1},
    })]


# --- series break register -----------------------------------------------------------------------
#
# Documented breaks in the trend series (pipelines/sources/series_breaks.py describes the columns).
# The IC3 and ACCC rows were the BREAKS literal of pipelines/indicators/trends.py until issue 11.

SERIES_BREAK_COLUMNS = ["series_families", "series_name", "area_code", "year", "kind", "reason", "source",
                        "source_url"]
_IC3_FAMILIES = "ic3_crime_type_count;ic3_crime_type_loss_usd"
_IC3_TABLES = ("IC3 crime-type tables as printed in the annual reports, in the transcription "
               "shared/data/real/fbi_ic3/crime_type_{counts,losses}_long.csv (category_raw)")
_NIBRS_URL = "https://le.fbi.gov/cjis-division/cjis-link/are-you-ready-the-countdown-to-nibrs"
SERIES_BREAKS: list[dict[str, str]] = [
    {"series_families": "ic3_crime_type_count", "area_code": "USA", "year": "2023", "kind": "count basis",
     "reason": "IC3 crime types are counted by victims up to the 2022 report ('by Victim Count') and by complaints "
               "from the 2023 report ('by Complaint Count')",
     "source": "shared/data/facts/taxonomy_facts.md §5 (crime-type tables 2022-2024: 'In 2022 the counts are "
               "victims, not complaints'); pipelines/sources/fbi_ic3.py LAST_VICTIM_COUNT_YEAR"},
    {"series_families": _IC3_FAMILIES, "series_name": "Phishing", "area_code": "USA", "year": "2023", "kind": "merge",
     "reason": "Phishing and Spoofing were merged into one category, Phishing/Spoofing, in the 2023 report (its "
               "three-year table restates 2022 as 321,136 = Phishing 300,497 + Spoofing 20,649)",
     "source": "shared/data/facts/taxonomy_facts.md §5 'Phishing/Spoofing merge'"},
    {"series_families": _IC3_FAMILIES, "series_name": "Malware", "area_code": "USA", "year": "2017", "kind": "merge",
     "reason": "Malware/Scareware and Virus, separate categories in the 2015-2016 reports, are printed as one "
               "category, Malware/Scareware/Virus, from the 2017 report (relabelled Malware from 2022)",
     "source": _IC3_TABLES},
    {"series_families": _IC3_FAMILIES, "series_name": "Threats of Violence", "area_code": "USA", "year": "2021",
     "kind": "merge",
     "reason": "Harassment/Threats of Violence (2015-2020 reports) became Terrorism/Threats of Violence in the 2021 "
               "report: Terrorism, a separate category until 2020, was merged in",
     "source": _IC3_TABLES},
    {"series_families": _IC3_FAMILIES, "series_name": "Threats of Violence", "area_code": "USA", "year": "2022",
     "kind": "split",
     "reason": "From the 2022 report Harassment/Stalking and Threats of Violence are separate categories",
     "source": _IC3_TABLES},
    {"series_families": "country_loss_lcu;country_loss_usd_constant", "series_name": "accc_combined",
     "area_code": "AUS", "year": "2019", "kind": "coverage",
     "reason": "ACCC combined losses include the big-four banks' data from 2019; AFCX, IDCARE and ASIC data were "
               "added later, in years the sources read do not state, so the 2019+ segment is not strictly comparable "
               "either",
     "source": "national_headline_figures.csv notes on the accc_combined rows (Targeting Scams 2019: 'first year "
               "including big-four bank data'); shared/data/facts/README.md (AUS: 'Source coverage widened over "
               "time')"},
    {"series_families": "unodc_offences_count;unodc_offences_rate_unodc", "area_code": "USA", "year": "2021",
     "kind": "recording system",
     "reason": "The FBI retired the UCR Summary Reporting System on 1 January 2021 and has since collected crime "
               "statistics only through NIBRS, which counts up to 10 offences per incident where SRS counted the "
               "most serious one (hierarchy rule) and which fewer agencies reported in 2021: US police-recorded "
               "counts from 2021 are on another basis (UNODC CTS 2024-05-16, USA Fraud: 112,700 in 2019, no 2020 "
               "figure, 906,018 in 2021, 920,555 in 2022)",
     "source": "FBI CJIS, 'Are You Ready? The Countdown to NIBRS' (SRS retired 1 January 2021; hierarchy rule vs up "
               "to 10 offences per incident); FBI, 'Estimates Will Help Fill in Crime Statistics Gap' (2022: 2021 "
               "participation too low for national tables, https://www.fbi.gov/news/stories/"
               "estimates-will-help-fill-in-crime-statistics-gap-081122); figures: shared/data/real/unodc_cts/"
               "release_2024-05-16/data_cts_corruption_and_economic_crime.xlsx",
     "source_url": _NIBRS_URL},
]


def build_series_breaks(shared: Path) -> list[Extract]:
    facts = shared / "facts" / "taxonomy_facts.md"
    rows = [SERIES_BREAK_COLUMNS, *[[b.get(c, "") for c in SERIES_BREAK_COLUMNS] for b in SERIES_BREAKS]]
    unodc = shared / "real" / "unodc_cts" / "release_2024-05-16" / "data_cts_corruption_and_economic_crime.xlsx"
    headline = shared / "facts" / "national_headline_figures.csv"
    return [Extract(Path("reference/series_breaks") / EXTRACTED_ON / "series_breaks.csv", csv_text(rows), {
        "source_id": "series_breaks", "publisher": "cyberstats (curated from the shared facts and publisher notes)",
        "title": "Series break register: where a trend series changes definition, counting basis, recording system "
                 "or coverage",
        "release": EXTRACTED_ON, "url": "pipelines/sources/series_breaks.py",
        "licence": "Apache-2.0 (this table); the facts belong to the publishers named per row",
        "retrieved": EXTRACTED_ON,
        "original": original(facts, shared, "shared/data/facts/taxonomy_facts.md §5 (IC3 crime-type tables)"),
        "facts": [original(headline, shared, "shared/data/facts/national_headline_figures.csv (ACCC notes)"),
                  original(unodc, shared, "UNODC CTS release 2024-05-16 (USA Fraud counts around the NIBRS "
                                          "transition)")],
        "extract": {"made_by": MADE_BY,
                    "method": "one row per documented break (tools/build_extracts.py SERIES_BREAKS): the IC3 and "
                              "ACCC rows moved from pipelines/indicators/trends.py (BREAKS) and the NIBRS transition "
                              "(FBI pages named in the row); detected level shifts are not listed here "
                              "(pipelines/indicators/breaks.py finds them)",
                    "rows": len(rows) - 1},
    })]


def build_all(shared: Path) -> list[Extract]:
    return [*build_unodc(shared), *build_ic3(shared), *build_national(shared), *build_ncrb(shared),
            *build_reference(shared), *build_headline_series(shared), *build_crosswalk(shared),
            *build_convention_status(shared), *build_series_breaks(shared)]


def render_sidecar(extract: Extract) -> str:
    side = dict(extract.sidecar)
    side["extract"] = {**side.get("extract", {}), "sha256": hashlib.sha256(extract.text.encode()).hexdigest()}
    header = "# Provenance of the bundled extract next to this file (written by tools/build_extracts.py).\n"
    return header + yaml.safe_dump(side, sort_keys=False, allow_unicode=True, width=110)


def write_all(extracts: list[Extract], out: Path) -> list[Path]:
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
