"""National headline figures: a CSV template any national unit, CERT or researcher can fill.

One row per published number. Columns (UTF-8 CSV, header on the first row; see
``data/sources/national_figures/TEMPLATE.md`` for the full guide):

required  ``year`` (year in which the period ends), ``period_label`` (as published), ``metric``
          (reports | complaints | cases_recorded | victims | loss | illicit_volume | criminal_proceeds),
          ``value`` (full units, no
          "billion"; may be empty only when ``value_low`` and ``value_high`` give a range),
          ``publisher``, ``source_url``, and ``country_iso3`` or ``region_name`` (or both)
optional  ``period_start``, ``period_end`` (ISO dates; needed when the label is not a form
          :mod:`pipelines.harmonise.periods` understands), ``period_type``, ``value_low``,
          ``value_high``, ``currency`` (ISO 4217, required for ``loss``), ``value_type`` (reported |
          estimate), ``revision`` (first_published | restated | provisional | final |
          as_published), ``series`` (an id for the publisher's series or scope, e.g.
          ``accc_combined`` vs ``accc_scamwatch_only``; default: derived from the publisher),
          ``publication``, ``verification``, ``source_grade`` (one of ``SOURCE_GRADES``: where the
          number was read; when absent, ``verified`` if ``verification`` is "verified", else
          ``unverified``), ``part_of_series`` (the series id of the same publisher's total, for the same
          area, period and metric, that this figure is a part of: IC3's cryptocurrency descriptor is part
          of ``ic3_annual_total``), ``asset_scope`` (``virtual_assets`` when the figure is restricted to
          losses, complaints or flows involving virtual assets), ``notes``

Money metrics (``MONEY_METRICS``) need a currency: ``loss`` is what victims lost; ``illicit_volume``
(value received by addresses identified as illicit, a lower bound restated upward in later editions)
and ``criminal_proceeds`` (perpetrators' profits or revenue) are estimates of other things and are
never mixed with losses (pipelines.indicators.virtual_assets).
"""

import re
import unicodedata
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.harmonise.periods import parse_period, revision_from_label
from pipelines.schema import ASSET_SCOPES, MONEY_MEASURES, PERIOD_TYPES, REVISIONS, SOURCE_GRADES, VALUE_TYPES, conform
from pipelines.sources._tabular import ROW, read_csv_table, require_columns, require_text, to_float, to_year

SOURCE_ID = "national_figures"
REQUIRED = ("year", "period_label", "metric", "value", "publisher", "source_url")
OPTIONAL = (
    "country_iso3", "region_name", "period_start", "period_end", "period_type", "value_low", "value_high",
    "currency", "value_type", "revision", "series", "publication", "verification", "source_grade", "notes",
    "part_of_series", "asset_scope",
)
METRICS = ("reports", "complaints", "cases_recorded", "victims", "loss", "illicit_volume", "criminal_proceeds")
#: Metrics counted in money: a currency is required for them and refused for the others.
MONEY_METRICS = MONEY_MEASURES

#: Sub-national areas that publishers name in ``region_name`` next to a country code.
SUBNATIONAL = {("GBR", "england and wales"): "GBR_E_W", ("GBR", "scotland"): "GBR_S",
               ("GBR", "northern ireland"): "GBR_NI"}
_ISO3 = re.compile(r"^[A-Z]{3}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def series_id(publisher: str) -> str:
    """Default series id: the publisher's name (or its bracketed acronym), as a slug."""
    acronym = re.search(r"\(([A-Z][A-Z0-9 /&.-]{1,15})\)", publisher)
    base = acronym.group(1) if acronym else re.split(r" \(|,", publisher)[0]
    ascii_base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_base.casefold()).strip("_")


def source_grade_from_verification(verification: str | None) -> str:
    """Grade of a row without ``source_grade``: ``verified`` when its verification says so, else
    ``unverified`` (a file that does not say where a figure was read cannot claim the publisher's page)."""
    return "verified" if (verification or "").strip().casefold() == "verified" else "unverified"


def region_code(name: str) -> str:
    """Area code for a regional or global aggregate named by its publisher."""
    slug = re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")
    return f"REGION_{slug}"


def read(path: Path, name: str, release: str, sidecar: dict | None = None,
         sha256: str | None = None) -> pl.DataFrame:
    """Read one filled template into canonical observations."""
    table = read_csv_table(path, name, marker="metric",
                           expected_header="the national figures template header (see TEMPLATE.md)")
    df = table.frame
    present = [c for c in df.columns if c != ROW]
    extra = [c for c in present if c not in REQUIRED + OPTIONAL]
    if extra:
        raise InputError(file=name, row=table.header_row, column=extra[0],
                         expected=f"template columns ({', '.join(REQUIRED + OPTIONAL)})",
                         found=f"unknown column {extra[0]!r}")
    require_columns(df, REQUIRED, name, table.header_row, allow_extra=True)
    if "country_iso3" not in present and "region_name" not in present:
        raise InputError(file=name, row=table.header_row, column="country_iso3",
                         expected="a country_iso3 or region_name column", found="neither")
    if df.height == 0:
        raise InputError(file=name, row=table.header_row + 1, expected="at least one data row",
                         found="no rows")
    df = df.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in OPTIONAL if c not in present)
    df = df.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in REQUIRED + OPTIONAL)
    for col in ("period_label", "metric", "publisher"):
        require_text(df, col, name)

    years = to_year(df, "year", name)
    value = to_float(df, "value", name, required=False)
    low = to_float(df, "value_low", name, required=False)
    high = to_float(df, "value_high", name, required=False)

    rows = df.to_dicts()
    out: list[dict] = []
    for i, r in enumerate(rows):
        row_no = r[ROW]

        def fail(column: str, expected: str, found: object, row_no: int = row_no) -> None:
            raise InputError(file=name, row=row_no, column=column, expected=expected,
                             found=None if found is None else str(found))

        metric = r["metric"]
        if metric not in METRICS:
            fail("metric", " | ".join(METRICS), metric)
        v, lo, hi = value[i], low[i], high[i]
        if v is None and (lo is None or hi is None):
            fail("value", "a number (or value_low and value_high for a published range)", "an empty cell")
        if lo is not None and hi is not None and lo > hi:
            fail("value_low", f"at most value_high ({hi})", lo)
        if v is not None and lo is not None and hi is not None and not lo <= v <= hi:
            fail("value", f"a value inside value_low..value_high ({lo}..{hi})", v)
        currency = (r["currency"] or "").upper() or None
        if metric in MONEY_METRICS:
            if currency is None or not _CURRENCY.match(currency):
                fail("currency", f"an ISO 4217 code such as USD for a {metric} figure",
                     r["currency"] or "an empty cell")
        elif currency is not None:
            fail("currency", f"an empty cell (currency applies to {', '.join(MONEY_METRICS)} rows only)", currency)

        iso3 = (r["country_iso3"] or "").upper() or None
        region = r["region_name"]
        if iso3 is None and region is None:
            fail("country_iso3", "a country code or a region_name", "both empty")
        if iso3 is not None and not _ISO3.match(iso3):
            fail("country_iso3", "an ISO 3166-1 alpha-3 code", r["country_iso3"])
        if iso3 is not None and region is not None:
            sub = SUBNATIONAL.get((iso3, region.casefold()))
            if sub is None:
                fail("region_name", f"empty, or a known part of {iso3} ("
                     + ", ".join(k[1] for k in SUBNATIONAL if k[0] == iso3) + ")", region)
            area_code, area_type, area_name = sub, "subnational", region
        elif iso3 is not None:
            area_code, area_type, area_name = iso3, "country", iso3
        else:
            area_code, area_type, area_name = region_code(region), "region", region

        label = r["period_label"]
        start, end = _date(r["period_start"]), _date(r["period_end"])
        if (r["period_start"] and start is None) or (r["period_end"] and end is None):
            col = "period_start" if r["period_start"] and start is None else "period_end"
            fail(col, "an ISO date (YYYY-MM-DD)", r[col])
        period_type = r["period_type"]
        if start is None and end is None:
            parsed = parse_period(label)
            if parsed is None:
                fail("period_label", "a period form listed in TEMPLATE.md, or period_start and period_end",
                     label)
            start, end = parsed.start, parsed.end
            period_type = period_type or parsed.period_type
        elif start is None or end is None:
            fail("period_start" if start is None else "period_end", "both period dates or neither",
                 "only one")
        if period_type is None:
            fail("period_type", " | ".join(PERIOD_TYPES), "an empty cell")
        if period_type not in PERIOD_TYPES:
            fail("period_type", " | ".join(PERIOD_TYPES), period_type)
        if start is not None and end is not None:
            if start > end:
                fail("period_start", f"a date before period_end ({end})", start)
            if end.year != years[i]:
                fail("year", f"the year in which the period ends ({end.year})", years[i])
        value_type = r["value_type"] or "reported"
        if value_type not in VALUE_TYPES:
            fail("value_type", " | ".join(VALUE_TYPES), value_type)
        revision = r["revision"] or revision_from_label(label)
        if revision not in REVISIONS:
            fail("revision", " | ".join(REVISIONS), revision)
        grade = r["source_grade"] or source_grade_from_verification(r["verification"])
        if grade not in SOURCE_GRADES:
            fail("source_grade", " | ".join(SOURCE_GRADES), grade)
        if r["source_url"] is None and grade != "unverified":
            fail("source_url", "where the number was seen (only an unverified figure may have none)", "an empty cell")
        series = r["series"] or series_id(r["publisher"])
        part_of = r["part_of_series"]
        if part_of is not None and part_of == series:
            fail("part_of_series", f"the series of a total other than this figure's own series ({series})", part_of)
        scope = r["asset_scope"]
        if scope is not None and scope not in ASSET_SCOPES:
            fail("asset_scope", "empty, or " + " | ".join(ASSET_SCOPES), scope)

        out.append({
            "area_code": area_code, "area_name": area_name, "area_type": area_type,
            "country_iso3": iso3, "year": years[i], "period_label": label, "period_start": start,
            "period_end": end, "period_type": period_type, "measure": metric,
            "unit": "currency" if metric in MONEY_METRICS else "count", "unit_published": currency or "count",
            "currency": currency, "value": v, "value_low": lo, "value_high": hi, "value_type": value_type,
            "revision": revision, "source_grade": grade, "publisher": r["publisher"], "publication": r["publication"],
            "series": series, "part_of_series": part_of, "asset_scope": scope,
            "source_url": r["source_url"], "notes": r["notes"], "data_source_note": r["verification"],
            "category": "All reported offences (headline figure)", "indicator": "national headline figure",
            "source_row": row_no,
        })
    frame = pl.DataFrame(out, schema_overrides={"year": pl.Int32, "period_start": pl.Date,
                                                 "period_end": pl.Date, "value": pl.Float64,
                                                 "value_low": pl.Float64, "value_high": pl.Float64},
                         infer_schema_length=None)
    frame = frame.with_columns(
        source_id=pl.lit(SOURCE_ID), release=pl.lit(release), dataset=pl.lit(Path(name).stem),
        release_date=pl.lit(_date(str((sidecar or {}).get("release_date") or "")) or _date(release),
                            dtype=pl.Date),
        source_file=pl.lit(name), source_sha256=pl.lit(sha256),
    )
    return conform(frame)


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
