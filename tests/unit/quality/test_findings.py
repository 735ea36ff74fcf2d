"""Domain-check findings as validation results (what the history and the quality page show)."""

import polars as pl

from pipelines.quality.findings import EXAMPLES, Finding, finding_result, row_lines


def test_failing_rows_become_a_failed_result_with_examples() -> None:
    bad = pl.DataFrame({"region_code": ["002", "150"], "year": [2020, 2021], "loss_usd_nominal": [1.5, None]})
    finding = Finding.from_rows(bad, evaluated=40)
    assert (finding.passed, finding.evaluated, finding.failing) == (False, 40, 2)
    result = finding_result("marts.regional_losses", "regional_sums_equal_sum_of_parts", True,
                            "the world equal to the sum of its regions", finding)
    assert (result.severity, result.success, result.element_count, result.unexpected_count) == (
        "blocking", False, 40, 2)
    assert result.column is None and result.files == () and result.gx_expectation is None
    assert result.lines() == [
        "marts.regional_losses: expectation regional_sums_equal_sum_of_parts failed: "
        "region_code=002, year=2020, loss_usd_nominal=1.5",
        "marts.regional_losses: expectation regional_sums_equal_sum_of_parts failed: "
        "region_code=150, year=2021, loss_usd_nominal=NULL"]


def test_passing_and_warning_findings() -> None:
    ok = finding_result("marts.trends", "trends_respect_breaks_and_minimums", True, "x",
                        Finding.from_problems([], 12))
    assert (ok.success, ok.unexpected_count, ok.lines()) == (True, 0, [])
    warn = finding_result("intermediate.t", "national_totals_equal_sum_of_parts", False, "x",
                          Finding.from_problems(["2018 total 10 != parts 9"], 3, note="publisher's"))
    assert (warn.severity, warn.success, warn.note) == ("warn", False, "publisher's")
    # A tolerance check may pass with some items outside it: the result says passed, with the count.
    tolerated = Finding(True, 100, 3, ("a",), "3 of 100 outside; at most 5% allowed")
    assert finding_result("marts.r", "rates_match_published", True, "x", tolerated).lines() == []


def test_examples_are_capped_and_say_how_many_more() -> None:
    lines = row_lines(pl.DataFrame({"i": list(range(EXAMPLES + 5))}))
    assert len(lines) == EXAMPLES + 1 and lines[-1] == "... and 5 more"
