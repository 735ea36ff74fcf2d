"""Trends: year-on-year change, CAGR, Sen's slope and the Mann-Kendall test, per series segment.

Everything here is plain Python (``math`` and ``statistics``; no numpy or scipy at run time) and
works on short annual series. The methods, with the choices made (issue 11 revised the segments and
the test's p-value):

* **Segments.** A series is split at every boundary (:func:`series_boundaries`), and no statistic,
  CAGR or year-on-year change is computed across one. Boundaries are: the breaks of the curated
  **series break register** (data/reference/series_breaks; :func:`pipelines.sources.series_breaks.read`;
  a regional sum also takes those of its reporting countries' series); **detected level shifts**
  (pipelines/indicators/breaks.py: consecutive reported counts differing by a factor of 4 or more,
  both at least 100; screened on UNODC-derived offence counts, their rates taking the shifts of
  their counts); and, for regional sums, a **change of the reporting countries** (a sum over other
  countries is another quantity). Each point says whether a boundary lies before it
  (``break_before``, ``break_reason``). A segment is the unit of every statistic below. Trends over a
  constant panel of countries come from :func:`pipelines.indicators.regional.regional_offences_panel`.
* **Year-on-year change** (per point): ``value - previous`` and ``value / previous - 1`` against the
  figure of the *previous calendar year* in the same segment. No figure for the previous year, or a
  break in between, gives null with a note; the percentage is null when the previous value is not
  positive.
* **CAGR** ``(last / first) ** (1 / (last_year - first_year)) - 1``, only with positive first and
  last values (a segment never contains a break, so "no break between them" holds by construction).
* **Sen's slope** (Theil 1950, Sen 1968): the median of the pairwise slopes
  ``(x_j - x_i) / (year_j - year_i)``, in the series' unit per year; the **Theil-Sen intercept** is
  the median of ``x_i - slope * year_i``, so the line is ``sen_intercept + slope * year``. The
  slope's confidence interval is Sen's (1968, eq. 2.6; Gilbert 1987 §16.5): with ``N`` ordered slopes
  and ``C = z(1 - a/2) * sqrt(Var S)`` (Var S with the tie correction, without any serial-correlation
  correction), the bounds are the slopes of 0-based rank ``round((N - C) / 2) - 1`` and
  ``round((N + C) / 2)`` (the ranks ``scipy.stats.theilslopes`` uses); when a rank falls outside the
  slopes the interval is not determinable and stays null. **Relative slope** = slope / median of the
  segment's values (fraction per year; null when the median is not positive).
* **Mann-Kendall** (Mann 1945, Kendall 1975): ``S = sum sign(x_j - x_i)`` over i < j (time order),
  ``Var S = [n(n-1)(2n+5) - sum t(t-1)(2t+5)] / 18`` over groups of ``t`` tied values. The two-sided
  p-value (``mk_method``):

  - **exact** for n <= ``EXACT_MAX_POINTS`` = 10, as Kendall's (1975, Appendix Table 1) and
    Gilbert's (1987 §16.4.1, Table A18) tables do for n <= 10: ``P(|S| >= |s|)`` over the distinct
    arrangements of the observed values, all equally likely under no trend. Without ties that is the
    distribution of the number of inversions of a random permutation; with ties the q-multinomial
    coefficient gives it (:func:`mk_exact_distribution`), so ties need no approximation. No
    serial-correlation correction: ten or fewer points cannot estimate lag autocorrelations
    (the screen below would need |r_k| > 0.62 at n = 10), so the test assumes exchangeability, as
    Mann's does, and the result is flagged ``small_sample`` below 10 points.
  - **normal** above: ``Z = (S - sign S) / sqrt(Var* S)`` (continuity correction),
    ``p = erfc(|Z| / sqrt 2)``, with the **Hamed-Rao (1998) correction** for serial correlation: the
    series is detrended with Sen's slope, ranked, and the lag-k autocorrelations of the ranks
    (k = 1..n-1) significant at ``ALPHA`` (|r_k| > z(1 - a/2) / sqrt(n)) give
    ``n/n* = 1 + 2 / (n(n-1)(n-2)) * sum (n-k)(n-k-1)(n-k-2) r_k``. It is applied only when it
    **widens** the variance (n/n* > 1; ``Var* S = Var S * n/n*``, ``mk_method`` "normal, Hamed-Rao").
    A factor below 1 (negative autocorrelation) is reported in the notes and not applied: in series
    this short the sample autocorrelations are biased towards negative values (about -1/n at lag 1
    for independent data; Kendall 1954, Marriott & Pope 1954), and applying them made p-values
    smaller than the exact test allows (a factor of 0.089 at n = 9 gave p = 1.9e-34) and created
    verdicts that the uncorrected test does not support. (Lags are positions in the observed
    sequence; a segment with missing years is treated as consecutive for this correction only.)
  - Never below the exact minimum: ``mk_p_value >= mk_p_value_min = 2 / (number of distinct
    arrangements)`` (2 / n! without ties), the p of a strictly monotonic series.

  ``mk_p_value_uncorrected`` is the p without the serial-correlation correction (equal to
  ``mk_p_value`` for the exact test). **Direction**: ``increasing`` / ``decreasing`` when p < ``ALPHA``
  (by the sign of S), else ``no trend``; ``insufficient data`` below ``MIN_POINTS`` points.
* **Minimum length** ``MIN_POINTS = 5``: with 4 points even a strictly monotonic series has the
  exact p = 2/4! = 0.083, so no trend could ever be found; with 5 it is 2/5! = 0.017.
* **Change point** (diagnostic): Pettitt's (1979) test per segment (``change_point_year``: first year
  after the most likely change, ``change_point_k``, ``change_point_p_value``, exact up to 12 points;
  pipelines/indicators/breaks.py). A monotonic trend also gives a significant change point, so it
  never splits a segment; it is said in the notes when p < ``ALPHA``.

The statistics are checked against ``pymannkendall`` (original and Hamed-Rao tests) and
``scipy.stats`` (``kendalltau`` exact p-values, ``theilslopes``) on real series and on seeded
synthetic ones (tests/unit/indicators/test_trends.py).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import pairwise
from statistics import NormalDist, median

import polars as pl

from pipelines.indicators.breaks import (
    NO_BREAK,
    Break,
    average_ranks,
    empty_register,
    level_shifts,
    pettitt,
    register_breaks,
)
from pipelines.indicators.offences import mark_not_recorded

#: Significance level of the Mann-Kendall test and of the Hamed-Rao autocorrelation screen.
ALPHA = 0.05
#: Confidence level of the Sen's slope interval.
CONFIDENCE = 0.95
#: Fewer points than this: "insufficient data" (see module docstring for why 5).
MIN_POINTS = 5
#: Below this many points results are flagged small_sample (low power; serial correlation not assessed).
SMALL_SAMPLE_POINTS = 10
#: Up to this many points the p-value comes from the exact null distribution of S (Kendall 1975 tables,
#: Gilbert 1987 §16.4.1: exact for n <= 10, normal approximation above).
EXACT_MAX_POINTS = 10

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


@cache
def _q_binomial(m: int, k: int) -> tuple[int, ...]:
    """Coefficients of the Gaussian binomial [m choose k]_q (q^0 first)."""
    if k < 0 or k > m:
        return (0,)
    if k in (0, m):
        return (1,)
    a, b = _q_binomial(m - 1, k - 1), _q_binomial(m - 1, k)
    out = [0] * (k * (m - k) + 1)
    for i, c in enumerate(a):
        out[i] += c
    for i, c in enumerate(b):
        out[i + k] += c
    return tuple(out)


@lru_cache(maxsize=4096)
def _inversion_counts(group_sizes: tuple[int, ...]) -> tuple[int, ...]:
    """Number of distinct arrangements of a multiset (groups of equal values of these sizes, in
    increasing value order) with I strict inversions, for I = 0, 1, ...: the q-multinomial
    coefficient [n; t_1, ..., t_m]_q = prod_k [t_1 + ... + t_k choose t_k]_q."""
    poly, total = (1,), 0
    for t in group_sizes:
        total += t
        factor = _q_binomial(total, t)
        out = [0] * (len(poly) + len(factor) - 1)
        for i, a in enumerate(poly):
            if a:
                for j, b in enumerate(factor):
                    out[i + j] += a * b
        poly = tuple(out)
    return poly


def mk_exact_distribution(values: Sequence[float]) -> dict[int, int]:
    """Exact null distribution of S: {S: number of distinct arrangements of the observed values}.

    Under no trend every distinct arrangement of the values is equally likely (Mann 1945; Kendall
    1975, ch. 4). With I the number of pairs i < j with x_i > x_j and N the number of pairs of unequal
    values, S = N - 2 I; the distribution of I over the arrangements of a multiset is the
    q-multinomial coefficient, so no enumeration is needed. Without ties this is the distribution
    of the number of inversions of a random permutation (Kendall's tables).
    """
    counts: dict[float, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    sizes = tuple(counts[v] for v in sorted(counts))
    n = len(values)
    unequal = n * (n - 1) // 2 - sum(t * (t - 1) // 2 for t in sizes)
    return {unequal - 2 * i: c for i, c in enumerate(_inversion_counts(sizes)) if c}


def mk_exact_p(values: Sequence[float]) -> float:
    """Two-sided exact p-value P(|S| >= |s|) under no trend (1 when s = 0)."""
    s = mk_score(values)
    if s == 0:
        return 1.0
    dist = mk_exact_distribution(values)
    return sum(c for k, c in dist.items() if abs(k) >= abs(s)) / sum(dist.values())


def mk_min_p(values: Sequence[float]) -> float:
    """The smallest two-sided p-value the exact test can give for these values: 2 / (number of distinct
    arrangements), i.e. 2 / n! without ties (only the sorted and reverse-sorted arrangements reach |S|
    max); 1 when all values are equal."""
    counts: dict[float, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    arrangements = math.factorial(len(values))
    for t in counts.values():
        arrangements //= math.factorial(t)
    return min(1.0, 2 / arrangements)


def pairwise_slopes(years: Sequence[float], values: Sequence[float]) -> list[float]:
    """All slopes (x_j - x_i) / (t_j - t_i) for t_j > t_i, sorted ascending."""
    n = len(values)
    out = [(values[j] - values[i]) / (years[j] - years[i])
           for i in range(n - 1) for j in range(i + 1, n) if years[j] != years[i]]
    return sorted(out)


def sen_slope(years: Sequence[float], values: Sequence[float]) -> float | None:
    slopes = pairwise_slopes(years, values)
    return median(slopes) if slopes else None


def sen_intercept(years: Sequence[float], values: Sequence[float], slope: float) -> float:
    """Theil-Sen intercept: median of ``value - slope * year`` (the line is intercept + slope * year)."""
    return median(v - slope * t for t, v in zip(years, values, strict=True))


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
    sen_slope_per_year: float | None = None
    sen_slope_ci_low_per_year: float | None = None
    sen_slope_ci_high_per_year: float | None = None
    sen_intercept: float | None = None
    relative_slope_per_year: float | None = None
    mk_s: int | None = None
    mk_var_s: float | None = None
    hamed_rao_factor: float | None = None
    mk_var_s_hamed_rao: float | None = None
    mk_z: float | None = None
    mk_p_value: float | None = None
    mk_p_value_uncorrected: float | None = None
    mk_p_value_min: float | None = None
    mk_method: str | None = None
    direction: str = INSUFFICIENT
    small_sample: bool = True
    change_point_year: int | None = None
    change_point_k: int | None = None
    change_point_p_value: float | None = None
    change_point_method: str | None = None
    notes: list[str] = field(default_factory=list)


def cagr(first_year: int, first: float, last_year: int, last: float) -> tuple[float | None, str | None]:
    """Compound annual growth rate, or (None, why not)."""
    if last_year <= first_year:
        return None, "one year only"
    if first <= 0 or last <= 0:
        return None, "CAGR needs positive first and last values"
    return (last / first) ** (1 / (last_year - first_year)) - 1, None


def segment_stats(years: Sequence[int], values: Sequence[float], *, alpha: float = ALPHA,
                  confidence: float = CONFIDENCE, min_points: int = MIN_POINTS,
                  exact_max_points: int = EXACT_MAX_POINTS) -> SegmentStats:
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
        return SegmentStats(0, None, None, None, None, None, 0, None, "no points", notes=["no points"])
    first_year, last_year = years[0], years[-1]
    growth, growth_note = cagr(first_year, values[0], last_year, values[-1])
    med = median(values)
    stats = SegmentStats(
        points=n, first_year=first_year, last_year=last_year, first_value=values[0], last_value=values[-1],
        median_value=med, years_without_figure=(last_year - first_year + 1) - n, cagr=growth, cagr_note=growth_note,
        small_sample=n < SMALL_SAMPLE_POINTS, notes=notes,
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
    if var_s == 0:
        notes.append("all values equal: no trend")
    min_p = mk_min_p(values)
    if n <= exact_max_points:
        # Exact test: no normal approximation, and no serial-correlation correction (not estimable).
        p = p_plain = mk_exact_p(values)
        method, factor, var_star, z = "exact", None, None, None
    else:
        p_plain = max(p_two_sided(z_score(s, var_s)) if var_s > 0 else 1.0, min_p)
        hr = hamed_rao_factor(years, values, slope, alpha)
        if hr.note:
            notes.append(hr.note)
        factor = 1.0
        if hr.factor > 1:
            factor = hr.factor
            notes.append(f"Hamed-Rao: significant rank autocorrelation at lag(s) "
                         f"{', '.join(map(str, hr.significant_lags))}; variance x {hr.factor:.3f}")
        elif hr.factor < 1:
            notes.append(f"Hamed-Rao correction not applied: it would shrink the variance (n/n* = {hr.factor:.3f}); "
                         "the correction is only used to widen it")
        var_star = var_s * factor
        z = z_score(s, var_star)
        p = max(p_two_sided(z) if var_star > 0 else 1.0, min_p)
        method = "normal, Hamed-Rao" if factor > 1 else "normal"
    stats.sen_slope_per_year = slope
    stats.sen_slope_ci_low_per_year, stats.sen_slope_ci_high_per_year = low, high
    stats.sen_intercept = sen_intercept(years, values, slope)
    stats.relative_slope_per_year = slope / med if med > 0 else None
    if med <= 0:
        notes.append("relative slope needs a positive median")
    stats.mk_s, stats.mk_var_s, stats.hamed_rao_factor, stats.mk_var_s_hamed_rao = s, var_s, factor, var_star
    stats.mk_z, stats.mk_p_value, stats.mk_p_value_uncorrected, stats.mk_p_value_min = z, p, p_plain, min_p
    stats.mk_method = method
    stats.direction = ("increasing" if s > 0 else "decreasing") if p < alpha and s != 0 else "no trend"
    if stats.small_sample:
        notes.append(f"small sample ({n} points): exact test, low power; serial correlation not assessed")
    pt = pettitt(values)
    if pt is not None:
        stats.change_point_year, stats.change_point_k = years[pt.index], pt.k
        stats.change_point_p_value, stats.change_point_method = pt.p_value, "exact" if pt.exact else "approximate"
        if pt.p_value < alpha:
            notes.append(f"Pettitt: possible change point before {years[pt.index]} (p = {pt.p_value:.3g}); "
                         "a monotonic trend gives one too, so it is not a break by itself")
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

IC3_COUNT, IC3_LOSS, IC3_TOTAL = "ic3_crime_type_count", "ic3_crime_type_loss_usd", "ic3_total_complaints"
LOSS_LCU, LOSS_USD = "country_loss_lcu", "country_loss_usd_constant"
UNODC_COUNT, UNODC_RATE = "unodc_offences_count", "unodc_offences_rate_unodc"
REG_OFF_COUNT, REG_OFF_RATE, REG_LOSS = ("regional_offences_count", "regional_offences_rate_wb",
                                         "regional_loss_usd_constant")
#: Regional offence sums over a constant panel of countries (:func:`regional_points`, ``offences_panel``).
REG_OFF_COUNT_PANEL, REG_OFF_RATE_PANEL = "regional_offences_count_panel", "regional_offences_rate_wb_panel"
REGIONAL_FAMILIES = (REG_OFF_COUNT, REG_OFF_RATE, REG_LOSS, REG_OFF_COUNT_PANEL, REG_OFF_RATE_PANEL)
#: Count series screened by the level-shift rule (pipelines/indicators/breaks.py says why only these).
SCREENED_FAMILIES = (UNODC_COUNT, REG_OFF_COUNT, REG_OFF_COUNT_PANEL)
#: Rate series that take the detected level shifts of the count series of the same area and offence.
COMPANION_COUNTS = {UNODC_RATE: UNODC_COUNT, REG_OFF_RATE: REG_OFF_COUNT, REG_OFF_RATE_PANEL: REG_OFF_COUNT_PANEL}

#: IC3 printed labels whose series is not the transcription's harmonised label (merges and splits;
#: the series break register says where they happen). Every other label takes ``category_harmonised`` without
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
    # A part printed as 0 beside a parent of 300+ was not recorded separately: no point (flag n in the marts).
    rows = mark_not_recorded(rows.join(newest, on=[*key, "release"], how="inner"), key=("unit",)).filter(
        ~pl.col("not_recorded_separately")).drop("not_recorded_separately", "not_recorded_note").with_columns(
        series_name=pl.concat_str([pl.col("indicator"), pl.col("category")], separator=": "),
        label_as_published=pl.format("{} (release {})", pl.col("category"), pl.col("release")))
    counts = _points(rows.filter(pl.col("unit") == "count"), UNODC_COUNT, "offences (count)", "offences")
    rates = _points(rows.filter(pl.col("unit") == "rate_per_100k_population"), UNODC_RATE,
                    "offences per 100,000 population (UNODC's published rate)", "offences")
    return pl.concat([counts, rates])


def _regional_offence_series(rows: pl.DataFrame, label_column: str) -> pl.DataFrame:
    """Regional offence rows keyed as trend series (area ``level:code``, series ``indicator: category``),
    labelled by the countries behind each point."""
    return rows.with_columns(
        area_code=pl.format("{}:{}", pl.col("region_level"), pl.col("region_code")),
        area_name=pl.col("region_name"),
        series_name=pl.concat_str([pl.col("indicator"), pl.col("category")], separator=": "),
        label_as_published=pl.col(label_column))


def regional_points(regional_offences: pl.DataFrame | None, regional_losses: pl.DataFrame | None,
                    offences_panel: pl.DataFrame | None = None) -> pl.DataFrame:
    """Regional sums in the years they are publishable (coverage rule); other years are left out.

    ``label_as_published`` holds the reporting countries: a change in them is a segment boundary
    (:func:`series_boundaries`). ``offences_panel`` (optional) is
    :func:`pipelines.indicators.regional.regional_offences_panel`: the same offences summed over a
    constant panel of countries, as the families ``regional_offences_count_panel`` and
    ``regional_offences_rate_wb_panel`` (label: the panel's countries).
    """
    frames = []
    if offences_panel is not None and offences_panel.height:
        pan = _regional_offence_series(offences_panel, "panel_country_codes")
        frames.append(_points(pan.with_columns(value=pl.col("offences_count")), REG_OFF_COUNT_PANEL,
                              "offences (count), sum over a constant panel of countries", "offences"))
        frames.append(_points(pan.with_columns(value=pl.col("offences_per_100k_population_wb")), REG_OFF_RATE_PANEL,
                              "offences per 100,000 World Bank population of a constant panel of countries",
                              "offences"))
    if regional_offences is not None and regional_offences.height:
        pub = _regional_offence_series(regional_offences.filter(pl.col("is_publishable")), "reporting_countries")
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


#: A regional sum inherits the register breaks of its member countries' series.
MEMBER_FAMILIES = {REG_LOSS: (LOSS_LCU, LOSS_USD), REG_OFF_COUNT: (UNODC_COUNT, UNODC_RATE),
                   REG_OFF_RATE: (UNODC_COUNT, UNODC_RATE), REG_OFF_COUNT_PANEL: (UNODC_COUNT, UNODC_RATE),
                   REG_OFF_RATE_PANEL: (UNODC_COUNT, UNODC_RATE)}
#: Sources named for breaks that are not in the register.
DETECTED_SOURCE = ("detected: level-shift rule, pipelines/indicators/breaks.py (LEVEL_SHIFT_RATIO, "
                   "LEVEL_SHIFT_MIN_COUNT)")
MEMBERSHIP_SOURCE = "the reporting countries of the regional sum (label_as_published)"


def resolve_register(breaks: pl.DataFrame | None) -> pl.DataFrame:
    """The break register to use: ``breaks`` if given (an empty frame = no curated breaks), else the
    register bundled with the code (data/reference/series_breaks, newest release)."""
    if breaks is not None:
        return breaks
    from pipelines.sources.series_breaks import bundled  # the sources package is heavy: import when needed

    return bundled()


def _codes(label: str | None) -> frozenset[str]:
    return frozenset(c for c in (label or "").split(", ") if c)


def series_boundaries(points: pl.DataFrame, breaks: pl.DataFrame | None = None) -> dict[str, list[Break]]:
    """Every boundary of every series, sorted by year (several may share a year):

    * **register**: rows of ``breaks`` (:func:`resolve_register`) for the series' family, name and
      area; a regional sum also takes those of its reporting countries' series (any reporting
      country in any year; offence rows only for the same offence, unless they name no series);
    * **detected**: level shifts (pipelines/indicators/breaks.py) of a screened count series, or of
      the count series of the same area and offence for a rate; a register row of kind ``no break``
      for the series and year keeps it in one piece;
    * **membership**: for a regional sum, a year whose reporting countries differ from those of the
      previous year with a value (a sum over other countries is another quantity).
    """
    register = resolve_register(breaks)
    curated = register.filter(pl.col("kind") != NO_BREAK) if register.height else empty_register()
    kept = register.filter(pl.col("kind") == NO_BREAK) if register.height else empty_register()
    groups: dict[str, dict] = {}
    for sid, fam, name, area, year, value, label in points.sort("series_id", "year").select(
            "series_id", "series_family", "series_name", "area_code", "year", "value", "label_as_published"
    ).iter_rows():
        g = groups.setdefault(sid, {"family": fam, "name": name, "area": area, "years": [], "values": [],
                                    "labels": []})
        g["years"].append(year)
        g["values"].append(value)
        g["labels"].append(label)
    shifts: dict[tuple[str, str, str], list[Break]] = {}
    for g in groups.values():
        if g["family"] not in SCREENED_FAMILIES:
            continue
        suppressed = {r["year"] for r in register_breaks(kept, g["family"], g["name"], g["area"])}
        shifts[(g["family"], g["area"], g["name"])] = [
            Break(sh.year, "level shift (detected)", sh.describe(), DETECTED_SOURCE, "detected")
            for sh in level_shifts(g["years"], g["values"]) if sh.year not in suppressed]
    out: dict[str, list[Break]] = {}
    for sid, g in groups.items():
        fam, name, area = g["family"], g["name"], g["area"]
        found = [Break(r["year"], r["kind"], r["reason"], r["source"], "register")
                 for r in register_breaks(curated, fam, name, area)]
        if fam in MEMBER_FAMILIES:
            members = frozenset().union(*(_codes(lb) for lb in g["labels"]))
            for r in curated.iter_rows(named=True):
                if (r["area_code"] in members and r["series_family"] in MEMBER_FAMILIES[fam]
                        and (r["series_name"] in (None, name) or fam == REG_LOSS)):
                    found.append(Break(r["year"], r["kind"], f"in {r['area_code']}, a reporting country "
                                       f"({r['series_name'] or 'all series'}): {r['reason']}", r["source"], "register"))
        found += shifts.get((fam, area, name), [])
        if fam in COMPANION_COUNTS:
            found += shifts.get((COMPANION_COUNTS[fam], area, name), [])
        if fam in REGIONAL_FAMILIES:
            known = [(y, _codes(lb)) for y, v, lb in zip(g["years"], g["values"], g["labels"], strict=True)
                     if v is not None]
            for (y0, c0), (y1, c1) in pairwise(known):
                if c0 != c1:
                    change = "; ".join(p for p in (
                        f"joined {', '.join(sorted(c1 - c0))}" if c1 - c0 else "",
                        f"left {', '.join(sorted(c0 - c1))}" if c0 - c1 else "") if p)
                    found.append(Break(y1, "reporting countries changed",
                                       f"{len(c0)} countries in {y0}, {len(c1)} in {y1} ({change}): a sum over other "
                                       "countries is another quantity", MEMBERSHIP_SOURCE, "membership"))
        # The same break reached twice (two families of one register row, inherited from two members) once.
        out[sid] = sorted(dict.fromkeys(found), key=lambda b: b.year)
    return out


def assign_segments(points: pl.DataFrame, breaks: pl.DataFrame | None = None) -> pl.DataFrame:
    """Number each series' segments (1, 2, ...) at its boundaries (:func:`series_boundaries`).

    Adds ``segment``; ``break_before_segment`` and ``break_source`` (on every point of a segment
    after the first: what opened it); ``break_before`` (true on the first point after a boundary)
    and ``break_reason`` (on that point: why). Boundaries outside a series' span are ignored; the
    boundaries passed between two points (same year, or several years of a gap) make one.
    """
    bounds = series_boundaries(points, breaks)
    seg, before, source, flag, reason = [], [], [], [], []
    ordered = points.sort("series_id", "year")
    cur_sid: str | None = None
    for sid, year in ordered.select("series_id", "year").iter_rows():
        if sid != cur_sid:
            cur_sid, todo = sid, list(bounds.get(sid, []))
            first_year, segment, cur_reason, cur_source = year, 1, None, None
            while todo and todo[0].year <= first_year:
                todo.pop(0)
        passed = []
        while todo and todo[0].year <= year:
            passed.append(todo.pop(0))
        if passed:
            segment += 1
            cur_reason = "; ".join(dict.fromkeys(b.text for b in passed))
            cur_source = "; ".join(dict.fromkeys(b.source for b in passed))
        seg.append(segment)
        before.append(cur_reason)
        source.append(cur_source)
        flag.append(bool(passed))
        reason.append(cur_reason if passed else None)
    return ordered.with_columns(segment=pl.Series(seg, dtype=pl.Int32),
                                break_before_segment=pl.Series(before, dtype=pl.String),
                                break_source=pl.Series(source, dtype=pl.String),
                                break_before=pl.Series(flag, dtype=pl.Boolean),
                                break_reason=pl.Series(reason, dtype=pl.String))


def _segments(points: pl.DataFrame) -> list[list[dict]]:
    """Rows of each (series, segment), in year order, as plain dicts (one pass, no per-group frames)."""
    groups: dict[tuple[str, int], list[dict]] = {}
    for row in points.sort("series_id", "segment", "year").iter_rows(named=True):
        groups.setdefault((row["series_id"], row["segment"]), []).append(row)
    return list(groups.values())


def trend_points(*parts: pl.DataFrame, breaks: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every series point with its segment, break flags and year-on-year change (within the segment only).

    ``breaks``: the series break register (:func:`pipelines.sources.series_breaks.read`); None = the
    register bundled with the code (:func:`resolve_register`).
    """
    nonempty = [p for p in parts if p.height]
    points = assign_segments(_mark_ambiguous(pl.concat(nonempty, how="vertical")) if nonempty
                             else pl.DataFrame(schema=POINT_COLUMNS), breaks)
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


SUMMARY_COLUMNS = {
    "series_id": pl.String, "series_family": pl.String, "area_code": pl.String, "area_name": pl.String,
    "series_name": pl.String, "measure": pl.String, "segment": pl.Int32, "segments_in_series": pl.Int32,
    "units": pl.String, "labels_as_published": pl.String, "break_before_segment": pl.String,
    "break_source": pl.String, "points": pl.Int32, "first_year": pl.Int32, "last_year": pl.Int32,
    "first_value": pl.Float64, "last_value": pl.Float64, "median_value": pl.Float64,
    "years_without_figure": pl.Int32, "cagr": pl.Float64, "cagr_note": pl.String,
    "sen_slope_per_year": pl.Float64, "sen_slope_ci_low_per_year": pl.Float64,
    "sen_slope_ci_high_per_year": pl.Float64, "sen_intercept": pl.Float64, "relative_slope_per_year": pl.Float64,
    "mk_s": pl.Int64, "mk_var_s": pl.Float64, "hamed_rao_factor": pl.Float64, "mk_var_s_hamed_rao": pl.Float64,
    "mk_z": pl.Float64, "mk_p_value": pl.Float64, "mk_p_value_uncorrected": pl.Float64,
    "mk_p_value_min": pl.Float64, "mk_method": pl.String, "direction": pl.String, "small_sample": pl.Boolean,
    "change_point_year": pl.Int32, "change_point_k": pl.Int64, "change_point_p_value": pl.Float64,
    "change_point_method": pl.String, "panel_countries": pl.Int32, "panel_years": pl.Int32,
    "alpha": pl.Float64, "confidence_level": pl.Float64, "min_points": pl.Int32, "notes": pl.String,
}
_STAT_FIELDS = ("points", "first_year", "last_year", "first_value", "last_value", "median_value",
                "years_without_figure", "cagr", "cagr_note", "sen_slope_per_year", "sen_slope_ci_low_per_year",
                "sen_slope_ci_high_per_year", "sen_intercept", "relative_slope_per_year", "mk_s", "mk_var_s",
                "hamed_rao_factor", "mk_var_s_hamed_rao", "mk_z", "mk_p_value", "mk_p_value_uncorrected",
                "mk_p_value_min", "mk_method", "direction", "small_sample", "change_point_year", "change_point_k",
                "change_point_p_value", "change_point_method")


def trend_summary(points: pl.DataFrame, *, alpha: float = ALPHA, confidence: float = CONFIDENCE,
                  min_points: int = MIN_POINTS) -> pl.DataFrame:
    """One row per series segment with every statistic (module docstring).

    For a regional sum or panel, ``panel_countries`` is the number of countries behind every point of
    the segment (constant: a change of reporting countries starts a new segment) and ``panel_years``
    the years the segment spans; both are null for other series.
    """
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
        panel_countries = panel_years = None
        if first["series_family"] in REGIONAL_FAMILIES and known:
            sets = {_codes(r["label_as_published"]) for r in known}
            if len(sets) == 1:
                panel_countries = len(next(iter(sets)))
                panel_years = st.last_year - st.first_year + 1
        out.append({
            **{c: first[c] for c in meta_cols}, "segment": first["segment"],
            "segments_in_series": segments_in[first["series_id"]],
            "units": ", ".join(dict.fromkeys(r["unit"] for r in rows)),
            "labels_as_published": " | ".join(dict.fromkeys(r["label_as_published"] for r in rows
                                                            if r["label_as_published"] is not None)),
            "break_before_segment": first["break_before_segment"], "break_source": first["break_source"],
            **{f: getattr(st, f) for f in _STAT_FIELDS},
            "panel_countries": panel_countries, "panel_years": panel_years,
            "alpha": alpha, "confidence_level": confidence, "min_points": min_points,
            "notes": "; ".join(notes) or None,
        })
    return pl.DataFrame(out, schema=SUMMARY_COLUMNS).sort("series_id", "segment")


def contract_violations(trends: pl.DataFrame, points: pl.DataFrame, breaks: pl.DataFrame | None = None) -> list[str]:
    """What breaks the trends contract: a CAGR over non-positive endpoints, statistics below the minimum
    length (or none above it), a segment that straddles a boundary (:func:`series_boundaries`: register,
    detected level shift, change of reporting countries), a p-value below the smallest the exact test
    can give."""
    problems = []
    bad_cagr = trends.filter(pl.col("cagr").is_not_null()
                             & ((pl.col("first_value") <= 0) | (pl.col("last_value") <= 0)))
    problems += [f"{r['series_id']} segment {r['segment']}: CAGR with a non-positive endpoint"
                 for r in bad_cagr.iter_rows(named=True)]
    short = trends.filter((pl.col("points") < pl.col("min_points")) != (pl.col("direction") == INSUFFICIENT))
    problems += [f"{r['series_id']} segment {r['segment']}: {r['points']} points but direction '{r['direction']}'"
                 for r in short.iter_rows(named=True)]
    if "mk_p_value_min" in trends.columns:
        tiny = trends.filter(pl.col("mk_p_value") < pl.col("mk_p_value_min") * (1 - 1e-9))
        problems += [f"{r['series_id']} segment {r['segment']}: p-value {r['mk_p_value']:.3g} below the exact "
                     f"minimum {r['mk_p_value_min']:.3g}" for r in tiny.iter_rows(named=True)]
    spans = points.group_by("series_id", "segment").agg(
        lo=pl.col("year").min(), hi=pl.col("year").max())
    bounds = series_boundaries(points, breaks)
    for r in spans.iter_rows(named=True):
        for b in bounds.get(r["series_id"], []):
            if r["lo"] < b.year <= r["hi"]:
                problems.append(f"{r['series_id']} segment {r['segment']} ({r['lo']}-{r['hi']}) straddles the "
                                f"{b.year} break ({b.kind})")
    return problems
