"""India, National Crime Records Bureau (NCRB) "Crime in India" cyber-crime tables (data.gov.in).

Two layouts, recognised by their header:

``state totals``  ``S. No, Category, State/UT, 2016, 2017, 2018[, Percentage Share of State/UT
                  (2018)], Mid-Year Projected Population (in Lakhs) (2018)+, Rate of Total Cyber
                  Crimes (2018)++`` - cyber crimes registered per State/UT; the rate is per lakh
                  (100,000) of population. The percentage share is derivable and not carried.
``fraud by type`` ``Sl. No., State/UT, YYYY - A, ..., YYYY - E, YYYY - Total`` - cyber fraud cases
                  by type. The codes A-E are not explained in the file (believed: A credit/debit
                  card, B ATM, C online banking, D OTP, E other); the code is kept as the category.

Subtotal rows (``Total State (S)``, ``Total UT (S)``, ``Total (All India)``) are kept with
``area_type = 'subtotal'`` (All India: ``'country'`` with area code ``IND``) so they can be
reconciled against the State/UT rows and are never summed with them. ``NA`` cells (Ladakh before
it became a Union Territory in 2019) are not applicable, not zero: they produce no observation.
"""

import re
from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.schema import conform
from pipelines.sources._tabular import ROW, read_csv_table, require_text

SOURCE_ID = "ncrb"
PUBLISHER = "National Crime Records Bureau (NCRB), India"
FRAUD_TYPES_BELIEVED = {"A": "Credit/Debit Card", "B": "ATM", "C": "Online Banking", "D": "OTP",
                        "E": "Other frauds", "Total": "Total cyber fraud"}
SUBTOTALS = {"total state (s)": ("IND_TOTAL_STATES", "subtotal"), "total ut (s)": ("IND_TOTAL_UTS", "subtotal"),
             "total (all india)": ("IND", "country")}
#: The header this reader accepts: a State/UT column (both layouts; the year columns tell them apart).
HEADERS = (("State/UT",),)
_WIDE = re.compile(r"^(\d{4}) - (A|B|C|D|E|Total)$")
_NA = ("NA", "N.A.", "N/A")


def area_code(name: str) -> tuple[str, str]:
    """Area code and type for a State/UT or subtotal label."""
    key = " ".join(name.split()).casefold()
    if key in SUBTOTALS:
        return SUBTOTALS[key]
    return "IND_" + re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_"), "subnational"


def read(path: Path, name: str, release: str, sidecar: dict | None = None,
         sha256: str | None = None) -> pl.DataFrame:
    sidecar = sidecar or {}
    table = read_csv_table(path, name, marker="State/UT", expected_header="an NCRB State/UT table header")
    df = table.frame
    cols = [c for c in df.columns if c != ROW]
    require_text(df, "State/UT", name)
    wide = [c for c in cols if _WIDE.match(c)]
    year_cols = [c for c in cols if re.fullmatch(r"\d{4}", c)]
    if wide:
        unknown = [c for c in cols if c not in wide and c not in ("Sl. No.", "State/UT")]
        if unknown:
            raise InputError(file=name, row=table.header_row, column=unknown[0],
                             expected="Sl. No., State/UT and 'YYYY - A..E|Total' columns", found=unknown[0])
        obs = _unpivot(df, wide, name).with_columns(
            year=pl.col("column").str.slice(0, 4).cast(pl.Int32),
            category=pl.col("column").str.slice(7),
            indicator=pl.lit("Cyber fraud cases by type"),
            measure=pl.lit("cases_recorded"), unit=pl.lit("count"), unit_published=pl.lit("cases"),
        ).with_columns(
            category_harmonised=pl.col("category").replace_strict(FRAUD_TYPES_BELIEVED),
            notes=pl.lit("Type codes A-E are not explained in the file; harmonised labels are believed "
                         "(from the upstream repository's code), not verified."),
        )
    elif year_cols:
        rate_col = next((c for c in cols if c.startswith("Rate of Total Cyber Crimes")), None)
        known = {"S. No", "Category", "State/UT", *year_cols, rate_col}
        known |= {c for c in cols if c.startswith(("Percentage Share", "Mid-Year Projected Population"))}
        unknown = [c for c in cols if c not in known]
        if unknown:
            raise InputError(file=name, row=table.header_row, column=unknown[0],
                             expected="the NCRB state cyber-crime columns", found=unknown[0])
        counts = _unpivot(df, year_cols, name).with_columns(
            year=pl.col("column").cast(pl.Int32), unit=pl.lit("count"), unit_published=pl.lit("cases"))
        frames = [counts]
        if rate_col:
            rate_year = int(re.search(r"\((\d{4})\)", rate_col).group(1))
            rates = _unpivot(df, [rate_col], name).with_columns(
                year=pl.lit(rate_year, dtype=pl.Int32), unit=pl.lit("rate_per_100k_population"),
                unit_published=pl.lit("rate per lakh population"))
            frames.append(rates)
        obs = pl.concat(frames, how="diagonal").with_columns(
            category=pl.lit("Total cyber crimes"), indicator=pl.lit("Cyber crimes registered by State/UT"),
            measure=pl.lit("cases_recorded"),
        )
    else:
        raise InputError(file=name, row=table.header_row, expected="year columns (2016, ...) or 'YYYY - A' columns",
                         found=", ".join(cols))
    obs = obs.with_columns(
        area_name=pl.col("State/UT"),
        area_code=pl.col("State/UT").map_elements(lambda s: area_code(s)[0], return_dtype=pl.String),
        area_type=pl.col("State/UT").map_elements(lambda s: area_code(s)[1], return_dtype=pl.String),
        country_iso3=pl.lit("IND"),
        period_label=pl.format("calendar year {}", pl.col("year")),
        period_start=pl.date(pl.col("year"), 1, 1), period_end=pl.date(pl.col("year"), 12, 31),
        period_type=pl.lit("calendar_year"), value_type=pl.lit("reported"), revision=pl.lit("as_published"),
        source_grade=pl.lit("publisher_file"),  # the publisher's own table
        publisher=pl.lit(sidecar.get("publisher") or PUBLISHER),
        publication=pl.lit(sidecar.get("title") or "Crime in India"), source_url=pl.lit(sidecar.get("url")),
        source_id=pl.lit(SOURCE_ID), release=pl.lit(release), dataset=pl.lit(Path(name).stem),
        source_file=pl.lit(name), source_sha256=pl.lit(sha256), source_row=pl.col(ROW),
    ).drop("State/UT", "column", ROW)
    return conform(obs.sort("source_row", "year", "category", "unit"))


def _unpivot(df: pl.DataFrame, columns: list[str], name: str) -> pl.DataFrame:
    """Long frame (State/UT, ROW, column, value); NA cells dropped, other non-numbers rejected."""
    long = df.unpivot(on=columns, index=["State/UT", ROW], variable_name="column", value_name="text")
    text = long["text"].str.strip_chars()
    long = long.filter(~(text.is_null() | text.is_in(list(_NA))))
    text = long["text"].str.strip_chars()
    value = text.cast(pl.Float64, strict=False)
    bad = value.is_null() | ~value.is_finite()
    if bad.any():
        i = bad.arg_true()[0]
        raise InputError(file=name, row=int(long[ROW][i]), column=long["column"][i],
                         expected="a number (or NA)", found=long["text"][i] or "an empty cell")
    return long.with_columns(value=value).drop("text")
