"""FBI Internet Crime Complaint Center (IC3): crime-type tables and annual totals.

The IC3 publishes its annual Internet Crime Report as a PDF; the tables here are transcriptions.
Three layouts are read, recognised by their header:

``crime type counts``   year, crime_type_as_printed, crime_type_harmonised, count_basis, count
                        (the upstream transcription's ``category_raw, category, count`` is accepted;
                        count_basis is then derived: victims up to 2022, complaints from 2023)
``crime type losses``   year, crime_type_as_printed, crime_type_harmonised, loss_usd
                        (or upstream ``category_raw, category, loss_usd``)
``annual totals``       year, complaints, loss_usd, report, source_url, notes

Source grade (``source_grade``): the annual totals were read in the text of the IC3 report itself
(``verified``); the crime-type tables were transcribed from the report's tables by a third party
(``transcribed``). A sidecar ``grade`` key (one of ``SOURCE_GRADES``) overrides either.

Crime types do NOT add up to the annual totals (2024: 651,865 summed counts against 859,532
complaints; $16.09bn summed losses against $16.6bn), so totals are their own rows
(``category = "All complaints (report total)"``) and nothing downstream sums crime types.
"""

from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.schema import SOURCE_GRADES, conform
from pipelines.sources._tabular import ROW, read_csv_table, require_columns, require_text, to_float, to_year

SOURCE_ID = "fbi_ic3"
PUBLISHER = "Federal Bureau of Investigation, Internet Crime Complaint Center (IC3)"
TOTAL_CATEGORY = "All complaints (report total)"
TOTAL_SERIES = "ic3_annual_total"
#: Up to the 2022 report IC3 tabulated crime types by victim count (verified for 2022); from the
#: 2023 report on, by complaint count (verified for 2023 and 2024).
LAST_VICTIM_COUNT_YEAR = 2022

COUNTS = ("year", "crime_type_as_printed", "crime_type_harmonised", "count_basis", "count")
LOSSES = ("year", "crime_type_as_printed", "crime_type_harmonised", "loss_usd")
TOTALS = ("year", "complaints", "loss_usd", "report", "source_url", "notes")
_UPSTREAM = {"category_raw": "crime_type_as_printed", "category": "crime_type_harmonised"}
#: Every header this reader accepts (the three layouts, and the upstream names of the crime-type tables).
HEADERS = (COUNTS, LOSSES, TOTALS, ("year", "category_raw", "category", "count"),
           ("year", "category_raw", "category", "loss_usd"))
#: Default source grade by layout: totals read in the report's text, crime types from a transcription.
GRADES = {"totals": "verified", "counts": "transcribed", "losses": "transcribed"}


def _layout(columns: list[str]) -> str:
    cols = set(columns)
    if "complaints" in cols:
        return "totals"
    if "count" in cols:
        return "counts"
    if "loss_usd" in cols:
        return "losses"
    return "unknown"


def read(path: Path, name: str, release: str, sidecar: dict | None = None,
         sha256: str | None = None) -> pl.DataFrame:
    """Read one IC3 table (any of the three layouts) into canonical observations."""
    sidecar = sidecar or {}
    table = read_csv_table(path, name, marker="year",
                           expected_header="an IC3 table header (year, ... count | loss_usd | complaints)")
    df = table.frame.rename({k: v for k, v in _UPSTREAM.items() if k in table.frame.columns})
    layout = _layout(df.columns)
    if layout == "counts" and "count_basis" not in df.columns:
        df = df.with_columns(pl.lit(None, dtype=pl.String).alias("count_basis"))
    expected = {"counts": COUNTS, "losses": LOSSES, "totals": TOTALS}.get(layout)
    if expected is None:
        raise InputError(file=name, row=table.header_row, expected="a count, loss_usd or complaints column",
                         found=", ".join(c for c in df.columns if c != ROW))
    require_columns(df, expected, name, table.header_row)
    if df.height == 0:
        raise InputError(file=name, row=table.header_row + 1, expected="at least one data row", found="no rows")
    grade = sidecar.get("grade") or GRADES[layout]
    if grade not in SOURCE_GRADES:
        raise InputError(file=f"{name}.source.yml", column="grade", expected=" | ".join(SOURCE_GRADES),
                         found=str(grade))
    years = to_year(df, "year", name)
    common = {
        "source_row": df[ROW],
        "year": years,
    }
    publication = pl.format("{} Internet Crime Report", pl.col("year"))
    if layout == "totals":
        require_text(df, "report", name)
        complaints = to_float(df, "complaints", name, required=True)
        loss = to_float(df, "loss_usd", name, required=True)
        base = pl.DataFrame({**common, "report": df["report"], "source_url": df["source_url"],
                             "notes": df["notes"]})
        frames = [
            base.with_columns(measure=pl.lit("complaints"), unit=pl.lit("count"), unit_published=pl.lit("count"),
                              value=complaints),
            base.with_columns(measure=pl.lit("loss"), unit=pl.lit("currency"), unit_published=pl.lit("USD"),
                              currency=pl.lit("USD"), value=loss),
        ]
        out = pl.concat(frames, how="diagonal").with_columns(
            category=pl.lit(TOTAL_CATEGORY), indicator=pl.lit("annual totals"),
            publication=pl.col("report"), series=pl.lit(TOTAL_SERIES),
        ).drop("report")
    else:
        require_text(df, "crime_type_as_printed", name)
        base = pl.DataFrame({**common, "category": df["crime_type_as_printed"].str.strip_chars(),
                             "category_harmonised": df["crime_type_harmonised"].str.strip_chars()})
        if layout == "counts":
            counts = to_float(df, "count", name, required=True)
            basis = df["count_basis"].str.strip_chars().replace("", None)
            derived = pl.when(years <= LAST_VICTIM_COUNT_YEAR).then(pl.lit("victims")).otherwise(pl.lit("complaints"))
            out = base.with_columns(
                measure=pl.when(basis.is_null()).then(derived).otherwise(pl.lit(basis)),
                unit=pl.lit("count"), unit_published=pl.lit("count"), value=counts,
                indicator=pl.lit("crime types by count"),
            )
            bad = ~out["measure"].is_in(["victims", "complaints"])
            if bad.any():
                i = bad.arg_true()[0]
                raise InputError(file=name, row=int(df[ROW][i]), column="count_basis",
                                 expected="victims or complaints", found=basis[i])
        else:
            loss = to_float(df, "loss_usd", name, required=True)
            out = base.with_columns(measure=pl.lit("loss"), unit=pl.lit("currency"), unit_published=pl.lit("USD"),
                                    currency=pl.lit("USD"), value=loss, indicator=pl.lit("crime types by loss"))
        out = out.with_columns(publication=publication, source_url=pl.lit(sidecar.get("url")))
    out = out.with_columns(
        area_code=pl.lit("USA"), area_name=pl.lit("United States"), country_iso3=pl.lit("USA"),
        area_type=pl.lit("country"), period_label=pl.format("calendar year {}", pl.col("year")),
        period_start=pl.date(pl.col("year"), 1, 1), period_end=pl.date(pl.col("year"), 12, 31),
        period_type=pl.lit("calendar_year"), value_type=pl.lit("reported"), revision=pl.lit("as_published"),
        source_grade=pl.lit(grade), publisher=pl.lit(PUBLISHER), source_id=pl.lit(SOURCE_ID),
        release=pl.lit(release),
        dataset=pl.lit(Path(name).stem), source_file=pl.lit(name), source_sha256=pl.lit(sha256),
    )
    return conform(out.sort("source_row", "measure"))
