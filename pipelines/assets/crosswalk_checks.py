"""Asset checks on the offence crosswalk and Convention marts (domain contracts; logic in pipelines.harmonise).

Blocking checks (a failure stops publication): parent and part never added, overlaps between article
groups declared on both rows, units never mixed, no
figure counted twice, regional rows equal the sum of their countries, the Convention status follows
art. 65(1). Warning (never blocks): every category a source prints has a crosswalk row; its
metadata lists the unmapped categories with their observation counts. Every outcome is recorded
in ``quality.validation_results`` (pipelines.assets.checks.domain_check).
"""

import dagster as dg
import polars as pl

from pipelines.assets.checks import domain_check
from pipelines.build import Build
from pipelines.harmonise.convention import status_problems
from pipelines.indicators.convention import (
    figures_counted_twice,
    mixed_unit_rows,
    regional_sum_mismatches,
    summed_relatives,
    unflagged_overlaps,
)
from pipelines.quality.findings import Finding

ARTICLES = dg.AssetKey(["marts", "offences_by_convention_article"])
CROSSWALK_MART = dg.AssetKey(["marts", "offence_crosswalk"])
STATUS = dg.AssetKey(["marts", "convention_status"])
CROSSWALK = dg.AssetKey(["staging", "stg_offence_crosswalk__mappings"])
EVENTS = dg.AssetKey(["staging", "stg_convention_status__events"])
SHOWN = 20  # rows listed in a failure's metadata


def _tables(build: Build, *names: tuple[str, str]) -> list[pl.DataFrame]:
    return [build.read(schema, table) for schema, table in names]


def _outcome(bad: pl.DataFrame, evaluated: int, what: str) -> tuple[Finding, dict]:
    lines = [str(r) for r in bad.head(SHOWN).iter_rows(named=True)]
    return Finding.from_rows(bad, evaluated), {
        "violations": bad.height, "failure": (f"{bad.height} {what}" if bad.height else "none"),
        "examples": dg.MetadataValue.md("\n".join(f"- {x}" for x in lines) or "none")}


def _parent_and_child(build: Build) -> tuple[Finding, dict]:
    rows, crosswalk = _tables(build, ("marts", "offences_by_convention_article"),
                              ("staging", "stg_offence_crosswalk__mappings"))
    return _outcome(summed_relatives(rows, crosswalk), rows.height, "rows add a parent and its part")


def _overlaps(build: Build) -> tuple[Finding, dict]:
    rows, crosswalk = _tables(build, ("marts", "offences_by_convention_article"),
                              ("staging", "stg_offence_crosswalk__mappings"))
    return _outcome(unflagged_overlaps(rows, crosswalk), rows.height,
                    "rows count a parent or part of another group's category without saying so")


def _units(build: Build) -> tuple[Finding, dict]:
    (rows,) = _tables(build, ("marts", "offences_by_convention_article"))
    return _outcome(mixed_unit_rows(rows), rows.height, "rows mix units or repeat a key")


def _counted_twice(build: Build) -> tuple[Finding, dict]:
    (rows,) = _tables(build, ("marts", "offences_by_convention_article"))
    return _outcome(figures_counted_twice(rows), rows.height, "source figures are counted in more than one row")


def _regional_rows(build: Build) -> tuple[Finding, dict]:
    rows, population = _tables(build, ("marts", "offences_by_convention_article"),
                               ("intermediate", "int_population_by_country_year"))
    return _outcome(regional_sum_mismatches(rows, population), rows.height,
                    "region rows differ from the sum of their countries")


def _categories(build: Build) -> tuple[Finding, dict]:
    (mart,) = _tables(build, ("marts", "offence_crosswalk"))
    missing = mart.filter(pl.col("mapping_status") == "not_in_crosswalk")
    unmapped = mart.filter(pl.col("mapping_status") == "unmapped", pl.col("observations") > 0).sort(
        "observations", descending=True)

    def listing(df: pl.DataFrame) -> dg.MetadataValue:
        return dg.MetadataValue.md("\n".join(f"- {r['source_id']} / {r['source_category']}: {r['observations']:,}"
                                             for r in df.iter_rows(named=True)) or "none")

    finding = Finding.from_rows(missing.select("source_id", "source_category", "observations"), mart.height,
                                note=f"{unmapped.height} categories with observations are flagged unmapped")
    return finding, {"categories_not_in_crosswalk": missing.height,
                     "observations_not_in_crosswalk": int(missing["observations"].sum()),
                     "missing": listing(missing),
                     "unmapped_categories_with_observations": unmapped.height,
                     "observations_unmapped": int(unmapped["observations"].sum()),
                     "unmapped": listing(unmapped)}


def _entry_into_force(build: Build) -> tuple[Finding, dict]:
    status, events = _tables(build, ("marts", "convention_status"), ("staging", "stg_convention_status__events"))
    problems = status_problems(status, events)
    return Finding.from_problems(problems, status.height), {"failure": "; ".join(problems) or "none"}


CROSSWALK_CHECKS = [
    domain_check(ARTICLES, "parent_and_child_never_summed",
                 "No area row adds a category together with one of its ancestors (parent_category chain).",
                 "no area row adding a category together with one of its ancestors (parent_category chain)",
                 _parent_and_child, additional_deps=[CROSSWALK]),
    domain_check(ARTICLES, "overlapping_groups_declared",
                 "A row counting a parent or a part of a category counted in another article group's row (Sexual "
                 "Exploitation 14;15 and Child pornography 14) names that group in overlapping_article_groups.",
                 "every overlap between article-group rows named on both rows (overlapping_article_groups)",
                 _overlaps, additional_deps=[CROSSWALK]),
    domain_check(ARTICLES, "units_never_mixed",
                 "Each row holds one source and one measure: a count or a USD loss, never both; keys unique.",
                 "one source and one measure per row (a count or a USD loss, never both), keys unique", _units),
    domain_check(ARTICLES, "no_figure_counted_twice",
                 "Every source figure is added into at most one area row (article groups are indivisible).",
                 "every source figure added into at most one area row", _counted_twice),
    domain_check(ARTICLES, "regional_rows_equal_country_sums",
                 "Region and World rows equal the sum of their country rows, with the same countries.",
                 "region and World rows equal to the sum of their country rows, with the same countries",
                 _regional_rows, additional_deps=[dg.AssetKey(["intermediate", "int_population_by_country_year"])]),
    domain_check(CROSSWALK_MART, "every_category_in_crosswalk",
                 "Every category a source prints has a crosswalk row (mapped or explicitly unmapped); lists the "
                 "unmapped categories with their observation counts.",
                 "a crosswalk row (mapped or explicitly unmapped) for every category a source prints",
                 _categories, blocking=False),
    domain_check(STATUS, "entry_into_force_follows_art_65",
                 "Entry into force follows art. 65(1) (40 counted instruments, +90 days, null until reached) and "
                 "the signatory count is the latest verified one.",
                 "entry into force per art. 65(1) (40 counted instruments, +90 days, null until reached) and the "
                 "latest verified signatory count", _entry_into_force, additional_deps=[EVENTS]),
]
