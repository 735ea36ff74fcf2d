"""Observations through the offence crosswalk into Convention article groups: the rules and their edge cases."""

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.harmonise import crosswalk as join
from pipelines.indicators import convention as cw
from pipelines.schema import conform
from pipelines.sources import offence_crosswalk
from tests.unit.curated_csv import write_curated

XW_ROWS = [
    # source_id, category, iccs, cy, articles, confidence, status, parent, indicator
    ("unodc_cts", "Fraud", "0701", "", "13", "exact", "mapped", "", ""),
    ("unodc_cts", "Fraud: Cyber-related (Cy)", "0701", "1", "13", "exact", "mapped", "Fraud", ""),
    ("unodc_cts", "Unlawful access to a computer system", "09031", "", "7", "exact", "mapped", "", ""),
    ("unodc_cts", "Unlawful interference with a computer system or computer data", "09032", "", "9;10", "exact",
     "mapped", "", ""),
    ("unodc_cts", "Money laundering", "07041", "", "17", "exact", "mapped", "", ""),
    ("unodc_cts", "Acts intended to induce fear or emotional distress", "0208", "", "", "exact", "mapped", "", ""),
    ("unodc_cts", "Theft", "", "", "", "", "unmapped", "", ""),
    ("unodc_cts", "Sexual Exploitation", "0302", "", "14;15", "exact", "mapped", "", ""),
    ("unodc_cts", "Child pornography", "030221", "", "14", "exact", "mapped", "Sexual Exploitation", ""),
    ("unodc_cts", "Child pornography: Cyber-related", "030221", "1", "14", "exact", "mapped", "Child pornography", ""),
    ("unodc_cts", "Total", "0302", "", "14;15", "exact", "mapped", "", "Victims of sexual exploitation"),
    ("ncrb", "Total cyber crimes", "", "", "", "", "unmapped", "", ""),
    ("ncrb", "Total", "0701", "1", "13", "partial", "mapped", "Total cyber crimes", ""),
    ("ncrb", "A", "0701", "1", "13", "proxy", "mapped", "Total", ""),
    ("ncrb", "B", "0701", "1", "13", "proxy", "mapped", "Total", ""),
    ("fbi_ic3", "Investment", "070112", "1", "13", "exact", "mapped", "", ""),
    ("fbi_ic3", "Tech Support", "07019", "1", "13", "partial", "mapped", "", ""),
    ("fbi_ic3", "Phishing/Spoofing", "07019", "1", "12;13", "proxy", "mapped", "", ""),
    ("fbi_ic3", "Other", "", "", "", "", "unmapped", "", ""),
]


@pytest.fixture(scope="module")
def crosswalk(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    rows = [{"source_id": sid, "source_category": cat, "iccs_code": iccs, "cy_tag": cy, "convention_articles": arts,
             "mapping_confidence": conf, "mapping_status": status, "parent_category": parent,
             "source_indicator": indicator, "notes": "test row"}
            for sid, cat, iccs, cy, arts, conf, status, parent, indicator in XW_ROWS]
    path = write_curated(tmp_path_factory.mktemp("xw") / "offence_crosswalk.csv", offence_crosswalk.COLUMNS, rows)
    return offence_crosswalk.read(path, "reference/offence_crosswalk/t/offence_crosswalk.csv", "t")[1]


AREAS = pl.DataFrame({
    "area_code": ["AAA", "BBB", "CCC", "GBR", "GBR_E_W", "USA", "IND"],
    "area_name": ["A", "B", "C", "United Kingdom", "England and Wales", "United States", "India"],
    "country_iso3": ["AAA", "BBB", "CCC", "GBR", "GBR", "USA", "IND"],
    "area_type": ["country", "country", "country", "country", "subnational", "country", "country"],
    "region_code": ["150", "150", "150", "150", "150", "019", "142"],
    "region_name": ["Europe", "Europe", "Europe", "Europe", "Europe", "Americas", "Asia"],
    "subregion_code": ["155", "155", "155", "154", "154", "021", "034"],
    "subregion_name": ["Western Europe"] * 3 + ["Northern Europe"] * 2 + ["Northern America", "Southern Asia"],
})

_row_counter = iter(range(2, 10_000))


def obs(category: str, value: float | None, *, source_id: str = "unodc_cts", area: str = "AAA", year: int = 2020,
        measure: str | None = None, unit: str = "count", release: str = "2024-05-16",
        indicator: str = "Offences", area_type: str | None = None, name: str | None = None) -> dict:
    areas = dict(zip(AREAS["area_code"], AREAS.iter_rows(named=True), strict=True))
    a = areas.get(area, {"area_name": area, "country_iso3": area, "area_type": "country"})
    return {
        "source_id": source_id, "release": release, "release_date": date.fromisoformat(release),
        "dataset": "d", "area_code": area, "area_name": name or a["area_name"], "country_iso3": a["country_iso3"],
        "area_type": area_type or a["area_type"], "year": year, "period_type": "calendar_year",
        "indicator": indicator, "dimension": "by type of offence", "category": category,
        "sex": "Total" if source_id == "unodc_cts" else None, "age": "Total" if source_id == "unodc_cts" else None,
        "measure": measure or ("offences" if source_id == "unodc_cts" else "cases_recorded"), "unit": unit,
        "currency": "USD" if unit == "currency" else None, "value": value, "value_type": "reported",
        "source_file": f"sources/{source_id}/{release}/f.csv", "source_row": next(_row_counter),
    }


def run(crosswalk: pl.DataFrame, *rows: dict) -> pl.DataFrame:
    observations = conform(pl.DataFrame(list(rows), infer_schema_length=None))
    joined = join.observations_with_offence_codes(observations, crosswalk)
    return cw.offences_by_convention_article(joined, crosswalk, AREAS)


def one(rows: pl.DataFrame, **where) -> dict:
    hit = rows.filter(*[pl.col(k) == v for k, v in where.items()])
    assert hit.height == 1, hit
    return hit.row(0, named=True)


def test_the_cy_tagged_part_replaces_its_parent(crosswalk: pl.DataFrame) -> None:
    rows = run(crosswalk, obs("Fraud", 100), obs("Fraud: Cyber-related (Cy)", 30))
    row = one(rows, area_code="AAA", convention_articles="13")
    assert row["recorded_count"] == 30 and row["categories_counted"] == "Fraud: Cyber-related (Cy)"
    assert row["includes_non_ict_offences"] is False and row["worst_mapping_confidence"] == "exact"
    assert row["categories_not_added"] == "Fraud (replaced by its Cy-tagged part 'Fraud: Cyber-related (Cy)')"


def test_a_parent_without_part_is_counted_and_flagged_non_ict(crosswalk: pl.DataFrame) -> None:
    row = one(run(crosswalk, obs("Fraud", 50)), area_code="AAA")
    assert row["recorded_count"] == 50 and row["includes_non_ict_offences"] is True
    assert row["non_ict_categories"] == "Fraud" and row["countries_with_non_ict_series"] == 1


def test_a_part_without_parent_is_counted(crosswalk: pl.DataFrame) -> None:
    row = one(run(crosswalk, obs("Fraud: Cyber-related (Cy)", 7)), area_code="AAA")
    assert row["recorded_count"] == 7 and row["includes_non_ict_offences"] is False
    assert row["categories_not_added"] is None


def test_zero_is_a_count_and_missing_is_not(crosswalk: pl.DataFrame) -> None:
    zero = one(run(crosswalk, obs("Fraud", 100), obs("Fraud: Cyber-related (Cy)", 0)), area_code="AAA")
    assert zero["recorded_count"] == 0 and zero["categories_counted"] == "Fraud: Cyber-related (Cy)"
    missing = one(run(crosswalk, obs("Fraud", 100), obs("Fraud: Cyber-related (Cy)", None)), area_code="AAA")
    assert missing["recorded_count"] == 100 and missing["includes_non_ict_offences"] is True


def test_a_zero_part_beside_a_large_parent_was_not_recorded_and_replaces_nothing(crosswalk: pl.DataFrame) -> None:
    # England and Wales Fraud 2015: 0 cyber-related beside 619,152 frauds.
    row = one(run(crosswalk, obs("Fraud", 619_152), obs("Fraud: Cyber-related (Cy)", 0)), area_code="AAA")
    assert row["recorded_count"] == 619_152 and row["categories_counted"] == "Fraud"
    assert row["includes_non_ict_offences"] is True
    assert "not recorded separately" in row["categories_not_added"]


def test_region_rows_follow_the_membership_rule_of_every_regional_sum(crosswalk: pl.DataFrame) -> None:
    areas = pl.concat([AREAS, pl.DataFrame({
        "area_code": ["XKX"], "area_name": ["Kosovo"], "country_iso3": ["XKX"], "area_type": ["territory"],
        "region_code": ["150"], "region_name": ["Europe"], "subregion_code": ["039"],
        "subregion_name": ["Southern Europe"]})])
    observations = conform(pl.DataFrame([obs("Fraud: Cyber-related (Cy)", 5, area="AAA"),
                                          obs("Fraud: Cyber-related (Cy)", 7, area="XKX", area_type="territory"),
                                          obs("Fraud: Cyber-related (Cy)", 0, area="BBB")],
                                         infer_schema_length=None))
    joined = join.observations_with_offence_codes(observations, crosswalk)
    population = pl.DataFrame({"country_iso3": ["AAA", "XKX"], "year": [2020, 2020], "population": [1e6, 1.8e6]},
                              schema_overrides={"year": pl.Int32})
    rows = cw.offences_by_convention_article(joined, crosswalk, areas, population)
    europe = one(rows, area_code="150")
    # Kosovo counts (as in marts.regional_offences); BBB has no World Bank population for the year: left out.
    assert europe["recorded_count"] == 12 and europe["reporting_countries"] == "AAA, XKX"
    assert europe["countries_in_region"] == 5
    assert cw.regional_sum_mismatches(rows, population).height == 0
    assert cw.regional_sum_mismatches(rows).height > 0  # without the population rule the sums differ
    # The ICT split reads those region rows: the same members, never BBB (no population for the year).
    split = cw.ict_split_by_region(rows, ("unodc_cts",)).filter(pl.col("region_code") == "150").row(0, named=True)
    assert (split["recorded_count"], split["countries"], split["countries_reporting_any"]) == (12, 2, 2)
    assert cw.ict_split_mismatches(cw.ict_split_by_region(rows, ("unodc_cts",)), rows).height == 0


def test_a_multi_article_category_counts_once_in_its_group(crosswalk: pl.DataFrame) -> None:
    rows = run(crosswalk, obs("Unlawful interference with a computer system or computer data", 40),
               obs("Unlawful access to a computer system", 11))
    areas = rows.filter(pl.col("area_code") == "AAA")
    assert sorted(areas["convention_articles"].to_list()) == ["7", "9;10"]
    group = one(areas, convention_articles="9;10")
    assert group["recorded_count"] == 40 and group["countries_reporting"] == 1
    assert group["includes_non_ict_offences"] is False  # ICCS 0903 is ICT by definition
    assert cw.figures_counted_twice(rows).height == 0


def test_unmapped_unknown_and_article_less_categories_never_enter(crosswalk: pl.DataFrame) -> None:
    observations = conform(pl.DataFrame([
        obs("Theft", 5), obs("Mystery offence", 6), obs("Acts intended to induce fear or emotional distress", 7),
        obs("Total", 8, measure="victims", indicator="Victims of sexual exploitation"),
        obs("Total", 9, measure="victims", indicator="Victims of serious assault"),
    ]))
    joined = join.observations_with_offence_codes(observations, crosswalk)
    status = dict(zip(joined["value"], joined["crosswalk_status"], strict=True))
    assert status == {5: "unmapped", 6: "not_in_crosswalk", 7: "mapped", 8: "mapped", 9: "indicator_not_covered"}
    assert joined.filter(pl.col("value") == 9)["iccs_code"].to_list() == [None]
    rows = cw.offences_by_convention_article(joined, crosswalk, AREAS)
    # Only the victims of sexual exploitation (indicator restriction met) reach an article group; 0208 has none.
    assert rows.filter(pl.col("area_type") != "region").select("convention_articles", "measure",
                                                                "recorded_count").rows() == [("14;15", "victims", 8)]


def test_parts_of_a_counted_parent_are_not_added(crosswalk: pl.DataFrame) -> None:
    rows = run(crosswalk, obs("Total", 10, source_id="ncrb", area="IND"), obs("A", 4, source_id="ncrb", area="IND"),
               obs("B", 6, source_id="ncrb", area="IND"), obs("Total cyber crimes", 99, source_id="ncrb", area="IND"))
    row = one(rows, area_code="IND")
    assert row["recorded_count"] == 10 and row["categories_counted"] == "Total"
    assert row["worst_mapping_confidence"] == "partial"
    assert row["categories_not_added"] == ("A (part of 'Total', which is counted) | "
                                           "B (part of 'Total', which is counted)")


def test_parts_are_added_when_their_parent_is_absent(crosswalk: pl.DataFrame) -> None:
    row = one(run(crosswalk, obs("A", 4, source_id="ncrb", area="IND"), obs("B", 6, source_id="ncrb", area="IND")),
              area_code="IND")
    assert row["recorded_count"] == 10 and row["worst_mapping_confidence"] == "proxy"


def test_counts_and_losses_stay_apart(crosswalk: pl.DataFrame) -> None:
    ic3 = {"source_id": "fbi_ic3", "area": "USA", "year": 2024}
    rows = run(crosswalk, obs("Investment", 6_570_639_864, measure="loss", unit="currency", **ic3),
               obs("Tech Support", 1_464_755_976, measure="loss", unit="currency", **ic3),
               obs("Investment", 47_919, measure="complaints", **ic3),
               obs("Phishing/Spoofing", 70_013_036, measure="loss", unit="currency", **ic3),
               obs("Other", 5, measure="loss", unit="currency", **ic3))
    loss = one(rows, area_code="USA", convention_articles="13", measure="loss")
    assert loss["loss_usd_nominal"] == 6_570_639_864 + 1_464_755_976 and loss["recorded_count"] is None
    assert loss["mappings_counted"] == "Investment [exact] | Tech Support [partial]"
    assert loss["worst_mapping_confidence"] == "partial"
    complaints = one(rows, area_code="USA", convention_articles="13", measure="complaints")
    assert complaints["recorded_count"] == 47_919 and complaints["loss_usd_nominal"] is None
    assert one(rows, area_code="USA", convention_articles="12;13")["loss_usd_nominal"] == 70_013_036
    assert cw.mixed_unit_rows(rows).height == 0


def test_the_newest_release_of_a_series_is_used(crosswalk: pl.DataFrame) -> None:
    rows = run(crosswalk, obs("Money laundering", 10, release="2022-06-06"), obs("Money laundering", 12))
    row = one(rows, area_code="AAA")
    assert row["recorded_count"] == 12 and row["releases"] == "2024-05-16"


def test_one_row_per_area_even_when_releases_name_it_differently(crosswalk: pl.DataFrame) -> None:
    rows = run(crosswalk, obs("Fraud", 100, release="2022-06-06", name="Old name"),
               obs("Fraud: Cyber-related (Cy)", 30, name="New name"),
               obs("Unlawful access to a computer system", 2, area="ZZZ", name="Not in M49"))
    assert one(rows, area_code="AAA")["area_name"] == "A"  # the M49 name
    assert one(rows, area_code="ZZZ")["area_name"] == "Not in M49"  # else as published


def test_a_single_figure_gives_its_area_region_and_world_rows(crosswalk: pl.DataFrame) -> None:
    rows = run(crosswalk, obs("Money laundering", 3))
    assert rows.select("area_type", "area_code", "recorded_count", "countries_reporting").rows() == [
        ("country", "AAA", 3, 1), ("region", "001", 3, 1), ("region", "150", 3, 1)]
    assert one(rows, area_code="150")["countries_in_region"] == 4  # AAA, BBB, CCC, GBR (not the sub-national area)


def test_regions_add_countries_only_and_count_them(crosswalk: pl.DataFrame) -> None:
    rows = run(crosswalk, obs("Fraud", 100, area="AAA"), obs("Fraud: Cyber-related (Cy)", 30, area="AAA"),
               obs("Fraud", 50, area="BBB"), obs("Fraud: Cyber-related (Cy)", 8, area="GBR_E_W"),
               obs("Fraud: Cyber-related (Cy)", 20, area="CCC", area_type="subtotal"))
    assert one(rows, area_code="GBR_E_W")["recorded_count"] == 8  # listed
    # ICT-specific and all-fraud series are separate region rows, never added into one figure.
    ict = one(rows, area_code="150", includes_non_ict_offences=False)
    assert ict["recorded_count"] == 30 and ict["reporting_countries"] == "AAA"  # GBR_E_W is not added
    non_ict = one(rows, area_code="150", includes_non_ict_offences=True)
    assert non_ict["recorded_count"] == 50 and non_ict["reporting_countries"] == "BBB"
    assert non_ict["countries_with_non_ict_series"] == 1 and non_ict["source_rows"] is None
    world = rows.filter(pl.col("area_code") == "001")
    assert sorted(world["recorded_count"].to_list()) == [30, 50]
    assert rows.filter(pl.col("area_code") == "CCC").height == 0  # publisher subtotal rows never enter
    assert cw.regional_sum_mismatches(rows).height == 0
    assert cw.summed_relatives(rows, crosswalk).height == 0  # the region lists both, the areas never do


def test_ancestor_pairs_follow_the_chain(crosswalk: pl.DataFrame) -> None:
    pairs = join.ancestor_pairs(crosswalk).filter(pl.col("source_id") == "ncrb").sort("category", "ancestor")
    # A and B are Cy-tagged like their parent 'Total' (breakdowns), while the unmapped 'Total cyber crimes'
    # carries no tag: against it they count as Cy-tagged parts (it never enters a group, being unmapped).
    assert pairs.select("category", "ancestor", "part_is_cy_subset").rows() == [
        ("A", "Total", False), ("A", "Total cyber crimes", True), ("B", "Total", False),
        ("B", "Total cyber crimes", True), ("Total", "Total cyber crimes", True)]


def test_contract_checks_catch_violations(crosswalk: pl.DataFrame) -> None:
    rows = run(crosswalk, obs("Fraud", 100), obs("Fraud: Cyber-related (Cy)", 30), obs("Fraud", 50, area="BBB"))
    area = pl.col("area_code") == "AAA"
    both = rows.with_columns(categories_counted=pl.when(area).then(pl.lit("Fraud | Fraud: Cyber-related (Cy)"))
                             .otherwise(pl.col("categories_counted")))
    assert cw.summed_relatives(both, crosswalk)["category"].to_list() == ["Fraud: Cyber-related (Cy)"]
    mixed = rows.with_columns(loss_usd_nominal=pl.when(area).then(1.0).otherwise(None))
    assert cw.mixed_unit_rows(mixed)["area_code"].to_list() == ["AAA"]
    twice = pl.concat([rows, rows.filter(area).with_columns(convention_articles=pl.lit("12;13"))])
    assert cw.figures_counted_twice(twice)["groups"].to_list() == [["12;13", "13"]]
    wrong = rows.with_columns(recorded_count=pl.when((pl.col("area_code") == "150")
                                                     & ~pl.col("includes_non_ict_offences")).then(1.0)
                              .otherwise(pl.col("recorded_count")))
    assert cw.regional_sum_mismatches(wrong)["region_code"].to_list() == ["150"]


def test_coverage_lists_every_row_and_every_gap(crosswalk: pl.DataFrame) -> None:
    observations = conform(pl.DataFrame([obs("Fraud", 100), obs("Fraud: Cyber-related (Cy)", 30),
                                         obs("Mystery offence", 1), obs("Theft", 2)]))
    joined = join.observations_with_offence_codes(observations, crosswalk)
    rows = cw.offences_by_convention_article(joined, crosswalk, AREAS)
    cov = cw.crosswalk_coverage(crosswalk, joined, rows)
    assert cov.height == len(XW_ROWS) + 1
    got = {(r["source_id"], r["category"]): (r["mapping_status"], r["observations"], r["article_rows_counted"])
           for r in cov.iter_rows(named=True)}
    assert got[("unodc_cts", "Fraud")] == ("mapped", 1, 0)
    assert got[("unodc_cts", "Fraud: Cyber-related (Cy)")] == ("mapped", 1, 1)
    assert got[("unodc_cts", "Theft")] == ("unmapped", 1, 0)
    assert got[("unodc_cts", "Mystery offence")] == ("not_in_crosswalk", 1, 0)
    assert got[("fbi_ic3", "Other")] == ("unmapped", 0, 0)


def test_bundled_crosswalk_reads(tmp_path: Path) -> None:
    # The rules only rely on the columns the reader guarantees.
    from tests.conftest import BUNDLED

    path = next((BUNDLED / "reference" / "offence_crosswalk").glob("*/offence_crosswalk.csv"))
    xw = offence_crosswalk.read(path, "x.csv", "x")[1]
    pairs = join.ancestor_pairs(xw)
    cy = pairs.filter(pl.col("part_is_cy_subset")).select("category", "ancestor").rows()
    assert ("Fraud: Cyber-related (Cy)", "Fraud") in cy and ("Child pornography: Cyber-related", "Child pornography") \
        in cy
    # NCRB: cyber fraud is itself Cy-tagged, so its type codes are breakdowns, never replacements.
    assert ("A", "Total") not in cy


def test_a_parent_and_its_part_in_different_article_groups_say_so_on_both_rows(crosswalk: pl.DataFrame) -> None:
    rows = run(crosswalk, obs("Sexual Exploitation", 111), obs("Child pornography", 9),
               obs("Child pornography: Cyber-related", 7))
    art14 = one(rows, area_code="AAA", convention_articles="14")
    art1415 = one(rows, area_code="AAA", convention_articles="14;15")
    # Each group keeps its best figure: the Cy-tagged part for 14, the parent for 14;15 ...
    assert (art14["recorded_count"], art14["categories_counted"]) == (7, "Child pornography: Cyber-related")
    assert (art1415["recorded_count"], art1415["categories_counted"]) == (111, "Sexual Exploitation")
    # ... and both rows say that they overlap, so that nobody adds them.
    assert art14["overlapping_article_groups"] == (
        "14;15 (counts 'Sexual Exploitation', which contains 'Child pornography: Cyber-related' counted here)")
    assert art1415["overlapping_article_groups"] == (
        "14 (counts 'Child pornography: Cyber-related', a part of 'Sexual Exploitation' counted here)")
    assert one(rows, area_code="150", convention_articles="14")["overlapping_article_groups"] == (
        "14;15 (in 1 of the countries)")
    assert cw.unflagged_overlaps(rows, crosswalk).height == 0 and cw.figures_counted_twice(rows).height == 0
    # The contract check sees an undeclared overlap.
    hidden = rows.with_columns(overlapping_article_groups=pl.lit(None, pl.String))
    assert cw.unflagged_overlaps(hidden, crosswalk).select("convention_articles", "other").sort("other").rows() == [
        ("14;15", "14"), ("14", "14;15")]


def test_rows_without_relatives_elsewhere_declare_no_overlap(crosswalk: pl.DataFrame) -> None:
    rows = run(crosswalk, obs("Sexual Exploitation", 111), obs("Fraud", 5), obs("Child pornography", 9, area="BBB"))
    assert rows["overlapping_article_groups"].null_count() == rows.height
