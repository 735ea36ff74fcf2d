"""Derived per-row properties an expectation can check (``derived: <name>`` in a table contract).

Each takes the validation :class:`~pipelines.quality.suites.Context` (the table, the references,
exact key codes) and returns ``(frame of __pos, __value; note)``: one value per checked row, which
Great Expectations then checks against the contract's ``in_set`` or ``between``. Simple row rules are
SQL expressions in the contracts (``rule:``); the properties here need more than one row (a count
paired with the rate of the same series) or a reference table.
"""

import polars as pl

from pipelines.quality.suites import Context, Derive, unit_last
from pipelines.schema import OBSERVATION_KEY

_PAIR_KEY = unit_last(OBSERVATION_KEY)[:-1]


def _count_rate_pairs(ctx: Context) -> tuple[pl.DataFrame, int]:
    """Each count row with the rate row of the same series and period: rows whose key differs only
    in ``unit``. Found by sorting the exact key codes of the key without ``unit`` (no join): a run of
    exactly one count and one rate row is a pair; a longer run (a publisher duplicate) is ambiguous
    and skipped. Returns (pairs: __pos_count, __pos_rate, count, rate; ambiguous series)."""
    def compute() -> tuple[pl.DataFrame, int]:
        frame = ctx.frame
        unit = frame["unit"]
        rows = pl.DataFrame({
            "__pair": ctx.codes([c for c in _PAIR_KEY if c in frame.columns]), "__is_count": unit == "count",
            "__is_rate": unit == "rate_per_100k_population",
        }).with_row_index("__pos").filter(pl.col("__is_count") | pl.col("__is_rate"))
        rows = rows[rows["__pair"].arg_sort()]
        key = pl.col("__pair")
        rows = rows.with_columns(
            (key == key.shift(-1)).fill_null(False).alias("__next"), (key == key.shift(1)).fill_null(False)
            .alias("__prev"), (key == key.shift(-2)).fill_null(False).alias("__next2"))
        starts = rows.select(pl.arg_where(pl.col("__next") & ~pl.col("__prev") & ~pl.col("__next2"))).to_series()
        first, second = rows.select("__pos", "__is_count")[starts], rows.select("__pos", "__is_count")[starts + 1]
        ok = first["__is_count"] != second["__is_count"]
        ambiguous = int((~ok).sum()) + rows.filter(pl.col("__next2") & ~pl.col("__prev")).height
        which = first["__is_count"]
        count_pos = pl.select(pl.when(which).then(first["__pos"]).otherwise(second["__pos"])).to_series()
        rate_pos = pl.select(pl.when(which).then(second["__pos"]).otherwise(first["__pos"])).to_series()
        count_pos, rate_pos = count_pos.filter(ok).cast(pl.Int64), rate_pos.filter(ok).cast(pl.Int64)
        value = frame["value"]
        pairs = pl.DataFrame({"__pos_count": count_pos, "__pos_rate": rate_pos, "count": value.gather(count_pos),
                              "rate": value.gather(rate_pos)})
        return pairs, ambiguous
    return ctx.memo("count_rate_pairs", compute)


def _zero_count_zero_rate(ctx: Context) -> tuple[pl.DataFrame, str | None]:
    pairs, _ = _count_rate_pairs(ctx)
    return pairs.select(pl.col("__pos_count").alias("__pos"),
                        ((pl.col("count") == 0) == (pl.col("rate") == 0)).alias("__value")), None


def _rates_consistent_with_population(ctx: Context) -> tuple[pl.DataFrame, str | None]:
    """Implied population (count x 100,000 / rate) / World Bank population - 1, for country totals (for a
    rounded rate, the value within its rounding that comes closest)."""
    population = ctx.refs.tables.get("population")
    if population is None:
        return pl.DataFrame(schema={"__pos": pl.Int64, "__value": pl.Float64}), "population reference not loaded"
    pairs, ambiguous = _count_rate_pairs(ctx)
    frame = ctx.frame
    total = ((frame["area_type"] == "country") & (frame["sex"] == "Total") & (frame["age"] == "Total")).fill_null(
        False)
    pairs = pairs.filter(total.gather(pairs["__pos_count"]) & (pl.col("count") > 0) & (pl.col("rate") > 0))
    totals = pairs.with_columns(frame.select("country_iso3", "year")[pairs["__pos_count"]])
    joined = totals.join(population.select("country_iso3", pl.col("year").cast(pl.Int32), "population"),
                         on=["country_iso3", "year"], how="left")
    without = joined.filter(pl.col("population").is_null()).height
    compared = joined.filter(pl.col("population").is_not_null())
    note = (f"{compared.height:,} count/rate pairs of country totals compared with World Bank population; "
            f"{without:,} without a World Bank population for the year; {ambiguous:,} ambiguous series skipped "
            "(more than one count or rate row)")
    # A rate given rounded (value_decimals: a derived copy's 0.01 for a true 0.0146) is consistent when some rate
    # within its rounding is: the deviation reported is the one closest to zero over [rate - h, rate + h].
    if "value_decimals" in frame.columns:
        decimals = frame["value_decimals"].gather(compared["__pos_rate"])
        compared = compared.with_columns(__half=pl.when(decimals.is_not_null()).then(
            0.5 * pl.lit(10.0).pow(-decimals.cast(pl.Float64))).otherwise(0.0))
    else:
        compared = compared.with_columns(__half=pl.lit(0.0))
    implied = [pl.col("count") * 100_000 / (pl.col("rate") + side * pl.col("__half")) / pl.col("population") - 1
               for side in (1, -1)]  # the upper rate gives the smaller population
    closest = (pl.when((implied[0] <= 0) & (implied[1] >= 0)).then(0.0)
               .when(implied[0] > 0).then(implied[0]).otherwise(implied[1]))
    return compared.select(pl.col("__pos_count").alias("__pos"), closest.alias("__value")), note


def _rates_match_published(ctx: Context) -> tuple[pl.DataFrame, str | None]:
    both = (ctx.frame.with_row_index("__pos").with_columns(pl.col("__pos").cast(pl.Int64))
            .filter((pl.col("sex") == "Total") & (pl.col("age") == "Total")
                    & (pl.col("offences_per_100k_population_unodc") > 0)
                    & pl.col("offences_per_100k_population_wb").is_not_null()))
    return both.select("__pos", (pl.col("offences_per_100k_population_wb")
                                 / pl.col("offences_per_100k_population_unodc") - 1).alias("__value")), \
        f"{both.height:,} rows with both rates (sex and age Total)"


def _categories_in_crosswalk(ctx: Context) -> tuple[pl.DataFrame, str | None]:
    """"<source_id> | <category>" per row, to be found among the crosswalk's categories."""
    values = ctx.frame.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("__pos"),
                              pl.format("{} | {}", pl.col("source_id"), pl.col("category")).alias("__value"))
    return values, None


# --- the curated offence crosswalk against the verified lists curated beside it ---------------------

def _rows(values: list[bool]) -> pl.DataFrame:
    """A per-row boolean property computed in Python (small curated tables), as (__pos, __value)."""
    return pl.DataFrame({"__pos": pl.Series(range(len(values)), dtype=pl.Int64),
                         "__value": pl.Series(values, dtype=pl.Boolean)})


def _article_list(text: str | None) -> list[int] | None:
    """The numbers of an article list ('9;10'), or None if it is not one."""
    parts = (text or "").split(";")
    return [int(p) for p in parts] if all(p.isdigit() for p in parts) else None


def _verified_articles(column: str, treaty: str) -> Derive:
    """Each row's ``column``: articles of the verified list of ``treaty``, ascending, each once (a
    group such as 9;10 is one key downstream: 10;9 would be another group); empty passes."""
    def derive(ctx: Context) -> tuple[pl.DataFrame, str | None]:
        articles = ctx.refs.tables["convention_articles"]
        allowed = set(articles.filter(pl.col("treaty") == treaty)["article"].to_list())

        def ok(text: str | None) -> bool:
            if text is None:
                return True
            numbers = _article_list(text)
            return numbers is not None and numbers == sorted(set(numbers)) and set(numbers) <= allowed
        return _rows([ok(t) for t in ctx.frame[column].to_list()]), None
    return derive


def _convention_titles(ctx: Context) -> tuple[pl.DataFrame, str | None]:
    """convention_offence = the verified titles of the row's Convention articles, in order, '; '-joined."""
    articles = ctx.refs.tables["convention_articles"].filter(pl.col("treaty") == "un_cybercrime")
    titles = dict(zip(articles["article"].to_list(), articles["title"].to_list(), strict=True))

    def ok(arts: str | None, offence: str | None) -> bool:
        numbers = _article_list(arts) if arts is not None else []
        if numbers is None or any(n not in titles for n in numbers):
            return offence is None  # the articles' own expectation names the bad list
        return (offence or None) == ("; ".join(titles[n] for n in numbers) or None)
    frame = ctx.frame
    return _rows([ok(a, o) for a, o in zip(frame["convention_articles"].to_list(),
                                           frame["convention_offence"].to_list(), strict=True)]), None


def _iccs_labels(ctx: Context) -> tuple[pl.DataFrame, str | None]:
    """iccs_label = the label of iccs_code in the verified ICCS list (both empty when unmapped)."""
    codes = ctx.refs.tables["iccs_codes"]
    labels = dict(zip(codes["iccs_code"].to_list(), codes["iccs_label"].to_list(), strict=True))
    frame = ctx.frame
    return _rows([(label == labels.get(code)) if code is not None else label is None
                  for code, label in zip(frame["iccs_code"].to_list(), frame["iccs_label"].to_list(),
                                         strict=True)]), None


#: name -> (property, the reference it reads or None). A contract names the property in ``derived:``.
DERIVED: dict[str, tuple[Derive, str | None]] = {
    "zero_counts_have_zero_rates": (_zero_count_zero_rate, None),
    "rates_consistent_with_population": (_rates_consistent_with_population, "population"),
    "rates_match_published": (_rates_match_published, None),
    "categories_in_crosswalk": (_categories_in_crosswalk, "crosswalk_categories"),
    "iccs_labels_match_codes": (_iccs_labels, "iccs_codes"),
    "convention_articles_verified": (_verified_articles("convention_articles", "un_cybercrime"),
                                     "convention_articles"),
    "budapest_articles_verified": (_verified_articles("budapest_articles", "budapest"), "convention_articles"),
    "convention_offence_matches_articles": (_convention_titles, "convention_articles"),
}
