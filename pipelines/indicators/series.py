"""Series selection: one preferred loss figure per country and year, alternatives kept and flagged.

Rules, in order (README "Methodology: series selection"):

0. **Newest release of a figure.** When a newer release of the same source carries the same figure
   (series, year, period, publication and revision stage), the older release's row is an alternative
   ("superseded"): a curated file dropped again with a corrected value replaces the old value.

1. **Headline series.** Each country's losses are represented by one publisher series (the
   ``loss_series`` reference, e.g. USA = IC3 annual totals, never FTC, which IC3 feeds). A country
   not listed there takes its only series with reported full-year figures; with several such
   series and none designated, no figure is preferred (the choice is not ours to guess). A country
   listed with an empty series has, by decision, no headline series (Viet Nam: no consistent
   official series).
2. **Reported over estimated**: survey extrapolations and modelled estimates are never preferred.
3. **Complete year over partial**: only calendar or fiscal 12-month periods are preferred;
   partial-year and cumulative figures stay as alternatives.
4. **Restated over first-published**: restated and final figures rank before as-published ones,
   which rank before first-published and provisional ones.
5. **Better source grade**: by ``source_grade`` in ``SOURCE_GRADES`` order (the publisher's own
   file, then its own page or report, then a third-party transcription of its tables, then a news or
   third-party summary, then unverified). A row without a grade is ranked by its ``publication``: read
   in a summary (``SUMMARY_PATTERN``: "summary", "via", "news", ...) as ``secondary``, otherwise as
   ``verified``.
6. **Exact over rounded**: a figure with at most ``ROUNDED_DIGITS`` (3) significant digits
   (98,000,000; 16.6bn) is rounded, and ranks after one given more exactly (96,163,328.64).
7. Remaining ties are broken by source order (file, then row) and said in ``selection_note``.

Every alternative's ``selection_note`` says which rule it lost on.
"""

from decimal import Decimal

import polars as pl

from pipelines.schema import SOURCE_GRADES

ANNUAL_PERIODS = ("calendar_year", "fiscal_year")
REVISION_RANK = {"restated": 0, "final": 0, "as_published": 1, "first_published": 2, "provisional": 2}
#: ``publication`` text that marks a figure read in someone else's summary of the publisher's release
#: (used to rank a row that has no ``source_grade``).
SUMMARY_PATTERN = r"(?i)\bsummary\b|\bvia\b|\breproduc|\bnews\b|\bcited\b"
#: Rank of each source grade, best first (SOURCE_GRADES order).
GRADE_RANK = {grade: rank for rank, grade in enumerate(SOURCE_GRADES)}
#: A figure with at most this many significant digits is "rounded" (98,000,000 has 2).
ROUNDED_DIGITS = 3


def significant_digits(value: float | None) -> int | None:
    """Significant digits of ``value`` as written in shortest form: 98000000 -> 2, 96163328.64 -> 10,
    16.6e9 -> 3, 0 -> 0 (None for a missing value). Trailing zeros of a whole number do not count."""
    if value is None:
        return None
    if value == 0:
        return 0
    return len(Decimal(repr(float(value))).normalize().as_tuple().digits)


def headline_series(losses: pl.DataFrame, designated: pl.DataFrame) -> pl.DataFrame:
    """Per country: the headline series and why (``designated`` / ``only series`` / none)."""
    eligible = losses.filter(pl.col("value_type") == "reported", pl.col("period_type").is_in(ANNUAL_PERIODS),
                             pl.col("value").is_not_null())
    per_country = eligible.group_by("country_iso3").agg(pl.col("series").unique().sort().alias("series_list"))
    all_countries = losses.select("country_iso3").unique()
    out = (all_countries.join(per_country, on="country_iso3", how="left")
           .join(designated.select("country_iso3", pl.col("series").alias("designated")), on="country_iso3",
                 how="left"))
    designated_none = pl.col("country_iso3").is_in(
        designated.filter(pl.col("series").is_null() | (pl.col("series") == ""))["country_iso3"].implode())
    return out.with_columns(designated=pl.col("designated").replace("", None)).select(
        "country_iso3",
        headline_series=pl.when(designated_none).then(None)
        .when(pl.col("designated").is_not_null()).then(pl.col("designated"))
        .when(pl.col("series_list").list.len() == 1).then(pl.col("series_list").list.first())
        .otherwise(None),
        headline_basis=pl.when(designated_none).then(pl.lit("none: no headline series by decision (see loss_series)"))
        .when(pl.col("designated").is_not_null()).then(pl.lit("designated"))
        .when(pl.col("series_list").list.len() == 1).then(pl.lit("only series with reported full-year figures"))
        .when(pl.col("series_list").list.len() > 1).then(
            pl.format("none: {} series with reported full-year figures, none designated",
                      pl.col("series_list").list.len()))
        .otherwise(pl.lit("none: no reported full-year figure")),
    ).sort("country_iso3")


def select_preferred(losses: pl.DataFrame, designated: pl.DataFrame) -> pl.DataFrame:
    """Add is_headline_series, is_preferred, selection_rank and selection_note to country losses.

    ``losses`` needs country_iso3, year, series, value, value_type, period_type, revision,
    publication, source_file, source_row, and may have source_grade.
    """
    heads = headline_series(losses, designated)
    if "source_grade" not in losses.columns:
        losses = losses.with_columns(source_grade=pl.lit(None, dtype=pl.String))
    summary = pl.col("publication").fill_null("").str.contains(SUMMARY_PATTERN)
    df = losses.with_row_index("_id").join(heads, on="country_iso3", how="left").with_columns(
        is_headline_series=(pl.col("series") == pl.col("headline_series")).fill_null(False),
        _revision_rank=pl.col("revision").replace_strict(REVISION_RANK, default=1, return_dtype=pl.Int8),
        _grade_rank=pl.col("source_grade").replace_strict(GRADE_RANK, default=None, return_dtype=pl.Int8)
        .fill_null(pl.when(summary).then(GRADE_RANK["secondary"]).otherwise(GRADE_RANK["verified"])
                   .cast(pl.Int8)),
        _grade=pl.coalesce("source_grade", pl.when(summary).then(pl.lit("secondary (a summary, by its publication)"))
                           .otherwise(pl.lit("verified (by its publication)"))),
        _digits=pl.col("value").map_elements(significant_digits, return_dtype=pl.Int32),
        _annual=pl.col("period_type").is_in(ANNUAL_PERIODS),
        _reported=pl.col("value_type") == "reported",
    ).with_columns(_rounded=(pl.col("_digits") <= ROUNDED_DIGITS).fill_null(False).cast(pl.Int8))
    df = superseded(df)
    eligible = (pl.col("is_headline_series") & pl.col("_annual") & pl.col("_reported")
                & pl.col("value").is_not_null() & ~pl.col("_superseded"))
    df = df.with_columns(_eligible=eligible)
    rank_keys = ["_revision_rank", "_grade_rank", "_rounded"]
    ranked = (df.filter(pl.col("_eligible")).sort([*rank_keys, "source_file", "source_row"])
              .with_columns(selection_rank=pl.int_range(1, pl.len() + 1).over("country_iso3", "year")
                            .cast(pl.Int32)))
    tie = (ranked.with_columns(
        _key=pl.struct(rank_keys),
    ).with_columns(
        _first_key=pl.col("_key").first().over("country_iso3", "year"),
        _first_value=pl.col("value").first().over("country_iso3", "year"),
    ).filter((pl.col("selection_rank") == 2) & (pl.col("_key") == pl.col("_first_key"))
             & (pl.col("value") != pl.col("_first_value")))
        .select("country_iso3", "year", _tie_value=pl.col("value")))
    df = (df.join(ranked.select("_id", "selection_rank"), on="_id", how="left")
          .join(tie, on=["country_iso3", "year"], how="left"))
    best = df.filter(pl.col("selection_rank") == 1).select(
        "country_iso3", "year", _best_revision=pl.col("revision"), _best_value=pl.col("value"),
        _best_grade_rank="_grade_rank", _best_grade="_grade", _best_digits="_digits")
    df = df.join(best, on=["country_iso3", "year"], how="left")
    note = (
        pl.when(pl.col("selection_rank") == 1).then(
            pl.when(pl.col("_tie_value").is_not_null())
            .then(pl.format("preferred; tie with another figure of the same rank ({}) broken by source order",
                            pl.col("_tie_value")))
            .otherwise(pl.lit("preferred")))
        .when(pl.col("headline_series").is_null()).then(pl.col("headline_basis"))
        .when(~pl.col("is_headline_series")).then(pl.format("alternative: not the headline series ({})",
                                                            pl.col("headline_series")))
        .when(pl.col("_superseded")).then(pl.format(
            "alternative: superseded by release {} of the same source, which restates this figure",
            pl.col("_newest_release")))
        .when(~pl.col("_reported")).then(pl.lit("alternative: an estimate, not a reported figure"))
        .when(~pl.col("_annual")).then(pl.format("alternative: {} period, not a full year", pl.col("period_type")))
        .when(pl.col("value").is_null()).then(pl.lit("alternative: range only, no point value"))
        .when(pl.col("_revision_rank") > pl.col("_best_revision").replace_strict(
            REVISION_RANK, default=1, return_dtype=pl.Int8))
        .then(pl.format("alternative: {} figure; the preferred one is {}", pl.col("revision"),
                        pl.col("_best_revision")))
        .when(pl.col("_grade_rank") > pl.col("_best_grade_rank"))
        .then(pl.format("alternative: source grade {}; the preferred figure's is {}", pl.col("_grade"),
                        pl.col("_best_grade")))
        .when(pl.col("_rounded").cast(pl.Boolean) & (pl.col("_best_digits") > ROUNDED_DIGITS))
        .then(pl.format("alternative: a rounded figure ({} significant digits); the preferred one, {}, is exact "
                        "({} significant digits)", pl.col("_digits"), pl.col("_best_value"), pl.col("_best_digits")))
        .otherwise(pl.lit("alternative: a figure of equal rank later in source order"))
    )
    return (df.sort("_id").with_columns(is_preferred=(pl.col("selection_rank") == 1).fill_null(False),
                                        selection_note=note)
            .drop([c for c in df.columns if c.startswith("_")]))


#: What makes two rows the same published figure in two releases of one source.
SAME_FIGURE = ("source_id", "country_iso3", "year", "series", "publication", "period_label", "revision")


def superseded(df: pl.DataFrame) -> pl.DataFrame:
    """Add ``_superseded`` (a newer release of the same source carries the same figure: same series, year,
    period, publication and revision stage) and ``_newest_release``. A curated file dropped again as a new
    release, with a figure corrected, replaces the older release's rows this way instead of tying with them."""
    if not {"release", "release_date", *SAME_FIGURE} <= set(df.columns):
        return df.with_columns(_superseded=pl.lit(False), _newest_release=pl.lit(None, pl.String))
    vintage = pl.concat_str([pl.col("release_date").cast(pl.String).fill_null(""), pl.col("release")],
                            separator="|")
    return df.with_columns(_vintage=vintage, _newest_vintage=vintage.max().over(list(SAME_FIGURE))).with_columns(
        _superseded=(pl.col("_vintage") != pl.col("_newest_vintage")).fill_null(False),
        _newest_release=pl.col("_newest_vintage").str.split("|").list.last())


def duplicate_preferred(losses: pl.DataFrame) -> pl.DataFrame:
    """Country-years with more than one preferred figure (the contract is at most one)."""
    return (losses.filter(pl.col("is_preferred")).group_by("country_iso3", "year").len()
            .filter(pl.col("len") > 1).sort("country_iso3", "year"))
