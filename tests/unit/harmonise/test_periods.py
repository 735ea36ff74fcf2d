from datetime import date

import pytest

from pipelines.harmonise.periods import parse_period, revision_from_label


@pytest.mark.parametrize("label,start,end,kind", [
    ("calendar year 2024", date(2024, 1, 1), date(2024, 12, 31), "calendar_year"),
    ("calendar year 2021 (ACCC estimate incl. unreported)", date(2021, 1, 1), date(2021, 12, 31), "calendar_year"),
    ("2019", date(2019, 1, 1), date(2019, 12, 31), "calendar_year"),
    ("FY2023-24 (1 Jul 2023-30 Jun 2024)", date(2023, 7, 1), date(2024, 6, 30), "fiscal_year"),
    ("financial year 2021/22 (Apr 2021-Mar 2022)", date(2021, 4, 1), date(2022, 3, 31), "fiscal_year"),
    ("year ending March 2025 (CSEW)", date(2024, 4, 1), date(2025, 3, 31), "fiscal_year"),
    ("year ending December 2022 (CSEW)", date(2022, 1, 1), date(2022, 12, 31), "calendar_year"),
    ("January-November 2022", date(2022, 1, 1), date(2022, 11, 30), "partial_year"),
    ("January-October 2025 (approx.)", date(2025, 1, 1), date(2025, 10, 31), "partial_year"),
    ("first half 2025 (Jan-Jun)", date(2025, 1, 1), date(2025, 6, 30), "partial_year"),
    ("Q1 2024 (Jan-Mar)", date(2024, 1, 1), date(2024, 3, 31), "partial_year"),
    ("cumulative 1 Mar 2022 - 30 Nov 2024 (33 months)", date(2022, 3, 1), date(2024, 11, 30), "cumulative"),
    ("cumulative 22 Nov 2024 - 16 Oct 2025", date(2024, 11, 22), date(2025, 10, 16), "cumulative"),
    ("12 months to survey (mid/late 2024)", None, None, "survey_recall_year"),
])
def test_labels(label, start, end, kind) -> None:
    p = parse_period(label)
    assert (p.start, p.end, p.period_type) == (start, end, kind)


def test_fiscal_year_is_twelve_months_and_unknown_forms_are_none() -> None:
    assert parse_period("FY2023-24 (1 Jul 2023-30 Jun 2024)").months == 12
    assert parse_period("sometime in 2024") is None
    assert parse_period("year ending Smarch 2024") is None


@pytest.mark.parametrize("label,rev", [
    ("calendar year 2019 (as first published)", "first_published"),
    ("calendar year 2020 (restated in 2021 release)", "restated"),
    ("calendar year 2021 (as cited in 2023 report)", "restated"),
    ("calendar year 2024 (provisional)", "provisional"),
    ("calendar year 2024 (final)", "final"),
    ("calendar year 2024", "as_published"),
])
def test_revision_words(label, rev) -> None:
    assert revision_from_label(label) == rev
