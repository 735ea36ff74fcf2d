"""UNODC Crime Trends Survey (CTS) exports from dataUNODC (``data_cts_*.xlsx`` or ``.csv``).

Layout (13 columns): ``Iso3_code, Country, Region, Subregion, Indicator, Dimension, Category, Sex,
Age, Year, Unit of measurement, VALUE, Source``. Quirks handled here:

* the header is found by its ``Iso3_code`` cell: originals have two title rows (``UNODC`` and the
  release date ``DD/MM/YYYY``), some re-saved copies have none;
* Excel-saved CSV copies are Windows-1252 with CRLF line ends and mangle age bands (``10-17`` ->
  ``Oct-17``), which is repaired;
* territory codes changed between releases (``GBR_EW``/``GBR_E_W``, ``KOS``/``XKX``): both map to
  one canonical area code with its parent ISO3;
* ``Counts`` and ``Rate per 100,000 population`` rows stay separate measures (unit column);
* the category label is kept verbatim.

``Region``/``Subregion`` are not carried: regions come from UN M49 in the intermediate layer.

A **derived copy** of a release (a third party's table of the latest year per place, values rounded; its
header has ``value_precision`` and no ``Indicator``, ``Region``, ``Subregion`` or ``Source``) is read too:
its rows are offences by type of offence (``Indicator`` = ``Offences``, checked against ``Dimension``),
``value_precision`` says how each value was rounded (``value_decimals``), and its grade is below the
publisher's file (``transcribed`` unless its sidecar says another). Such a vintage is compared and listed,
never published (pipelines.indicators.offences.resolve_releases).
"""

import re
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.harmonise.areas import CODE_ALIASES, SPECIAL_AREAS
from pipelines.schema import conform
from pipelines.sources._tabular import (
    ROW,
    find_dmy_date,
    read_table,
    require_columns,
    require_text,
    to_float,
    to_year,
)

SOURCE_ID = "unodc_cts"
PUBLISHER = "United Nations Office on Drugs and Crime (UNODC)"
COLUMNS = (
    "Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category", "Sex", "Age",
    "Year", "Unit of measurement", "VALUE", "Source",
)
#: The columns of a derived copy (see the module docstring).
DERIVED_COLUMNS = ("Iso3_code", "Country", "Dimension", "Category", "Sex", "Age", "Year", "Unit of measurement",
                   "VALUE", "value_precision", "place_id_in_source", "iso3_derivation")
#: What a derived copy's rows count: its loader kept ``Dimension = "by type of offence"`` rows of offence series.
DERIVED_INDICATOR, DERIVED_DIMENSION = "Offences", "by type of offence"
UNITS = {"Counts": "count", "Rate per 100,000 population": "rate_per_100k_population"}
#: The roundings a derived copy states (its ``value_precision`` column), as decimal places by magnitude:
#: ((at least, decimals), ...) checked from the top; any other statement is an error.
DERIVED_ROUNDING = {
    "rounded to integer by the deriving script (Math.round)": ((0.0, 0),),
    "rounded by the deriving script: >=100 to integer, >=10 to 1 decimal, else 2 decimals":
        ((100.0, 0), (10.0, 1), (0.0, 2)),
}
_MONTHS = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}
_EXCEL_DATE_BAND = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(\d{1,2})$")


def measure_for_indicator(indicator: str) -> str | None:
    """What an indicator counts: offences, victims or persons; None if not recognised."""
    text = indicator.strip().casefold()
    if text.startswith("victims"):
        return "victims"
    if text.startswith("persons"):
        return "persons"
    if "offences" in text or text.startswith("acts "):
        return "offences"
    return None


def repair_excel_band(value: str | None) -> str | None:
    """Undo Excel's date conversion of age bands: ``Oct-17`` -> ``10-17``."""
    if value is None:
        return None
    m = _EXCEL_DATE_BAND.match(value.strip())
    if not m:
        return value
    return f"{_MONTHS[m.group(1)]}-{int(m.group(2))}"


def read(path: Path, name: str, release: str, sidecar: dict | None = None,
         sha256: str | None = None) -> pl.DataFrame:
    """Read one CTS export into canonical observations (see :mod:`pipelines.schema`)."""
    sidecar = sidecar or {}
    table = read_table(path, name, marker="Iso3_code",
                       expected_header="the UNODC CTS header (Iso3_code, Country, ..., VALUE, Source)",
                       numeric_columns=("VALUE", "Year"))
    df = table.frame
    derived = "value_precision" in df.columns and "Indicator" not in df.columns
    if derived:
        require_columns(df, DERIVED_COLUMNS, name, table.header_row)
        other = ~df["Dimension"].str.strip_chars().eq(DERIVED_DIMENSION).fill_null(False)
        if other.any():
            i = other.arg_true()[0]
            raise InputError(file=name, row=int(df[ROW][i]), column="Dimension",
                             expected=f"{DERIVED_DIMENSION!r} (a derived copy holds offences by type of offence only)",
                             found=df["Dimension"][i])
        precision = df["value_precision"].str.strip_chars()
        unknown = ~precision.is_in(list(DERIVED_ROUNDING)).fill_null(False)
        if unknown.any():
            i = unknown.arg_true()[0]
            raise InputError(file=name, row=int(df[ROW][i]), column="value_precision",
                             expected=" or ".join(repr(t) for t in DERIVED_ROUNDING), found=precision[i])
        df = df.with_columns(Indicator=pl.lit(DERIVED_INDICATOR), Source=precision)
    else:
        require_columns(df, COLUMNS, name, table.header_row)
    if df.height == 0:
        raise InputError(file=name, row=table.header_row + 1, expected="at least one data row under the header",
                         found="no rows")
    for col in ("Iso3_code", "Indicator", "Category", "Unit of measurement"):
        require_text(df, col, name)

    values = to_float(df, "VALUE", name, required=True)
    years = to_year(df, "Year", name)

    units = df["Unit of measurement"].str.strip_chars()
    unknown_unit = ~units.is_in(list(UNITS))
    if unknown_unit.any():
        i = unknown_unit.arg_true()[0]
        raise InputError(file=name, row=int(df[ROW][i]), column="Unit of measurement",
                         expected=" or ".join(repr(u) for u in UNITS), found=units[i])

    indicators = df["Indicator"].str.strip_chars()
    measure_map = {ind: measure_for_indicator(ind) for ind in indicators.unique().to_list()}
    unknown_ind = [ind for ind, m in measure_map.items() if m is None]
    if unknown_ind:
        i = indicators.is_in(unknown_ind).arg_true()[0]
        raise InputError(file=name, row=int(df[ROW][i]), column="Indicator",
                         expected="an indicator about offences, victims or persons", found=indicators[i])

    codes = df["Iso3_code"].str.strip_chars().str.to_uppercase()
    canonical = codes.replace(CODE_ALIASES)
    bad_code = ~canonical.str.contains(r"^[A-Z]{3}(_[A-Z]{1,3})*$")
    if bad_code.any():
        i = bad_code.arg_true()[0]
        raise InputError(file=name, row=int(df[ROW][i]), column="Iso3_code",
                         expected="a three-letter ISO code (or a UNODC territory code such as GBR_E_W)",
                         found=df["Iso3_code"][i])
    special_parent = {k: a.country_iso3 for k, a in SPECIAL_AREAS.items()}
    special_type = {k: a.area_type for k, a in SPECIAL_AREAS.items()}

    release_date = _release_date(table.title_rows, release, sidecar)
    dataset = Path(name).stem
    out = pl.DataFrame({
        "area_code": canonical,
        "area_name": df["Country"].str.strip_chars(),
        "indicator": indicators,
        "dimension": df["Dimension"].str.strip_chars(),
        "category": df["Category"],
        "sex": df["Sex"].str.strip_chars(),
        "age": df["Age"].str.strip_chars().map_elements(repair_excel_band, return_dtype=pl.String),
        "year": years,
        "unit_published": units,
        "value": values,
        "data_source_note": df["Source"].str.strip_chars(),
        "value_decimals": (_decimals(df["Source"].str.strip_chars(), values) if derived
                           else pl.Series([None] * df.height, dtype=pl.Int32)),
        "source_row": df[ROW],
    }).with_columns(
        country_iso3=pl.col("area_code").replace_strict(special_parent, default=pl.col("area_code")),
        area_type=pl.col("area_code").replace_strict(special_type, default=pl.lit("country")),
        measure=pl.col("indicator").replace_strict(measure_map),
        unit=pl.col("unit_published").replace_strict(UNITS),
        period_label=pl.col("year").cast(pl.String),
        period_start=pl.date(pl.col("year"), 1, 1),
        period_end=pl.date(pl.col("year"), 12, 31),
        period_type=pl.lit("calendar_year"),
        source_id=pl.lit(SOURCE_ID),
        release=pl.lit(release),
        release_date=pl.lit(release_date, dtype=pl.Date),
        dataset=pl.lit(dataset),
        value_type=pl.lit("reported"),
        revision=pl.lit("as_published"),
        # the publisher's own export (copies are checked by sha256), or the grade a derived copy's sidecar gives
        source_grade=pl.lit(_grade(sidecar, name) if derived else "publisher_file"),
        publisher=pl.lit(sidecar.get("publisher") or PUBLISHER),
        publication=pl.lit(sidecar.get("title") or f"UNODC Crime Trends Survey export {dataset}"),
        source_url=pl.lit(sidecar.get("url")),
        source_file=pl.lit(name),
        source_sha256=pl.lit(sha256),
    )
    return conform(out)


def _decimals(precision: pl.Series, values: pl.Series) -> pl.Series:
    """Decimal places each value of a derived copy was rounded to, by its stated rounding and magnitude."""
    out = []
    for text, value in zip(precision.to_list(), values.to_list(), strict=True):
        rule = DERIVED_ROUNDING[text]
        out.append(next(d for at_least, d in rule if value is None or abs(value) >= at_least))
    return pl.Series(out, dtype=pl.Int32)


def _grade(sidecar: dict, name: str) -> str:
    """A derived copy's grade: its sidecar's ``source_grade`` (default ``transcribed``: the layout itself, with its
    ``value_precision`` column, shows a third party's copy), never ``publisher_file``."""
    from pipelines.schema import SOURCE_GRADES

    grade = sidecar.get("source_grade", "transcribed")
    if grade not in SOURCE_GRADES[1:]:
        raise InputError(file=f"{name}.source.yml", column="source_grade",
                         expected="for a derived copy (a value_precision column), a grade below publisher_file "
                                  f"({', '.join(SOURCE_GRADES[1:])})", found=repr(grade))
    return grade


def _release_date(title_rows: list[list[str]], release: str, sidecar: dict) -> date | None:
    """Release date from the title row, else the sidecar, else an ISO-date release folder name."""
    for candidate in (find_dmy_date(title_rows), sidecar.get("release_date"), release):
        if candidate is None:
            continue
        if isinstance(candidate, date):
            return candidate
        try:
            return date.fromisoformat(str(candidate))
        except ValueError:
            continue
    return None
