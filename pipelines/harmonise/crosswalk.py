"""Observations joined to the offence crosswalk (the harmonising step of the Convention view).

Every observation gets the crosswalk row of its ``(source_id, category)``; ``crosswalk_status``
says ``mapped``, ``unmapped`` (explicitly), ``not_in_crosswalk`` (no row: a gap the checks report)
or ``indicator_not_covered`` (a row restricted to another indicator of the source). The crosswalk's
own structure (which category is a part of which, :func:`ancestor_pairs`) lives here too; adding
offences up by Convention article group and region is pipelines.indicators.convention.
"""

import polars as pl

CONFIDENCE_RANK = {"exact": 1, "partial": 2, "proxy": 3}
CONFIDENCE_BY_RANK = {v: k for k, v in CONFIDENCE_RANK.items()}
#: Crosswalk columns carried onto every observation.
MAPPING_COLUMNS = ("iccs_code", "iccs_label", "cy_tag", "convention_articles", "convention_offence",
                   "budapest_articles", "mapping_confidence", "parent_category")
#: Observation columns kept next to the mapping.
OBSERVATION_COLUMNS = (
    "source_id", "release", "release_date", "dataset", "area_code", "area_name", "country_iso3", "area_type", "year",
    "period_type", "indicator", "dimension", "category", "sex", "age", "measure", "unit", "currency", "value",
    "value_type", "source_file", "source_row",
)


def observations_with_offence_codes(observations: pl.DataFrame, crosswalk: pl.DataFrame) -> pl.DataFrame:
    """Every observation with its crosswalk mapping and ``crosswalk_status`` (rule 1)."""
    xw = crosswalk.select(
        "source_id", category="source_category", mapping_indicator="source_indicator", mapping_status="mapping_status",
        crosswalk_row="source_row", **{c: c for c in MAPPING_COLUMNS})
    joined = observations.select(OBSERVATION_COLUMNS).join(xw, on=["source_id", "category"], how="left")
    other_indicator = pl.col("mapping_indicator").is_not_null() & (pl.col("mapping_indicator") != pl.col("indicator"))
    status = (pl.when(pl.col("mapping_status").is_null()).then(pl.lit("not_in_crosswalk"))
              .when(other_indicator).then(pl.lit("indicator_not_covered"))
              .otherwise(pl.col("mapping_status")))
    mapped = status == "mapped"
    return joined.with_columns(crosswalk_status=status).with_columns(
        [pl.when(mapped).then(pl.col(c)).alias(c) for c in MAPPING_COLUMNS if c != "parent_category"]
    ).with_columns(
        is_ict_specific=pl.when(mapped).then(is_ict_specific(pl.col("cy_tag"), pl.col("iccs_code"))),
    ).drop("mapping_status", "mapping_indicator")


def is_ict_specific(cy_tag: pl.Expr, iccs_code: pl.Expr) -> pl.Expr:
    """A series limited to ICT-committed conduct: Cy-tagged, or ICCS section 0903 (acts against
    computer systems, for which the draft notes the Cy tag is redundant)."""
    return (cy_tag == 1).fill_null(False) | iccs_code.str.starts_with("0903").fill_null(False)


def ancestor_pairs(crosswalk: pl.DataFrame) -> pl.DataFrame:
    """(source_id, category, ancestor, part_is_cy_subset) for every category and each ancestor.

    ``part_is_cy_subset``: the category is Cy-tagged and the ancestor is not, so the category is
    the ICT-committed subset of the ancestor.
    """
    rows = crosswalk.select("source_id", "source_category", "parent_category", "cy_tag").to_dicts()
    parent = {(r["source_id"], r["source_category"]): r["parent_category"] for r in rows}
    cy = {(r["source_id"], r["source_category"]): r["cy_tag"] == 1 for r in rows}
    out = []
    for (source_id, category), first in parent.items():
        seen, current = {category}, first
        while current and current not in seen:
            out.append({"source_id": source_id, "category": category, "ancestor": current,
                        "part_is_cy_subset": cy[(source_id, category)] and not cy.get((source_id, current), False)})
            seen.add(current)
            current = parent.get((source_id, current))
    schema = {"source_id": pl.String, "category": pl.String, "ancestor": pl.String, "part_is_cy_subset": pl.Boolean}
    return pl.DataFrame(out, schema=schema)
