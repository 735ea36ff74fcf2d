"""Eurostat ``crim_off_cat``: police-recorded offences by ICCS offence category (two layouts).

``TSV bulk``  Eurostat's bulk download (``estat_crim_off_cat.tsv``): tab-separated; the first column
              ``freq,iccs,unit,geo\\TIME_PERIOD`` holds the comma-joined dimension codes of the series
              (``A,ICCS0903,NR,DE``), then one column per year. Year headers and cells end in a space
              (``2021 ``, ``19704 ``); ``:`` is a missing value; a value may carry flag letters after
              the space (``123 p``, ``: c``).
``SDMX-CSV``  ``DATAFLOW,LAST UPDATE,freq,iccs,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG``: one
              observation per row, the flag letters in ``OBS_FLAG``.

Quirks handled here:

* ``:`` (with or without a flag) is missing, not zero: it gives no observation;
* flags are kept as published in ``published_flags``: ``p`` provisional makes the revision
  ``provisional``, ``e`` estimated and ``s`` Eurostat estimate make the value type ``estimate``;
  the others (``b`` break, ``d`` definition differs, ``u`` low reliability, ...) are named in
  ``notes``. The marts turn the letters that mean the same into the project's flags
  (:data:`PROJECT_FLAGS`);
* Eurostat's geo codes are ISO 3166 alpha-2 except ``EL`` (Greece) and ``UK``, plus NUTS codes for
  the UK jurisdictions (``UKC-L`` England and Wales, ``UKM`` Scotland, ``UKN`` Northern Ireland)
  and ``XK`` (Kosovo): all map to the project's area codes (:data:`GEO`);
* units ``NR`` (number) -> ``count``, ``P_HTHAB`` (per hundred thousand inhabitants) ->
  ``rate_per_100k_population``;
* the ICCS code is the category, verbatim (``ICCS0903``); its Eurostat label is
  ``category_harmonised``. The offence crosswalk maps it.

Eurostat and UNODC collect these figures jointly: where both publish a country-year-category, the
project publishes UNODC's and shows Eurostat's beside it (``marts.offences_eurostat_unodc_comparison``).
"""

import csv
import io
import re
from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.schema import conform
from pipelines.sources._tabular import decode_text

SOURCE_ID = "eurostat_crim_off_cat"
PUBLISHER = "Eurostat (European Commission)"
DATASET_TITLE = "Police-recorded offences by offence category (crim_off_cat)"
URL = "https://ec.europa.eu/eurostat/databrowser/view/crim_off_cat/default/table"
TSV_DIMENSIONS = ("freq", "iccs", "unit", "geo")
TSV_FIRST_CELL = "freq,iccs,unit,geo\\TIME_PERIOD"
SDMX_COLUMNS = ("DATAFLOW", "LAST UPDATE", "freq", "iccs", "unit", "geo", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG")

#: Eurostat unit code -> (our unit, the unit as Eurostat labels it).
UNITS = {"NR": ("count", "Number"), "P_HTHAB": ("rate_per_100k_population", "Per hundred thousand inhabitants")}

#: Eurostat geo code -> (area code, country ISO3, area type). ISO 3166 alpha-2 except EL and UK; NUTS codes
#: for the UK jurisdictions (the project's UNODC territory codes); XK is Kosovo (XKX, as the World Bank and UNODC).
GEO: dict[str, tuple[str, str, str]] = {
    **{two: (three, three, "country") for two, three in {
        "BE": "BEL", "BG": "BGR", "CZ": "CZE", "DK": "DNK", "DE": "DEU", "EE": "EST", "IE": "IRL", "EL": "GRC",
        "ES": "ESP", "FR": "FRA", "HR": "HRV", "IT": "ITA", "CY": "CYP", "LV": "LVA", "LT": "LTU", "LU": "LUX",
        "HU": "HUN", "MT": "MLT", "NL": "NLD", "AT": "AUT", "PL": "POL", "PT": "PRT", "RO": "ROU", "SI": "SVN",
        "SK": "SVK", "FI": "FIN", "SE": "SWE", "IS": "ISL", "LI": "LIE", "NO": "NOR", "CH": "CHE", "UK": "GBR",
        "BA": "BIH", "ME": "MNE", "MK": "MKD", "AL": "ALB", "RS": "SRB", "TR": "TUR",
    }.items()},
    "UKC-L": ("GBR_E_W", "GBR", "subnational"),
    "UKM": ("GBR_S", "GBR", "subnational"),
    "UKN": ("GBR_NI", "GBR", "subnational"),
    "XK": ("XKX", "XKX", "territory"),
}

#: Eurostat's labels of the ICCS codes of crim_off_cat (its data browser; the shared iccs.csv codelist).
ICCS_LABELS = {
    "ICCS0101": "Intentional homicide", "ICCS0102": "Attempted intentional homicide",
    "ICCS020111": "Serious assault", "ICCS020221": "Kidnapping", "ICCS0301": "Sexual violence",
    "ICCS03011": "Rape", "ICCS03012": "Sexual assault", "ICCS0302": "Sexual exploitation",
    "ICCS030221": "Child pornography", "ICCS0401": "Robbery", "ICCS0501": "Burglary",
    "ICCS05012": "Burglary of private residential premises", "ICCS0502": "Theft",
    "ICCS05021": "Theft of a motorized vehicle or parts thereof",
    "ICCS0601": "Unlawful acts involving controlled drugs or precursors", "ICCS0701": "Fraud",
    "ICCS0703": "Corruption", "ICCS07031": "Bribery", "ICCS07041": "Money laundering",
    "ICCS0903": "Acts against computer systems", "ICCS09051": "Participation in an organized criminal group",
}

#: Eurostat's observation flags (its code list of observation status and confidentiality).
FLAGS = {
    "b": "break in time series", "c": "confidential", "d": "definition differs", "e": "estimated",
    "f": "forecast", "n": "not significant", "p": "provisional", "r": "revised", "s": "Eurostat estimate",
    "u": "low reliability", "z": "not applicable",
}
#: Eurostat flag -> the project's flag letter (pipelines.indicators.flags) where they mean the same. Eurostat's
#: u (low reliability), c (confidential) and n (not significant) mean something else than the project's u
#: (unverified source), c (contradictory) and n (not recorded separately): they are never mapped.
PROJECT_FLAGS = {"b": "b", "e": "e", "s": "e", "p": "p"}

_CELL = re.compile(r"^(?P<value>:|\d+(?:\.\d+)?)(?:\s*(?P<flags>[a-z]+))?$")
_ICCS = re.compile(r"^ICCS\d{2,6}$")
_YEAR = re.compile(r"^\d{4}$")


def parse_cell(text: str) -> tuple[float | None, str]:
    """``'123 '`` -> (123.0, ''); ``'123 p'`` -> (123.0, 'p'); ``': '`` -> (None, ''); ``': c'`` -> (None, 'c').

    Raises ValueError for anything else (a negative, a comma, an unknown flag letter)."""
    m = _CELL.match(text.strip())
    if not m:
        raise ValueError(text)
    flags = m.group("flags") or ""
    if any(f not in FLAGS for f in flags) or len(set(flags)) != len(flags):
        raise ValueError(text)
    value = None if m.group("value") == ":" else float(m.group("value"))
    return value, "".join(sorted(flags, key=list(FLAGS).index))


def project_flags(published: str | None) -> str:
    """The project's flag string for Eurostat flag letters (``'pb'`` -> ``'bp'``; unmapped letters dropped)."""
    from pipelines.indicators.flags import FLAGS as OURS

    letters = {PROJECT_FLAGS[f] for f in (published or "") if f in PROJECT_FLAGS}
    return "".join(letter for letter in OURS if letter in letters)


def read(path: Path, name: str, release: str, sidecar: dict | None = None,
         sha256: str | None = None) -> pl.DataFrame:
    """Read one crim_off_cat file (TSV bulk or SDMX-CSV) into canonical observations."""
    sidecar = sidecar or {}
    data = path.read_bytes()
    if not data.strip():
        raise InputError(file=name, expected=f"the Eurostat TSV header ({TSV_FIRST_CELL}, years) or the SDMX-CSV "
                                             f"header ({','.join(SDMX_COLUMNS)})", found="an empty file")
    text, _ = decode_text(data, name)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = lines[0].split("\t")[0].strip()
    if "\\" in first or "\t" in lines[0]:
        rows = _tsv_rows(lines, name)
    elif first.startswith("DATAFLOW"):
        rows = _sdmx_rows(text, name)
    else:
        raise InputError(file=name, row=1, expected=f"the Eurostat TSV header (first cell {TSV_FIRST_CELL!r}) or "
                                                    f"the SDMX-CSV header ({','.join(SDMX_COLUMNS)})",
                         found=lines[0].strip())
    return _observations(rows, name, release, sidecar, sha256)


def _tsv_rows(lines: list[str], name: str) -> list[dict]:
    header = lines[0].split("\t")
    dims_text, _, time_name = header[0].strip().partition("\\")
    dims = tuple(d.strip() for d in dims_text.split(","))
    if time_name != "TIME_PERIOD" or sorted(dims) != sorted(TSV_DIMENSIONS):
        raise InputError(file=name, row=1, column=header[0], expected=f"the first header cell {TSV_FIRST_CELL!r} "
                         "(the dimensions freq, iccs, unit and geo, in any order, then \\TIME_PERIOD)",
                         found=header[0])
    years = []
    for cell in header[1:]:
        if not _YEAR.match(cell.strip()):
            raise InputError(file=name, row=1, column=cell, expected="a year column header such as '2021 '",
                             found=cell)
        years.append((cell, int(cell)))
    rows = []
    for i, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            raise InputError(file=name, row=i, expected=f"{len(header)} tab-separated fields as in the header (row 1)",
                             found=f"{len(cells)} fields")
        codes = [c.strip() for c in cells[0].split(",")]
        if len(codes) != len(dims):
            raise InputError(file=name, row=i, column=header[0],
                             expected=f"{len(dims)} comma-separated codes ({','.join(dims)})", found=cells[0])
        key = dict(zip(dims, codes, strict=True))
        for (column, year), cell in zip(years, cells[1:], strict=True):
            rows.append({**key, "row": i, "column": column, "year": year, "cell": cell})
    return rows


def _sdmx_rows(text: str, name: str) -> list[dict]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [c.strip().lstrip("\ufeff") for c in next(reader)]
    missing = [c for c in SDMX_COLUMNS if c not in header]
    if missing:
        raise InputError(file=name, row=1, column=missing[0],
                         expected=f"the SDMX-CSV columns {', '.join(SDMX_COLUMNS)}",
                         found=f"columns {', '.join(header)}")
    at = {c: header.index(c) for c in SDMX_COLUMNS}
    rows = []
    for rec in reader:
        i = reader.line_num
        if not any(c.strip() for c in rec):
            continue
        if len(rec) != len(header):
            raise InputError(file=name, row=i, expected=f"{len(header)} fields as in the header (row 1)",
                             found=f"{len(rec)} fields")
        year_text = rec[at["TIME_PERIOD"]].strip()
        if not _YEAR.match(year_text):
            raise InputError(file=name, row=i, column="TIME_PERIOD", expected="a year such as 2021", found=year_text)
        value = rec[at["OBS_VALUE"]].strip() or ":"
        flag = rec[at["OBS_FLAG"]].strip()
        rows.append({**{d: rec[at[d]].strip() for d in TSV_DIMENSIONS}, "row": i, "column": "OBS_VALUE",
                     "year": int(year_text), "cell": f"{value} {flag}", "last_update": rec[at["LAST UPDATE"]].strip()})
    return rows


def _observations(rows: list[dict], name: str, release: str, sidecar: dict, sha256: str | None) -> pl.DataFrame:
    out = []
    for r in rows:
        if r["freq"] != "A":
            raise InputError(file=name, row=r["row"], column="freq", expected="'A' (annual)", found=r["freq"])
        if r["unit"] not in UNITS:
            raise InputError(file=name, row=r["row"], column="unit", expected=" or ".join(map(repr, UNITS)),
                             found=r["unit"])
        if r["geo"] not in GEO:
            raise InputError(file=name, row=r["row"], column="geo",
                             expected="a Eurostat country code (EU, EFTA and candidate countries, EL, UK, UKC-L, UKM, "
                                      "UKN, XK)", found=r["geo"])
        if not _ICCS.match(r["iccs"]):
            raise InputError(file=name, row=r["row"], column="iccs", expected="an ICCS code such as 'ICCS0903'",
                             found=r["iccs"])
        try:
            value, flags = parse_cell(r["cell"])
        except ValueError:
            raise InputError(file=name, row=r["row"], column=r["column"],
                             expected="a number or ':' (missing), optionally followed by Eurostat flag letters "
                                      f"({''.join(FLAGS)}), such as '123 p'", found=r["cell"]) from None
        if value is None:
            continue  # missing is not zero: no observation
        area_code, iso3, area_type = GEO[r["geo"]]
        unit, unit_published = UNITS[r["unit"]]
        out.append({
            "area_code": area_code, "area_name": r["geo"], "country_iso3": iso3, "area_type": area_type,
            "category": r["iccs"], "category_harmonised": ICCS_LABELS.get(r["iccs"]), "year": r["year"],
            "unit": unit, "unit_published": unit_published, "value": value, "published_flags": flags or None,
            "value_type": "estimate" if set(flags) & {"e", "s"} else "reported",
            "revision": "provisional" if "p" in flags else "as_published",
            "notes": ("Eurostat flags: " + ", ".join(f"{f} ({FLAGS[f]})" for f in flags)) if flags else None,
            "data_source_note": f"last update {r['last_update']}" if r.get("last_update") else None,
            "source_row": r["row"],
        })
    schema = {"area_code": pl.String, "area_name": pl.String, "country_iso3": pl.String, "area_type": pl.String,
              "category": pl.String, "category_harmonised": pl.String, "year": pl.Int32, "unit": pl.String,
              "unit_published": pl.String, "value": pl.Float64, "published_flags": pl.String, "value_type": pl.String,
              "revision": pl.String, "notes": pl.String, "data_source_note": pl.String, "source_row": pl.Int64}
    df = pl.DataFrame(out, schema=schema, orient="row") if out else pl.DataFrame(schema=schema)
    df = df.with_columns(
        indicator=pl.lit(DATASET_TITLE), dimension=pl.lit("by ICCS offence category"),
        sex=pl.lit("Total"), age=pl.lit("Total"), measure=pl.lit("offences"),
        period_label=pl.col("year").cast(pl.String),
        period_start=pl.date(pl.col("year"), 1, 1), period_end=pl.date(pl.col("year"), 12, 31),
        period_type=pl.lit("calendar_year"),
        source_id=pl.lit(SOURCE_ID), release=pl.lit(release), release_date=pl.lit(
            str(sidecar["release_date"]) if sidecar.get("release_date") else None,
                            dtype=pl.String),
        dataset=pl.lit(Path(name).stem),
        source_grade=pl.lit("publisher_file"),  # Eurostat's own bulk download (checked by sha256 in the sidecar)
        publisher=pl.lit(sidecar.get("publisher") or PUBLISHER),
        publication=pl.lit(sidecar.get("title") or f"Eurostat {DATASET_TITLE}"),
        source_url=pl.lit(sidecar.get("url") or URL),
        source_file=pl.lit(name), source_sha256=pl.lit(sha256),
    ).with_columns(pl.col("release_date").cast(pl.String).str.to_date(strict=False))
    return conform(df.sort("source_row", "year"))

