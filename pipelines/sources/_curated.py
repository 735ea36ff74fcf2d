"""Shared reading of the curated reference tables (offence crosswalk, Convention status).

A curated table is a CSV with an exact set of columns, some of which must be filled; every cell is
read as text (so codes keep their leading zeros) and stripped, empty cells as ''.
"""

from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.sources._tabular import ROW, read_csv_table, require_columns, require_text


def read_curated(path: Path, name: str, columns: tuple[str, ...], required: tuple[str, ...],
                 what: str) -> pl.DataFrame:
    """All ``columns`` as stripped text ('' when empty) plus ROW; ``required`` must be filled."""
    table = read_csv_table(path, name, marker=columns[1], expected_header=f"the {what} header ({', '.join(columns)})")
    df = table.frame
    require_columns(df, columns, name, table.header_row)
    for column in required:
        require_text(df, column, name)
    return df.with_columns(pl.col(c).fill_null("").str.strip_chars() for c in columns)


def refuse(rec: dict, name: str, column: str, expected: str) -> None:
    """Raise for the cell ``column`` of the record ``rec`` (a row of :func:`read_curated`)."""
    raise InputError(file=name, row=rec[ROW], column=column, expected=expected, found=rec[column] or "an empty cell")
