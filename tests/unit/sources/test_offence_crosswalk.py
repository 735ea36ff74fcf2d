"""Offence crosswalk reference: codes stay text, vocabularies hold, and every printed category has a row."""

from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import InputError
from pipelines.sources import eurostat_crim_off_cat, fbi_ic3, national_figures, ncrb, offence_crosswalk, unodc_cts
from tests.conftest import BUNDLED
from tests.unit.curated_csv import write_curated

CROSSWALK = next((BUNDLED / "reference" / "offence_crosswalk").glob("*/offence_crosswalk.csv"))


@pytest.fixture(scope="module")
def bundled() -> pl.DataFrame:
    return read(CROSSWALK)


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
    layout, frame = offence_crosswalk.read(path, "reference/offence_crosswalk/x/offence_crosswalk.csv", "x")
    assert layout == "mappings"
    return frame


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
               "national_figures": national_figures.read, "eurostat_crim_off_cat": eurostat_crim_off_cat.read}
    frames = []
    # The bundled extracts, read as the pipeline reads them.
    for source_id, reader in readers.items():
        for path in sorted(p for p in (BUNDLED / "sources" / source_id).glob("*/*.*") if p.suffix in (".csv", ".tsv")):
            frames.append(reader(path, path.name, path.parent.name))
    # The complete UNODC exports (all categories, far beyond the cyber scope) and the IC3 transcriptions.
    for path in sorted((real / "unodc_cts").glob("*/data_cts_*")):
        frames.append(unodc_cts.read(path, path.name, path.parent.name))
    for path in sorted((real / "fbi_ic3").glob("*.csv")):
        frames.append(fbi_ic3.read(path, path.name, "x"))
    # The complete Eurostat crim_off_cat file (21 ICCS codes; the extract keeps the five cyber-relevant ones).
    full = real / "eurostat" / "estat_crim_off_cat.tsv"
    frames.append(eurostat_crim_off_cat.read(full, full.name, "x"))
    seen = _categories(frames)
    assert seen - keys == set()
    by_source = {s: {c for (t, c) in seen if t == s} for s in readers}
    assert len(by_source["unodc_cts"]) == 34 and {"Theft", "Burglary", "Corruption", "Total"} <= by_source["unodc_cts"]
    assert len(by_source["fbi_ic3"]) == 61  # 60 printed labels 2015-2025 + the annual-total row
    assert by_source["ncrb"] == {"A", "B", "C", "D", "E", "Total", "Total cyber crimes"}
    assert by_source["national_figures"] == {"All reported offences (headline figure)"}
    assert len(by_source["eurostat_crim_off_cat"]) == 21


def test_eurostat_codes_map_like_the_unodc_series_of_the_same_code(bundled: pl.DataFrame) -> None:
    rows = {r["source_category"]: r for r in bundled.filter(pl.col("source_id") == "eurostat_crim_off_cat")
            .iter_rows(named=True)}
    unodc = {r["source_category"]: r for r in bundled.filter(pl.col("source_id") == "unodc_cts").iter_rows(named=True)}
    same = {"ICCS0701": "Fraud", "ICCS07041": "Money laundering", "ICCS0302": "Sexual Exploitation",
            "ICCS030221": "Child pornography"}
    for code, category in same.items():
        cols = ("iccs_code", "cy_tag", "convention_articles", "budapest_articles", "mapping_confidence")
        assert {c: rows[code][c] for c in cols} == {c: unodc[category][c] for c in cols}, code
        assert rows[code]["iccs_code"] == code.removeprefix("ICCS")
    # 0903 spans the articles of the UNODC groups 09031 (7), 09032 (9;10), 09033 (8), plus 09039 misuse tools (11).
    assert (rows["ICCS0903"]["iccs_code"], rows["ICCS0903"]["convention_articles"],
            rows["ICCS0903"]["budapest_articles"]) == ("0903", "7;8;9;10;11", "2;3;4;5;6")
    assert rows["ICCS030221"]["parent_category"] == "ICCS0302"
    assert sum(r["mapping_status"] == "mapped" for r in rows.values()) == 5 and len(rows) == 21


# --- the verified lists curated beside the crosswalk ------------------------------------------------

RELEASE = CROSSWALK.parent


def test_the_three_files_of_a_release_are_told_apart_by_their_header(tmp_path: Path) -> None:
    layouts = {p.name: offence_crosswalk.read(p, p.name, "x")[0] for p in sorted(RELEASE.glob("*.csv"))}
    assert layouts == {"convention_articles.csv": "convention_articles", "iccs_codes.csv": "iccs_codes",
                       "offence_crosswalk.csv": "mappings"}
    # By header, not by name: a renamed list is still a list; an unknown header is reported as a crosswalk's.
    renamed = tmp_path / "codes_v2.csv"
    renamed.write_bytes((RELEASE / "iccs_codes.csv").read_bytes())
    assert offence_crosswalk.read(renamed, renamed.name, "x")[0] == "iccs_codes"
    other = tmp_path / "other.csv"
    other.write_text("code,label\n0701,Fraud\n", encoding="utf-8")
    with pytest.raises(InputError, match="the offence crosswalk header"):
        offence_crosswalk.read(other, other.name, "x")


def test_bundled_lists() -> None:
    _, codes = offence_crosswalk.read(RELEASE / "iccs_codes.csv", "iccs_codes.csv", "x")
    assert codes.schema["iccs_code"] == pl.String and codes.height == 44
    assert dict(codes.select("iccs_code", "iccs_label").iter_rows())["07019"] == "Other acts of fraud"
    _, articles = offence_crosswalk.read(RELEASE / "convention_articles.csv", "convention_articles.csv", "x")
    assert articles.schema["article"] == pl.Int32
    assert articles.group_by("treaty").agg(pl.col("article").min().alias("lo"), pl.col("article").max().alias("hi"),
                                           pl.len()).sort("treaty").rows() == [("budapest", 2, 10, 9),
                                                                               ("un_cybercrime", 7, 17, 11)]


CODE = {"iccs_code": "0701", "iccs_label": "Fraud", "facts_ref": "taxonomy_facts.md §3.1"}
ARTICLE = {"treaty": "un_cybercrime", "article": "13", "title": "ICT system-related theft or fraud",
           "facts_ref": "taxonomy_facts.md §1.2"}


@pytest.mark.parametrize(("columns", "rows", "column", "row"), [
    (offence_crosswalk.ICCS_COLUMNS, [{**CODE, "iccs_code": "701"}], "iccs_code", 2),
    (offence_crosswalk.ICCS_COLUMNS, [{**CODE, "iccs_label": ""}], "iccs_label", 2),
    (offence_crosswalk.ICCS_COLUMNS, [CODE, CODE], "iccs_code", 3),
    (offence_crosswalk.ARTICLE_COLUMNS, [{**ARTICLE, "treaty": "hanoi"}], "treaty", 2),
    (offence_crosswalk.ARTICLE_COLUMNS, [{**ARTICLE, "article": "6"}], "article", 2),
    (offence_crosswalk.ARTICLE_COLUMNS, [{**ARTICLE, "treaty": "budapest", "article": "12"}], "article", 2),
    (offence_crosswalk.ARTICLE_COLUMNS, [{**ARTICLE, "article": "13a"}], "article", 2),
    (offence_crosswalk.ARTICLE_COLUMNS, [{**ARTICLE, "facts_ref": ""}], "facts_ref", 2),
    (offence_crosswalk.ARTICLE_COLUMNS, [ARTICLE, ARTICLE], "article", 3),
])
def test_bad_list_rows_are_named(tmp_path: Path, columns: tuple, rows: list[dict], column: str, row: int) -> None:
    path = write_curated(tmp_path / "list.csv", columns, rows)
    with pytest.raises(InputError) as err:
        offence_crosswalk.read(path, "list.csv", "x")
    assert (err.value.row, err.value.column) == (row, column)


def test_a_release_without_its_verified_lists_is_incomplete() -> None:
    from pipelines.catalog import InputFile, select_files
    from pipelines.sources import get

    def f(release: str, name: str) -> InputFile:
        rel = f"reference/offence_crosswalk/{release}/{name}"
        return InputFile(kind="reference", source_id="offence_crosswalk", release=release, path=Path("/d") / rel,
                         relpath=rel, sha256=rel, size_bytes=1, sidecar={})

    names = ("offence_crosswalk.csv", "iccs_codes.csv", "convention_articles.csv")
    older = [f("2026-11-22", n) for n in names]
    assert len(select_files(get("offence_crosswalk"), older)) == 3
    with pytest.raises(InputError) as err:
        select_files(get("offence_crosswalk"), [*older, f("2027-01-10", "offence_crosswalk.csv")])
    assert err.value.found == ("none for the verified ICCS codes (iccs_codes.csv), the verified Convention articles "
                               "(convention_articles.csv)")
    assert err.value.hint == "release 2026-11-22 has it: copy the file(s) into 2027-01-10/ or remove 2027-01-10/"
