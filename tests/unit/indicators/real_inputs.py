"""Real inputs for the trend tests: the UNODC CTS exports in ../shared, whole (not the bundled extracts),
with the bundled UN M49 and World Bank reference extracts for regional sums.

The releases are the ones the bundled UNODC extracts come from (2022-06-06 CSVs, the 2024-05-16
corruption and economic crime export, the 2025-06-02 violent and sexual crime export), so a series
built here is the series the pipeline publishes, with every category.
"""

from functools import cache
from pathlib import Path

import polars as pl

from pipelines.harmonise.regions import areas_with_regions, population_by_country_year
from pipelines.sources import fbi_ic3, un_m49, unodc_cts, worldbank_wdi
from tests.conftest import BUNDLED, REAL

UNODC_FILES = {
    "2022-06-06": ("release_2022-06-06_excel_saved_csv/data_cts_corruption_and_economic_crime.csv",
                   "release_2022-06-06_excel_saved_csv/data_cts_violent_and_sexual_crime.csv"),
    "2024-05-16": ("release_2024-05-16/data_cts_corruption_and_economic_crime.xlsx",),
    "2025-06-02": ("release_2025-06-02/data_cts_violent_and_sexual_crime.xlsx",),
}


@cache
def unodc_observations() -> pl.DataFrame:
    return pl.concat([unodc_cts.read(REAL / "unodc_cts" / f, f"sources/unodc_cts/{release}/{Path(f).name}", release)
                      for release, files in UNODC_FILES.items() for f in files], how="vertical_relaxed")


@cache
def ic3_observations() -> pl.DataFrame:
    base = BUNDLED / "sources" / "fbi_ic3" / "reports-2015-2025"
    return pl.concat([fbi_ic3.read(base / n, f"sources/fbi_ic3/x/{n}", "x")
                      for n in ("ic3_crime_type_counts.csv", "ic3_crime_type_losses.csv", "ic3_annual_totals.csv")],
                     how="vertical_relaxed")


@cache
def areas() -> pl.DataFrame:
    path = next((BUNDLED / "reference" / "un_m49").glob("*/m49_countries.csv"))
    return areas_with_regions(un_m49.read(path, path.name, "x"))


@cache
def population() -> pl.DataFrame:
    frames: dict[str, pl.DataFrame] = {}
    # Only the newest release of a reference is read (README "Data directory"): its folders are named by date.
    newest = max(p for p in (BUNDLED / "reference" / "worldbank_wdi").iterdir() if p.is_dir())
    for path in sorted(newest.glob("*.csv")):
        layout, frame = worldbank_wdi.read(path, path.name, "r")
        frames[layout] = pl.concat([frames[layout], frame]) if layout in frames else frame
    return population_by_country_year(frames["values"], frames.get("countries"))
