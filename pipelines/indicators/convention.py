"""Offence totals by Convention article group, per area, region and year (the Convention view).

The input is the observations joined to the crosswalk (pipelines.harmonise.crosswalk).

Rules (they are stated in the description of ``marts.offences_by_convention_article`` too):

1. **Join.** Every observation gets the crosswalk row of its ``(source_id, category)``;
   ``crosswalk_status`` says ``mapped``, ``unmapped`` (explicitly), ``not_in_crosswalk`` (no
   row: a gap the checks report) or ``indicator_not_covered`` (a row restricted to another
   indicator of the source).
2. **Article groups are indivisible.** A category mapped to several articles (``9;10``) counts
   once, in the group ``9;10``; it is never split or repeated under article 9 and article 10.
3. **Parent and child are never added.** Within one source, area, year, measure and article
   group, when both a series and one of its parts (``parent_category`` chain) are present:

   * the part replaces its parent when the part is the ICT-committed subset, i.e. the part
     carries the Cy tag and the parent does not (``Fraud: Cyber-related (Cy)`` replaces
     ``Fraud``): the Convention criminalises the ICT-committed conduct;
   * otherwise the parent is counted and its parts are not (NCRB cyber fraud ``Total`` is
     counted, its type codes A-E are not).

   A parent counted because no Cy-tagged part was published is flagged as including offences not
   committed through ICT (``includes_non_ict_offences``), as is any series that is neither
   Cy-tagged nor in ICCS section 0903 (acts against computer systems, ICT by definition).

   A parent and its part mapped to *different* article groups (UNODC ``Sexual Exploitation``,
   articles 14;15, contains ``Child pornography``, article 14) are both counted, each in its own
   group, because each is the best figure for its group; both rows then name the other group in
   ``overlapping_article_groups``, and such rows must never be added together.
4. **Units are never mixed.** Police-recorded offences, NCRB cases, IC3 complaints or victims and
   losses are separate rows (``measure``); counts and money are separate columns.
5. **Regions** add country rows by M49 region and for the world, per source, measure and article
   group, with the number of countries reporting. Members are those of every regional sum of the
   project (M49 countries and areas plus Kosovo, :func:`convention_members`); sub-national areas such
   as England and Wales are listed but not added; as in ``marts.regional_offences``, police-recorded
   offences of a country without a World Bank population for the year (the Holy See) are not added.
6. **Definitions are never mixed**: region rows summing ICT-specific series and region rows summing
   series that include non-ICT offences (``includes_non_ict_offences``) are separate rows of one
   region, year and group, never added to each other.
7. **Not recorded is not zero**: a Cy-tagged part published as 0 beside a parent of 300 or more was not
   recorded separately (:func:`pipelines.indicators.offences.mark_not_recorded`); it replaces nothing,
   its parent is counted (and flagged as including non-ICT offences).
"""

import polars as pl

from pipelines.harmonise.crosswalk import (
    CONFIDENCE_BY_RANK,
    CONFIDENCE_RANK,
    ancestor_pairs,
)
from pipelines.indicators.offences import PART_SEPARATOR, latest_release, mark_not_recorded
from pipelines.indicators.regional import MEMBER_AREA_TYPES, ordered_sum, region_members

#: Area types whose figures enter the Convention view (publisher subtotal rows never do).
AREA_TYPES = ("country", "subnational", "territory")
COUNT_MEASURES = ("offences", "cases_recorded", "complaints", "victims")
GROUP_KEY = ("source_id", "area_code", "year", "measure", "unit", "currency", "convention_articles")
WORLD = ("001", "World")
#: Separator of the category lists in the published columns (no category label contains it).
LIST_SEPARATOR = " | "


def convention_candidates(joined: pl.DataFrame) -> pl.DataFrame:
    """Observations that may enter a Convention article total: mapped to at least one article,
    reported, calendar-year, country-level or sub-national, totals over sex and age, counts of
    offences, cases, complaints or victims, or losses in USD; newest release of each series."""
    keep = joined.filter(
        pl.col("crosswalk_status") == "mapped",
        pl.col("convention_articles").is_not_null(),
        pl.col("value").is_not_null(),
        pl.col("value_type") == "reported",
        pl.col("period_type") == "calendar_year",
        pl.col("area_type").is_in(AREA_TYPES),
        pl.col("sex").is_null() | (pl.col("sex") == "Total"),
        pl.col("age").is_null() | (pl.col("age") == "Total"),
        ((pl.col("unit") == "count") & pl.col("measure").is_in(COUNT_MEASURES))
        | ((pl.col("unit") == "currency") & (pl.col("currency") == "USD") & (pl.col("measure") == "loss")),
    )
    return mark_not_recorded(latest_release(keep).drop("releases_carrying"), key=("measure", "unit"))


def select_series(candidates: pl.DataFrame, crosswalk: pl.DataFrame) -> pl.DataFrame:
    """Mark which candidates are counted (rule 3): ``counted`` and, for the others, ``not_counted_reason``."""
    pairs = ancestor_pairs(crosswalk)
    key = list(GROUP_KEY)
    # A part not recorded separately (a 0 beside a parent of 300 or more) is no figure: it replaces nothing.
    present = candidates.filter(~pl.col("not_recorded_separately")).select(*key, "category").unique()
    # Every (part, ancestor) pair where both are present in the same group.
    both = (present.join(pairs, on=["source_id", "category"], how="inner")
            .join(present.rename({"category": "ancestor"}), on=[*key, "ancestor"], how="inner", nulls_equal=True))
    losers = pl.concat([
        both.filter(pl.col("part_is_cy_subset")).select(
            *key, category=pl.col("ancestor"),
            reason=pl.format("replaced by its Cy-tagged part '{}'", pl.col("category"))),
        both.filter(~pl.col("part_is_cy_subset")).select(
            *key, "category", reason=pl.format("part of '{}', which is counted", pl.col("ancestor"))),
    ]).group_by(*key, "category").agg(not_counted_reason=pl.col("reason").unique().sort().str.join("; "))
    out = candidates.join(losers, on=[*key, "category"], how="left", nulls_equal=True).with_columns(
        not_counted_reason=pl.when(pl.col("not_recorded_separately")).then(pl.col("not_recorded_note"))
        .otherwise(pl.col("not_counted_reason")))
    return out.with_columns(counted=pl.col("not_counted_reason").is_null()).drop("not_recorded_separately",
                                                                                 "not_recorded_note")


def country_article_rows(selected: pl.DataFrame, areas: pl.DataFrame, crosswalk: pl.DataFrame) -> pl.DataFrame:
    """One row per area, year, article group, source and measure: counted series summed
    (internal columns: :func:`finish` gives the published ones)."""
    key = [*GROUP_KEY, "country_iso3", "area_type"]  # country and type follow from the area code
    counted = selected.filter(pl.col("counted")).with_columns(
        mapping=pl.format("{} [{}]", pl.col("category"), pl.col("mapping_confidence")),
        rank=pl.col("mapping_confidence").replace_strict(CONFIDENCE_RANK, return_dtype=pl.Int8),
        ref=pl.format("{}#{}", pl.col("source_file"), pl.col("source_row")),
    )
    agg = counted.group_by(key).agg(
        # Names can differ between releases of one area; the M49 name is used where there is one.
        published_name=pl.col("area_name").sort().first(),
        convention_offence=pl.col("convention_offence").sort().first(),
        value=ordered_sum("value", ["source_file", "source_row"]),
        categories_counted=pl.col("category").unique().sort(),
        mappings_counted=pl.col("mapping").unique().sort().str.join(" | "),
        worst_rank=pl.col("rank").max(),
        includes_non_ict_offences=(~pl.col("is_ict_specific")).any(),
        countries_with_non_ict_series=(~pl.col("is_ict_specific")).any().cast(pl.Int32),
        non_ict_categories=pl.col("category").filter(~pl.col("is_ict_specific")).unique().sort(),
        budapest_articles=_article_union("budapest_articles"),
        releases=pl.col("release").unique().sort().str.join(", "),
        source_rows=pl.col("ref").sort().str.join(" | "),
    )
    dropped = selected.filter(~pl.col("counted")).group_by(GROUP_KEY).agg(
        categories_not_added=pl.format("{} ({})", pl.col("category"), pl.col("not_counted_reason"))
        .unique().sort().str.join(" | "))
    regions = areas.select("area_code", "region_code", "region_name", m49_name="area_name")
    agg = agg.join(cross_group_overlaps(agg, crosswalk), on=list(GROUP_KEY), how="left", nulls_equal=True)
    out = (agg.join(dropped, on=list(GROUP_KEY), how="left", nulls_equal=True)
           .join(regions, on="area_code", how="left")
           .with_columns(area_name=pl.coalesce("m49_name", "published_name"))
           .drop("m49_name", "published_name")
           .with_columns(countries_reporting=pl.lit(1, pl.Int32), countries_in_region=pl.lit(None, pl.Int32),
                         reporting_countries=pl.col("country_iso3")))
    return out


def _overlapping_pairs(counted: pl.DataFrame, crosswalk: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """(key..., convention_articles, category, ancestor, ancestor_articles) for every category counted
    in one row whose ancestor is counted in another row with the same ``key`` (source, area, year,
    measure). ``counted`` has ``key``, ``convention_articles`` and ``category`` (one row per counted
    category)."""
    pairs = ancestor_pairs(crosswalk).select("source_id", "category", "ancestor")
    ancestors = counted.rename({"category": "ancestor", "convention_articles": "ancestor_articles"})
    return (counted.join(pairs, on=["source_id", "category"], how="inner")
            .join(ancestors, on=[*key, "ancestor"], how="inner", nulls_equal=True)
            .filter(pl.col("convention_articles") != pl.col("ancestor_articles")))


def cross_group_overlaps(rows: pl.DataFrame, crosswalk: pl.DataFrame) -> pl.DataFrame:
    """For area rows (GROUP_KEY columns and a ``categories_counted`` list): the rows whose figure
    contains, or is contained in, the figure of another article group's row (rule 3, last part).

    Returns GROUP_KEY, ``overlapping_article_groups`` (text, e.g. ``14 (counts 'Child pornography',
    a part of 'Sexual Exploitation' counted here)``) and ``overlap_groups`` (the other groups, a list).
    """
    key = [k for k in GROUP_KEY if k != "convention_articles"]
    counted = rows.select(*GROUP_KEY, category="categories_counted").explode("category")
    both = _overlapping_pairs(counted, crosswalk, key)
    notes = pl.concat([
        both.select(*key, "convention_articles", other="ancestor_articles", note=pl.format(
            "{} (counts '{}', which contains '{}' counted here)", "ancestor_articles", "ancestor", "category")),
        both.select(*key, convention_articles="ancestor_articles", other="convention_articles", note=pl.format(
            "{} (counts '{}', a part of '{}' counted here)", "convention_articles", "category", "ancestor")),
    ])
    return notes.group_by(GROUP_KEY).agg(
        overlapping_article_groups=pl.col("note").unique().sort().str.join(LIST_SEPARATOR),
        overlap_groups=pl.col("other").unique().sort())


def convention_members(areas: pl.DataFrame) -> pl.DataFrame:
    """Members of the world and of each M49 region: the same rule as every regional sum of the project
    (:func:`pipelines.indicators.regional.region_members`: M49 countries and areas plus Kosovo)."""
    return region_members(areas).filter(pl.col("region_level") != "subregion").select(
        "country_iso3", "region_code", "region_name")


def summable(rows: pl.DataFrame, population: pl.DataFrame | None) -> pl.DataFrame:
    """Member-country rows a region sum adds: as in marts.regional_offences, police-recorded offences of a
    country without a World Bank population for the year (the Holy See) are left out, so both marts publish
    one number (``population`` None: every row)."""
    if population is None:
        return rows
    with_pop = population.filter(pl.col("population").is_not_null()).select("country_iso3", "year").unique()
    offences = pl.col("measure") == "offences"
    return pl.concat([rows.filter(~offences),
                      rows.filter(offences).join(with_pop, on=["country_iso3", "year"], how="semi")])


def regional_article_rows(country_rows: pl.DataFrame, areas: pl.DataFrame,
                          population: pl.DataFrame | None = None) -> pl.DataFrame:
    """Country rows (area type ``country``) added by M49 region and for the world (rule 5); takes
    and returns the internal columns of :func:`country_article_rows`."""
    members = convention_members(areas)
    sizes = members.group_by("region_code").agg(countries_in_region=pl.len().cast(pl.Int32))
    rows = country_rows.filter(pl.col("area_type").is_in(MEMBER_AREA_TYPES)).drop("region_code", "region_name").join(
        members, on="country_iso3", how="inner")
    rows = summable(rows, population)
    # ICT-specific series and series including non-ICT offences are separate rows, never added (rule 5).
    key = ["region_code", "region_name", "year", "source_id", "measure", "unit", "currency", "convention_articles",
           "includes_non_ict_offences"]
    agg = rows.group_by(key).agg(
        convention_offence=pl.col("convention_offence").sort().first(),
        value=ordered_sum("value", "country_iso3"),
        categories_counted=_explode(pl.col("categories_counted")).unique().sort(),
        mappings_counted=_joined_union("mappings_counted", " | "),
        worst_rank=pl.col("worst_rank").max(),
        countries_with_non_ict_series=pl.col("countries_with_non_ict_series").sum().cast(pl.Int32),
        non_ict_categories=_explode(pl.col("non_ict_categories")).unique().sort(),
        budapest_articles=_article_union("budapest_articles"),
        releases=_joined_union("releases", ", "),
        categories_not_added=_joined_union("categories_not_added", " | "),
        countries_reporting=pl.col("country_iso3").n_unique().cast(pl.Int32),
        reporting_countries=pl.col("country_iso3").unique().sort().str.join(", "),
    ).join(sizes, on="region_code", how="left")
    overlaps = (rows.select(*key, "country_iso3", group="overlap_groups").explode("group").drop_nulls("group")
                .group_by([*key, "group"]).agg(n=pl.col("country_iso3").n_unique())
                .group_by(key, maintain_order=False).agg(overlapping_article_groups=pl.format(
                    "{} (in {} of the countries)", "group", "n").sort().str.join(LIST_SEPARATOR)))
    agg = agg.join(overlaps, on=key, how="left", nulls_equal=True)
    out = agg.with_columns(area_code=pl.col("region_code"), area_name=pl.col("region_name"),
                           country_iso3=pl.lit(None, pl.String), area_type=pl.lit("region"),
                           source_rows=pl.lit(None, pl.String),
                           categories_not_added=pl.col("categories_not_added").replace("", None))
    return out


def _explode(expr: pl.Expr) -> pl.Expr:
    return expr.list.explode(keep_nulls=False, empty_as_null=False)


def _joined_union(column: str, sep: str) -> pl.Expr:
    """Within a group: the sorted union of the ``sep``-joined texts of ``column``, joined again."""
    return _explode(pl.col(column).replace("", None).drop_nulls().str.split(sep)).unique().sort().str.join(sep)


def _article_union(column: str) -> pl.Expr:
    """Within a group: the union of ';'-separated article lists, sorted numerically ('' if none)."""
    parts = _explode(pl.col(column).replace("", None).drop_nulls().str.split(";"))
    return parts.unique().cast(pl.Int32).sort().cast(pl.String).str.join(";")


def finish(df: pl.DataFrame) -> pl.DataFrame:
    """The published columns: counts and USD losses apart, confidence by name, article numbers."""
    is_count = pl.col("unit") == "count"
    return df.with_columns(
        recorded_count=pl.when(is_count).then(pl.col("value")),
        loss_usd_nominal=pl.when(~is_count).then(pl.col("value")),
        worst_mapping_confidence=pl.col("worst_rank").replace_strict(CONFIDENCE_BY_RANK, return_dtype=pl.String),
        # Text, not lists: marts are downloaded as CSV and XLSX, which hold no nested values.
        categories_counted=pl.col("categories_counted").list.join(LIST_SEPARATOR),
        non_ict_categories=pl.col("non_ict_categories").list.join(LIST_SEPARATOR).replace("", None),
        budapest_articles=pl.col("budapest_articles").replace("", None),
    ).select(ARTICLE_ROW_COLUMNS)


ARTICLE_ROW_COLUMNS = (
    "area_type", "area_code", "area_name", "country_iso3", "region_code", "region_name", "year",
    "convention_articles", "convention_offence", "budapest_articles", "source_id",
    "measure", "recorded_count", "loss_usd_nominal", "categories_counted", "mappings_counted",
    "worst_mapping_confidence", "includes_non_ict_offences", "countries_with_non_ict_series", "non_ict_categories",
    "categories_not_added", "overlapping_article_groups",
    "countries_reporting", "countries_in_region", "reporting_countries", "releases", "source_rows",
)


def offences_by_convention_article(joined: pl.DataFrame, crosswalk: pl.DataFrame, areas: pl.DataFrame,
                                   population: pl.DataFrame | None = None) -> pl.DataFrame:
    """Country, sub-national and regional rows of offence counts and losses by article group."""
    selected = select_series(convention_candidates(joined), crosswalk)
    countries = country_article_rows(selected, areas, crosswalk)
    regions = regional_article_rows(countries, areas, population)
    order = pl.col("area_type").replace_strict({"country": 0, "subnational": 1, "territory": 2, "region": 3},
                                               return_dtype=pl.Int8)
    rows = finish(pl.concat([countries, regions], how="diagonal_relaxed"))
    return rows.sort(order, "area_code", "year", "convention_articles", "source_id", "measure")


def summed_relatives(rows: pl.DataFrame, crosswalk: pl.DataFrame) -> pl.DataFrame:
    """Area rows whose ``categories_counted`` hold a category together with one of its ancestors.

    The check behind ``parent_and_child_never_summed``: empty when rule 3 held everywhere. Region
    rows are sums of area rows and may list a parent counted for one country and a Cy-tagged part
    counted for another; they are covered by the area rows and the regional-sum check.
    """
    pairs = ancestor_pairs(crosswalk).select("source_id", "category", "ancestor")
    exploded = rows.filter(pl.col("area_type") != "region").select(
        "area_code", "year", "convention_articles", "source_id", "measure",
        category=pl.col("categories_counted").str.split(LIST_SEPARATOR),
    ).explode("category")
    both = exploded.join(pairs, on=["source_id", "category"], how="inner").join(
        exploded.rename({"category": "ancestor"}),
        on=["area_code", "year", "convention_articles", "source_id", "measure", "ancestor"], how="inner")
    return both.unique().sort("source_id", "area_code", "year", "category")


def unflagged_overlaps(rows: pl.DataFrame, crosswalk: pl.DataFrame) -> pl.DataFrame:
    """Published area rows that count a parent (or a part) of a category counted in another article
    group's row without naming that group in ``overlapping_article_groups``.

    Recomputed from the published ``categories_counted`` text, independently of how the column was
    filled: empty when every overlap between rows is declared on both rows.
    """
    key = ["source_id", "area_code", "year", "measure"]
    area_rows = rows.filter(pl.col("area_type") != "region")
    counted = area_rows.select(*key, "convention_articles",
                               category=pl.col("categories_counted").str.split(LIST_SEPARATOR)).explode("category")
    both = _overlapping_pairs(counted, crosswalk, key)
    expected = pl.concat([
        both.select(*key, "convention_articles", other="ancestor_articles"),
        both.select(*key, convention_articles="ancestor_articles", other="convention_articles"),
    ]).unique()
    declared = area_rows.select(*key, "convention_articles", "overlapping_article_groups")
    joined = expected.join(declared, on=[*key, "convention_articles"], how="left")
    named = pl.col("overlapping_article_groups").fill_null("").str.split(LIST_SEPARATOR).list.eval(
        pl.element().str.extract(r"^(\S+) ")).list.contains(pl.col("other"))
    return joined.filter(~named).sort(key)


def crosswalk_coverage(crosswalk: pl.DataFrame, joined: pl.DataFrame, article_rows: pl.DataFrame) -> pl.DataFrame:
    """Every crosswalk row with the observations it covers, plus categories seen but not in it.

    ``observations``: rows of ``staging.observations`` with this source and category;
    ``observations_mapped``: those the mapping applies to (its indicator restriction met);
    ``article_rows_counted``: rows of the Convention view that count this category.
    """
    seen = joined.group_by("source_id", "category").agg(
        observations=pl.len().cast(pl.Int64),
        observations_mapped=(pl.col("crosswalk_status") == "mapped").sum().cast(pl.Int64),
        first_year=pl.col("year").min(), last_year=pl.col("year").max(),
        areas=pl.col("area_code").n_unique().cast(pl.Int32),
        measures=pl.col("measure").unique().sort().str.join(", "),
        statuses=pl.col("crosswalk_status").unique().sort().str.join(", "),
    )
    used = (article_rows.filter(pl.col("area_type") != "region")
            .select("source_id", category=pl.col("categories_counted").str.split(LIST_SEPARATOR)).explode("category")
            .group_by("source_id", "category").agg(article_rows_counted=pl.len().cast(pl.Int64)))
    xw = crosswalk.rename({"source_category": "category", "source_row": "crosswalk_row",
                           "source_file": "crosswalk_file"})
    listed = (xw.join(seen, on=["source_id", "category"], how="left")
              .join(used, on=["source_id", "category"], how="left"))
    missing = seen.join(xw.select("source_id", "category"), on=["source_id", "category"], how="anti").with_columns(
        mapping_status=pl.lit("not_in_crosswalk"),
        notes=pl.lit("Printed by the source but absent from the crosswalk: add a row (mapped or unmapped)."))
    out = pl.concat([listed, missing], how="diagonal_relaxed").with_columns(
        pl.col("observations", "observations_mapped", "article_rows_counted").fill_null(0))
    return out.sort("source_id", "category")


# --- contracts of marts.offences_by_convention_article (run as asset checks) -----------------------

ROW_KEY = ("area_type", "area_code", "year", "convention_articles", "source_id", "measure",
           "includes_non_ict_offences")


def mixed_unit_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows that break rule 4: a count and a loss in one row (or neither), money on a count measure,
    a count on the loss measure, or a repeated row key."""
    has_count, has_loss = pl.col("recorded_count").is_not_null(), pl.col("loss_usd_nominal").is_not_null()
    is_loss = pl.col("measure") == "loss"
    bad = rows.filter((has_count == has_loss) | (is_loss & has_count) | (~is_loss & has_loss)
                      | pl.struct(ROW_KEY).is_duplicated())
    return bad.select(*ROW_KEY, "recorded_count", "loss_usd_nominal")


def figures_counted_twice(rows: pl.DataFrame) -> pl.DataFrame:
    """Source figures added into more than one area row: a multi-article group or a parent and part
    counted twice would show here. A figure is a file row, year and measure (wide layouts such as
    NCRB's hold several years, and several categories of which at most one is counted, in one row)."""
    refs = (rows.filter(pl.col("area_type") != "region", pl.col("source_rows").is_not_null())
            .select(*ROW_KEY, ref=pl.col("source_rows").str.split(" | ")).explode("ref"))
    return (refs.group_by("ref", "year", "measure")
            .agg(rows=pl.len(), groups=pl.col("convention_articles").unique().sort())
            .filter(pl.col("rows") > 1).sort("ref"))


def regional_sum_mismatches(rows: pl.DataFrame, population: pl.DataFrame | None = None,
                            rel_tol: float = 1e-9) -> pl.DataFrame:
    """Region rows whose figure or countries_reporting differ from the sum over their country rows
    (member countries; for police-recorded offences, those with a World Bank population for the year)."""
    countries = rows.filter(pl.col("area_type").is_in(MEMBER_AREA_TYPES), pl.col("region_code").is_not_null())
    countries = summable(countries, population)
    world = countries.with_columns(region_code=pl.lit(WORLD[0]))
    key = ["region_code", "year", "convention_articles", "source_id", "measure", "includes_non_ict_offences"]
    expected = pl.concat([countries, world]).group_by(key).agg(
        expected_count=pl.col("recorded_count").sum(), expected_loss=pl.col("loss_usd_nominal").sum(),
        expected_countries=pl.col("country_iso3").n_unique().cast(pl.Int32))
    regions = rows.filter(pl.col("area_type") == "region").select(
        *key, "recorded_count", "loss_usd_nominal", "countries_reporting")
    both = regions.join(expected, on=key, how="full", coalesce=True)

    def differs(got: str, want: str) -> pl.Expr:
        return ((pl.col(got).fill_null(0) - pl.col(want).fill_null(0)).abs()
                > rel_tol * pl.max_horizontal(pl.col(want).fill_null(0).abs(), pl.lit(1.0)))

    return both.filter(differs("recorded_count", "expected_count") | differs("loss_usd_nominal", "expected_loss")
                       | (pl.col("countries_reporting").fill_null(0) != pl.col("expected_countries").fill_null(0)))


#: The two parts of a regional Convention count (ict_split_by_region).
ICT_PART = "ICT-specific series"
NON_ICT_PART = "series including non-ICT offences"


def ict_split_by_region(rows: pl.DataFrame, sources: tuple[str, ...]) -> pl.DataFrame:
    """Police-recorded offences by M49 region (and the world), year and article group, split by what the
    counted series covers: the region rows of :func:`offences_by_convention_article` (of ``sources``:
    those providing police-recorded offences), which keep series limited to ICT-committed conduct
    (``ICT_PART``) apart from series that also hold non-ICT offences (``NON_ICT_PART``,
    ``includes_non_ict_offences``), so that a reader never takes all recorded fraud for ICT-related fraud.

    Read from the region rows rather than summed again from the countries, so that both tables add the
    same members (:func:`convention_members`, the population rule). ``countries_reporting_any``: the
    countries behind any article group of the source in the region and year.
    """
    region = rows.filter(pl.col("area_type") == "region", pl.col("source_id").is_in(sources),
                         pl.col("measure") == "offences", pl.col("recorded_count").is_not_null())
    region = region.with_columns(part=pl.when(pl.col("includes_non_ict_offences")).then(pl.lit(NON_ICT_PART))
                                 .otherwise(pl.lit(ICT_PART)))
    any_ = (region.select("source_id", "year", region_code="area_code",
                          country=pl.col("reporting_countries").str.split(", "))
            .explode("country").drop_nulls("country")
            .group_by("source_id", "region_code", "year").agg(countries_reporting_any=pl.col("country").n_unique()))
    groups = (rows.select("convention_articles", "convention_offence", "overlapping_article_groups")
              .drop_nulls("convention_articles").sort(["convention_articles", "convention_offence",
                                                      "overlapping_article_groups"], nulls_last=True)
              .unique("convention_articles", keep="first"))
    out = (region.drop("convention_offence", "overlapping_article_groups")
           .drop("region_code").rename({"area_code": "region_code", "countries_reporting": "countries"})
           .join(any_, on=["source_id", "region_code", "year"], how="left")
           .join(groups, on="convention_articles", how="left"))
    return out.select(
        "source_id", "region_code", "region_name", "year", "convention_articles", "convention_offence", "part",
        pl.col("recorded_count").cast(pl.Float64), pl.col("countries").cast(pl.Int64),
        pl.col("countries_reporting_any").cast(pl.Int64), pl.col("countries_in_region").cast(pl.Int64),
        "categories_counted", "worst_mapping_confidence", "overlapping_article_groups",
    ).sort("source_id", "region_code", "year", "convention_articles", "part")


def ict_split_mismatches(split: pl.DataFrame, rows: pl.DataFrame, rel_tol: float = 1e-9) -> pl.DataFrame:
    """Regions, years and article groups whose two parts (:func:`ict_split_by_region`) do not add up to
    the source's region row of the Convention view (empty when all do)."""
    keys = ["source_id", "region_code", "year", "convention_articles"]
    parts = split.group_by(keys).agg(parts_sum=ordered_sum("recorded_count", "part"))
    regions = rows.filter(pl.col("area_type") == "region", pl.col("measure") == "offences").group_by(
        "source_id", pl.col("area_code").alias("region_code"), "year", "convention_articles").agg(
        region_count=ordered_sum("recorded_count", "includes_non_ict_offences"))
    joined = parts.join(regions, on=keys, how="full", coalesce=True)
    tolerance = pl.max_horizontal(pl.col("region_count").abs(), pl.lit(1.0)) * rel_tol
    split_sources = split["source_id"].unique().implode()
    return joined.filter(pl.col("parts_sum").is_null() & pl.col("source_id").is_in(split_sources)
                         | pl.col("region_count").is_null()
                         | ((pl.col("parts_sum") - pl.col("region_count")).abs() > tolerance)).sort(keys)


def one_number_mismatches(rows: pl.DataFrame, regional_offences: pl.DataFrame, sources: tuple[str, ...],
                          rel_tol: float = 1e-9) -> pl.DataFrame:
    """World and region figures published twice that differ: one quantity, one number.

    A region row of the Convention view (police-recorded offences of ``sources``) that counts a single
    offence category is the same quantity as that category's row of ``marts.regional_offences`` for the
    same region and year (same members, same newest releases, same withheld values). Returns the
    region, year, category and both figures and country counts where they differ (empty when every
    quantity has one value).
    """
    conv = (rows.filter(pl.col("area_type") == "region", pl.col("source_id").is_in(sources),
                        pl.col("measure") == "offences", ~pl.col("categories_counted").str.contains(LIST_SEPARATOR,
                                                                                                   literal=True))
            .select("source_id", region_code="area_code", year="year", category="categories_counted",
                    convention_count="recorded_count", convention_countries="countries_reporting"))
    reg = regional_offences.filter(pl.col("region_level").is_in(["world", "region"])).select(
        "region_code", "year", "category", regional_count="offences_count",
        regional_countries="countries_reporting")
    # A parent with a Cy-tagged part (Fraud) is replaced by the part where a country has it: the Convention row
    # counting the parent holds only the other countries, another quantity.
    parents = reg.select(pl.col("category").str.split(PART_SEPARATOR).list.first().alias("category")).filter(
        pl.col("category").is_in(reg.filter(pl.col("category").str.contains(PART_SEPARATOR, literal=True))
                                 ["category"].str.split(PART_SEPARATOR).list.first().implode())).unique()
    both = conv.join(parents, on="category", how="anti").join(reg, on=["region_code", "year", "category"],
                                                                how="inner")
    tolerance = pl.max_horizontal(pl.col("regional_count").abs(), pl.lit(1.0)) * rel_tol
    return both.filter(((pl.col("convention_count") - pl.col("regional_count")).abs() > tolerance)
                       | (pl.col("convention_countries") != pl.col("regional_countries"))).sort(
        "region_code", "year", "category")
