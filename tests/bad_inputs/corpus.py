"""The bad-input corpus: every case is built at test time from a real file.

Real files used: the bundled curated extracts under ``data/sources`` (UNODC 2024 and 2022, FBI IC3,
national figures, NCRB) and the real excerpts in ``tests/fixtures`` (UNODC 2024 xlsx; the 2022
Excel-saved cp1252/CRLF CSV). Each case takes one, breaks it the way files arrive broken, and
states the behaviour decided for it:

* ``exit_code`` 1 (the run fails, names file, row, column and expectation, publishes nothing and
  quarantines the file, which stays byte-for-byte as it was), or
* ``exit_code`` 0 for inputs that are odd but valid (BOM, CRLF, cp1252, unicode and spaces in
  paths, formula-looking text in a CSV): they load, with the same numbers as the clean file.
"""

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl

from tests.conftest import BUNDLED, FIXTURES

UNODC_2024 = "sources/unodc_cts/2024-05-16/data_cts_corruption_and_economic_crime_cyber.csv"
UNODC_XLSX = FIXTURES / "unodc_2024_excerpt.xlsx"
UNODC_2022_CP1252 = FIXTURES / "unodc_2022_cp1252_crlf_excerpt.csv"
IC3_COUNTS = "sources/fbi_ic3/reports-2015-2025/ic3_crime_type_counts.csv"
IC3_TOTALS = "sources/fbi_ic3/reports-2015-2025/ic3_annual_totals.csv"
IC3_LOSSES = "sources/fbi_ic3/reports-2015-2025/ic3_crime_type_losses.csv"
NATIONAL = "sources/national_figures/2026-11-22/national_headline_figures.csv"
NCRB_2018 = "sources/ncrb/crime-in-india-2018/cyber_crimes_state_2016_2018.csv"
#: UNODC CSVs: two title rows, the header on row 3; data row i (0-based) is spreadsheet row i + 4.
UNODC_FIRST_DATA_ROW = 4
UNODC_COLUMNS = ("Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category", "Sex", "Age",
                 "Year", "Unit of measurement", "VALUE", "Source")


@dataclass(frozen=True)
class Case:
    id: str
    source: str
    target: str  # path in the data directory the bad file is written to (an existing file is replaced)
    make: Callable[[], bytes]
    exit_code: int
    fragments: tuple[str, ...]  # what the messages must say (file, row, column, expectation)
    validate: bool = False  # also check the file with `cyberstats validate`


# --- building blocks ---------------------------------------------------------------------------

def bundled(relpath: str) -> bytes:
    return (BUNDLED / relpath).read_bytes()


def _rows(data: bytes, encoding: str = "utf-8") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def _write(rows: list[list[str]], terminator: str = "\n", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=terminator).writerows(rows)
    return out.getvalue().encode(encoding)


def unodc_with(data_row: int, cells: dict[str, str]) -> Callable[[], bytes]:
    """The bundled UNODC 2024 extract with cells of one data row replaced (by column name)."""
    def make() -> bytes:
        rows = _rows(bundled(UNODC_2024))
        row = rows[UNODC_FIRST_DATA_ROW - 1 + data_row]
        for column, value in cells.items():
            row[UNODC_COLUMNS.index(column)] = value
        return _write(rows)
    return make


def unodc_rate_row() -> int:
    """Index of the first data row of the UNODC extract that is a rate (not a count)."""
    rows = _rows(bundled(UNODC_2024))[UNODC_FIRST_DATA_ROW - 1:]
    return next(i for i, r in enumerate(rows) if r[10].startswith("Rate"))


def csv_transform(relpath: str, change: Callable[[list[list[str]]], list[list[str]]]) -> Callable[[], bytes]:
    def make() -> bytes:
        return _write(change(_rows(bundled(relpath))))
    return make


def drop_column(name: str) -> Callable[[list[list[str]]], list[list[str]]]:
    def change(rows: list[list[str]]) -> list[list[str]]:
        i = rows[2].index(name)
        return rows[:2] + [[c for j, c in enumerate(r) if j != i] for r in rows[2:]]
    return change


def set_cell(row: int, column: str, value: str, header_row: int = 1):
    """Set one cell: ``row`` is the spreadsheet row (1-based), ``column`` the header name."""
    def change(rows: list[list[str]]) -> list[list[str]]:
        rows[row - 1][rows[header_row - 1].index(column)] = value
        return rows
    return change


def xlsx_with_formula() -> bytes:
    """The real 2024 xlsx excerpt with a formula (no cached value, as openpyxl writes it) in VALUE."""
    wb = openpyxl.load_workbook(UNODC_XLSX)
    ws = wb.active
    ws.cell(row=5, column=UNODC_COLUMNS.index("VALUE") + 1, value="=SUM(L4:L4)*2")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    """The real xlsx excerpt plus one entry of 64 MiB of zeros (deflates about 1000x)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(UNODC_XLSX.read_bytes())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("xl/media/padding.bin", b"\0" * (64 * 2**20))
    return out.getvalue()


def duplicate_row(relpath: str, row: int) -> Callable[[], bytes]:
    """``relpath`` with spreadsheet row ``row`` repeated right after itself."""
    def make() -> bytes:
        rows = _rows(bundled(relpath))
        return _write([*rows[:row], rows[row - 1], *rows[row:]])
    return make


def contradicting_row(relpath: str, row: int, column: str, value: str) -> Callable[[], bytes]:
    """``relpath`` with spreadsheet row ``row`` repeated right after itself, ``column`` set to ``value``."""
    def make() -> bytes:
        rows = _rows(bundled(relpath))
        copy = list(rows[row - 1])
        copy[rows[0].index(column)] = value
        return _write([*rows[:row], copy, *rows[row:]])
    return make


def with_delimiter(relpath: str, delimiter: str) -> Callable[[], bytes]:
    """``relpath`` saved with another list separator (as a spreadsheet set to another locale does)."""
    def make() -> bytes:
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(_rows(bundled(relpath)))
        return out.getvalue().encode("utf-8")
    return make


def long_title_block() -> bytes:
    rows = _rows(bundled(UNODC_2024))
    return _write([["UNODC"]] + [[f"note {i}"] for i in range(40)] + rows[2:])


def with_ragged_row() -> bytes:
    lines = bundled(UNODC_2024).decode("utf-8").split("\n")
    lines[5] += ",surplus"
    return "\n".join(lines).encode("utf-8")


def undecodable() -> bytes:
    data = bundled(UNODC_2024)
    i = data.index(b"Armenia")
    return data[:i] + b"\x81" + data[i:]


UNODC_DIR = "sources/unodc_cts/2024-05-16/"
IC3_DIR = "sources/fbi_ic3/reports-2015-2025/"
NATIONAL_DIR = "sources/national_figures/2026-11-22/"
NCRB_DIR = "sources/ncrb/crime-in-india-2018/"
R6 = UNODC_FIRST_DATA_ROW + 2  # spreadsheet row of data row 2
READABLE = "(expectation file_readable)"


def bad(case_id: str, source: str, folder: str, suffix: str, make: Callable[[], bytes], *fragments: str,
        validate: bool = False) -> Case:
    """A failing case: a new file ``<folder><case_id><suffix>`` next to the good ones; ``{file}`` in a
    fragment stands for its path in the data directory."""
    target = f"{folder}{case_id}{suffix}"
    return Case(case_id, source, target, make, 1, tuple(f.replace("{file}", target) for f in fragments), validate)


def expectation_of(case: Case) -> str:
    """The expectation a failing case names (file_readable when the reader refuses the file)."""
    return re.search(r"expectation (\w+)", " ".join(case.fragments)).group(1)


CASES: list[Case] = [
    # --- containers and encodings -----------------------------------------------------------------
    bad("xlsx_truncated", "unodc_cts", UNODC_DIR, ".xlsx",
        lambda: UNODC_XLSX.read_bytes()[: UNODC_XLSX.stat().st_size * 3 // 5],
        "{file}: expected a complete .xlsx workbook", READABLE, validate=True),
    bad("xlsx_not_a_zip", "unodc_cts", UNODC_DIR, ".xlsx", lambda: bundled(UNODC_2024),
        "{file}: expected an .xlsx workbook (a zip container), found 'a file that is not a zip archive'", READABLE,
        validate=True),
    bad("xlsx_zip_bomb", "unodc_cts", UNODC_DIR, ".xlsx", zip_bomb,
        "{file}: expected zip entries that inflate at most 200x", "'xl/media/padding.bin'", READABLE),
    bad("xlsx_formula_without_cached_value", "unodc_cts", UNODC_DIR, ".xlsx", xlsx_with_formula,
        "{file}, row 5, column 'VALUE': expected a number, found 'an empty cell'", READABLE, validate=True),
    bad("encoding_utf16", "unodc_cts", UNODC_DIR, ".csv", lambda: bundled(UNODC_2024).decode("utf-8").encode("utf-16"),
        "{file}: expected a text (CSV) file, found 'binary content (NUL bytes)'", READABLE),
    bad("encoding_undecodable_byte", "unodc_cts", UNODC_DIR, ".csv", undecodable,
        "{file}: expected text encoded as UTF-8 or Windows-1252, found 'undecodable byte 0x81", READABLE,
        validate=True),
    bad("empty_file", "unodc_cts", UNODC_DIR, ".csv", lambda: b"",
        "{file}: expected the UNODC CTS header", "found 'an empty file'", READABLE),
    bad("header_only", "unodc_cts", UNODC_DIR, ".csv", lambda: b"\n".join(bundled(UNODC_2024).split(b"\n")[:3]) + b"\n",
        "{file}, row 4: expected at least one data row under the header, found 'no rows'", READABLE),
    # --- header and columns ---------------------------------------------------------------------
    bad("header_on_the_wrong_row", "unodc_cts", UNODC_DIR, ".csv", long_title_block,
        "{file}: expected the UNODC CTS header", "a comma-delimited header row with a 'Iso3_code' cell within the "
        "first 30 rows, found 'no such row (the first row reads UNODC)'", READABLE),
    bad("semicolon_delimited", "fbi_ic3", IC3_DIR, ".csv", with_delimiter(IC3_TOTALS, ";"),
        "{file}, row 1: expected an IC3 table header", "a comma-delimited header row with a 'year' cell",
        "found \"a header delimited by ';': year;complaints;loss_usd;", READABLE, validate=True),
    bad("column_missing", "unodc_cts", UNODC_DIR, ".csv", csv_transform(UNODC_2024, drop_column("VALUE")),
        "{file}, row 3, column 'VALUE': expected columns Iso3_code, Country", READABLE, validate=True),
    bad("column_renamed", "unodc_cts", UNODC_DIR, ".csv", csv_transform(UNODC_2024, set_cell(3, "VALUE", "Value", 3)),
        "{file}, row 3, column 'VALUE': expected columns", "found \"column named 'Value'\"", READABLE),
    bad("column_extra", "unodc_cts", UNODC_DIR, ".csv",
        csv_transform(UNODC_2024, lambda rows: rows[:2] + [r + (["Comment"] if i == 0 else [""])
                                                          for i, r in enumerate(rows[2:])]),
        "{file}, row 3, column 'Comment': expected only the columns", "found \"extra column 'Comment'\"", READABLE),
    bad("ragged_row", "unodc_cts", UNODC_DIR, ".csv", with_ragged_row,
        "{file}, row 6: expected 13 fields as in the header (row 3), found '14 fields'", READABLE),
    # --- values -----------------------------------------------------------------------------------
    bad("value_not_a_number", "unodc_cts", UNODC_DIR, ".csv", unodc_with(2, {"VALUE": "12a"}),
        f"{{file}}, row {R6}, column 'VALUE': expected a number, found '12a'", READABLE, validate=True),
    bad("value_not_finite", "unodc_cts", UNODC_DIR, ".csv", unodc_with(2, {"VALUE": "NaN"}),
        f"{{file}}, row {R6}, column 'VALUE': expected a finite number, found 'nan'", READABLE),
    bad("value_negative", "unodc_cts", UNODC_DIR, ".csv", unodc_with(2, {"VALUE": "-5"}),
        f"{{file}}, row {R6}, column 'value' (published as 'VALUE'): expectation no_negative_values failed: "
        "expected counts, rates and losses of at least 0, found '-5'", validate=True),
    bad("value_absurd_count", "unodc_cts", UNODC_DIR, ".csv", unodc_with(2, {"VALUE": "1e13"}),
        f"{{file}}, row {R6}, column 'value' (published as 'VALUE'): expectation counts_plausible failed",
        "found '10000000000000'", validate=True),
    bad("value_absurd_rate", "unodc_cts", UNODC_DIR, ".csv",
        lambda: unodc_with(unodc_rate_row(), {"VALUE": "250000"})(),
        "{file}, row ", "column 'value' (published as 'VALUE'): expectation rates_plausible failed",
        "found '250000'"),
    bad("value_missing_in_a_required_column", "unodc_cts", UNODC_DIR, ".csv", unodc_with(2, {"Iso3_code": ""}),
        f"{{file}}, row {R6}, column 'Iso3_code': expected a non-empty value, found 'an empty cell'", READABLE),
    bad("unknown_iso3", "unodc_cts", UNODC_DIR, ".csv", unodc_with(2, {"Iso3_code": "ZZZ"}),
        f"{{file}}, row {R6}, column 'country_iso3' (published as 'Iso3_code'): expectation area_codes_known failed",
        "found 'ZZZ'", validate=True),
    bad("malformed_iso3", "unodc_cts", UNODC_DIR, ".csv", unodc_with(2, {"Iso3_code": "A1"}),
        f"{{file}}, row {R6}, column 'Iso3_code': expected a three-letter ISO code", READABLE),
    bad("unknown_unit", "unodc_cts", UNODC_DIR, ".csv", unodc_with(2, {"Unit of measurement": "Percent"}),
        f"{{file}}, row {R6}, column 'Unit of measurement': expected 'Counts' or 'Rate per 100,000 population', "
        "found 'Percent'", READABLE),
    bad("year_in_the_future", "unodc_cts", UNODC_DIR, ".csv", unodc_with(2, {"Year": "2099"}),
        f"{{file}}, row {R6}, column 'year' (published as 'Year'): expectation years_in_range failed", "found '2099'",
        validate=True),
    bad("year_before_the_range", "unodc_cts", UNODC_DIR, ".csv", unodc_with(2, {"Year": "1890"}),
        f"{{file}}, row {R6}, column 'year' (published as 'Year'): expectation years_in_range failed", "found '1890'"),
    bad("year_not_whole", "unodc_cts", UNODC_DIR, ".csv", unodc_with(2, {"Year": "2019.5"}),
        f"{{file}}, row {R6}, column 'Year': expected a whole year, found '2019.5'", READABLE),
    bad("very_long_string", "unodc_cts", UNODC_DIR, ".csv", unodc_with(2, {"Category": "Fraud " * 20_000}),
        f"{{file}}, row {R6}, column 'category' (published as 'Category'): expectation text_lengths_bounded failed: "
        "expected labels of at most 300 characters"),
    bad("duplicate_rows", "fbi_ic3", IC3_DIR, ".csv", duplicate_row(IC3_COUNTS, 5),
        "{file}, rows 5, 6: expectation keys_unique failed", validate=True),
    bad("duplicate_figure_in_template", "national_figures", NATIONAL_DIR, ".csv", duplicate_row(NATIONAL, 4),
        "{file}, rows 4, 5: expectation no_contradictory_values failed"),
    # Issue 8 F6: the same figure twice with two values is a contradiction, never settled by row order.
    bad("contradictory_figure_in_template", "national_figures", NATIONAL_DIR, ".csv",
        contradicting_row(NATIONAL, 2, "value", "999999999"),
        "{file}, rows 2, 3: expectation no_contradictory_values failed", validate=True),
    bad("mixed_currencies_in_a_cell", "national_figures", NATIONAL_DIR, ".csv",
        csv_transform(NATIONAL, set_cell(2, "currency", "AUD/USD")),
        "{file}, row 2, column 'currency': expected an ISO 4217 code such as USD for a loss figure, found 'AUD/USD'",
        READABLE, validate=True),
    bad("currency_unknown", "national_figures", NATIONAL_DIR, ".csv",
        csv_transform(NATIONAL, set_cell(2, "currency", "XYZ")),
        "{file}, row 2, column 'currency': expectation currencies_known failed", "found 'XYZ'", validate=True),
    # No USD conversion would catch it (no GBP rate for 2024): the bound holds in any currency.
    bad("loss_absurd_in_local_currency", "national_figures", NATIONAL_DIR, ".csv",
        csv_transform(NATIONAL, set_cell(77, "value", "1.17e21")),
        "{file}, row 77, column 'value': expectation losses_plausible failed: expected a loss of at most 1e20 in its "
        "own currency", "found '1.17e+21'", validate=True),
    bad("currency_symbol_in_value", "national_figures", NATIONAL_DIR, ".csv",
        csv_transform(NATIONAL, set_cell(2, "value", "$489.7m")),
        "{file}, row 2, column 'value': expected a number, found '$489.7m'", READABLE),
    bad("range_inverted", "national_figures", NATIONAL_DIR, ".csv",
        csv_transform(NATIONAL, lambda rows: set_cell(2, "value_high", "1")(set_cell(2, "value_low", "5")(rows))),
        "{file}, row 2, column 'value_low': expected at most value_high (1.0), found '5.0'", READABLE),
    bad("ncrb_not_a_number", "ncrb", NCRB_DIR, ".csv", csv_transform(NCRB_2018, set_cell(3, "2017", "12*")),
        "{file}, row 3, column '2017': expected a number (or NA), found '12*'", READABLE, validate=True),
    bad("ic3_total_not_a_number", "fbi_ic3", IC3_DIR, ".csv",
        csv_transform(IC3_TOTALS, set_cell(4, "complaints", "n/a")),
        "{file}, row 4, column 'complaints': expected a number, found 'n/a'", READABLE),
]

#: Cases also run on their own, one mechanism each (an unreadable container, a row failing a blocking
#: expectation, duplicate keys): alone, each fails the run. Every case is named in the run with all of them.
ALONE = ("xlsx_truncated", "value_negative", "duplicate_rows")

FORMULA_TEXT = '=HYPERLINK("https://example.org","x")'

#: Odd but valid inputs (each replaces a different bundled file): they load, with the same numbers.
PASS_CASES: list[Case] = [
    Case("utf8_bom", "national_figures", NATIONAL, lambda: b"\xef\xbb\xbf" + bundled(NATIONAL), 0, ()),
    Case("crlf_line_ends", "fbi_ic3", IC3_COUNTS, lambda: bundled(IC3_COUNTS).replace(b"\n", b"\r\n"), 0, ()),
    # A label that a spreadsheet would run as a formula is data: kept verbatim, never evaluated.
    Case("formula_looking_text_in_csv", "fbi_ic3", IC3_LOSSES,
         csv_transform(IC3_LOSSES, set_cell(2, "crime_type_as_printed", FORMULA_TEXT)), 0, ()),
]

#: The Excel-saved cp1252 / CRLF excerpt in a folder and under a name with unicode and spaces.
UNICODE_TARGET = "sources/unodc_cts/2022-06-06 révision été/données cts 2022 (copie).csv"
