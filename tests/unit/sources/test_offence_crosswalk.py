"""Offence crosswalk reference: codes stay text, vocabularies hold, and every printed category has a row."""

from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import InputError
from pipelines.sources import fbi_ic3, national_figures, ncrb, offence_crosswalk, unodc_cts
from tests.conftest import BUNDLED
from tests.unit.curated_csv import write_curated

CROSSWALK = next((BUNDLED / "reference" / "offence_crosswalk").glob("*/offence_crosswalk.csv"))


@pytest.fixture(scope="module")
def bundled() -> pl.DataFrame:
    return offence_crosswalk.read(CROSSWALK, "reference/offence_crosswalk/x/offence_crosswalk.csv", "x")


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    """A crosswalk file with the given rows (other columns empty)."""
    return write_curated(tmp_path / "offence_crosswalk.csv", offence_crosswalk.COLUMNS, rows)


FRAUD = {"source_id": "unodc_cts", "source_category": "Fraud", "iccs_code": "0701", "convention_articles": "13",
         "mapping_confidence": "exact", "mapping_status": "mapped", "notes": "ICCS 0701"}
CYBER_FRAUD = {**FRAUD, "source_category": "Fraud: Cyber-related (Cy)", "cy_tag": "1", "parent_category": "Fraud"}
ACCESS = {**FRAUD, "source_category": "Unlawful access to a computer system", "iccs_code": "09031",
          "convention_articles": "7"}
THEFT = {"source_id": "unodc_cts", "source_category": "Theft", "mapping_status": "unmapped",
         "notes": "Outside the cyber crosswalk"}


def read(path: Path) -> pl.DataFrame:
    return offence_crosswalk.read(path, "reference/offence_crosswalk/x/offence_crosswalk.csv", "x")


def test_codes_keep_their_leading_zero(tmp_path: Path, bundled: pl.DataFrame) -> None:
    df = read(_write(tmp_path, [FRAUD, CYBER_FRAUD, ACCESS, THEFT]))
    assert df.schema["iccs_code"] == pl.String
    assert dict(zip(df["source_category"], df["iccs_code"], strict=True)) == {
        "Fraud": "0701", "Fraud: Cyber-related (Cy)": "0701", "Unlawful access to a computer system": "09031",
        "Theft": None}
    codes = bundled.filter(pl.col("iccs_code").is_not_null())["iccs_code"]
    assert codes.str.starts_with("0").all()  # every code used here is in ICCS sections 01-09
    assert {"09031", "0701", "030221", "07041", "090321"} <= set(codes)


def test_a_code_that_lost_its_leading_zero_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read(_write(tmp_path, [{**ACCESS, "iccs_code": "9031"}]))
    assert err.value.row == 2 and err.value.column == "iccs_code" and "09031?" in err.value.expected


@pytest.mark.parametrize(("row", "column"), [
    ({**FRAUD, "mapping_status": "maybe"}, "mapping_status"),
    ({**FRAUD, "mapping_confidence": "likely"}, "mapping_confidence"),
    ({**FRAUD, "mapping_confidence": ""}, "mapping_confidence"),
    ({**FRAUD, "iccs_code": ""}, "iccs_code"),
    ({**FRAUD, "iccs_code": "0701+Cy=1"}, "iccs_code"),
    ({**FRAUD, "cy_tag": "2"}, "cy_tag"),
    ({**FRAUD, "convention_articles": "13,7"}, "convention_articles"),
    ({**FRAUD, "convention_articles": "6"}, "convention_articles"),
    ({**FRAUD, "budapest_articles": "12"}, "budapest_articles"),
    ({**THEFT, "mapping_confidence": "proxy"}, "mapping_confidence"),
    ({**THEFT, "iccs_code": "0502"}, "iccs_code"),
])
def test_vocabularies(tmp_path: Path, row: dict, column: str) -> None:
    with pytest.raises(InputError) as err:
        read(_write(tmp_path, [row]))
    assert err.value.column == column and err.value.row == 2


def test_unmapped_rows_must_say_why(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read(_write(tmp_path, [{**THEFT, "notes": ""}]))
    assert err.value.column == "notes"


def test_no_duplicate_keys(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read(_write(tmp_path, [FRAUD, CYBER_FRAUD, {**FRAUD, "mapping_confidence": "partial"}]))
    assert err.value.row == 4 and "one row per" in err.value.expected


def test_parents_must_exist_in_the_same_source_and_not_loop(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read(_write(tmp_path, [CYBER_FRAUD]))
    assert err.value.column == "parent_category" and err.value.found == "Fraud"
    with pytest.raises(InputError):  # the parent exists, but in another source
        read(_write(tmp_path, [{**FRAUD, "source_id": "ncrb"}, CYBER_FRAUD]))
    with pytest.raises(InputError) as err:
        read(_write(tmp_path, [{**FRAUD, "parent_category": "Fraud: Cyber-related (Cy)"}, CYBER_FRAUD]))
    assert "no category is its own ancestor" in err.value.expected


def test_bundled_crosswalk_vocabularies_and_counts(bundled: pl.DataFrame) -> None:
    assert bundled.filter(pl.struct("source_id", "source_category").is_duplicated()).height == 0
    mapped = bundled.filter(pl.col("mapping_status") == "mapped")
    assert mapped["mapping_confidence"].is_in(["exact", "partial", "proxy"]).all()
    assert bundled.filter(pl.col("mapping_status") == "unmapped")["mapping_confidence"].is_null().all()
    parents = bundled.filter(pl.col("parent_category").is_not_null()).select("source_category", "parent_category")
    assert set(parents.iter_rows()) >= {
        ("Fraud: Cyber-related (Cy)", "Fraud"), ("Child pornography: Cyber-related", "Child pornography"),
        ("Acts intended to induce fear or emotional distress: Cyber-related",
         "Acts intended to induce fear or emotional distress")}
    row = bundled.filter(pl.col("source_category") == "Fraud: Cyber-related (Cy)").row(0, named=True)
    assert (row["iccs_code"], row["cy_tag"], row["convention_articles"], row["mapping_confidence"]) == \
        ("0701", 1, "13", "exact")
    # Descriptors are not crime types and are never mapped (taxonomy_facts.md §5).
    assert bundled.filter(pl.col("source_category").str.starts_with("Cryptocurrency"))["mapping_status"].to_list() \
        == ["unmapped", "unmapped"]
    # IC3 "Other" has no ICCS home: unmapped, not the draft's stand-in 'proxy'.
    other = bundled.filter(pl.col("source_id") == "fbi_ic3", pl.col("source_category") == "Other").row(0, named=True)
    assert other["mapping_status"] == "unmapped" and other["mapping_confidence"] is None
    # Multi-article groups are sorted numerically ('13;12' in the draft -> '12;13').
    assert bundled.filter(pl.col("source_category") == "Phishing")["convention_articles"].to_list() == ["12;13"]


def _categories(frames: list[pl.DataFrame]) -> set[tuple[str, str]]:
    return {(s, c) for f in frames for s, c in f.select("source_id", "category").unique().iter_rows()}


def test_every_category_of_every_source_has_a_row(bundled: pl.DataFrame, real: Path) -> None:
    keys = set(bundled.select("source_id", "source_category").iter_rows())
    readers = {"unodc_cts": unodc_cts.read, "fbi_ic3": fbi_ic3.read, "ncrb": ncrb.read,
               "national_figures": national_figures.read}
    frames = []
    # The bundled extracts, read as the pipeline reads them.
    for source_id, reader in readers.items():
        for path in sorted((BUNDLED / "sources" / source_id).glob("*/*.csv")):
            frames.append(reader(path, path.name, path.parent.name))
    # The complete UNODC exports (all categories, far beyond the cyber scope) and the IC3 transcriptions.
    for path in sorted((real / "unodc_cts").glob("*/data_cts_*")):
        frames.append(unodc_cts.read(path, path.name, path.parent.name))
    for path in sorted((real / "fbi_ic3").glob("*.csv")):
        frames.append(fbi_ic3.read(path, path.name, "x"))
    seen = _categories(frames)
    assert seen - keys == set()
    by_source = {s: {c for (t, c) in seen if t == s} for s in readers}
    assert len(by_source["unodc_cts"]) == 34 and {"Theft", "Burglary", "Corruption", "Total"} <= by_source["unodc_cts"]
    assert len(by_source["fbi_ic3"]) == 61  # 60 printed labels 2015-2025 + the annual-total row
    assert by_source["ncrb"] == {"A", "B", "C", "D", "E", "Total", "Total cyber crimes"}
    assert by_source["national_figures"] == {"All reported offences (headline figure)"}
