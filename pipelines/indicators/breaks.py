"""Series breaks: the curated register, the level-shift rule and Pettitt's change-point test.

Plain Python (no numpy or scipy at run time). Three kinds of evidence that a series stops being
comparable with itself; the first two become **segment boundaries** (no statistic, CAGR or
year-on-year change spans them), the third is a diagnostic only:

* **Curated register** (``data/reference/series_breaks/<release>/series_breaks.csv``, read by
  :func:`pipelines.sources.series_breaks.read`): one row per documented change of definition,
  counting basis, recording system or coverage, with its source. A row of kind ``no break``
  suppresses a detected level shift that a curator has found to be a real change.
* **Level-shift rule** (:func:`level_shifts`): between two *consecutive reported years* of a count
  series (years with a value; a gap between them does not matter), a ratio of at least
  ``LEVEL_SHIFT_RATIO`` = 4 either way, with both counts at least ``LEVEL_SHIFT_MIN_COUNT`` = 100.
  The floor keeps the rule on counts where chance cannot produce such a ratio: under a Poisson
  model two counts of 100 and 400 are (400 - 100) / sqrt(100 + 400) = 13 standard errors apart,
  while 2 -> 8 or 20 -> 80 are within the ordinary noise of small counts (and of over-dispersed
  crime counts). It is applied to offence counts derived from the UNODC CTS (national and regional);
  their rate series take the shifts of the count series of the same area and offence (a rate cannot
  quadruple unless its count or the population does). Loss series are not screened: one large case
  moves a loss total several-fold (IC3 Health Care losses 1.1m -> 29.0m -> 7.0m USD, 2019-2021), so
  a ratio rule would flag volatility, not breaks. IC3 crime-type counts are not screened either: the
  publisher's category changes are in the register (taxonomy facts §5), and its category counts also
  move with reporting surges (Phishing 26,379 -> 114,702 in 2019, Misrepresentation 5,975 -> 24,276
  in 2020, while all complaints grew 467,361 -> 791,790 in 2019-2020), which a ratio cannot tell
  from a break; Pettitt's diagnostic below is reported for them.
* **Pettitt's test** (Pettitt 1979, "A non-parametric approach to the change-point problem",
  Applied Statistics 28(2):126-135): ``U_t = sum_{i<=t} sum_{j>t} sign(x_i - x_j)`` for
  t = 1..n-1, ``K = max |U_t|``, the change after the t that attains K (the first, if several).
  With (mid-)ranks r_i, ``U_t = 2 sum_{i<=t} r_i - t(n+1)``. **p-value**: exact for
  n <= ``PETTITT_EXACT_MAX`` = 12: the share of the n! orderings of the observed values (ties
  included) whose K is at least the observed one, counted exactly by dynamic programming over the
  2^n prefix sets; above, Pettitt's approximation ``p = 2 exp(-6 K^2 / (n^3 + n^2))`` (capped at 1),
  which is conservative (never below the exact p; checked by enumeration for n <= 10 in
  tests/unit/indicators/test_breaks.py). A monotonic trend also gives a significant K, so a Pettitt
  change point is reported (``change_point_*`` columns of the trends) but never splits a series by
  itself.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import polars as pl

#: Level-shift rule: consecutive reported values whose ratio is at least this (or at most its inverse) ...
LEVEL_SHIFT_RATIO = 4.0
#: ... with both values at least this (counts).
LEVEL_SHIFT_MIN_COUNT = 100.0
#: Pettitt's p-value is exact up to this many points, Pettitt's (conservative) approximation above.
PETTITT_EXACT_MAX = 12

#: Register kind that marks a detected level shift as a real change (suppresses the detected break).
NO_BREAK = "no break"
#: Kinds a register row may have.
KINDS = ("count basis", "merge", "split", "coverage", "recording system", "definition", NO_BREAK)

#: Columns of the register frame the trend functions take (pipelines.sources.series_breaks.read).
REGISTER_COLUMNS = {"series_family": pl.String, "series_name": pl.String, "area_code": pl.String,
                    "year": pl.Int32, "kind": pl.String, "reason": pl.String, "source": pl.String,
                    "source_url": pl.String}


def empty_register() -> pl.DataFrame:
    """A register with no rows (no curated breaks)."""
    return pl.DataFrame(schema=REGISTER_COLUMNS)


@dataclass(frozen=True)
class Break:
    """A boundary in a series: from ``year`` on, the figures are not comparable with the earlier ones."""

    year: int  # first year of the new segment
    kind: str  # register kind, "level shift (detected)" or "reporting countries changed"
    reason: str
    source: str
    basis: str  # "register" | "detected" | "membership"

    @property
    def text(self) -> str:
        return f"{self.kind}: {self.reason}"


def register_breaks(register: pl.DataFrame, family: str, series_name: str, area_code: str,
                    families: Sequence[str] | None = None) -> list[dict]:
    """Register rows that apply to a series (``families`` widens the family match, e.g. to a
    regional sum's member families); ``no break`` rows included."""
    fams = set(families) if families is not None else {family}
    return [r for r in register.iter_rows(named=True)
            if r["series_family"] in fams and r["series_name"] in (None, series_name)
            and r["area_code"] in (None, area_code)]


@dataclass(frozen=True)
class LevelShift:
    previous_year: int
    year: int
    previous_value: float
    value: float

    @property
    def ratio(self) -> float:
        return self.value / self.previous_value

    def describe(self) -> str:
        return (f"{self.previous_value:,.0f} in {self.previous_year} -> {self.value:,.0f} in {self.year} "
                f"(x{self.ratio:.2f}; rule: consecutive reported counts differ by a factor of "
                f"{LEVEL_SHIFT_RATIO:g} or more, both at least {LEVEL_SHIFT_MIN_COUNT:,.0f})")


def level_shifts(years: Sequence[int], values: Sequence[float | None], *, ratio: float = LEVEL_SHIFT_RATIO,
                 min_value: float = LEVEL_SHIFT_MIN_COUNT) -> list[LevelShift]:
    """Level shifts between consecutive reported values (nulls skipped; ``years`` increasing)."""
    known = [(y, v) for y, v in zip(years, values, strict=True) if v is not None and math.isfinite(v)]
    out = []
    for (y0, v0), (y1, v1) in pairwise(known):
        if v0 >= min_value and v1 >= min_value and (v1 / v0 >= ratio or v0 / v1 >= ratio):
            out.append(LevelShift(y0, y1, v0, v1))
    return out


# --- Pettitt --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pettitt:
    k: int  # max |U_t|
    index: int  # 0-based position of the first value after the change (t + 1)
    p_value: float
    exact: bool


def average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing their average rank (mid-ranks)."""
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


def _doubled_midranks(values: Sequence[float]) -> list[int]:
    """2 x the 1-based mid-ranks: integers, for exact arithmetic."""
    return [int(2 * r) for r in average_ranks(values)]


def pettitt_u(values: Sequence[float]) -> list[int]:
    """U_1..U_{n-1} (Pettitt 1979), from the doubled mid-ranks."""
    n = len(values)
    weights = [r - (n + 1) for r in _doubled_midranks(values)]
    out, acc = [], 0
    for w in weights[:-1]:
        acc += w
        out.append(acc)
    return out


@lru_cache(maxsize=4096)
def _pettitt_exact_tail(weights: tuple[int, ...], k: int) -> float:
    """P(K >= k) over the n! orderings of items with these weights (sum 0): 1 - (orderings whose
    every proper prefix sum lies strictly inside (-k, k)) / n!."""
    n = len(weights)
    if k <= 0:
        return 1.0
    full = (1 << n) - 1
    sums = [0] * (1 << n)
    for mask in range(1, 1 << n):
        low = mask & -mask
        sums[mask] = sums[mask ^ low] + weights[low.bit_length() - 1]
    ways = [0] * (1 << n)
    ways[0] = 1
    for mask in range(full):
        w = ways[mask]
        if not w:
            continue
        free = full ^ mask
        while free:
            bit = free & -free
            free ^= bit
            nxt = mask | bit
            if nxt == full or abs(sums[nxt]) < k:
                ways[nxt] += w
    total = math.factorial(n)
    return (total - ways[full]) / total


def pettitt_p_approx(k: int, n: int) -> float:
    """Pettitt's (1979) approximation of P(K >= k), capped at 1."""
    return min(1.0, 2.0 * math.exp(-6.0 * k * k / (n ** 3 + n ** 2)))


def pettitt(values: Sequence[float], *, exact_max: int = PETTITT_EXACT_MAX) -> Pettitt | None:
    """Pettitt's change-point test; None with fewer than 3 values."""
    n = len(values)
    if n < 3:
        return None
    u = pettitt_u(values)
    k = max(abs(x) for x in u)
    t = next(i for i, x in enumerate(u) if abs(x) == k)
    if n <= exact_max:
        weights = tuple(sorted(r - (n + 1) for r in _doubled_midranks(values)))
        return Pettitt(k, t + 1, _pettitt_exact_tail(weights, k), True)
    return Pettitt(k, t + 1, pettitt_p_approx(k, n), False)
