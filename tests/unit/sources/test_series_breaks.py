"""Series break register: one row per family, empty cells as wildcards, vocabularies held."""

from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import InputError
from pipelines.indicators.breaks import REGISTER_COLUMNS
from pipelines.sources import series_breaks
from tests.conftest import BUNDLED
from tests.unit.curated_csv import write_curated

REGISTER = next((BUNDLED / "reference" / "series_breaks").glob("*/series_breaks.csv"))
NAME = "reference/series_breaks/x/series_breaks.csv"
ROW = {"series_families": "unodc_offences_count", "series_name": "Offences: Fraud", "area_code": "USA",
       "year": "2021", "kind": "recording system", "reason": "NIBRS", "source": "FBI"}


def _read(tmp_path: Path, rows: list[dict]) -> pl.DataFrame:
    return series_breaks.read(write_curated(tmp_path / "series_breaks.csv", series_breaks.COLUMNS, rows), NAME, "x")


def test_bundled_register_holds_the_moved_breaks_and_the_nibrs_transition() -> None:
    df = series_breaks.read(REGISTER, NAME, "x")
    assert {c: df.schema[c] for c in REGISTER_COLUMNS} == REGISTER_COLUMNS
    nibrs = df.filter(pl.col("area_code") == "USA", pl.col("year") == 2021, pl.col("kind") == "recording system")
    assert sorted(nibrs["series_family"]) == ["unodc_offences_count", "unodc_offences_rate_unodc"]
    assert nibrs["series_name"].is_null().all() and "NIBRS" in nibrs["reason"][0]
    assert nibrs["source_url"][0].startswith("https://le.fbi.gov/")
    # The six breaks that were the BREAKS literal of pipelines/indicators/trends.py, one row per family.
    moved = df.filter(pl.col("kind") != "recording system")
    assert moved.height == 11 and set(moved["area_code"]) == {"USA", "AUS"}
    assert series_breaks.bundled().drop("source_file").equals(df.drop("source_file"))


def test_one_row_per_family_and_empty_cells_are_wildcards(tmp_path: Path) -> None:
    df = _read(tmp_path, [{**ROW, "series_families": "unodc_offences_count; unodc_offences_rate_unodc",
                           "series_name": "", "area_code": ""}])
    assert df["series_family"].to_list() == ["unodc_offences_count", "unodc_offences_rate_unodc"]
    assert df["series_name"].is_null().all() and df["area_code"].is_null().all() and df["year"].to_list() == [2021] * 2
    assert df["source_row"].to_list() == [2, 2]


@pytest.mark.parametrize(("cell", "expected"), [
    ({"kind": "rebased"}, "count basis | merge"),
    ({"year": "21"}, "a year YYYY"),
    ({"series_families": "UNODC count"}, "series family ids"),
    ({"source": ""}, "a non-empty value"),
])
def test_bad_cells_are_refused_with_their_row(tmp_path: Path, cell: dict, expected: str) -> None:
    with pytest.raises(InputError, match=expected) as err:
        _read(tmp_path, [ROW, {**ROW, "year": "2015", **cell}])
    assert err.value.row == 3


def test_a_break_listed_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="one row per"):
        _read(tmp_path, [ROW, {**ROW, "reason": "again"}])
