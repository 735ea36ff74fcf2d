"""Break detection: the level-shift rule and Pettitt's change-point test (exact p-value by enumeration)."""

import itertools
import math
import random

import polars as pl
import pytest

from pipelines.indicators import breaks as b

# --- level-shift rule ----------------------------------------------------------------------------


def test_a_fourfold_jump_between_large_counts_is_a_level_shift() -> None:
    # US Fraud, UNODC CTS 2024-05-16: no 2020 figure; consecutive *reported* years 2019 and 2021.
    [shift] = b.level_shifts([2018, 2019, 2021, 2022], [120_000.0, 112_700, 906_018, 920_555])
    assert (shift.previous_year, shift.year) == (2019, 2021) and shift.ratio == pytest.approx(8.039, abs=1e-3)
    assert "112,700 in 2019 -> 906,018 in 2021 (x8.04" in shift.describe()


def test_falls_count_as_shifts_too_and_the_ratio_bound_is_inclusive() -> None:
    assert [s.year for s in b.level_shifts([2014, 2015, 2016], [400.0, 100, 400])] == [2015, 2016]
    assert b.level_shifts([2014, 2015], [400.0, 101]) == []  # x0.2525: not a quarter


def test_small_counts_are_not_screened() -> None:
    # 1 -> 4 or 20 -> 80 is within the noise of small counts; both values must be at least 100.
    assert b.level_shifts([2014, 2015, 2016], [1.0, 4, 16]) == []
    assert b.level_shifts([2014, 2015], [99.0, 1_000]) == []
    assert b.level_shifts([2014, 2015], [100.0, 1_000]) != []


def test_missing_and_zero_values_are_skipped() -> None:
    assert [s.year for s in b.level_shifts([2014, 2015, 2016, 2017], [150.0, None, 0.0, 700])] == []
    assert [s.year for s in b.level_shifts([2014, 2015, 2016], [150.0, None, 700])] == [2016]


# --- Pettitt -------------------------------------------------------------------------------------

def _brute_force_p(values: list[float]) -> float:
    k = max(abs(u) for u in b.pettitt_u(values))
    hits = sum(max(abs(u) for u in b.pettitt_u(list(p))) >= k for p in itertools.permutations(values))
    return hits / math.factorial(len(values))


def test_u_statistic_is_the_sign_sum_definition() -> None:
    rng = random.Random(7)
    for _ in range(50):
        values = [float(rng.randint(0, 5)) for _ in range(rng.randint(3, 9))]  # ties included
        n = len(values)
        direct = [sum((values[i] > values[j]) - (values[i] < values[j]) for i in range(t + 1) for j in range(t + 1, n))
                  for t in range(n - 1)]
        assert b.pettitt_u(values) == direct


def test_exact_p_value_equals_enumeration_with_and_without_ties() -> None:
    rng = random.Random(11)
    for _ in range(40):
        n = rng.randint(3, 8)
        values = [float(rng.randint(0, 4)) if rng.random() < 0.5 else rng.random() for _ in range(n)]
        res = b.pettitt(values)
        assert res is not None and res.exact
        assert res.p_value == pytest.approx(_brute_force_p(values), abs=1e-12), values


def test_a_step_is_located_and_the_extreme_arrangement_has_the_smallest_p() -> None:
    res = b.pettitt([1.0, 2, 1, 2, 10, 11, 10, 12])
    assert res is not None and (res.k, res.index) == (16, 4)
    # K = t(n - t) at t = n/2 = 4 only when the 4 smallest come first (or last): 2 * 4! 4! / 8!.
    assert res.p_value == pytest.approx(2 * 24 * 24 / math.factorial(8))


def test_approximation_is_conservative_where_it_is_used() -> None:
    """Pettitt's approximation never gives a smaller p than the exact distribution (every K, n = 4..10,
    no ties): it is used above PETTITT_EXACT_MAX, where the exact count would take too long."""
    for n in range(4, 11):
        weights = tuple(2 * r - (n + 1) for r in range(1, n + 1))
        for k in range(1, n * n // 4 + 1):
            assert b.pettitt_p_approx(k, n) >= b._pettitt_exact_tail(weights, k) - 1e-12, (n, k)


def test_long_series_use_the_approximation() -> None:
    values = [float(v) for v in range(b.PETTITT_EXACT_MAX + 1)]
    res = b.pettitt(values)
    assert res is not None and not res.exact
    assert res.p_value == pytest.approx(b.pettitt_p_approx(res.k, len(values)))
    assert b.pettitt([1.0, 2.0]) is None


# --- register matching ---------------------------------------------------------------------------

def test_register_rows_match_family_series_and_area_with_empty_cells_as_wildcards() -> None:
    reg = pl.DataFrame([
        {"series_family": "f", "series_name": None, "area_code": "USA", "year": 2021, "kind": "recording system",
         "reason": "r", "source": "s", "source_url": None},
        {"series_family": "f", "series_name": "Fraud", "area_code": None, "year": 2015, "kind": "definition",
         "reason": "r", "source": "s", "source_url": None},
    ], schema=b.REGISTER_COLUMNS)
    assert [r["year"] for r in b.register_breaks(reg, "f", "Fraud", "USA")] == [2021, 2015]
    assert [r["year"] for r in b.register_breaks(reg, "f", "Theft", "DEU")] == []
    assert [r["year"] for r in b.register_breaks(reg, "g", "Fraud", "USA", families=("f",))] == [2021, 2015]
    assert b.register_breaks(b.empty_register(), "f", "Fraud", "USA") == []
