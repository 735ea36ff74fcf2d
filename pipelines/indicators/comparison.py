"""Eurostat beside UNODC: one figure published, the other shown with the difference, never added.

Eurostat (``crim_off_cat``) and UNODC (the CTS) collect police-recorded offences jointly, so both
publish many of the same country-year-categories. The rule (README, Methodology):

* **UNODC is the primary series.** It covers the world, so every offence mart, regional sum, trend
  and the Convention view use it alone. Eurostat's figures never enter them; they are published in
  ``marts.offences_eurostat_unodc_comparison``, one row per Eurostat country, year and ICCS code.
* **Matching is by ICCS code**, through the offence crosswalk: the UNODC series mapped to the same
  code, not Cy-tagged and not restricted to an indicator (``same_iccs_code``: Eurostat ICCS0701 against
  UNODC ``Fraud``, never against ``Fraud: Cyber-related (Cy)``). Where UNODC publishes no series of
  the code but does publish its next-level parts (Eurostat ICCS0903 *acts against computer systems*;
  UNODC 09031, 09032 and 09033), the comparison figure is the sum of those UNODC parts
  (``sum_of_unodc_parts``), given only when every such part is published for the country-year
  (``unodc_parts_incomplete`` otherwise), and the ICCS groups UNODC does not publish (09039) are named.
* ``primary_source_id`` says which figure the project publishes for the quantity: UNODC's when it
  publishes the same code for the country-year, else Eurostat's (here only: never in a sum).
* ``difference_count`` = Eurostat - UNODC, ``difference_share`` = that over UNODC's count.
"""

import polars as pl

#: Comparison bases, in the order of the checks below.
BASES = ("same_iccs_code", "sum_of_unodc_parts", "unodc_parts_incomplete", "unodc_series_ambiguous", "no_unodc_value",
         "no_unodc_series")


def _ref(file: str, row: str) -> pl.Expr:
    return pl.format("{}#{}", pl.col(file), pl.col(row))


def compared_figures(observations: pl.DataFrame, crosswalk: pl.DataFrame) -> pl.DataFrame:
    """The compared source's totals (sex and age Total), one row per source, area, year and category,
    with the count and the rate side by side and the ICCS code of the category."""
    obs = observations.filter(pl.col("measure") == "offences", pl.col("value").is_not_null(),
                              pl.col("sex").is_null() | (pl.col("sex") == "Total"),
                              pl.col("age").is_null() | (pl.col("age") == "Total"))
    key = ["source_id", "area_code", "year", "category"]
    first = ["area_name", "country_iso3", "area_type", "release"]
    counts = obs.filter(pl.col("unit") == "count").select(
        *key, *first, compared_offences_count="value", count_flags="published_flags",
        compared_count_source=_ref("source_file", "source_row"))
    rates = obs.filter(pl.col("unit") == "rate_per_100k_population").select(
        *key, *[pl.col(c).alias(f"{c}_r") for c in first], compared_offences_per_100k_population="value",
        rate_flags="published_flags", compared_rate_source=_ref("source_file", "source_row"))
    both = counts.join(rates, on=key, how="full", coalesce=True).with_columns(
        [pl.coalesce(c, f"{c}_r").alias(c) for c in first]).drop([f"{c}_r" for c in first])
    xw = crosswalk.filter(pl.col("mapping_status") == "mapped").select(
        "source_id", category="source_category", iccs_code="iccs_code", iccs_label="iccs_label")
    return both.join(xw, on=["source_id", "category"], how="left")


def primary_figures(offences: pl.DataFrame, crosswalk: pl.DataFrame) -> pl.DataFrame:
    """The primary series (int_offences_latest_release: newest release of each series-year), totals only,
    with the ICCS code of each category: mapped, not Cy-tagged, not restricted to one indicator."""
    xw = crosswalk.filter(pl.col("mapping_status") == "mapped", pl.col("cy_tag").is_null(),
                          pl.col("source_indicator").is_null()).select(
        "source_id", category="source_category", iccs_code="iccs_code")
    return offences.filter(
        pl.col("sex") == "Total", pl.col("age") == "Total", pl.col("offences_count").is_not_null(),
        ~pl.col("not_recorded_separately").fill_null(False),
    ).join(xw, on=["source_id", "category"], how="inner").select(
        "area_code", "year", "iccs_code", "category", "release", "offences_count",
        "offences_per_100k_population_published", source=_ref("count_source_file", "count_source_row"))


def offences_comparison(observations: pl.DataFrame, offences: pl.DataFrame, crosswalk: pl.DataFrame,
                        iccs_codes: pl.DataFrame) -> pl.DataFrame:
    """One row per compared-source area, year and category: its count and rate beside the primary series'
    (same ICCS code, or the sum of its complete next-level parts), the difference and which is published."""
    from pipelines.sources.eurostat_crim_off_cat import FLAGS, project_flags

    compared = compared_figures(observations, crosswalk)
    primary = primary_figures(offences, crosswalk)
    primary_codes = primary["iccs_code"].unique().to_list()
    # For each compared code: the primary's own code, else the primary codes that are its next-level parts.
    plan = []
    for code in compared["iccs_code"].drop_nulls().unique().sort().to_list():
        if code in primary_codes:
            plan.append({"iccs_code": code, "part_code": code, "kind": "same"})
            continue
        below = [c for c in primary_codes if c.startswith(code) and c != code]
        parts = [c for c in below if not any(c.startswith(o) and c != o for o in below)]
        plan += [{"iccs_code": code, "part_code": c, "kind": "parts"} for c in parts]
    plan_df = pl.DataFrame(plan, schema={"iccs_code": pl.String, "part_code": pl.String, "kind": pl.String})
    expected = plan_df.group_by("iccs_code").agg(parts_expected=pl.len().cast(pl.Int32), kind=pl.col("kind").first())
    found = (plan_df.join(primary.rename({"iccs_code": "part_code"}), on="part_code", how="inner")
             .group_by("iccs_code", "area_code", "year").agg(
                 parts_found=pl.col("part_code").n_unique().cast(pl.Int32),
                 series_found=pl.len().cast(pl.Int32),
                 primary_offences_count=pl.col("offences_count").sort_by("source").sum(),
                 primary_rate=pl.col("offences_per_100k_population_published").first(),
                 primary_categories=pl.col("category").sort().str.join(" | "),
                 primary_releases=pl.col("release").unique().sort().str.join(", "),
                 primary_source_rows=pl.col("source").sort().str.join(" | ")))
    # ICCS groups of a code that the primary source does not publish (from the verified ICCS list).
    verified = iccs_codes["iccs_code"].to_list()
    missing = pl.DataFrame([
        {"iccs_code": code, "groups_not_published": ", ".join(
            c for c in verified if c.startswith(code) and len(c) == len(code) + 1
            and c not in plan_df.filter(pl.col("iccs_code") == code)["part_code"].to_list())}
        for code in expected.filter(pl.col("kind") == "parts")["iccs_code"].to_list()],
        schema={"iccs_code": pl.String, "groups_not_published": pl.String})
    out = (compared.join(expected, on="iccs_code", how="left")
           .join(found, on=["iccs_code", "area_code", "year"], how="left")
           .join(missing, on="iccs_code", how="left"))
    complete = pl.col("parts_found") == pl.col("parts_expected")
    basis = (pl.when(pl.col("kind").is_null()).then(pl.lit("no_unodc_series"))
             .when(pl.col("parts_found").is_null()).then(pl.lit("no_unodc_value"))
             .when(pl.col("series_found") != pl.col("parts_found")).then(pl.lit("unodc_series_ambiguous"))
             .when(pl.col("kind") == "same").then(pl.lit("same_iccs_code"))
             .when(complete).then(pl.lit("sum_of_unodc_parts"))
             .otherwise(pl.lit("unodc_parts_incomplete")))
    out = out.with_columns(comparison_basis=basis)
    # Two primary series of one code for one area-year (unodc_series_ambiguous) are two figures: neither is compared.
    usable = pl.col("comparison_basis").is_in(["same_iccs_code", "sum_of_unodc_parts"])
    count = pl.when(usable).then(pl.col("primary_offences_count"))
    out = out.with_columns(
        unodc_offences_count=count,
        offences_per_100k_population_unodc=pl.when(
            usable & (pl.col("comparison_basis") == "same_iccs_code")).then(pl.col("primary_rate")),
    ).with_columns(
        difference_count=pl.col("compared_offences_count") - pl.col("unodc_offences_count"),
        difference_share=pl.when(pl.col("unodc_offences_count") > 0).then(
            (pl.col("compared_offences_count") - pl.col("unodc_offences_count")) / pl.col("unodc_offences_count")),
        primary_source_id=pl.when(usable & (pl.col("comparison_basis") == "same_iccs_code"))
        .then(pl.lit("unodc_cts")).otherwise(pl.col("source_id")),
        published_flags=pl.concat_str([pl.col("count_flags").fill_null(""), pl.col("rate_flags").fill_null("")]),
        comparison_note=pl.when(pl.col("comparison_basis") == "same_iccs_code").then(pl.lit(
            "UNODC publishes the same ICCS code: UNODC's figure is published (offence marts, regional sums, "
            "Convention view); this one is shown for comparison only"))
        .when(pl.col("comparison_basis") == "sum_of_unodc_parts").then(pl.format(
            "UNODC publishes the parts of this ICCS code, not the code: compared with their sum ({}){}; "
            "never add either figure to the other", pl.col("primary_categories"),
            pl.when(pl.col("groups_not_published").fill_null("") != "").then(
                pl.format(", which leaves out ICCS {}", pl.col("groups_not_published"))).otherwise(pl.lit(""))))
        .when(pl.col("comparison_basis") == "unodc_parts_incomplete").then(pl.format(
            "UNODC publishes only {} of the {} parts of this ICCS code for the country-year ({}): no comparison",
            pl.col("parts_found"), pl.col("parts_expected"), pl.col("primary_categories")))
        .when(pl.col("comparison_basis") == "unodc_series_ambiguous").then(pl.format(
            "UNODC publishes several series of this ICCS code for the country-year ({}): no comparison",
            pl.col("primary_categories")))
        .when(pl.col("comparison_basis") == "no_unodc_value").then(pl.lit(
            "UNODC publishes this ICCS code, but not for this country-year"))
        .otherwise(pl.lit("UNODC publishes no series of this ICCS code (or the category is not mapped)")),
    )
    out = out.with_columns(
        flags=pl.col("published_flags").map_elements(project_flags, return_dtype=pl.String),
        published_flags=pl.col("published_flags").map_elements(
            lambda s: "".join(f for f in FLAGS if f in s), return_dtype=pl.String).replace("", None),
    )
    out = out.with_columns(
        pl.when(pl.col("comparison_basis").is_in(["same_iccs_code", "sum_of_unodc_parts"]))
        .then(pl.col(c)).alias(c) for c in ("primary_categories", "primary_releases", "primary_source_rows"))
    return out.select(
        "area_code", "area_name", "country_iso3", "area_type", "year", "iccs_code", "iccs_label",
        eurostat_source_id="source_id", eurostat_category="category", comparison_basis="comparison_basis",
        primary_source_id="primary_source_id", eurostat_offences_count="compared_offences_count",
        unodc_offences_count="unodc_offences_count", difference_count="difference_count",
        difference_share="difference_share",
        offences_per_100k_population_eurostat="compared_offences_per_100k_population",
        offences_per_100k_population_unodc="offences_per_100k_population_unodc",
        unodc_categories="primary_categories", published_flags="published_flags", flags="flags",
        eurostat_release="release", eurostat_count_source="compared_count_source",
        eurostat_rate_source="compared_rate_source", unodc_releases="primary_releases",
        unodc_source_rows="primary_source_rows", comparison_note="comparison_note",
    ).sort("area_code", "year", "eurostat_category")
