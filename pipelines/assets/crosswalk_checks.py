"""Asset checks on the offence crosswalk and Convention marts (domain contracts; logic in pipelines.harmonise).

Blocking checks (a failure stops publication): parent and part never added, units never mixed, no
figure counted twice, regional rows equal the sum of their countries, the Convention status follows
art. 65(1). Warning (never blocks): every category a source prints has a crosswalk row; its
metadata lists the unmapped categories with their observation counts.
"""

import dagster as dg
import polars as pl

from pipelines.assets.resources import CyberstatsResource
from pipelines.harmonise.convention import status_problems
from pipelines.harmonise.crosswalk import (
    figures_counted_twice,
    mixed_unit_rows,
    regional_sum_mismatches,
    summed_relatives,
)
from pipelines.warehouse import connect, read_table

ARTICLES = dg.AssetKey(["marts", "offences_by_convention_article"])
CROSSWALK_MART = dg.AssetKey(["marts", "offence_crosswalk"])
STATUS = dg.AssetKey(["marts", "convention_status"])
CROSSWALK = dg.AssetKey(["staging", "stg_offence_crosswalk__mappings"])
EVENTS = dg.AssetKey(["staging", "stg_convention_status__events"])
SHOWN = 20  # rows listed in a failure's metadata


def _tables(cyberstats: CyberstatsResource, *names: tuple[str, str]) -> list[pl.DataFrame]:
    with connect(cyberstats.settings().build_db, disposable=True) as con:
        return [read_table(con, schema, table) for schema, table in names]


def _result(bad: pl.DataFrame, what: str) -> dg.AssetCheckResult:
    lines = [str(r) for r in bad.head(SHOWN).iter_rows(named=True)]
    return dg.AssetCheckResult(
        passed=bad.height == 0, severity=dg.AssetCheckSeverity.ERROR,
        metadata={"violations": bad.height,
                  "failure": (f"{bad.height} {what}" if bad.height else "none"),
                  "examples": dg.MetadataValue.md("\n".join(f"- {x}" for x in lines) or "none")})


@dg.asset_check(asset=ARTICLES, blocking=True, additional_deps=[CROSSWALK],
                description="No area row adds a category together with one of its ancestors (parent_category chain).")
def parent_and_child_never_summed(cyberstats: CyberstatsResource) -> dg.AssetCheckResult:
    rows, crosswalk = _tables(cyberstats, ("marts", "offences_by_convention_article"),
                              ("staging", "stg_offence_crosswalk__mappings"))
    return _result(summed_relatives(rows, crosswalk), "rows add a parent and its part")


@dg.asset_check(asset=ARTICLES, blocking=True,
                description="Each row holds one source and one measure: a count or a USD loss, never both; "
                            "keys unique.")
def units_never_mixed(cyberstats: CyberstatsResource) -> dg.AssetCheckResult:
    (rows,) = _tables(cyberstats, ("marts", "offences_by_convention_article"))
    return _result(mixed_unit_rows(rows), "rows mix units or repeat a key")


@dg.asset_check(asset=ARTICLES, blocking=True,
                description="Every source figure is added into at most one area row (article groups are indivisible).")
def no_figure_counted_twice(cyberstats: CyberstatsResource) -> dg.AssetCheckResult:
    (rows,) = _tables(cyberstats, ("marts", "offences_by_convention_article"))
    return _result(figures_counted_twice(rows), "source figures are counted in more than one row")


@dg.asset_check(asset=ARTICLES, blocking=True,
                description="Region and World rows equal the sum of their country rows, with the same countries.")
def regional_rows_equal_country_sums(cyberstats: CyberstatsResource) -> dg.AssetCheckResult:
    (rows,) = _tables(cyberstats, ("marts", "offences_by_convention_article"))
    return _result(regional_sum_mismatches(rows), "region rows differ from the sum of their countries")


@dg.asset_check(asset=CROSSWALK_MART, blocking=False,
                description="Every category a source prints has a crosswalk row (mapped or explicitly unmapped); "
                            "lists the unmapped categories with their observation counts.")
def every_category_in_crosswalk(cyberstats: CyberstatsResource) -> dg.AssetCheckResult:
    (mart,) = _tables(cyberstats, ("marts", "offence_crosswalk"))
    missing = mart.filter(pl.col("mapping_status") == "not_in_crosswalk")
    unmapped = mart.filter(pl.col("mapping_status") == "unmapped", pl.col("observations") > 0).sort(
        "observations", descending=True)

    def listing(df: pl.DataFrame) -> dg.MetadataValue:
        return dg.MetadataValue.md("\n".join(f"- {r['source_id']} / {r['source_category']}: {r['observations']:,}"
                                             for r in df.iter_rows(named=True)) or "none")

    return dg.AssetCheckResult(
        passed=missing.height == 0, severity=dg.AssetCheckSeverity.WARN,
        metadata={"categories_not_in_crosswalk": missing.height,
                  "observations_not_in_crosswalk": int(missing["observations"].sum()),
                  "missing": listing(missing),
                  "unmapped_categories_with_observations": unmapped.height,
                  "observations_unmapped": int(unmapped["observations"].sum()),
                  "unmapped": listing(unmapped)})


@dg.asset_check(asset=STATUS, blocking=True, additional_deps=[EVENTS],
                description="Entry into force follows art. 65(1) (40 counted instruments, +90 days, null until "
                            "reached) and the signatory count is the latest verified one.")
def entry_into_force_follows_art_65(cyberstats: CyberstatsResource) -> dg.AssetCheckResult:
    status, events = _tables(cyberstats, ("marts", "convention_status"), ("staging", "stg_convention_status__events"))
    problems = status_problems(status, events)
    return dg.AssetCheckResult(passed=not problems, severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"failure": "; ".join(problems) or "none"})


CROSSWALK_CHECKS = [parent_and_child_never_summed, units_never_mixed, no_figure_counted_twice,
                    regional_rows_equal_country_sums, every_category_in_crosswalk, entry_into_force_follows_art_65]
