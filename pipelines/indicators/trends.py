"""Trends: year-on-year change, CAGR, Sen's slope and the Mann-Kendall test, per series segment.

Everything here is plain Python (``math`` and ``statistics``; no numpy or scipy at run time) and
works on short annual series. The methods, with the choices made:

* **Segments.** A series is split at every known break (:data:`BREAKS`): no statistic, CAGR or
  year-on-year change is computed across a break. A segment is the unit of every statistic below.
* **Year-on-year change** (per point): ``value - previous`` and ``value / previous - 1`` against the
  figure of the *previous calendar year* in the same segment. No figure for the previous year, or a
  break in between, gives null with a note; the percentage is null when the previous value is not
  positive.
* **CAGR** ``(last / first) ** (1 / (last_year - first_year)) - 1``, only with positive first and
  last values (a segment never contains a break, so "no break between them" holds by construction).
* **Sen's slope** (Theil 1950, Sen 1968): the median of the pairwise slopes
  ``(x_j - x_i) / (year_j - year_i)``, in the series' unit per year. Its confidence interval is Sen's
  (1968, eq. 2.6; Gilbert 1987 §16.5): with ``N`` ordered slopes and ``C = z(1 - a/2) * sqrt(Var S)``
  (Var S with the tie correction, without the serial-correlation correction), the bounds are the
  slopes of 0-based rank ``round((N - C) / 2) - 1`` and ``round((N + C) / 2)`` (the ranks
  ``scipy.stats.theilslopes`` uses); when a rank falls outside the slopes the interval is not
  determinable and stays null (scipy clamps it to the extreme slope instead). **Relative slope** =
  slope / median of the segment's values (fraction per year; null when the median is not positive).
* **Mann-Kendall** (Mann 1945, Kendall 1975): ``S = sum sign(x_j - x_i)`` over i < j (time order),
  ``Var S = [n(n-1)(2n+5) - sum t(t-1)(2t+5)] / 18`` over groups of ``t`` tied values.
  **Hamed-Rao (1998) correction** for serial correlation: the series is detrended with Sen's slope,
  ranked, and the lag-k autocorrelations of the ranks (k = 1..n-1) that are significant at ``ALPHA``
  (|r_k| > z(1 - a/2) / sqrt(n)) inflate the variance:
  ``n/n* = 1 + 2 / (n(n-1)(n-2)) * sum (n-k)(n-k-1)(n-k-2) r_k`` and ``Var* S = Var S * n/n*``.
  (Lags are positions in the observed sequence; a segment with missing years is treated as
  consecutive for this correction only.) A constant detrended series has no autocorrelation
  (n/n* = 1); a correction that would make the variance non-positive is not applied and said.
  ``Z = (S - sign S) / sqrt(Var* S)`` (continuity correction), two-sided ``p = erfc(|Z| / sqrt 2)``.
  **Direction**: ``increasing`` / ``decreasing`` when p < ``ALPHA`` (by the sign of S), else
  ``no trend``; ``insufficient data`` below ``MIN_POINTS`` points.
* **Minimum length** ``MIN_POINTS = 5``: with 4 points even a strictly monotonic series gives
  p = 0.089 (S = 6, Var S = 8.67), so no trend could ever be found; at 5 points a strictly monotonic
  series reaches p = 0.027. Results on 5-9 points rest on the normal approximation and are flagged
  ``small_sample``.

The same statistics were checked against ``pymannkendall.hamed_rao_modification_test`` and
``scipy.stats.theilslopes`` on real series (tests/unit/indicators/test_trends.py).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from statistics import NormalDist, median

import polars as pl

#: Significance level of the Mann-Kendall test and of the Hamed-Rao autocorrelation screen.
ALPHA = 0.05
#: Confidence level of the Sen's slope interval.
CONFIDENCE = 0.95
#: Fewer points than this: "insufficient data" (see module docstring for why 5).
MIN_POINTS = 5
#: Below this many points the normal approximation is rough: results are flagged small_sample.
SMALL_SAMPLE_POINTS = 10

INSUFFICIENT = "insufficient data"


def _sign(v: float) -> int:
    return (v > 0) - (v < 0)


def mk_score(values: Sequence[float]) -> int:
    """Mann-Kendall S: sum of sign(x_j - x_i) over all i < j (values in time order)."""
    n = len(values)
    return sum(_sign(values[j] - values[i]) for i in range(n - 1) for j in range(i + 1, n))


def tie_groups(values: Sequence[float]) -> list[int]:
    """Sizes of the groups of equal values (only groups of 2 or more)."""
    counts: dict[float, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return sorted(c for c in counts.values() if c > 1)


def mk_variance(values: Sequence[float]) -> float:
    """Var S under no trend, with the correction for tied values."""
    n = len(values)
    ties = sum(t * (t - 1) * (2 * t + 5) for t in tie_groups(values))
    return (n * (n - 1) * (2 * n + 5) - ties) / 18


def pairwise_slopes(years: Sequence[float], values: Sequence[float]) -> list[float]:
    """All slopes (x_j - x_i) / (t_j - t_i) for t_j > t_i, sorted ascending."""
    n = len(values)
    out = [(values[j] - values[i]) / (years[j] - years[i])
           for i in range(n - 1) for j in range(i + 1, n) if years[j] != years[i]]
    return sorted(out)


def sen_slope(years: Sequence[float], values: Sequence[float]) -> float | None:
    slopes = pairwise_slopes(years, values)
    return median(slopes) if slopes else None


def sen_interval(slopes: Sequence[float], var_s: float, confidence: float = CONFIDENCE
                 ) -> tuple[float | None, float | None]:
    """Sen (1968) eq. 2.6 confidence interval from sorted slopes; (None, None) if not determinable."""
    n_slopes = len(slopes)
    if n_slopes == 0 or var_s < 0:
        return None, None
    c = NormalDist().inv_cdf(1 - (1 - confidence) / 2) * math.sqrt(var_s)
    lower = round((n_slopes - c) / 2) - 1
    upper = round((n_slopes + c) / 2)
    if lower < 0 or upper > n_slopes - 1:
        return None, None
    return slopes[lower], slopes[upper]


def average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def autocorrelations(values: Sequence[float], max_lag: int) -> list[float] | None:
    """Sample autocorrelations r_1..r_max_lag (denominator n, as in Box-Jenkins); None if constant."""
    n = len(values)
    mean = sum(values) / n
    dev = [v - mean for v in values]
    c0 = sum(d * d for d in dev) / n
    if c0 == 0:
        return None
    return [sum(dev[t] * dev[t + k] for t in range(n - k)) / n / c0 for k in range(1, max_lag + 1)]


@dataclass(frozen=True)
class HamedRao:
    factor: float  # n / n*: the variance inflation (1 = no correction)
    significant_lags: tuple[int, ...]
    note: str | None = None


def hamed_rao_factor(years: Sequence[float], values: Sequence[float], slope: float, alpha: float = ALPHA
                     ) -> HamedRao:
    """Hamed and Rao (1998) n/n*: significant autocorrelation of the ranks of the detrended series."""
    n = len(values)
    if n < 3:
        return HamedRao(1.0, (), "too few points for the serial-correlation correction")
    # Time counted 1, 2, ... from the first year (as pymannkendall does), so that float rounding of
    # the detrended values does not depend on the calendar year's magnitude.
    ranks = average_ranks([v - slope * (t - years[0] + 1) for t, v in zip(years, values, strict=True)])
    acf = autocorrelations(ranks, n - 1)
    if acf is None:
        return HamedRao(1.0, (), "detrended series is constant: no serial correlation to correct")
    bound = NormalDist().inv_cdf(1 - alpha / 2) / math.sqrt(n)
    total, lags = 0.0, []
    for k, r in enumerate(acf, start=1):
        if abs(r) > bound:
            total += (n - k) * (n - k - 1) * (n - k - 2) * r
            lags.append(k)
    return HamedRao(1 + 2 / (n * (n - 1) * (n - 2)) * total, tuple(lags))


def z_score(s: int, var_s: float) -> float:
    """Standardised S with the continuity correction; 0 when S = 0 or the variance is 0."""
    if s == 0 or var_s <= 0:
        return 0.0
    return (s - _sign(s)) / math.sqrt(var_s)


def p_two_sided(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


@dataclass
class SegmentStats:
    """Every statistic of one segment (see the module docstring for the methods)."""

    points: int
    first_year: int | None
    last_year: int | None
    first_value: float | None
    last_value: float | None
    median_value: float | None
    years_without_figure: int
    cagr: float | None
    cagr_note: str | None
    sen_slope_per_year: float | None
    sen_slope_ci_low_per_year: float | None
    sen_slope_ci_high_per_year: float | None
    relative_slope_per_year: float | None
    mk_s: int | None
    mk_var_s: float | None
    hamed_rao_factor: float | None
    mk_var_s_hamed_rao: float | None
    mk_z: float | None
    mk_p_value: float | None
    direction: str
    small_sample: bool
    notes: list[str] = field(default_factory=list)


def cagr(first_year: int, first: float, last_year: int, last: float) -> tuple[float | None, str | None]:
    """Compound annual growth rate, or (None, why not)."""
    if last_year <= first_year:
        return None, "one year only"
    if first <= 0 or last <= 0:
        return None, "CAGR needs positive first and last values"
    return (last / first) ** (1 / (last_year - first_year)) - 1, None


def segment_stats(years: Sequence[int], values: Sequence[float], *, alpha: float = ALPHA,
                  confidence: float = CONFIDENCE, min_points: int = MIN_POINTS) -> SegmentStats:
    """Statistics of one segment; ``years`` strictly increasing, ``values`` without nulls."""
    if len(years) != len(values):
        raise ValueError("years and values differ in length")
    if any(b <= a for a, b in pairwise(years)):
        raise ValueError(f"years must be strictly increasing: {list(years)}")
    if any(v is None or not math.isfinite(v) for v in values):
        raise ValueError("values must be finite numbers (drop missing points first)")
    n = len(values)
    notes: list[str] = []
    if n == 0:
        return SegmentStats(0, None, None, None, None, None, 0, None, "no points", None, None, None, None, None,
                            None, None, None, None, None, INSUFFICIENT, True, ["no points"])
    first_year, last_year = years[0], years[-1]
    growth, growth_note = cagr(first_year, values[0], last_year, values[-1])
    med = median(values)
    stats = SegmentStats(
        points=n, first_year=first_year, last_year=last_year, first_value=values[0], last_value=values[-1],
        median_value=med, years_without_figure=(last_year - first_year + 1) - n, cagr=growth, cagr_note=growth_note,
        sen_slope_per_year=None, sen_slope_ci_low_per_year=None, sen_slope_ci_high_per_year=None,
        relative_slope_per_year=None, mk_s=None, mk_var_s=None, hamed_rao_factor=None, mk_var_s_hamed_rao=None,
        mk_z=None, mk_p_value=None, direction=INSUFFICIENT, small_sample=n < SMALL_SAMPLE_POINTS, notes=notes,
    )
    if n < min_points:
        notes.append(f"{n} point(s); trend statistics need at least {min_points}")
        return stats
    slopes = pairwise_slopes(years, values)
    slope = median(slopes)
    s = mk_score(values)
    var_s = mk_variance(values)
    low, high = sen_interval(slopes, var_s, confidence)
    if low is None:
        notes.append("Sen's slope confidence interval not determinable with this few points")
    hr = hamed_rao_factor(years, values, slope, alpha)
    var_star = var_s * hr.factor
    if hr.note:
        notes.append(hr.note)
    if var_star <= 0 < var_s:
        notes.append(f"Hamed-Rao correction not applied: it would make the variance non-positive "
                     f"(n/n* = {hr.factor:.3f})")
        var_star = var_s
    elif hr.significant_lags:
        notes.append(f"Hamed-Rao: significant rank autocorrelation at lag(s) "
                     f"{', '.join(map(str, hr.significant_lags))}; variance x {hr.factor:.3f}")
    if var_s == 0:
        notes.append("all values equal: no trend")
    z = z_score(s, var_star)
    p = p_two_sided(z) if var_star > 0 else 1.0
    stats.sen_slope_per_year = slope
    stats.sen_slope_ci_low_per_year, stats.sen_slope_ci_high_per_year = low, high
    stats.relative_slope_per_year = slope / med if med > 0 else None
    if med <= 0:
        notes.append("relative slope needs a positive median")
    stats.mk_s, stats.mk_var_s, stats.hamed_rao_factor, stats.mk_var_s_hamed_rao = s, var_s, hr.factor, var_star
    stats.mk_z, stats.mk_p_value = z, p
    stats.direction = ("increasing" if s > 0 else "decreasing") if p < alpha and s != 0 else "no trend"
    if stats.small_sample:
        notes.append(f"small sample ({n} points): the normal approximation of the test is rough")
    return stats


@dataclass(frozen=True)
class YoY:
    change: float | None
    change_pct: float | None
    note: str | None


def year_on_year(years: Sequence[int], values: Sequence[float]) -> list[YoY]:
    """Change against the previous calendar year's figure within one segment."""
    out = [YoY(None, None, "first year of the segment")] if years else []
    for i in range(1, len(years)):
        prev_year, prev, cur = years[i - 1], values[i - 1], values[i]
        if years[i] - prev_year != 1:
            out.append(YoY(None, None, f"no figure for {years[i] - 1}"))
        elif prev <= 0:
            out.append(YoY(cur - prev, None, "percentage change needs a positive previous value"))
        else:
            out.append(YoY(cur - prev, cur / prev - 1, None))
    return out


# --- series, breaks and the trend tables ----------------------------------------------------------

@dataclass(frozen=True)
class Break:
    """A known break: from ``year`` on, the series measures something else (never compared across)."""

    families: tuple[str, ...]  # series families it applies to
    series: str | None  # series name (None: every series of the families)
    area_code: str | None
    year: int  # first year under the new definition
    kind: str  # count basis | merge | split | coverage
    reason: str
    source: str


_IC3_TABLES = ("IC3 crime-type tables as printed in the annual reports, in the transcription "
               "shared/data/real/fbi_ic3/crime_type_{counts,losses}_long.csv (category_raw)")
IC3_COUNT, IC3_LOSS, IC3_TOTAL = "ic3_crime_type_count", "ic3_crime_type_loss_usd", "ic3_total_complaints"
LOSS_LCU, LOSS_USD = "country_loss_lcu", "country_loss_usd_constant"
UNODC_COUNT, UNODC_RATE = "unodc_offences_count", "unodc_offences_rate_unodc"
REG_OFF_COUNT, REG_OFF_RATE, REG_LOSS = ("regional_offences_count", "regional_offences_rate_wb",
                                         "regional_loss_usd_constant")
REGIONAL_FAMILIES = (REG_OFF_COUNT, REG_OFF_RATE, REG_LOSS)

#: Known series breaks (a curated registry; candidates for a reference data file later).
BREAKS: tuple[Break, ...] = (
    Break((IC3_COUNT,), None, "USA", 2023, "count basis",
          "IC3 crime types are counted by victims up to the 2022 report ('by Victim Count') and by complaints "
          "from the 2023 report ('by Complaint Count')",
          "shared/data/facts/taxonomy_facts.md §5 (crime-type tables 2022-2024: 'In 2022 the counts are victims, "
          "not complaints'); pipelines/sources/fbi_ic3.py LAST_VICTIM_COUNT_YEAR"),
    Break((IC3_COUNT, IC3_LOSS), "Phishing", "USA", 2023, "merge",
          "Phishing and Spoofing were merged into one category, Phishing/Spoofing, in the 2023 report (its "
          "three-year table restates 2022 as 321,136 = Phishing 300,497 + Spoofing 20,649)",
          "shared/data/facts/taxonomy_facts.md §5 'Phishing/Spoofing merge'"),
    Break((IC3_COUNT, IC3_LOSS), "Malware", "USA", 2017, "merge",
          "Malware/Scareware and Virus, separate categories in the 2015-2016 reports, are printed as one "
          "category, Malware/Scareware/Virus, from the 2017 report (relabelled Malware from 2022)", _IC3_TABLES),
    Break((IC3_COUNT, IC3_LOSS), "Threats of Violence", "USA", 2021, "merge",
          "Harassment/Threats of Violence (2015-2020 reports) became Terrorism/Threats of Violence in the 2021 "
          "report: Terrorism, a separate category until 2020, was merged in", _IC3_TABLES),
    Break((IC3_COUNT, IC3_LOSS), "Threats of Violence", "USA", 2022, "split",
          "From the 2022 report Harassment/Stalking and Threats of Violence are separate categories", _IC3_TABLES),
    Break((LOSS_LCU, LOSS_USD), "accc_combined", "AUS", 2019, "coverage",
          "ACCC combined losses include the big-four banks' data from 2019; AFCX, IDCARE and ASIC data were added "
          "later, in years the sources read do not state, so the 2019+ segment is not strictly comparable either",
          "national_headline_figures.csv notes on the accc_combined rows (Targeting Scams 2019: 'first year "
          "including big-four bank data'); shared/data/facts/README.md (AUS: 'Source coverage widened over time')"),
)

#: IC3 printed labels whose series is not the transcription's harmonised label (merges and splits;
#: the breaks above say where they happen). Every other label takes ``category_harmonised`` without
#: its parenthetical, so pure relabels (BEC -> Business Email Compromise, Confidence Fraud/Romance
#: -> Confidence/Romance) continue one series, as the transcription harmonises them.
IC3_SERIES_OF_LABEL = {
    "Phishing/Vishing/Smishing/Pharming": "Phishing", "Phishing": "Phishing", "Phishing/Spoofing": "Phishing",
    "Malware/Scareware": "Malware", "Malware/Scareware/Virus": "Malware", "Malware": "Malware", "Virus": "Virus",
    "Harassment/Threats of Violence": "Threats of Violence", "Terrorism/Threats of Violence": "Threats of Violence",
    "Threats of Violence": "Threats of Violence", "Harassment/Stalking": "Harassment/Stalking",
}
IC3_TOTAL_CATEGORY = "All complaints (report total)"

POINT_COLUMNS = {
    "series_id": pl.String, "series_family": pl.String, "area_code": pl.String, "area_name": pl.String,
    "series_name": pl.String, "measure": pl.String, "unit": pl.String, "year": pl.Int32, "value": pl.Float64,
    "label_as_published": pl.String, "point_note": pl.String, "source_file": pl.String, "source_row": pl.Int64,
}


def _points(df: pl.DataFrame, family: str, unit: pl.Expr | str, measure: pl.Expr | str) -> pl.DataFrame:
    """Normalise a frame with area_code, area_name, series_name, year, value (+ optional columns)."""
    lit = lambda v: v if isinstance(v, pl.Expr) else pl.lit(v)  # noqa: E731
    out = df.with_columns(series_family=pl.lit(family), unit=lit(unit), measure=lit(measure))
    for name, dtype in POINT_COLUMNS.items():
        if name not in out.columns and name != "series_id":
            out = out.with_columns(pl.lit(None, dtype=dtype).alias(name))
    out = out.with_columns(series_id=pl.concat_str([pl.col("series_family"), pl.col("area_code"),
                                                    pl.col("series_name")], separator="|"))
    return out.select([pl.col(n).cast(t) for n, t in POINT_COLUMNS.items()])


def loss_points(country_losses: pl.DataFrame) -> pl.DataFrame:
    """Each country's preferred loss figures: local currency (no FX noise) and constant USD."""
    pref = country_losses.filter(pl.col("is_preferred")).with_columns(
        area_name=pl.col("country_name"), series_name=pl.col("series"), label_as_published=pl.col("period_label"))
    base_year = pref["usd_constant_base_year"].drop_nulls()
    usd_unit = f"USD, constant {base_year[0]} prices" if base_year.len() else "USD, constant prices"
    lcu = _points(pref.with_columns(area_code=pl.col("country_iso3"), value=pl.col("value")), LOSS_LCU,
                  pl.format("{}, nominal (local currency)", pl.col("currency")), "loss")
    usd = _points(pref.with_columns(area_code=pl.col("country_iso3"), value=pl.col("loss_usd_constant"),
                                    point_note=pl.when(pl.col("loss_usd_constant").is_null())
                                    .then(pl.col("conversion_note"))), LOSS_USD, usd_unit, "loss")
    return pl.concat([lcu, usd])


def ic3_points(observations: pl.DataFrame) -> pl.DataFrame:
    """IC3 crime types (counts and losses) mapped to series, and the annual complaint totals.

    ``observations``: those of the sources providing "crime_type_trends" (pipelines.sources)."""
    ic3 = observations
    types = ic3.filter(pl.col("category") != IC3_TOTAL_CATEGORY).with_columns(
        series_name=pl.col("category").replace_strict(
            IC3_SERIES_OF_LABEL, default=pl.coalesce(pl.col("category_harmonised"), pl.col("category"))
            .str.replace(r"\s*\(.*\)$", "")),
        area_code=pl.col("country_iso3"), label_as_published=pl.col("category"))
    counts = _points(types.filter(pl.col("unit") == "count"), IC3_COUNT,
                     pl.format("{} (count)", pl.col("measure")), pl.col("measure"))
    losses = _points(types.filter(pl.col("measure") == "loss"), IC3_LOSS, "USD, nominal", "loss")
    totals = _points(ic3.filter(pl.col("category") == IC3_TOTAL_CATEGORY, pl.col("measure") == "complaints")
                     .with_columns(series_name=pl.lit("All complaints"), area_code=pl.col("country_iso3"),
                                   label_as_published=pl.col("category")), IC3_TOTAL, "complaints (count)",
                     "complaints")
    return _mark_ambiguous(pl.concat([counts, losses, totals]))


def _mark_ambiguous(points: pl.DataFrame) -> pl.DataFrame:
    """Two published figures for one series-year (two categories mapped to one series): the year is
    kept with a null value and a note, never summed."""
    dup = pl.len().over("series_id", "year") > 1
    labels = pl.col("label_as_published").unique().sort().str.join(" + ").over("series_id", "year")
    marked = points.with_columns(
        value=pl.when(dup).then(None).otherwise(pl.col("value")),
        point_note=pl.when(dup).then(pl.format("{} figures map to this series-year ({}); not summed",
                                               pl.len().over("series_id", "year"), labels))
        .otherwise(pl.col("point_note")),
        label_as_published=pl.when(dup).then(labels).otherwise(pl.col("label_as_published")),
        source_row=pl.when(dup).then(None).otherwise(pl.col("source_row")),
    )
    return marked.unique(["series_id", "year"], keep="first", maintain_order=True)


def unodc_points(observations: pl.DataFrame) -> pl.DataFrame:
    """UNODC offence counts and published rates per area and category, each series whole from the
    newest release that carries it (one vintage per series: releases restate and re-base).

    ``observations``: those of the sources providing "police_recorded_offences" (pipelines.sources)."""
    rows = observations.filter(pl.col("measure") == "offences",
                               pl.col("sex") == "Total", pl.col("age") == "Total")
    key = ["area_code", "indicator", "dimension", "category", "unit"]
    rows = rows.filter(pl.len().over([*key, "year", "source_file"]) == 1)
    newest = (rows.group_by([*key, "release"]).agg(pl.col("release_date").max())
              .sort(["release_date", "release"], descending=True, nulls_last=True)
              .unique(key, keep="first", maintain_order=True).select([*key, "release"]))
    rows = rows.join(newest, on=[*key, "release"], how="inner").with_columns(
        series_name=pl.concat_str([pl.col("indicator"), pl.col("category")], separator=": "),
        label_as_published=pl.format("{} (release {})", pl.col("category"), pl.col("release")))
    counts = _points(rows.filter(pl.col("unit") == "count"), UNODC_COUNT, "offences (count)", "offences")
    rates = _points(rows.filter(pl.col("unit") == "rate_per_100k_population"), UNODC_RATE,
                    "offences per 100,000 population (UNODC's published rate)", "offences")
    return pl.concat([counts, rates])


def regional_points(regional_offences: pl.DataFrame | None, regional_losses: pl.DataFrame | None) -> pl.DataFrame:
    """Regional sums in the years they are publishable (coverage rule); other years are left out."""
    frames = []
    if regional_offences is not None and regional_offences.height:
        pub = regional_offences.filter(pl.col("is_publishable")).with_columns(
            area_code=pl.format("{}:{}", pl.col("region_level"), pl.col("region_code")),
            area_name=pl.col("region_name"),
            series_name=pl.concat_str([pl.col("indicator"), pl.col("category")], separator=": "),
            label_as_published=pl.col("reporting_countries"))
        frames.append(_points(pub.with_columns(value=pl.col("offences_count")), REG_OFF_COUNT,
                              "offences (count), sum over reporting countries", "offences"))
        frames.append(_points(pub.with_columns(value=pl.col("offences_per_100k_population_wb")), REG_OFF_RATE,
                              "offences per 100,000 World Bank population of the reporting countries", "offences"))
    if regional_losses is not None and regional_losses.height:
        pub = regional_losses.filter(pl.col("is_publishable"))
        base_year = pub["usd_constant_base_year"].drop_nulls()
        unit = f"USD, constant {base_year[0]} prices" if base_year.len() else "USD, constant prices"
        frames.append(_points(pub.with_columns(
            area_code=pl.format("{}:{}", pl.col("region_level"), pl.col("region_code")),
            area_name=pl.col("region_name"), series_name=pl.lit("preferred country losses, summed"),
            value=pl.col("loss_usd_constant"), label_as_published=pl.col("reporting_countries")),
            REG_LOSS, unit, "loss"))
    return pl.concat(frames) if frames else pl.DataFrame(schema=POINT_COLUMNS)


def breaks_for(family: str, series_name: str, area_code: str) -> list[Break]:
    return sorted((b for b in BREAKS if family in b.families and b.series in (None, series_name)
                   and b.area_code in (None, area_code)), key=lambda b: b.year)


#: A regional sum inherits the breaks of its member countries' series.
MEMBER_FAMILIES = {REG_LOSS: (LOSS_LCU, LOSS_USD), REG_OFF_COUNT: (UNODC_COUNT, UNODC_RATE),
                   REG_OFF_RATE: (UNODC_COUNT, UNODC_RATE)}


def series_breaks(points: pl.DataFrame) -> dict[str, list[Break]]:
    """The breaks of every series: its own, and for a regional sum those of any member country's
    series (members read from the points' reporting countries), said as such."""
    members = (points.filter(pl.col("series_family").is_in(list(MEMBER_FAMILIES)))
               .group_by("series_id").agg(pl.col("label_as_published").drop_nulls().str.split(", ").list.explode()
                                          .unique()))
    member_of = {sid: set(m) for sid, m in members.iter_rows()}
    out: dict[str, list[Break]] = {}
    keys = points.select("series_id", "series_family", "series_name", "area_code").unique()
    for sid, fam, name, area in keys.iter_rows():
        found = breaks_for(fam, name, area)
        for b in BREAKS:
            if (b.area_code in member_of.get(sid, set())
                    and set(b.families) & set(MEMBER_FAMILIES.get(fam, ()))):
                found.append(replace(b, reason=f"in {b.area_code}, a reporting country ({b.series}): {b.reason}"))
        out[sid] = sorted(found, key=lambda b: b.year)
    return out


def assign_segments(points: pl.DataFrame) -> pl.DataFrame:
    """Number each series' segments (1, 2, ...) at its breaks and name the break before each."""
    rows = [{"series_id": sid, "break_year": b.year, "break_reason": f"{b.kind}: {b.reason}", "break_source": b.source}
            for sid, breaks in series_breaks(points).items() for b in breaks]
    brk = pl.DataFrame(rows, schema={"series_id": pl.String, "break_year": pl.Int32, "break_reason": pl.String,
                                     "break_source": pl.String})
    # A break only splits a series whose figures straddle it.
    span = points.group_by("series_id").agg(lo=pl.col("year").min(), hi=pl.col("year").max())
    brk = brk.join(span, on="series_id").filter((pl.col("break_year") > pl.col("lo"))
                                                & (pl.col("break_year") <= pl.col("hi")))
    # Breaks in the same year (IC3 2023: count basis and the Phishing/Spoofing merge) make one boundary.
    brk = brk.group_by("series_id", "break_year", maintain_order=True).agg(
        pl.col("break_reason").str.join("; "), pl.col("break_source").unique(maintain_order=True).str.join("; "))
    joined = points.with_row_index("_i").join(brk, on="series_id", how="left")
    before = (joined.filter(pl.col("break_year") <= pl.col("year"))
              .sort("break_year").group_by("_i")
              .agg(segment=(pl.len() + 1).cast(pl.Int32), break_before_segment=pl.col("break_reason").last(),
                   break_source=pl.col("break_source").last()))
    return (points.with_row_index("_i").join(before, on="_i", how="left")
            .with_columns(segment=pl.col("segment").fill_null(1))
            .drop("_i").sort("series_id", "year"))


def _segments(points: pl.DataFrame) -> list[list[dict]]:
    """Rows of each (series, segment), in year order, as plain dicts (one pass, no per-group frames)."""
    groups: dict[tuple[str, int], list[dict]] = {}
    for row in points.sort("series_id", "segment", "year").iter_rows(named=True):
        groups.setdefault((row["series_id"], row["segment"]), []).append(row)
    return list(groups.values())


def trend_points(*parts: pl.DataFrame) -> pl.DataFrame:
    """Every series point with its segment and year-on-year change (within the segment only)."""
    nonempty = [p for p in parts if p.height]
    points = assign_segments(_mark_ambiguous(pl.concat(nonempty, how="vertical")) if nonempty
                             else pl.DataFrame(schema=POINT_COLUMNS))
    change, pct, note = [], [], []
    ordered = []
    for rows in _segments(points):
        known = [r for r in rows if r["value"] is not None]
        by_year = dict(zip([r["year"] for r in known],
                           year_on_year([r["year"] for r in known], [r["value"] for r in known]), strict=True))
        for r in rows:
            c = by_year.get(r["year"])
            ordered.append(r)
            change.append(c.change if c else None)
            pct.append(c.change_pct if c else None)
            note.append(c.note if c else "no value this year")
    out = pl.DataFrame(ordered, schema=points.schema) if ordered else points
    return out.with_columns(yoy_change=pl.Series(change, dtype=pl.Float64),
                            yoy_change_pct=pl.Series(pct, dtype=pl.Float64),
                            yoy_note=pl.Series(note, dtype=pl.String)).sort("series_id", "year")


def trend_summary(points: pl.DataFrame, *, alpha: float = ALPHA, confidence: float = CONFIDENCE,
                  min_points: int = MIN_POINTS) -> pl.DataFrame:
    """One row per series segment with every statistic (module docstring)."""
    out = []
    meta_cols = ["series_id", "series_family", "area_code", "area_name", "series_name", "measure"]
    segments_in = dict(points.group_by("series_id").agg(pl.col("segment").max()).iter_rows())
    for rows in _segments(points):
        known = [r for r in rows if r["value"] is not None]
        st = segment_stats([r["year"] for r in known], [r["value"] for r in known], alpha=alpha,
                           confidence=confidence, min_points=min_points)
        first = rows[0]
        missing = len(rows) - len(known)
        notes = ([f"{missing} year(s) with no usable value"] if missing else []) + st.notes
        if first["series_family"] in REGIONAL_FAMILIES:
            sets = len({r["label_as_published"] for r in known})
            if sets > 1:
                notes.append(f"the reporting countries change between years ({sets} different sets): a sum's "
                             "trend mixes change with coverage; rates over the reporting population are steadier")
        out.append({
            **{c: first[c] for c in meta_cols}, "segment": first["segment"],
            "segments_in_series": segments_in[first["series_id"]],
            "units": ", ".join(dict.fromkeys(r["unit"] for r in rows)),
            "labels_as_published": " | ".join(dict.fromkeys(r["label_as_published"] for r in rows
                                                            if r["label_as_published"] is not None)),
            "break_before_segment": first["break_before_segment"], "break_source": first["break_source"],
            "points": st.points, "first_year": st.first_year, "last_year": st.last_year,
            "first_value": st.first_value, "last_value": st.last_value, "median_value": st.median_value,
            "years_without_figure": st.years_without_figure, "cagr": st.cagr, "cagr_note": st.cagr_note,
            "sen_slope_per_year": st.sen_slope_per_year, "sen_slope_ci_low_per_year": st.sen_slope_ci_low_per_year,
            "sen_slope_ci_high_per_year": st.sen_slope_ci_high_per_year,
            "relative_slope_per_year": st.relative_slope_per_year, "mk_s": st.mk_s, "mk_var_s": st.mk_var_s,
            "hamed_rao_factor": st.hamed_rao_factor, "mk_var_s_hamed_rao": st.mk_var_s_hamed_rao, "mk_z": st.mk_z,
            "mk_p_value": st.mk_p_value, "direction": st.direction, "small_sample": st.small_sample,
            "alpha": alpha, "confidence_level": confidence, "min_points": min_points,
            "notes": "; ".join(notes) or None,
        })
    schema = {**{c: pl.String for c in meta_cols}, "segment": pl.Int32, "segments_in_series": pl.Int32,
              "units": pl.String, "labels_as_published": pl.String, "break_before_segment": pl.String,
              "break_source": pl.String, "points": pl.Int32, "first_year": pl.Int32, "last_year": pl.Int32,
              "first_value": pl.Float64, "last_value": pl.Float64, "median_value": pl.Float64,
              "years_without_figure": pl.Int32, "cagr": pl.Float64, "cagr_note": pl.String,
              "sen_slope_per_year": pl.Float64, "sen_slope_ci_low_per_year": pl.Float64,
              "sen_slope_ci_high_per_year": pl.Float64, "relative_slope_per_year": pl.Float64, "mk_s": pl.Int64,
              "mk_var_s": pl.Float64, "hamed_rao_factor": pl.Float64, "mk_var_s_hamed_rao": pl.Float64,
              "mk_z": pl.Float64, "mk_p_value": pl.Float64, "direction": pl.String, "small_sample": pl.Boolean,
              "alpha": pl.Float64, "confidence_level": pl.Float64, "min_points": pl.Int32, "notes": pl.String}
    return pl.DataFrame(out, schema=schema).sort("series_id", "segment")


def contract_violations(trends: pl.DataFrame, points: pl.DataFrame) -> list[str]:
    """What breaks the trends contract: a CAGR over non-positive endpoints, statistics below the minimum
    length (or none above it), a segment that straddles a known break."""
    problems = []
    bad_cagr = trends.filter(pl.col("cagr").is_not_null()
                             & ((pl.col("first_value") <= 0) | (pl.col("last_value") <= 0)))
    problems += [f"{r['series_id']} segment {r['segment']}: CAGR with a non-positive endpoint"
                 for r in bad_cagr.iter_rows(named=True)]
    short = trends.filter((pl.col("points") < pl.col("min_points")) != (pl.col("direction") == INSUFFICIENT))
    problems += [f"{r['series_id']} segment {r['segment']}: {r['points']} points but direction '{r['direction']}'"
                 for r in short.iter_rows(named=True)]
    spans = points.group_by("series_id", "segment").agg(lo=pl.col("year").min(), hi=pl.col("year").max())
    breaks = series_breaks(points)
    for r in spans.iter_rows(named=True):
        for b in breaks.get(r["series_id"], []):
            if r["lo"] < b.year <= r["hi"]:
                problems.append(f"{r['series_id']} segment {r['segment']} ({r['lo']}-{r['hi']}) straddles the "
                                f"{b.year} break ({b.kind})")
    return problems
