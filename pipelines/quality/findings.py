"""Outcomes of the domain checks (crosswalk, Convention, regional sums, rates, trends) as results of
the validation history.

The expectation suites are evaluated through Great Expectations (pipelines.quality.runner); the
domain contracts are evaluated by plain functions of pipelines.harmonise and pipelines.indicators.
Both end in ``quality.validation_results`` and on the quality page: a domain check states its
outcome as a :class:`Finding`, and :func:`finding_result` turns it into the same
:class:`~pipelines.quality.runner.Result` the suites produce (no file pointers: the examples are
table rows, given as messages).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from pipelines.quality.runner import SAMPLE_VALUES, Result
from pipelines.quality.suites import BLOCKING, WARN

#: Example lines kept per failing check (in the history and on the page).
EXAMPLES = 20


@dataclass(frozen=True)
class Finding:
    """What a domain check found: how many items it evaluated, how many failed, and examples."""

    passed: bool
    evaluated: int  # items checked (rows, segments, figures)
    failing: int  # items that broke the contract
    examples: tuple[str, ...] = ()  # one line per failing item (the first EXAMPLES)
    note: str | None = None

    @classmethod
    def from_rows(cls, bad: pl.DataFrame, evaluated: int, note: str | None = None,
                  passed: bool | None = None) -> "Finding":
        """A check whose failing items are the rows of ``bad``."""
        return cls(bad.height == 0 if passed is None else passed, evaluated, bad.height,
                   tuple(row_lines(bad)), note)

    @classmethod
    def from_problems(cls, problems: Sequence[str], evaluated: int, note: str | None = None) -> "Finding":
        """A check that lists its problems as sentences."""
        return cls(not problems, evaluated, len(problems), tuple(problems[:EXAMPLES]), note)


def _cell(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def row_lines(df: pl.DataFrame, limit: int = EXAMPLES) -> list[str]:
    """The first ``limit`` rows as ``column=value, ...`` lines (and how many more there are)."""
    lines = [", ".join(f"{c}={_cell(v)}" for c, v in row.items()) for row in df.head(limit).iter_rows(named=True)]
    if df.height > limit:
        lines.append(f"... and {df.height - limit:,} more")
    return lines


def finding_result(table: str, expectation: str, blocking: bool, description: str, finding: Finding) -> Result:
    """``finding`` as a result of the validation history (``table`` is ``schema.table``)."""
    return Result(table=table, expectation=expectation, column=None, severity=BLOCKING if blocking else WARN,
                  success=finding.passed, element_count=finding.evaluated, unexpected_count=finding.failing,
                  sample_values=finding.examples[:SAMPLE_VALUES], description=description, note=finding.note,
                  pointer=False, messages=() if finding.passed else tuple(
                      f"{table}: expectation {expectation} failed: {line}" for line in finding.examples))
