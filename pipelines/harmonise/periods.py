"""Reference periods as publishers print them -> start date, end date, type.

The national figures template lets a unit fill ``period_start``/``period_end`` itself; when it does
not, these label forms are understood (anything else is an error asking for explicit dates):

=====================================================  ==========================================
label                                                  period
=====================================================  ==========================================
``calendar year 2024`` (any parenthetical after it)    2024-01-01 .. 2024-12-31, calendar_year
``2024``                                               2024-01-01 .. 2024-12-31, calendar_year
``FY2023-24 (1 Jul 2023-30 Jun 2024)``                 the dates in brackets, fiscal_year
``financial year 2021/22 (Apr 2021-Mar 2022)``         2021-04-01 .. 2022-03-31, fiscal_year
``year ending March 2025``                             2024-04-01 .. 2025-03-31, fiscal_year
``year ending December 2022``                          2022-01-01 .. 2022-12-31, calendar_year
``January-November 2022``, ``first half 2025``, ``Q1``  those months, partial_year
``cumulative 1 Mar 2022 - 30 Nov 2024 (33 months)``    those dates, cumulative
``12 months to survey (2023)``                         no dates, survey_recall_year
=====================================================  ==========================================
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = {name.casefold(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.casefold(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9


@dataclass(frozen=True)
class Period:
    start: date | None
    end: date | None
    period_type: str

    @property
    def months(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1


def _month(text: str) -> int:
    return MONTHS[text.strip().rstrip(".").casefold()]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _dmy(text: str) -> date:
    d, m, y = text.split()
    return date(int(y), _month(m), int(d))


_CAL = re.compile(r"^(?:calendar year\s+)?(\d{4})(?:\s*\(.*\))?$", re.I)
_FY_BRACKET = re.compile(
    r"^FY\s?\d{4}-\d{2,4}\s*\((\d{1,2} \w+ \d{4})\s*-\s*(\d{1,2} \w+ \d{4})\)$", re.I)
_FIN_YEAR = re.compile(r"^financial year \d{4}/\d{2}\s*\((\w+) (\d{4})\s*-\s*(\w+) (\d{4})\)$", re.I)
_YEAR_ENDING = re.compile(r"^year ending (\w+) (\d{4})(?:\s*\(.*\))?$", re.I)
_MONTH_RANGE = re.compile(r"^(\w+)\s*-\s*(\w+) (\d{4})(?:\s*\(.*\))?$", re.I)
_HALF = re.compile(r"^(first|second) half (\d{4})(?:\s*\(.*\))?$", re.I)
_QUARTER = re.compile(r"^Q([1-4]) (\d{4})(?:\s*\(.*\))?$", re.I)
_CUMULATIVE = re.compile(r"^cumulative (\d{1,2} \w+ \d{4})\s*-\s*(\d{1,2} \w+ \d{4})(?:\s*\(.*\))?$", re.I)
_SURVEY = re.compile(r"^12 months to survey\b", re.I)


def parse_period(label: str) -> Period | None:
    """Understand a published period label; ``None`` if the form is not one listed above."""
    text = " ".join(label.split())
    try:
        if m := _CAL.match(text):
            y = int(m.group(1))
            return Period(date(y, 1, 1), date(y, 12, 31), "calendar_year")
        if m := _FY_BRACKET.match(text):
            return Period(_dmy(m.group(1)), _dmy(m.group(2)), "fiscal_year")
        if m := _FIN_YEAR.match(text):
            start = date(int(m.group(2)), _month(m.group(1)), 1)
            return Period(start, _month_end(int(m.group(4)), _month(m.group(3))), "fiscal_year")
        if m := _YEAR_ENDING.match(text):
            end_month, end_year = _month(m.group(1)), int(m.group(2))
            end = _month_end(end_year, end_month)
            start = date(end_year - 1, end_month + 1, 1) if end_month < 12 else date(end_year, 1, 1)
            return Period(start, end, "calendar_year" if end_month == 12 else "fiscal_year")
        if m := _HALF.match(text):
            y = int(m.group(2))
            first = m.group(1).casefold() == "first"
            return Period(date(y, 1 if first else 7, 1), _month_end(y, 6 if first else 12), "partial_year")
        if m := _QUARTER.match(text):
            q, y = int(m.group(1)), int(m.group(2))
            return Period(date(y, 3 * q - 2, 1), _month_end(y, 3 * q), "partial_year")
        if m := _CUMULATIVE.match(text):
            return Period(_dmy(m.group(1)), _dmy(m.group(2)), "cumulative")
        if m := _MONTH_RANGE.match(text):
            y = int(m.group(3))
            start, end = date(y, _month(m.group(1)), 1), _month_end(y, _month(m.group(2)))
            kind = "calendar_year" if (start.month, end.month) == (1, 12) else "partial_year"
            return Period(start, end, kind)
        if _SURVEY.match(text):
            return Period(None, None, "survey_recall_year")
    except (KeyError, ValueError):
        return None
    return None


_REVISION_WORDS = (
    (re.compile(r"\bas first published\b", re.I), "first_published"),
    (re.compile(r"\brestated\b|\bas cited in\b", re.I), "restated"),
    (re.compile(r"\bprovisional\b", re.I), "provisional"),
    (re.compile(r"\bfinal\b", re.I), "final"),
)


def revision_from_label(label: str) -> str:
    """Which vintage a label says it is (``as_published`` when it does not say)."""
    for pattern, revision in _REVISION_WORDS:
        if pattern.search(label):
            return revision
    return "as_published"
