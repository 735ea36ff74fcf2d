"""The runner: GX results on compact projections equal what every row says, mapped to files and rows."""

import random

import polars as pl
import pytest

from pipelines.quality.runner import ROWS_PER_FILE, key_codes, run_suite
from pipelines.quality.suites import WARN, Expectation, References, Suite, flag, keys_unique, not_null


def _suite(*expectations: Expectation, pointer=("source_file", "source_row")) -> Suite:
    return Suite("staging", "t", expectations, pointer=pointer, published_columns={"value": "VALUE"})


def _frame(n: int = 2_000, seed: int = 7) -> pl.DataFrame:
    rng = random.Random(seed)
    return pl.DataFrame({
        "code": [rng.choice(["AAA", "BBB", "CCC", "ZZZ", None]) for _ in range(n)],
        "label": [rng.choice(["x", "y" * 400, "z", None]) for _ in range(n)],
        "year": [rng.choice([1985, 2001, 2020, 2031, None]) for _ in range(n)],
        "value": [rng.choice([-1.5, 0.0, 3.25, 1e12, None]) for _ in range(n)],
        "unit": [rng.choice(["count", "rate"]) for _ in range(n)],
        "source_file": [f"f{i % 3}.csv" for i in range(n)],
        "source_row": [i // 3 + 2 for i in range(n)],
    }, schema_overrides={"year": pl.Int32})


CASES = [
    (Expectation("codes_known", "in_set", "a known code", columns=("code",), values=("AAA", "BBB", "CCC")),
     lambda f: f["code"].is_not_null() & ~f["code"].is_in(["AAA", "BBB", "CCC"])),
    (not_null("code", "year", "value"),
     None),  # checked per column below
    (Expectation("years_in_range", "between", "1990..2030", columns=("year",), min_value=1990, max_value=2030),
     lambda f: f["year"].is_not_null() & ((f["year"] < 1990) | (f["year"] > 2030))),
    (Expectation("no_negative_values", "between", ">= 0", columns=("value",), min_value=0),
     lambda f: f["value"].is_not_null() & (f["value"] < 0)),
    (Expectation("rates_plausible", "between", "<= 1e5", columns=("value",), max_value=1e5,
                 where=(("unit", ("rate",)),)),
     lambda f: (f["unit"] == "rate") & f["value"].is_not_null() & (f["value"] > 1e5)),
    (Expectation("codes_well_formed", "regex", "three letters", columns=("code",), regex=r"^[A-C]{3}$"),
     lambda f: f["code"].is_not_null() & ~f["code"].str.contains(r"^[A-C]{3}$")),
    (Expectation("labels_short", "max_length", "<= 300 chars", columns=("label",), max_lengths={"label": 300}),
     lambda f: f["label"].is_not_null() & (f["label"].str.len_chars() > 300)),
    (Expectation("value_given", "derived_in_set", "a value", values=(True,), columns=("value",),
                  derive=flag(pl.col("value").is_not_null())),
     lambda f: f["value"].is_null()),
]


@pytest.mark.parametrize("expectation,truth", CASES, ids=[c[0].name for c in CASES])
def test_counts_and_files_equal_a_row_by_row_evaluation(expectation: Expectation, truth) -> None:
    frame = _frame()
    results = run_suite(frame, _suite(expectation), References())
    assert {r.column for r in results} == set(expectation.columns)
    for r in results:
        bad = truth(frame) if truth else frame[r.column].is_null()
        failing = frame.filter(bad)
        assert r.unexpected_count == failing.height, (r.expectation, r.column)
        assert r.success == (failing.height == 0)
        assert r.gx_expectation and r.gx_expectation.startswith("expect_")
        per_file = dict(failing.group_by("source_file").len().iter_rows())
        assert {h.file: h.count for h in r.files} == per_file
        for hit in r.files:
            rows = failing.filter(pl.col("source_file") == hit.file)["source_row"].sort().head(ROWS_PER_FILE)
            assert list(hit.rows) == rows.to_list()


def test_a_passing_table_passes_every_expectation_with_gx() -> None:
    frame = pl.DataFrame({"code": ["AAA", "BBB"], "value": [1.0, 2.0], "source_file": ["f", "f"],
                          "source_row": [2, 3]})
    suite = _suite(Expectation("codes_known", "in_set", "known", columns=("code",), values=("AAA", "BBB")),
                   Expectation("no_negative_values", "between", ">= 0", columns=("value",), min_value=0),
                   not_null("code", "value"), keys_unique("code"))
    results = run_suite(frame, suite, References())
    assert all(r.success for r in results) and len(results) == 5
    assert {r.element_count for r in results} == {2}


def test_messages_name_file_rows_column_and_expectation() -> None:
    frame = pl.DataFrame({"value": [1.0, -5.0, -7.0], "source_file": ["a.csv"] * 3, "source_row": [4, 5, 6]})
    (r,) = run_suite(frame, _suite(Expectation("no_negative_values", "between", "values of at least 0",
                                               columns=("value",), min_value=0)))
    assert r.lines() == ["a.csv, rows 5, 6, column 'value' (published as 'VALUE'): expectation no_negative_values "
                         "failed: expected values of at least 0, found '-5', '-7'"]


def test_extremes_fall_back_to_every_row_only_when_needed() -> None:
    # A range check first sees only the column's extremes; a failure is then counted on every row.
    frame = pl.DataFrame({"value": [5.0, -1.0, 3.0, -2.0, 9.0], "source_file": ["a"] * 5,
                          "source_row": list(range(2, 7))})
    (r,) = run_suite(frame, _suite(Expectation("v", "between", ">= 0", columns=("value",), min_value=0)))
    assert (r.unexpected_count, [h.rows for h in r.files]) == (2, [(3, 5)])


def test_padding_of_the_shared_batch_does_not_count_twice() -> None:
    # Two distinct projections of very different lengths share one GX batch; the short one is padded
    # by repeating its first value, which here is the failing one.
    frame = pl.DataFrame({"a": ["bad"] + ["ok"] * 9, "b": [f"v{i}" for i in range(10)], "source_file": ["f"] * 10,
                          "source_row": list(range(2, 12))})
    suite = _suite(Expectation("a_known", "in_set", "ok", columns=("a",), values=("ok",)),
                   Expectation("b_known", "in_set", "v", columns=("b",), values=tuple(f"v{i}" for i in range(10))))
    a, b = run_suite(frame, suite)
    assert (a.success, a.unexpected_count, a.files[0].rows) == (False, 1, (2,))
    assert b.success


def test_vocabularies_per_column_are_checked_in_one_expectation() -> None:
    frame = pl.DataFrame({"measure": ["loss", "victims", "bogus"], "unit": ["currency", "count", "count"],
                          "source_file": ["f"] * 3, "source_row": [2, 3, 4]})
    e = Expectation("vocabularies_respected", "in_set", "a vocabulary term", columns=("measure", "unit"),
                    values={"measure": ("loss", "victims"), "unit": ("currency", "count")})
    measure, unit = run_suite(frame, _suite(e))
    assert (measure.column, measure.unexpected_count, measure.sample_values) == ("measure", 1, ("bogus",))
    assert unit.success


def test_compound_keys_duplicates_and_missing_parts() -> None:
    frame = pl.DataFrame({"k1": ["a", "a", "a", None, None, None], "k2": [1, 1, 2, None, None, 3],
                          "source_file": ["f"] * 6, "source_row": list(range(2, 8))})
    (r,) = run_suite(frame, _suite(keys_unique("k1", "k2")))
    # rows 2 and 3 share (a, 1); rows 5 and 6 have an entirely missing key and are not compared
    assert (r.unexpected_count, r.files[0].rows, r.sample_values) == (2, (2, 3), ("a | 1",))


def test_key_codes_are_exact_even_when_radices_overflow() -> None:
    rng = random.Random(3)
    n = 3_000
    columns = {f"c{i}": [rng.choice([f"v{j}" for j in range(150)] + [None]) for _ in range(n)] for i in range(10)}
    frame = pl.DataFrame(columns)
    frame = pl.concat([frame, frame.head(40)])  # 40 exact duplicates
    codes = key_codes(frame, list(columns))
    expected = frame.select(pl.struct(pl.all()).is_duplicated()).to_series()
    assert codes.is_duplicated().to_list() == expected.to_list()
    assert expected.sum() == 80


def test_a_missing_reference_fails_with_a_note_instead_of_passing() -> None:
    frame = pl.DataFrame({"country_iso3": ["FRA"], "source_file": ["f"], "source_row": [2]})
    e = Expectation("area_codes_known", "in_set", "a known code", columns=("country_iso3",), reference="area_codes")
    (r,) = run_suite(frame, _suite(e), References())
    assert not r.success and "not loaded" in r.note
    (ok,) = run_suite(frame, _suite(e), References(sets={"area_codes": frozenset({"FRA"})}))
    assert ok.success


def test_warnings_keep_their_severity_and_tables_without_pointers_name_table_rows() -> None:
    frame = pl.DataFrame({"x": [1, None]})
    (r,) = run_suite(frame, _suite(not_null("x", severity=WARN, name="x_given"), pointer=None))
    assert r.severity == WARN and not r.blocking
    assert r.lines() == ["staging.t, table row 2, column 'x': expectation x_given failed: expected a value in "
                         "every row, found (empty)"]


def test_schema_expectation_names_the_wrong_column() -> None:
    from pipelines.quality.suites import columns_match

    frame = pl.DataFrame({"a": ["1"], "b": [1.0]})
    (r,) = run_suite(frame, _suite(columns_match({"a": pl.Int64(), "b": pl.Float64(), "c": pl.String()}, "t")))
    assert not r.success
    assert r.sample_values == ("a: expected Int64, found String", "c: expected String, found (missing)")


def test_the_failure_path_gives_gx_only_the_rows_that_can_fail_with_the_same_results(monkeypatch) -> None:
    """A failed range or key check is evaluated row by row on the rows that can fail (not strictly
    inside the bounds; keys seen more than once), not on the whole table: same counts, rows, values."""
    from pipelines.quality import runner

    rng = random.Random(11)
    n = 20_000
    frame = pl.DataFrame({
        "value": [rng.choice([0.0, 1e-9, -1e-9, 5.0, 100.0, 100.0 + 1e-9, float("nan"), None, 42.5])
                  for _ in range(n)],
        "k1": [rng.choice("abcdefghij") for _ in range(n)], "k2": [rng.randrange(3_000) for _ in range(n)],
        "source_file": [f"f{i % 4}.csv" for i in range(n)], "source_row": [i // 4 + 2 for i in range(n)],
    })
    suite = _suite(
        Expectation("non_negative", "between", ">= 0", columns=("value",), min_value=0),
        Expectation("positive", "between", "> 0", columns=("value",), min_value=0, strict_min=True),
        Expectation("at_most_100", "between", "<= 100", columns=("value",), max_value=100),
        keys_unique("k1", "k2"))
    sizes = []
    real = runner._candidates

    def spy(part, e):
        out = real(part, e)
        sizes.append((e.name, out.height, part.height))
        return out

    monkeypatch.setattr(runner, "_candidates", spy)
    fast = run_suite(frame, suite)
    monkeypatch.setattr(runner, "_candidates", lambda part, e: part)  # GX sees every row, as before
    whole = run_suite(frame, suite)
    assert fast == whole
    assert [r.unexpected_count for r in fast] == [
        frame.filter(pl.col("value") < 0).height, frame.filter(pl.col("value") <= 0).height,
        frame.filter(pl.col("value") > 100, ~pl.col("value").is_nan()).height,  # NaN is missing to GX
        frame.filter(pl.struct("k1", "k2").is_duplicated()).height]
    assert all(0 < r.unexpected_count for r in fast)
    assert sizes and all(small < total for _, small, total in sizes)
