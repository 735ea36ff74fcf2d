"""Reconciliation: rows loaded from a file = data rows in the file, counted independently.

The count here does not use the readers' parsing path: CSV is counted with Python's ``csv``
module, xlsx with openpyxl. Both find the header row by the same marker cell and count the rows
below it that have at least one non-empty cell.
"""

import csv
import io
from pathlib import Path

import polars as pl

from pipelines.sources._tabular import HEADER_SEARCH_ROWS, decode_text


def count_data_rows(path: Path, name: str, marker: str) -> int:
    """Data rows under the header (the first row with a ``marker`` cell) of a CSV or xlsx file."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(path)
    else:
        text, _ = decode_text(path.read_bytes(), name)
        rows = csv.reader(io.StringIO(text, newline=""))
    wanted = marker.casefold()
    header_seen = False
    count = 0
    for i, row in enumerate(rows):
        cells = ["" if c is None else str(c).strip().lstrip("\ufeff") for c in row]
        if not header_seen:
            if i >= HEADER_SEARCH_ROWS:
                return 0
            header_seen = any(c.casefold() == wanted for c in cells)
            continue
        if any(cells):
            count += 1
    return count


def _xlsx_rows(path: Path):
    import openpyxl  # local: only needed for xlsx reconciliation

    # A file object: the stored copies are named by their hash and have no .xlsx suffix.
    with path.open("rb") as fh:
        yield from _workbook_rows(openpyxl.load_workbook(fh, read_only=True, data_only=True))


def _workbook_rows(wb):
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()
        yield from ws.iter_rows(values_only=True)
    finally:
        wb.close()


def count_value_rows(path: Path, name: str, marker: str = "") -> int:
    """Rows of a Eurostat file (TSV bulk or SDMX-CSV) holding at least one value, not ``:``: a series whose
    every year is missing gives no observation, so it is no data row (``row_count = "value_rows"``)."""
    text, _ = decode_text(path.read_bytes(), name)
    if text.startswith("DATAFLOW"):
        records = [rec for rec in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in rec)]
        header = [c.strip() for c in records[0]] if records else []
        if "OBS_VALUE" not in header:
            return 0
        at = header.index("OBS_VALUE")
        return sum(1 for rec in records[1:] if len(rec) > at and rec[at].strip() not in ("", ":"))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[1:]
    return sum(1 for ln in lines if any(c.strip() and not c.strip().startswith(":") for c in ln.split("\t")[1:]))


#: How a source's data rows are counted (SourceSpec.row_count): rows under the marker header, or rows with a value.
COUNTERS = {"marker": count_data_rows, "value_rows": count_value_rows}


def reconcile_rows(staged: pl.DataFrame, files: list[tuple[str, Path]], marker: str,
                   row_count: str = "marker") -> pl.DataFrame:
    """Per file: rows in the file, distinct source rows loaded, and whether they match."""
    count = COUNTERS[row_count]
    loaded = (staged.group_by("source_file").agg(rows_loaded=pl.col("source_row").n_unique().cast(pl.Int64))
              if staged.height else pl.DataFrame(schema={"source_file": pl.String, "rows_loaded": pl.Int64}))
    counted = pl.DataFrame(
        {"source_file": [n for n, _ in files], "rows_in_file": [count(p, n, marker) for n, p in files]},
        schema={"source_file": pl.String, "rows_in_file": pl.Int64},
    )
    return (counted.join(loaded, on="source_file", how="left")
            .with_columns(pl.col("rows_loaded").fill_null(0))
            .with_columns(rows_match=pl.col("rows_loaded") == pl.col("rows_in_file"))
            .sort("source_file"))
