"""The virtual-asset view: losses and complaints involving virtual assets, beside the total they are part of.

The UN Convention against Cybercrime counts virtual assets as property. Publishers give figures restricted to
them (``asset_scope = 'virtual_assets'``): IC3's "Cryptocurrency" descriptor, SPF's losses through
cryptocurrency transfers, FTC's losses paid in cryptocurrency. Such a figure is a *part* of a total the same
publisher gives (``part_of_series``: IC3's annual total), never a crime type of its own: IC3's descriptor is
chosen after a crime type, so it overlaps every crime type and is never added to them, to the total or to
another part.

Rules (README "Methodology: the virtual-asset view"):

* **One number per quantity.** Two rows of the same figure (publisher, area, series, metric, currency and
  period) are alternatives: the preferred one is a restated over an as-published figure, then the better
  source grade, then the one given to more significant digits (IC3 2025's cryptocurrency investment losses:
  the table's $7,277,868,919 over the box's "$7.228 billion" of the same report), then source order. Every
  alternative's ``selection_note`` says which rule it lost on.
* **A share only where the publisher gives both** the part and the total for the same area, period, metric
  and currency (:func:`share_of_total`); the total is the same publisher's series named by
  ``part_of_series``, chosen by the same rules when it has alternatives. No total, no share: nothing is
  estimated, and a part larger than its total (not the same scope) gets no share.
* Illicit-volume and criminal-proceeds estimates are not losses and are not in this view: marts.illicit_value_estimates
  keeps every edition as its own row (a vintage), and a range as a range.
"""

import polars as pl

from pipelines.indicators.series import GRADE_RANK, REVISION_RANK, ROUNDED_DIGITS, significant_digits

#: Measures of the view: what victims lost and how many reports, complaints, cases or victims involved them.
VIEW_MEASURES = ("loss", "complaints", "reports", "cases_recorded", "victims")
#: What identifies one figure (its alternatives share it).
FIGURE = ("publisher", "area_code", "series", "measure", "currency", "period_start", "period_end")


def share_of_total(part: float | None, total: float | None) -> float | None:
    """``part / total`` when the publisher gives both, the total is positive and the part is not larger than
    the total; else None (a share is never estimated, and a part larger than its total is not the same scope)."""
    if part is None or total is None or total <= 0 or part < 0 or part > total:
        return None
    return part / total


def _ranked(rows: pl.DataFrame, key: tuple[str, ...]) -> pl.DataFrame:
    """``rows`` with ``_rank`` (1 = preferred) within ``key`` and the preferred row's ranking columns."""
    df = rows.with_columns(
        _revision_rank=pl.col("revision").replace_strict(REVISION_RANK, default=1, return_dtype=pl.Int8),
        _grade_rank=pl.col("source_grade").replace_strict(GRADE_RANK, default=len(GRADE_RANK), return_dtype=pl.Int8),
        _digits=pl.col("value").map_elements(significant_digits, return_dtype=pl.Int32).fill_null(0),
    ).sort(["_revision_rank", "_grade_rank", pl.col("_digits"), "source_file", "source_row"],
           descending=[False, False, True, False, False], nulls_last=True)
    df = df.with_columns(_rank=pl.int_range(1, pl.len() + 1).over(list(key), order_by=None).cast(pl.Int32))
    best = df.filter(pl.col("_rank") == 1).select(
        *key, _best_revision="revision", _best_revision_rank="_revision_rank", _best_grade="source_grade",
        _best_grade_rank="_grade_rank", _best_digits="_digits", _best_value="value")
    return df.join(best, on=list(key), how="left", nulls_equal=True)


def _selection_note() -> pl.Expr:
    return (
        pl.when(pl.col("_rank") == 1).then(pl.lit("preferred"))
        .when(pl.col("_revision_rank") > pl.col("_best_revision_rank"))
        .then(pl.format("alternative: {} figure; the preferred one is {}", pl.col("revision"),
                        pl.col("_best_revision")))
        .when(pl.col("_grade_rank") > pl.col("_best_grade_rank"))
        .then(pl.format("alternative: source grade {}; the preferred figure's is {}", pl.col("source_grade"),
                        pl.col("_best_grade")))
        .when(pl.col("_digits") < pl.col("_best_digits"))
        .then(pl.format("alternative: printed to {} significant digits in the same publication; the preferred "
                        "figure, {}, is given to {} (a more exact figure of the same quantity)", pl.col("_digits"),
                        pl.col("_best_value").cast(pl.Int64, strict=False).cast(pl.String),
                        pl.col("_best_digits")))
        .otherwise(pl.lit("alternative: a figure of equal rank later in source order"))
    )


def virtual_asset_figures(observations: pl.DataFrame, totals: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every figure restricted to virtual assets, with the total it is part of and the share where both are given.

    ``observations`` are canonical observations (pipelines.schema) of the sources providing
    ``virtual_asset_figures``; the totals are looked up in ``totals`` (every source's observations: IC3's annual
    totals are in the fbi_ic3 source), by default in ``observations``.
    """
    totals = observations if totals is None else totals
    parts = observations.filter(pl.col("asset_scope") == "virtual_assets", pl.col("measure").is_in(VIEW_MEASURES))
    parts = _ranked(parts, FIGURE).with_columns(is_preferred=pl.col("_rank") == 1, selection_note=_selection_note())
    totals = totals.filter(pl.col("part_of_series").is_null(), pl.col("series").is_not_null(),
                                 pl.col("measure").is_in(VIEW_MEASURES), pl.col("value").is_not_null())
    totals = _ranked(totals, FIGURE).filter(pl.col("_rank") == 1).select(
        "publisher", "area_code", "measure", "currency", "period_start", "period_end",
        part_of_series="series", total_value="value", total_digits="_digits", total_source_id="source_id",
        total_source_file="source_file", total_source_row="source_row",
        total_publication="publication")
    out = parts.drop([c for c in parts.columns if c.startswith("_")]).join(
        totals, on=["publisher", "area_code", "measure", "currency", "period_start", "period_end", "part_of_series"],
        how="left", nulls_equal=True)
    share = pl.struct("value", "total_value").map_elements(
        lambda r: share_of_total(r["value"], r["total_value"]), return_dtype=pl.Float64)
    out = out.with_columns(share=share)
    return out.with_columns(comparable_note=comparable_note()).select(
        "publisher", "area_code", "area_name", "country_iso3", "area_type", "year", "period_label", "period_start",
        "period_end", "period_type", "measure", "series", "asset_scope", "value", "currency", "part_of_series",
        "total_value", "share", "is_preferred", "selection_note", "comparable_note", "value_type", "revision",
        "source_grade", "publication", "source_url", "notes", "source_id", "source_file", "source_row",
        "total_source_id", "total_source_file", "total_source_row",
    ).sort("publisher", "area_code", "year", "measure", "series", "source_file", "source_row")


#: What a reader must know about a publisher's series before comparing it across years or publishers (curated
#: from the notes of the facts rows; shown in comparable_note).
SERIES_NOTES = {
    "ic3_cryptocurrency_descriptor": "IC3 had two cryptocurrency descriptors in 2022 and 2023 (Cryptocurrency and "
                                     "Cryptocurrency Wallet, overlap not stated) and one from 2024: years before "
                                     "2024 are not comparable with 2024 on. 2022 counted victims, later years "
                                     "complaints.",
    "ic3_cryptocurrency_wallet_descriptor": "A second IC3 cryptocurrency descriptor (2022 and 2023 only); never "
                                            "added to the Cryptocurrency descriptor (overlap not stated).",
    "ic3_cryptocurrency_investment": "The Investment crime type with a cryptocurrency nexus: part of the "
                                     "Cryptocurrency descriptor's figure as well as of the total.",
    "ic3_cryptocurrency_recovery_scams": "May include losses from scams of earlier years (IC3 footnote).",
    "ftc_paid_with_cryptocurrency": "FTC Consumer Sentinel counts reports of all consumer fraud, online or not, "
                                    "from consumers and partner organisations: not comparable with IC3.",
    "spf_cryptocurrency": "SPF scam losses through cryptocurrency transfers (police-recorded scam cases).",
    "accc_scamwatch_only_crypto_loss_reports": "Scamwatch reports with a loss to crypto scams, of all Scamwatch "
                                               "reports (with or without a loss).",
}


def comparable_note() -> pl.Expr:
    """What the row can and cannot be compared with (a sentence per reason, most important first)."""
    never_added = pl.lit("A part of the publisher's total, never added to it, to its crime types or to another "
                         "part (a descriptor overlaps every crime type). Compare within this publisher's series only.")
    no_total = (
        pl.when(pl.col("part_of_series").is_null())
        .then(pl.lit("No share: the publisher names no total this figure is a part of."))
        .when(pl.col("total_value").is_null())
        .then(pl.format("No share: the publisher gives no {} total of {} for the same area and period.",
                        pl.col("measure"), pl.col("part_of_series")))
        .when(pl.col("share").is_null())
        .then(pl.lit("No share: larger than the total it is said to be part of, so not the same scope."))
    )
    rounded_total = pl.when(pl.col("share").is_not_null() & (pl.col("total_digits") <= ROUNDED_DIGITS)).then(
        pl.format("The total is rounded as published ({} significant digits): the share is approximate.",
                  pl.col("total_digits")))
    partial = pl.when(~pl.col("period_type").is_in(["calendar_year", "fiscal_year"])).then(
        pl.format("A {} period: not comparable with full-year figures.", pl.col("period_type")))
    series_note = pl.col("series").replace_strict(SERIES_NOTES, default=None, return_dtype=pl.String)
    return pl.concat_str([no_total, rounded_total, partial, series_note, never_added], separator=" ",
                         ignore_nulls=True)

