"""UN M49 standard country or area codes (UNSD "Methodology" CSV export, UTF-8 with BOM).

Returns one row per country or area: ISO3 -> M49 region, sub-region and intermediate region, with
codes kept as zero-padded text (``002``). Extra columns of the full export (LDC, LLDC, SIDS,
Global Code, ...) are allowed and the development-group flags are kept when present.
"""

from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.sources._tabular import ROW, read_csv_table, require_columns, require_text

REQUIRED = (
    "Region Code", "Region Name", "Sub-region Code", "Sub-region Name", "Intermediate Region Code",
    "Intermediate Region Name", "Country or Area", "M49 Code", "ISO-alpha2 Code", "ISO-alpha3 Code",
)
FLAGS = {
    "Least Developed Countries (LDC)": "is_ldc",
    "Land Locked Developing Countries (LLDC)": "is_lldc",
    "Small Island Developing States (SIDS)": "is_sids",
}


def read(path: Path, name: str, release: str, sidecar: dict | None = None,
         sha256: str | None = None) -> pl.DataFrame:
    table = read_csv_table(path, name, marker="ISO-alpha3 Code", expected_header="the UN M49 export header")
    df = table.frame
    require_columns(df, REQUIRED, name, table.header_row, allow_extra=True)
    for col in ("Country or Area", "M49 Code"):
        require_text(df, col, name)
    bad = ~df["M49 Code"].str.strip_chars().str.contains(r"^\d{1,3}$")
    if bad.any():
        i = bad.arg_true()[0]
        raise InputError(file=name, row=int(df[ROW][i]), column="M49 Code", expected="a numeric M49 code",
                         found=df["M49 Code"][i])

    def code(col: str) -> pl.Expr:
        c = pl.col(col).str.strip_chars()
        return pl.when(c == "").then(None).otherwise(c.str.zfill(3))

    def text(col: str) -> pl.Expr:
        c = pl.col(col).str.strip_chars()
        return pl.when(c == "").then(None).otherwise(c)

    out = df.select(
        country_iso3=text("ISO-alpha3 Code"),
        country_iso2=text("ISO-alpha2 Code"),
        m49_code=code("M49 Code"),
        country_name=text("Country or Area"),
        region_code=code("Region Code"),
        region_name=text("Region Name"),
        subregion_code=code("Sub-region Code"),
        subregion_name=text("Sub-region Name"),
        intermediate_region_code=code("Intermediate Region Code"),
        intermediate_region_name=text("Intermediate Region Name"),
        **{flag: (pl.col(col).fill_null("").str.strip_chars().str.to_lowercase() == "x")
           for col, flag in FLAGS.items() if col in df.columns},
        source_row=pl.col(ROW),
    )
    dup = out.filter(pl.col("country_iso3").is_not_null() & pl.col("country_iso3").is_duplicated())
    if dup.height:
        raise InputError(file=name, row=int(dup["source_row"][1]), column="ISO-alpha3 Code",
                         expected="each ISO3 code once", found=dup["country_iso3"][0])
    return out.with_columns(release=pl.lit(release), source_file=pl.lit(name))
