"""The national figures additions (facts/national_headline_figures_additions.csv): the reader's and the extract
builder's answers to each quirk of the file."""

import csv
import sys
from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import InputError
from pipelines.sources import national_figures
from tests.conftest import BUNDLED, REPO

ADDITIONS = BUNDLED / "sources" / "national_figures" / "2026-11-22" / "national_headline_figures_additions.csv"
HEADER = ("country_iso3,region_name,year,period_label,metric,value,value_low,value_high,currency,publisher,"
          "source_url,verification,part_of_series,asset_scope\n")


@pytest.fixture(scope="module")
def additions() -> pl.DataFrame:
    return national_figures.read(ADDITIONS, f"sources/national_figures/2026-11-22/{ADDITIONS.name}", "2026-11-22")


def write(tmp_path: Path, *rows: str) -> Path:
    p = tmp_path / "figures.csv"
    p.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return p


def read(path: Path) -> pl.DataFrame:
    return national_figures.read(path, f"sources/national_figures/x/{path.name}", "x")


def test_every_row_of_the_extract_loads_with_its_source_row(additions: pl.DataFrame) -> None:
    # 69 facts rows, two left out as figures of the base file (the extract's sidecar lists them)
    assert additions.height == 67
    assert additions["source_row"].to_list() == list(range(2, 69))


def test_new_money_metrics_carry_a_currency_and_are_estimates(additions: pl.DataFrame) -> None:
    est = additions.filter(pl.col("measure").is_in(["illicit_volume", "criminal_proceeds"]))
    assert est.group_by("measure").len().sort("measure").rows() == [("criminal_proceeds", 2), ("illicit_volume", 6)]
    assert set(est["unit"]) == {"currency"} and set(est["currency"]) == {"USD"}
    assert set(est["value_type"]) == {"estimate"}
    # Chainalysis keeps every edition: 2022 as first published (20.6bn) and as restated (39.6bn)
    y2022 = est.filter(pl.col("measure") == "illicit_volume", pl.col("year") == 2022).sort("value")
    assert y2022.select("value", "revision").rows() == [(20.6e9, "first_published"), (39.6e9, "restated")]
    # UNODC's revenue range stays a range
    rng = est.filter(pl.col("value").is_null())
    assert rng.select("value_low", "value_high").rows() == [(27.4e9, 36.5e9)]


def test_ic3_parts_name_the_total_and_never_are_totals(additions: pl.DataFrame) -> None:
    ic3 = additions.filter(pl.col("publisher").str.contains("IC3"))
    assert ic3.height == 32
    assert "ic3_annual_total" not in ic3["series"].to_list()
    assert set(ic3["part_of_series"]) == {"ic3_annual_total"}
    crypto = ic3.filter(pl.col("series") == "ic3_cryptocurrency_descriptor", pl.col("year") == 2025)
    assert crypto.select("measure", "value", "asset_scope").sort("measure").rows() == [
        ("complaints", 181_565.0, "virtual_assets"), ("loss", 11_366_669_732.0, "virtual_assets")]
    # the AI descriptor is a part of the total but not a virtual-asset figure
    ai = ic3.filter(pl.col("series") == "ic3_ai_related_descriptor")
    assert ai.height == 2 and ai["asset_scope"].null_count() == 2


def test_the_within_report_conflict_keeps_both_rows(additions: pl.DataFrame) -> None:
    inv = additions.filter(pl.col("series") == "ic3_cryptocurrency_investment", pl.col("year") == 2025,
                           pl.col("measure") == "loss").sort("value")
    assert inv.select("period_label", "value").rows() == [
        ("calendar year 2025 (Cryptocurrency Fraud Trends box)", 7_228_000_000.0),
        ("calendar year 2025 (Crime Types with Cryptocurrency Nexus table)", 7_277_868_919.0)]


def test_period_labels_without_a_template_form_get_the_dates_they_state(additions: pl.DataFrame) -> None:
    h1 = additions.filter(pl.col("period_label") == "1 Jan-30 Jun 2025 (as of 30 Jun 2025)")
    assert h1.height == 3 and set(h1["period_type"]) == {"partial_year"}
    assert {str(d) for d in h1["period_end"]} == {"2025-06-30"}


def test_an_unverified_figure_may_lack_a_source_url_and_a_verified_one_may_not(tmp_path: Path,
                                                                             additions: pl.DataFrame) -> None:
    [row] = additions.filter(pl.col("source_url").is_null()).select("area_name", "source_grade").rows()
    assert row == ("East and Southeast Asia, Australia and New Zealand", "unverified")
    ok = read(write(tmp_path, "USA,,2025,calendar year 2025,loss,15900000000,,,USD,FTC,,unverified,,"))
    assert ok["source_url"][0] is None
    with pytest.raises(InputError, match=r"row 2, column 'source_url'.*only an unverified figure may have none"):
        read(write(tmp_path, "USA,,2025,calendar year 2025,loss,15900000000,,,USD,FTC,,verified,,"))


@pytest.mark.parametrize(("row", "column", "expected"), [
    ("USA,,2025,calendar year 2025,illicit_volume,1,,,,Chainalysis,https://x,verified,,", "currency",
     "ISO 4217 code such as USD for a illicit_volume figure"),
    ("USA,,2025,calendar year 2025,complaints,1,,,,IC3 (IC3),https://x,verified,ic3,", "part_of_series",
     "other than this figure's own series"),
    ("USA,,2025,calendar year 2025,complaints,1,,,,IC3,https://x,verified,,crypto", "asset_scope",
     "virtual_assets"),
])
def test_bad_new_columns_are_named(tmp_path: Path, row: str, column: str, expected: str) -> None:
    with pytest.raises(InputError, match=f"column '{column}'") as err:
        read(write(tmp_path, row))
    assert expected in str(err.value)


def test_the_extract_builder_rules(tmp_path: Path) -> None:
    """Series rules, left-out duplicates and the virtual-asset mark, on the shared facts file when present."""
    sys.path.insert(0, str(REPO / "tools"))
    import build_extracts as be

    shared = REPO.parent / "shared" / "data"
    if not (shared / "facts" / "national_headline_figures_additions.csv").is_file():
        pytest.skip("the shared data folder is not beside the checkout")
    [extract] = be.build_national_additions(shared)
    assert extract.text == ADDITIONS.read_text(encoding="utf-8")  # the bundled extract is reproducible
    rows = list(csv.DictReader(extract.text.splitlines()))
    assert len(rows) == 67
    assert [d.split(":")[0] for d in extract.sidecar["extract"]["dropped_as_same_figure"]] == ["row 56", "row 61"]
    assert {r["asset_scope"] for r in rows if r["notes"].startswith("[VIRTUAL ASSETS]")} == {"virtual_assets"}
    row = {"publisher": be.IC3_PUBLISHER, "publication": "x", "period_label": "calendar year 2030",
           "notes": "something IC3 has never printed", "country_iso3": "USA", "year": "2030"}
    with pytest.raises(SystemExit, match="no series rule"):
        be.additions_series(row)
    assert be.additions_series({**row, "notes": 'IC3 "Cryptocurrency" is a DESCRIPTOR'}) == (
        "ic3_cryptocurrency_descriptor", "ic3_annual_total")
