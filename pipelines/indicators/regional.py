"""Regional aggregates that say how much of the region stands behind them.

Levels: the world (M49 code 001), the five UN M49 regions and their M49 sub-regions. Members are the
M49 countries and areas plus Kosovo (``XKX``, placed where the UNODC exports place it; the World
Bank publishes its population apart from Serbia's). A country belongs to exactly one region and one
sub-region, so at every level the parts add up to the whole (checked: ``regional_sums_equal_sum_of_parts``).

For each level, area and year (and, for offences, offence category):

* **sum** over the reporting countries only (never an average of rates; a rate is the sum of counts
  over the population of the reporting countries);
* **countries reporting / countries in region**, and the **population coverage share**: World Bank
  population (SP.POP.TOTL) of the reporting countries over that of the region's members;
* **publishable** when ``population_coverage_share >= min_population_coverage`` (default 0.5,
  ``--min-coverage`` / ``CYBERSTATS_MIN_POPULATION_COVERAGE``); unknown coverage is not publishable.
  Losses also need every reporting figure converted to USD.

Unknowns stay unknown: a sum with no converted figure is null (not zero); loss coverage is null when
a reporting country has no population for the year (World Bank data end a year before loss data).

Offences (UNODC CTS, newest release per series, ``sex = age = Total``): sub-national and special areas
count as follows.

* **United Kingdom**: UNODC reports England and Wales, Scotland and Northern Ireland separately
  (``GBR_E_W``, ``GBR_S``, ``GBR_NI``). The UK reports a category-year only when all three parts
  report it; it then counts as one country (GBR) with the sum of the three counts and the World Bank
  population of the UK. With fewer parts the UK does not report and the parts are named in
  ``areas_excluded``.
* **Central Iraq** (``IRQ_C``) covers part of Iraq only: it is never counted as Iraq (excluded, named).
* A reporting area without a World Bank population for the year (the Holy See, ``VAT``) is left out
  of both the sum and the population, and named, so that a rate's numerator and denominator cover
  the same countries.
"""

import polars as pl

from pipelines.indicators.breaks import NO_BREAK, level_shifts, register_breaks
from pipelines.indicators.trends import UNODC_COUNT, UNODC_RATE, resolve_register

WORLD = ("001", "World")
LEVELS = ("world", "region", "subregion")
#: Area types that are members of a region (countries and Kosovo); sub-national parts are not.
MEMBER_AREA_TYPES = ("country", "territory")
#: Countries whose offences UNODC publishes only in parts: the country reports when all parts do.
COMPOSITE_COUNTRIES: dict[str, tuple[str, ...]] = {"GBR": ("GBR_E_W", "GBR_S", "GBR_NI")}
LEVEL_KEY = ["region_level", "region_code", "region_name", "parent_region_code"]


def ordered_sum(column: str, order_by: str | list[str]) -> pl.Expr:
    """Sum of ``column`` within a group, added in ``order_by`` order.

    Floating-point addition is not associative and a parallel ``group_by`` adds a group's rows in
    whatever order its threads deliver them, so a plain ``sum()`` of non-integer figures (USD
    conversions) can differ in the last digit between two runs on the same inputs. Summing in a
    fixed order makes the published figure a pure function of the inputs.
    """
    return pl.col(column).sort_by(order_by).sum()


def region_members(areas: pl.DataFrame) -> pl.DataFrame:
    """One row per (level, region, member country): region_level, region_code, region_name,
    parent_region_code, country_iso3."""
    base = areas.filter(pl.col("area_type").is_in(MEMBER_AREA_TYPES), pl.col("region_code").is_not_null()).select(
        "country_iso3", "region_code", "region_name", "subregion_code", "subregion_name").unique("country_iso3")
    world = base.select(region_level=pl.lit("world"), region_code=pl.lit(WORLD[0]), region_name=pl.lit(WORLD[1]),
                        parent_region_code=pl.lit(None, pl.String), country_iso3="country_iso3")
    region = base.select(region_level=pl.lit("region"), region_code="region_code", region_name="region_name",
                         parent_region_code=pl.lit(WORLD[0]), country_iso3="country_iso3")
    sub = base.filter(pl.col("subregion_code").is_not_null()).select(
        region_level=pl.lit("subregion"), region_code="subregion_code", region_name="subregion_name",
        parent_region_code="region_code", country_iso3="country_iso3")
    return pl.concat([world, region, sub])


def region_population(members: pl.DataFrame, population: pl.DataFrame, years: pl.DataFrame) -> pl.DataFrame:
    """Countries in each region and their World Bank population, per year in ``years``."""
    pop = population.select("country_iso3", "year", "population")
    return (members.join(years, how="cross").join(pop, on=["country_iso3", "year"], how="left")
            .group_by([*LEVEL_KEY, "year"])
            .agg(countries_in_region=pl.len().cast(pl.Int32),
                 population_region=pl.when(pl.col("population").is_not_null().any())
                 .then(pl.col("population").sum()),
                 countries_without_population=pl.col("population").is_null().sum().cast(pl.Int32)))


def publishable(min_population_coverage: float) -> pl.Expr:
    """The documented publishable rule; unknown coverage is not publishable."""
    return (pl.col("population_coverage_share") >= min_population_coverage).fill_null(False)


def regional_losses(country_losses: pl.DataFrame, areas: pl.DataFrame, population: pl.DataFrame,
                    min_population_coverage: float) -> pl.DataFrame:
    """Sum of preferred country losses by world, M49 region and sub-region, and year, with coverage.

    The countries counted as reporting are those whose figure is *in the sum*: a preferred figure
    without a USD conversion cannot be added, so its country is named in ``not_converted_countries``
    and left out of the count, the population and the per-capita figure as well. Numerator and
    denominator always cover the same countries.
    """
    members = region_members(areas)
    pop = population.select("country_iso3", "year", "population")
    preferred = country_losses.filter(pl.col("is_preferred")).select(
        "country_iso3", "year", "loss_usd_nominal", "loss_usd_constant", "usd_constant_base_year")
    reporting = preferred.join(members, on="country_iso3", how="inner").join(pop, on=["country_iso3", "year"],
                                                                            how="left")
    summed = pl.col("loss_usd_nominal").is_not_null()
    in_sum_population = pl.col("population").filter(summed)
    agg = reporting.group_by([*LEVEL_KEY, "year"]).agg(
        # A sum over no converted figure is unknown, not zero.
        loss_usd_nominal=pl.when(summed.any()).then(ordered_sum("loss_usd_nominal", "country_iso3")),
        loss_usd_constant=pl.when(pl.col("loss_usd_constant").is_not_null().any())
        .then(ordered_sum("loss_usd_constant", "country_iso3")),
        usd_constant_base_year=pl.col("usd_constant_base_year").drop_nulls().first(),
        countries_reporting=summed.sum().cast(pl.Int32),
        countries_not_converted=(~summed).sum().cast(pl.Int32),
        reporting_countries=pl.col("country_iso3").filter(summed).sort().str.join(", "),
        not_converted_countries=pl.col("country_iso3").filter(~summed).sort().str.join(", "),
        # Unknown when any country in the sum has no population for the year.
        population_reporting=pl.when(in_sum_population.is_not_null().all()).then(in_sum_population.sum()),
    ).with_columns(pl.col("reporting_countries", "not_converted_countries").replace("", None))
    out = agg.join(region_population(members, population, preferred.select("year").unique()),
                   on=[*LEVEL_KEY, "year"], how="left", nulls_equal=True).with_columns(
        population_coverage_share=pl.col("population_reporting") / pl.col("population_region"),
        min_population_coverage=pl.lit(min_population_coverage),
    ).with_columns(
        is_publishable=publishable(min_population_coverage) & (pl.col("countries_not_converted") == 0),
        loss_usd_nominal_per_capita_wb_reporting=pl.col("loss_usd_nominal") / pl.col("population_reporting"),
    )
    return _level_order(out).sort("_level", "region_code", "year").drop("_level")


def _level_order(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(_level=pl.col("region_level").replace_strict(
        {lvl: i for i, lvl in enumerate(LEVELS)}, return_dtype=pl.Int8))


OFFENCE_KEY = ["indicator", "dimension", "category", "year"]


def offence_reporting_units(offences: pl.DataFrame, population: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Country-level offence counts for aggregation, and the areas left out (with the reason).

    ``offences``: the offences-by-country-year table (area_code, country_iso3, area_type, indicator,
    dimension, category, sex, age, year, offences_count, release). Returns (units, excluded): units
    have country_iso3, the OFFENCE_KEY, offences_count, population, areas, releases; excluded have
    country_iso3, the OFFENCE_KEY and ``excluded`` (area code and reason).
    """
    rows = offences.filter(pl.col("sex") == "Total", pl.col("age") == "Total",
                           pl.col("offences_count").is_not_null())
    pop = population.select("country_iso3", "year", "population")
    countries = rows.filter(pl.col("area_type").is_in(MEMBER_AREA_TYPES)).select(
        pl.col("area_code").alias("country_iso3"), *OFFENCE_KEY, "offences_count",
        areas=pl.col("area_code"), releases=pl.col("release"))
    excluded = []
    composite_units = []
    part_codes = {p: c for c, parts in COMPOSITE_COUNTRIES.items() for p in parts}
    parts = rows.filter(pl.col("area_code").is_in(list(part_codes)))
    for country, codes in COMPOSITE_COUNTRIES.items():
        mine = parts.filter(pl.col("area_code").is_in(list(codes))).group_by(OFFENCE_KEY).agg(
            offences_count=pl.col("offences_count").sum(), n=pl.col("area_code").n_unique(),
            areas=pl.col("area_code").sort().str.join(" + "), releases=pl.col("release").unique().sort().str.join(", "))
        has_country_row = countries.filter(pl.col("country_iso3") == country).select(OFFENCE_KEY)
        complete = mine.filter(pl.col("n") == len(codes)).join(has_country_row, on=OFFENCE_KEY, how="anti")
        composite_units.append(complete.select(pl.lit(country).alias("country_iso3"), *OFFENCE_KEY, "offences_count",
                                               "areas", "releases"))
        excluded.append(mine.filter(pl.col("n") < len(codes)).select(
            pl.lit(country).alias("country_iso3"), *OFFENCE_KEY,
            excluded=pl.format("{} ({} of the {} parts of {} reported; {} counts only when all do)", pl.col("areas"),
                               pl.col("n"), pl.lit(len(codes)), pl.lit(country), pl.lit(country))))
    other_sub = rows.filter(~pl.col("area_type").is_in(MEMBER_AREA_TYPES), ~pl.col("area_code").is_in(list(part_codes)))
    excluded.append(other_sub.select("country_iso3", *OFFENCE_KEY, excluded=pl.format(
        "{} ({}: part of {}, not the country)", pl.col("area_code"), pl.col("area_name"), pl.col("country_iso3"))))
    units = pl.concat([countries, *composite_units], how="vertical_relaxed").join(
        pop, on=["country_iso3", "year"], how="left")
    excluded.append(units.filter(pl.col("population").is_null()).select(
        "country_iso3", *OFFENCE_KEY, excluded=pl.format("{} (no World Bank population for the year)",
                                                         pl.col("areas"))))
    return (units.filter(pl.col("population").is_not_null()),
            pl.concat(excluded, how="vertical_relaxed") if excluded else pl.DataFrame())


def regional_offences(offences: pl.DataFrame, areas: pl.DataFrame, population: pl.DataFrame,
                      min_population_coverage: float) -> pl.DataFrame:
    """Offence counts and rates by world, M49 region and sub-region, year and offence category.

    Categories are never summed with each other (parent and cyber-related child rows are separate
    categories, each aggregated on its own).
    """
    members = region_members(areas)
    units, excluded = offence_reporting_units(offences, population)
    reporting = units.join(members, on="country_iso3", how="inner")
    agg = reporting.group_by([*LEVEL_KEY, *OFFENCE_KEY]).agg(
        offences_count=pl.col("offences_count").sum(),
        population_wb_reporting=pl.col("population").sum(),
        countries_reporting=pl.len().cast(pl.Int32),
        reporting_countries=pl.col("country_iso3").sort().str.join(", "),
        areas_summed=pl.col("areas").sort().str.join(", "),
        releases=pl.col("releases").str.split(", ").list.explode(keep_nulls=False, empty_as_null=False).unique().sort()
        .str.join(", "),
    )
    if excluded.height:
        ex = (excluded.join(members, on="country_iso3", how="inner").group_by([*LEVEL_KEY, *OFFENCE_KEY])
              .agg(areas_excluded=pl.col("excluded").unique().sort().str.join("; ")))
        agg = agg.join(ex, on=[*LEVEL_KEY, *OFFENCE_KEY], how="left", nulls_equal=True)
    else:
        agg = agg.with_columns(areas_excluded=pl.lit(None, pl.String))
    regions = region_population(members, population, units.select("year").unique()).rename(
        {"population_region": "population_wb_region"})
    out = agg.join(regions, on=[*LEVEL_KEY, "year"], how="left", nulls_equal=True).with_columns(
        offences_per_100k_population_wb=pl.col("offences_count") / pl.col("population_wb_reporting") * 1e5,
        population_coverage_share=pl.col("population_wb_reporting") / pl.col("population_wb_region"),
        min_population_coverage=pl.lit(min_population_coverage),
    ).with_columns(is_publishable=publishable(min_population_coverage))
    return _level_order(out).sort("_level", "region_code", "indicator", "dimension", "category", "year").drop("_level")


def sum_of_parts_mismatches(df: pl.DataFrame, value_columns: dict[str, str], group_columns: list[str],
                            rel_tol: float = 1e-9) -> pl.DataFrame:
    """Rows where a level's figure differs from the sum of its parts (world = sum of regions, a region =
    sum of its sub-regions), per ``group_columns`` (year, and category for offences).

    ``value_columns`` maps a column to how its unknowns add up, as the aggregation defines them:
    ``"any"`` (a sum of the known parts, unknown only when every part is: loss sums) or ``"all"``
    (unknown as soon as one part is: the population of reporting countries). A known whole must equal
    the sum of its parts within ``rel_tol``. Returns whole, part level, column, whole value, parts sum.
    """
    out = []
    world = df.filter(pl.col("region_level") == "world")
    regions = df.filter(pl.col("region_level") == "region")
    subs = df.filter(pl.col("region_level") == "subregion")
    pairs = [(world, regions, [], "region"), (regions, subs, ["region_code"], "subregion")]
    for whole, parts, join_parent, part_level in pairs:
        if whole.height == 0:
            continue
        parent = [pl.col("parent_region_code").alias("region_code")] if join_parent else []
        keys = [*join_parent, *group_columns]
        summed = parts.group_by([*parent, *group_columns]).agg(
            [pl.when(pl.col(c).is_not_null().any() if rule == "any" else pl.col(c).is_not_null().all())
             .then(pl.col(c).sum()).alias(f"{c}__parts") for c, rule in value_columns.items()])
        joined = whole.join(summed, on=keys, how="left") if keys else whole.join(summed, how="cross")
        for c in value_columns:
            a, b = pl.col(c), pl.col(f"{c}__parts")
            bad = joined.filter(
                (a.is_null() != b.is_null())
                | (a.is_not_null() & ((a - b).abs() > rel_tol * pl.max_horizontal(a.abs(), b.abs(), pl.lit(1.0)))))
            if bad.height:
                out.append(bad.select(*([pl.col(k) for k in ["region_level", "region_code", *group_columns]]),
                                      part_level=pl.lit(part_level), column=pl.lit(c),
                                      whole_value=a.cast(pl.Float64), parts_sum=b.cast(pl.Float64)))
    return pl.concat(out, how="vertical_relaxed") if out else pl.DataFrame()


def publishable_violations(df: pl.DataFrame) -> pl.DataFrame:
    """Rows flagged publishable whose coverage is unknown or below the rule's threshold."""
    return df.filter(pl.col("is_publishable") & (
        pl.col("population_coverage_share").is_null()
        | (pl.col("population_coverage_share") < pl.col("min_population_coverage"))))


# --- constant panels (issue 11) ------------------------------------------------------------------

PANEL_COLUMNS = {
    "region_level": pl.String, "region_code": pl.String, "region_name": pl.String, "parent_region_code": pl.String,
    "indicator": pl.String, "dimension": pl.String, "category": pl.String, "year": pl.Int32,
    "offences_count": pl.Float64, "population_wb_reporting": pl.Float64, "offences_per_100k_population_wb": pl.Float64,
    "population_wb_region": pl.Float64, "population_coverage_share": pl.Float64, "min_population_coverage": pl.Float64,
    "panel_countries": pl.Int32, "panel_country_codes": pl.String, "panel_first_year": pl.Int32,
    "panel_last_year": pl.Int32, "panel_years": pl.Int32, "countries_left_out": pl.String,
}


def _member_breaks(units: pl.DataFrame, register: pl.DataFrame) -> dict[tuple, list[int]]:
    """Break years of each reporting unit's own offence series: register rows for its UNODC offence
    series and level shifts of its counts (pipelines/indicators/breaks.py), less ``no break`` rows."""
    out: dict[tuple, list[int]] = {}
    series: dict[tuple, list[tuple[int, float]]] = {}
    for c, ind, dim, cat, year, count in units.select("country_iso3", *OFFENCE_KEY, "offences_count").iter_rows():
        series.setdefault((c, ind, dim, cat), []).append((year, count))
    for key, pts in series.items():
        c, ind, _dim, cat = key
        pts.sort()
        rows = register_breaks(register, UNODC_COUNT, f"{ind}: {cat}", c, families=(UNODC_COUNT, UNODC_RATE))
        kept = {r["year"] for r in rows if r["kind"] == NO_BREAK}
        years = {r["year"] for r in rows if r["kind"] != NO_BREAK}
        years |= {s.year for s in level_shifts([y for y, _ in pts], [v for _, v in pts]) if s.year not in kept}
        if years:
            out[key] = sorted(years)
    return out


def regional_offences_panel(offences: pl.DataFrame, areas: pl.DataFrame, population: pl.DataFrame,
                            min_population_coverage: float, breaks: pl.DataFrame | None = None) -> pl.DataFrame:
    """Regional offence counts and rates over a **constant panel** of countries, for trends.

    Same inputs as :func:`regional_offences` (plus the series break register, ``breaks``; None = the
    register bundled with the code, see pipelines.indicators.trends.resolve_register). A sum whose
    reporting countries change from year to year mixes change with coverage; this gives, for each
    level, region and offence category, one window of years and one set of countries:

    * the window ends in the region's latest publishable year (reporting countries hold at least
      ``min_population_coverage`` of its World Bank population) and reaches back as far as an
      adequate constant panel exists; years before it have no panel figure;
    * the **panel** of a window is the countries that report in *every* year of it and whose own
      offence series has no break inside it (a register break, or a level shift detected on their
      counts: a country whose figures are not comparable with themselves cannot make the sum so);
    * a panel is **adequate** when it is not empty and its population is at least
      ``min_population_coverage`` of the region's in every year of the window (the publishable rule
      applied to the panel); the window is extended one year back at a time while it stays
      adequate (the panel can only shrink as the window grows, so the first failure ends it).

    Returns one row per region, offence category and year of the window (PANEL_COLUMNS): the
    panel's sum and World Bank rate, its coverage, ``panel_countries`` (how many),
    ``panel_country_codes``, ``panel_first_year``/``panel_last_year``/``panel_years`` (the window, in
    calendar years) and ``countries_left_out`` (countries that report in some year of the window but
    are not in the panel, and why). A region with no publishable year has no rows; a window shorter
    than the trend minimum gets "insufficient data" from the trend functions. Wire as
    ``regional_points(..., offences_panel=regional_offences_panel(...))``.
    """
    members = region_members(areas)
    units, _ = offence_reporting_units(offences, population)
    if units.height == 0:
        return pl.DataFrame(schema=PANEL_COLUMNS)
    register = resolve_register(breaks)
    member_breaks = _member_breaks(units, register)
    reporting = units.join(members, on="country_iso3", how="inner")
    regions = region_population(members, population, units.select("year").unique())
    region_pop = {(lvl, code, y): p for lvl, code, y, p in
                  regions.select("region_level", "region_code", "year", "population_region").iter_rows()}
    cells: dict[tuple, dict[int, dict[str, tuple[float, float]]]] = {}
    for row in reporting.select(*LEVEL_KEY, *OFFENCE_KEY, "country_iso3", "offences_count", "population").iter_rows():
        lvl, code, name, parent, ind, dim, cat, year, c, count, pop = row
        cells.setdefault((lvl, code, name, parent, ind, dim, cat), {}).setdefault(year, {})[c] = (count, pop)
    out = []
    for key, by_year in cells.items():
        lvl, code, name, parent, ind, dim, cat = key

        def coverage(countries: set[str], y: int, lvl: str = lvl, code: str = code,
                     by_year: dict = by_year) -> float | None:
            total = region_pop.get((lvl, code, y))
            if not total:
                return None
            return sum(by_year[y][c][1] for c in countries) / total

        publishable = [y for y in sorted(by_year)
                       if (cov := coverage(set(by_year[y]), y)) is not None and cov >= min_population_coverage]
        if not publishable:
            continue
        end = publishable[-1]
        best: tuple[int, set[str]] | None = None
        start = end
        while start >= min(by_year):
            window = range(start, end + 1)
            if any(y not in by_year for y in window):
                break
            panel = set.intersection(*(set(by_year[y]) for y in window))
            panel = {c for c in panel if not any(start < b <= end for b in member_breaks.get((c, ind, dim, cat), []))}
            covs = [coverage(panel, y) for y in window]
            if not panel or any(cv is None or cv < min_population_coverage for cv in covs):
                break
            best = (start, panel)
            start -= 1
        if best is None:
            continue
        first, panel = best
        codes = ", ".join(sorted(panel))
        left = set().union(*(set(by_year[y]) for y in range(first, end + 1))) - panel
        reasons = []
        for c in sorted(left):
            missing = [y for y in range(first, end + 1) if c not in by_year[y]]
            brk = [b for b in member_breaks.get((c, ind, dim, cat), []) if first < b <= end]
            why = ([f"no figure for {', '.join(map(str, missing))}"] if missing else []) + \
                  ([f"break in its own series in {', '.join(map(str, brk))}"] if brk else [])
            reasons.append(f"{c} ({'; '.join(why)})")
        for y in range(first, end + 1):
            count = sum(by_year[y][c][0] for c in panel)
            pop = sum(by_year[y][c][1] for c in panel)
            out.append({"region_level": lvl, "region_code": code, "region_name": name, "parent_region_code": parent,
                        "indicator": ind, "dimension": dim, "category": cat, "year": y, "offences_count": count,
                        "population_wb_reporting": pop, "offences_per_100k_population_wb": count / pop * 1e5,
                        "population_wb_region": region_pop[(lvl, code, y)],
                        "population_coverage_share": coverage(panel, y),
                        "min_population_coverage": min_population_coverage,
                        "panel_countries": len(panel), "panel_country_codes": codes, "panel_first_year": first,
                        "panel_last_year": end, "panel_years": end - first + 1,
                        "countries_left_out": "; ".join(reasons) or None})
    df = pl.DataFrame(out, schema=PANEL_COLUMNS)
    return _level_order(df).sort("_level", "region_code", "indicator", "dimension", "category", "year").drop("_level")
