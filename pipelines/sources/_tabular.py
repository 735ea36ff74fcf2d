"""Shared low-level reading for publisher files: text decoding, header search, xlsx, numbers.

Every function takes ``name``: the file's path relative to the data directory, used in errors.
Row numbers are 1-based and count every row a spreadsheet shows (title rows and header included).
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.errors import InputError

ROW = "__row"  # column added to every frame read here: the 1-based row in the file

#: Limits for xlsx containers (zip archives): a guard against zip bombs and garbage.
XLSX_MAX_UNCOMPRESSED_BYTES = 2 * 1024**3
XLSX_MAX_ENTRY_RATIO = 200
XLSX_MAX_ENTRIES = 10_000
HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class Table:
    """Rows of a publisher table as strings, plus what preceded the header."""

    frame: pl.DataFrame  # all columns String, plus ROW (Int64)
    title_rows: list[list[str]]  # non-empty cells of each row above the header
    header_row: int  # 1-based row number of the header
    encoding: str | None = None  # for text files: utf-8 or cp1252


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode publisher text: UTF-8 (with or without BOM), else Windows-1252 (Excel-saved CSV)."""
    if b"\x00" in data[:4096]:
        raise InputError(file=name, expected="a text (CSV) file", found="binary content (NUL bytes)")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise InputError(
            file=name,
            expected="text encoded as UTF-8 or Windows-1252",
            found=f"undecodable byte 0x{data[exc.start]:02x} at offset {exc.start}",
        ) from exc


def _records(text: str, limit: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    out: list[list[str]] = []
    for i, rec in enumerate(reader):
        if i >= limit:
            break
        out.append(rec)
    return out


#: Delimiters a CSV saved with another locale's settings may use instead of commas.
OTHER_DELIMITERS = (";", "\t", "|")


def _find_header(records: list[list[str]], marker: str, name: str, expected_header: str, text: bool = True) -> int:
    """Index of the first record with a ``marker`` cell; else an error saying what the file holds
    (for text files: a header split by another delimiter than the comma, or the first row)."""
    wanted = marker.strip().casefold()
    for i, rec in enumerate(records):
        if any((cell or "").strip().lstrip("\ufeff").casefold() == wanted for cell in rec):
            return i
    expected = (f"{expected_header}: a {'comma-delimited ' if text else ''}header row with a {marker!r} cell "
                f"within the first {HEADER_SEARCH_ROWS} rows")
    # The header may be there, split by another delimiter (a CSV saved with ';' as list separator).
    for i, rec in enumerate(records if text else ()):
        line = ",".join(rec)
        for delimiter in OTHER_DELIMITERS:
            cells = [c.strip().strip('"').lstrip("\ufeff").casefold() for c in line.split(delimiter)]
            if len(cells) > 1 and wanted in cells:
                shown = "TAB" if delimiter == "\t" else delimiter
                raise InputError(file=name, row=i + 1, expected=expected,
                                 found=f"a header delimited by {shown!r}: {line.strip()}")
    first = next((",".join(rec).strip() for rec in records if any((c or "").strip() for c in rec)), None)
    raise InputError(file=name, expected=expected,
                     found=f"no such row (the first row reads {first})" if first else "no such row")


def read_csv_table(path: Path, name: str, marker: str, expected_header: str) -> Table:
    """Read a CSV whose header is the first row containing a ``marker`` cell."""
    data = path.read_bytes()
    if not data.strip():
        raise InputError(file=name, expected=expected_header, found="an empty file")
    text, encoding = decode_text(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    head = _records(text, HEADER_SEARCH_ROWS)
    k = _find_header(head, marker, name, expected_header)
    # Position of the header record in the text: re-read records up to k with offsets.
    lines_before = _physical_lines_before_record(text, k)
    body = text.split("\n", lines_before)[-1] if lines_before else text
    try:
        frame = pl.read_csv(
            io.StringIO(body),
            infer_schema_length=0,
            has_header=True,
            raise_if_empty=False,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError as exc:
        _raise_ragged(text, k, name)
        raise InputError(file=name, expected=f"well-formed CSV rows under {expected_header}",
                         found=str(exc).splitlines()[0]) from exc
    frame = _strip_header(frame)
    frame = frame.with_columns(pl.int_range(k + 2, k + 2 + frame.height, dtype=pl.Int64).alias(ROW))
    titles = [[c.strip() for c in rec if c and c.strip()] for rec in head[:k]]
    return Table(frame=frame, title_rows=titles, header_row=k + 1, encoding=encoding)


def _raise_ragged(text: str, header_index: int, name: str) -> None:
    """Name the first record whose field count differs from the header's (if there is one)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    width = None
    for i, rec in enumerate(reader):
        if i < header_index:
            continue
        if i == header_index:
            width = len(rec)
            continue
        if rec and len(rec) != width:
            raise InputError(file=name, row=i + 1, expected=f"{width} fields as in the header (row {header_index + 1})",
                             found=f"{len(rec)} fields")


def _physical_lines_before_record(text: str, record_index: int) -> int:
    """Number of physical lines that precede CSV record ``record_index`` (quoted newlines count)."""
    if record_index == 0:
        return 0
    reader = csv.reader(io.StringIO(text, newline=""))
    for _ in range(record_index):
        next(reader)
    return reader.line_num


def _strip_header(frame: pl.DataFrame) -> pl.DataFrame:
    renames = {c: c.strip().lstrip("\ufeff") for c in frame.columns if c != c.strip().lstrip("\ufeff")}
    return frame.rename(renames) if renames else frame


def check_xlsx_container(path: Path, name: str) -> None:
    """Refuse files that are not xlsx zip containers, or whose entries would inflate absurdly."""
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic != b"PK\x03\x04":
        raise InputError(file=name, expected="an .xlsx workbook (a zip container)",
                         found="a file that is not a zip archive")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(file=name, expected="a complete .xlsx workbook",
                         found=f"a damaged zip container ({exc})") from exc
    if len(infos) > XLSX_MAX_ENTRIES:
        raise InputError(file=name, expected=f"at most {XLSX_MAX_ENTRIES} zip entries",
                         found=f"{len(infos)} entries")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 50 * 1024**2 and ratio > XLSX_MAX_ENTRY_RATIO:
            raise InputError(
                file=name,
                expected=f"zip entries that inflate at most {XLSX_MAX_ENTRY_RATIO}x",
                found=f"entry {info.filename!r} inflating {ratio:.0f}x to {info.file_size:,} bytes",
            )
    if total > XLSX_MAX_UNCOMPRESSED_BYTES:
        raise InputError(file=name, expected=f"at most {XLSX_MAX_UNCOMPRESSED_BYTES:,} bytes unpacked",
                         found=f"{total:,} bytes")
    if not any(i.filename == "xl/workbook.xml" for i in infos):
        raise InputError(file=name, expected="an .xlsx workbook (xl/workbook.xml inside)",
                         found="a zip archive without a workbook")


def _xlsx_head(fastexcel, path: Path, name: str, n_rows: int) -> tuple[object, list[list[str]]]:
    """(the workbook reader, the first ``n_rows`` rows of its first sheet as text cells)."""
    reader = fastexcel.read_excel(path)
    if not reader.sheet_names:
        raise InputError(file=name, expected="a workbook with a sheet", found="no sheets")
    head = reader.load_sheet(0, header_row=None, n_rows=n_rows, dtypes="string")
    return reader, [[("" if v is None else str(v)) for v in row.values()] for row in head.to_arrow().to_pylist()]


def read_xlsx_table(
    path: Path, name: str, marker: str, expected_header: str, numeric_columns: tuple[str, ...] = ()
) -> Table:
    """Read the first sheet of an xlsx whose header is the first row containing ``marker``.

    Text columns come back as strings. ``numeric_columns`` come back as Float64 read from the cell
    values themselves: calamine's float-to-string conversion drops digits (1144.10662352425 reads
    as '1144.106623524'), so numbers never pass through text. A numeric column whose cell is text
    raises an error naming the row.
    """
    import fastexcel  # local: only xlsx inputs need it

    check_xlsx_container(path, name)
    try:
        reader, head_rows = _xlsx_head(fastexcel, path, name, HEADER_SEARCH_ROWS)
        k = _find_header(head_rows, marker, name, expected_header, text=False)
        text_sheet = reader.load_sheet(0, header_row=k, dtypes="string")
        frame = pl.DataFrame(text_sheet.to_arrow())
        frame = _strip_header(frame)
        present = [c for c in numeric_columns if c in frame.columns]
        if present:
            original = {c.strip(): c for c in text_sheet.to_arrow().column_names}
            num_sheet = reader.load_sheet(
                0, header_row=k, use_columns=[original[c] for c in present],
                dtypes={original[c]: "float" for c in present},
            )
            numbers = _strip_header(pl.DataFrame(num_sheet.to_arrow()))
    except InputError:
        raise
    except Exception as exc:  # fastexcel raises its own exception hierarchy
        raise InputError(file=name, expected="a readable .xlsx workbook",
                         found=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from exc
    frame = frame.with_columns(pl.int_range(k + 2, k + 2 + frame.height, dtype=pl.Int64).alias(ROW))
    for col in present:
        text_col = frame[col]
        num_col = numbers[col].cast(pl.Float64)
        bad = text_col.is_not_null() & (text_col.str.strip_chars() != "") & num_col.is_null()
        if bad.any():
            i = bad.arg_true()[0]
            raise InputError(file=name, row=int(frame[ROW][i]), column=col, expected="a number",
                             found=text_col[i])
        frame = frame.with_columns(num_col.alias(col))
    titles = [[c.strip() for c in rec if c and c.strip()] for rec in head_rows[:k]]
    return Table(frame=frame, title_rows=titles, header_row=k + 1)


def head_rows(path: Path, name: str, limit: int = HEADER_SEARCH_ROWS) -> list[list[str]]:
    """The first ``limit`` rows of a CSV, or of an xlsx workbook's first sheet, as stripped text cells:
    where a header (and any title rows above it) is looked for. The xlsx container is checked first."""
    suffix = path.suffix.lower() if path.suffix else Path(name).suffix.lower()
    if suffix == ".xlsx":
        import fastexcel  # local: only xlsx inputs need it

        check_xlsx_container(path, name)
        try:
            _, rows = _xlsx_head(fastexcel, path, name, limit)
        except InputError:
            raise
        except Exception as exc:  # fastexcel raises its own exception hierarchy
            raise InputError(file=name, expected="a readable .xlsx workbook",
                             found=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from exc
    elif suffix in (".csv", ".txt"):
        with path.open("rb") as fh:
            data = fh.read(1 << 20)  # a header lies within the first MiB
        if len(data) == 1 << 20 and b"\n" in data:  # never cut a character (or a row) in two
            data = data[: data.rindex(b"\n") + 1]
        if not data.strip():
            raise InputError(file=name, expected="a header row", found="an empty file")
        text, _ = decode_text(data, name)
        rows = _records(text.replace("\r\n", "\n").replace("\r", "\n"), limit)
    else:
        raise InputError(file=name, expected="a .csv or .xlsx file", found=f"a {suffix or 'suffix-less'} file")
    return [[(cell or "").strip().lstrip("\ufeff").strip() for cell in row] for row in rows]


def read_table(path: Path, name: str, marker: str, expected_header: str,
               numeric_columns: tuple[str, ...] = ()) -> Table:
    """Dispatch on the file suffix (.xlsx or .csv)."""
    suffix = path.suffix.lower() if path.suffix else Path(name).suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx_table(path, name, marker, expected_header, numeric_columns)
    if suffix in (".csv", ".txt"):
        return read_csv_table(path, name, marker, expected_header)
    raise InputError(file=name, expected="a .csv or .xlsx file", found=f"a {suffix or 'suffix-less'} file")


def require_columns(frame: pl.DataFrame, required: tuple[str, ...], name: str, header_row: int,
                    allow_extra: bool = False) -> None:
    """Raise if a required column is missing (or, unless allowed, an unknown one is present)."""
    cols = [c for c in frame.columns if c != ROW]
    missing = [c for c in required if c not in cols]
    if missing:
        lowered = {c.casefold(): c for c in cols}
        hint = [lowered[m.casefold()] for m in missing if m.casefold() in lowered]
        raise InputError(
            file=name, row=header_row, column=missing[0],
            expected=f"columns {', '.join(required)}",
            found=(f"column named {hint[0]!r}" if hint else f"columns {', '.join(cols)}"),
        )
    if not allow_extra:
        extra = [c for c in cols if c not in required]
        if extra:
            raise InputError(file=name, row=header_row, column=extra[0],
                             expected=f"only the columns {', '.join(required)}",
                             found=f"extra column {extra[0]!r}")


def to_float(frame: pl.DataFrame, column: str, name: str, *, required: bool) -> pl.Series:
    """Parse a column of numbers; the first unparseable cell raises with its row and column."""
    col = frame[column]
    if col.dtype == pl.Float64:
        parsed = col
    else:
        text = col.cast(pl.String).str.strip_chars()
        parsed = text.cast(pl.Float64, strict=False)
        bad = text.is_not_null() & (text != "") & parsed.is_null()
        if bad.any():
            i = bad.arg_true()[0]
            raise InputError(file=name, row=int(frame[ROW][i]), column=column,
                             expected="a number", found=col[i])
    if required and parsed.is_null().any():
        i = parsed.is_null().arg_true()[0]
        raise InputError(file=name, row=int(frame[ROW][i]), column=column,
                         expected="a number", found="an empty cell")
    nonfinite = parsed.is_not_null() & ~parsed.is_finite()
    if nonfinite.any():
        i = nonfinite.arg_true()[0]
        raise InputError(file=name, row=int(frame[ROW][i]), column=column,
                         expected="a finite number", found=str(parsed[i]))
    return parsed


def to_year(frame: pl.DataFrame, column: str, name: str) -> pl.Series:
    """Parse a column of whole years (``2019`` or ``2019.0``); anything else raises."""
    values = to_float(frame, column, name, required=True)
    frac = values != values.floor()
    if frac.any():
        i = frac.arg_true()[0]
        raise InputError(file=name, row=int(frame[ROW][i]), column=column,
                         expected="a whole year", found=frame[column].cast(pl.String)[i])
    return values.cast(pl.Int32)


def to_date(frame: pl.DataFrame, column: str, name: str) -> pl.Series:
    """Parse a column of ISO dates (YYYY-MM-DD); the first unparseable cell raises."""
    dates = frame[column].str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
    if dates.is_null().any():
        i = dates.is_null().arg_true()[0]
        raise InputError(file=name, row=int(frame[ROW][i]), column=column, expected="a date YYYY-MM-DD",
                         found=frame[column][i])
    return dates


def require_text(frame: pl.DataFrame, column: str, name: str) -> None:
    """Raise at the first empty cell of a text column that must be filled."""
    col = frame[column]
    empty = col.is_null() | (col.str.strip_chars() == "")
    if empty.any():
        i = empty.arg_true()[0]
        raise InputError(file=name, row=int(frame[ROW][i]), column=column,
                         expected="a non-empty value", found="an empty cell")


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def find_dmy_date(title_rows: list[list[str]]) -> str | None:
    """The first DD/MM/YYYY cell in the title rows, as ISO ``YYYY-MM-DD``."""
    for row in title_rows:
        for cell in row:
            m = _DMY.match(cell.strip())
            if m:
                d, mth, y = (int(x) for x in m.groups())
                if 1 <= mth <= 12 and 1 <= d <= 31:
                    return f"{y:04d}-{mth:02d}-{d:02d}"
    return None
