"""IC3 reader: crime types (counts, losses) and annual totals, which are not their sum."""

from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import InputError
from pipelines.sources import fbi_ic3
from tests.conftest import BUNDLED

IC3 = BUNDLED / "sources" / "fbi_ic3" / "reports-2015-2025"


def read(path: Path) -> pl.DataFrame:
    return fbi_ic3.read(path, f"sources/fbi_ic3/x/{path.name}", "x")


def test_annual_totals_reproduce_the_2024_report() -> None:
    df = read(IC3 / "ic3_annual_totals.csv").filter(pl.col("year") == 2024)
    values = dict(zip(df["measure"], df["value"], strict=True))
    assert values == {"complaints": 859_532, "loss": 16_600_000_000}
    assert df["category"].unique().to_list() == [fbi_ic3.TOTAL_CATEGORY]
    assert df["series"].unique().to_list() == ["ic3_annual_total"]


def test_crime_types_do_not_add_up_to_totals() -> None:
    counts = read(IC3 / "ic3_crime_type_counts.csv").filter(pl.col("year") == 2024)
    losses = read(IC3 / "ic3_crime_type_losses.csv").filter(pl.col("year") == 2024)
    assert counts["value"].sum() == 651_865
    assert round(losses["value"].sum() / 1e9, 2) == 16.09
    assert counts["series"].null_count() == counts.height  # crime types are not a headline series


def test_label_as_printed_and_harmonised_are_both_kept() -> None:
    df = read(IC3 / "ic3_crime_type_counts.csv")
    row = df.filter(pl.col("year") == 2024, pl.col("category") == "Business Email Compromise")
    assert row["category_harmonised"].to_list() == ["BEC/EAC"]
    assert row["value"].to_list() == [21_442]


def test_count_basis_victims_until_2022_then_complaints() -> None:
    df = read(IC3 / "ic3_crime_type_counts.csv")
    basis = df.group_by("year").agg(pl.col("measure").unique()).sort("year")
    assert dict(zip(basis["year"], basis["measure"].list.first(), strict=True))[2022] == "victims"
    assert dict(zip(basis["year"], basis["measure"].list.first(), strict=True))[2023] == "complaints"


def test_upstream_transcription_layout_is_accepted(real: Path) -> None:
    counts = read(real / "fbi_ic3" / "crime_type_counts_long.csv")
    losses = read(real / "fbi_ic3" / "crime_type_losses_long.csv")
    assert counts.height == 337 and losses.height == 338
    assert counts.filter(pl.col("year") == 2022)["measure"].unique().to_list() == ["victims"]
    bundled = read(IC3 / "ic3_crime_type_counts.csv")
    assert bundled.select("year", "category", "value").equals(counts.select("year", "category", "value"))


def test_unknown_layout_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("year,crime,amount\n2024,x,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="count, loss_usd or complaints"):
        read(bad)


def test_totals_are_graded_verified_and_crime_types_transcribed_unless_the_sidecar_says_otherwise() -> None:
    assert set(read(IC3 / "ic3_annual_totals.csv")["source_grade"]) == {"verified"}
    assert set(read(IC3 / "ic3_crime_type_counts.csv")["source_grade"]) == {"transcribed"}
    assert set(read(IC3 / "ic3_crime_type_losses.csv")["source_grade"]) == {"transcribed"}
    path = IC3 / "ic3_annual_totals.csv"
    graded = fbi_ic3.read(path, "sources/fbi_ic3/x/t.csv", "x", {"grade": "secondary"})
    assert set(graded["source_grade"]) == {"secondary"}
    with pytest.raises(InputError) as err:
        fbi_ic3.read(path, "sources/fbi_ic3/x/t.csv", "x", {"grade": "official"})
    assert str(err.value).startswith("sources/fbi_ic3/x/t.csv.source.yml, column 'grade': expected publisher_file | "
                                     "verified | transcribed | secondary | unverified, found 'official'")
