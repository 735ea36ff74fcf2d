"""Errors that reach the analyst. Each names where the problem is and what was expected."""

from dataclasses import dataclass


class CyberstatsError(Exception):
    """Base class: an error whose message is meant for the person running the pipeline."""


class ConfigError(CyberstatsError):
    """Settings or command-line options that cannot work."""


@dataclass
class InputError(CyberstatsError):
    """A source file that does not match what its reader expects.

    ``row`` is the 1-based row number as a spreadsheet or text editor shows it (title rows and the
    header count); ``column`` is the column name as published.
    """

    file: str
    expected: str
    row: int | None = None
    column: str | None = None
    found: str | None = None
    #: What to do about it (never cut, unlike ``found``).
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = f"{', '.join(where)}: expected {self.expected}"
        if self.found is not None:
            shown = self.found if len(self.found) <= 80 else self.found[:77] + "..."
            text += f", found {shown!r}"
        if self.hint:
            text += f"; {self.hint}"
        return text

    def __str__(self) -> str:
        return self.message


class PublicationError(CyberstatsError):
    """The published warehouse or site could not be replaced; the previous one is intact."""
