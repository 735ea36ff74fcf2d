"""European Central Bank euro foreign exchange reference rates, the full history (``eurofxref-hist``).

Layout (the ECB's ``eurofxref-hist.zip``, read as shipped or as the CSV member it holds): one CSV member,
``eurofxref-hist.csv``; header ``Date,USD,JPY,BGN,CYP,...,ZAR,`` (one column per currency, then an empty
trailing column); one row per fixing day, **newest first**; values are **units of the currency per 1 EUR**
(not per USD); ``N/A`` where a currency has no fixing that day (a currency that left, CYP; or was
suspended, RUB since March 2022). The zip must hold exactly one member.

:func:`read` returns one row per fixing day and currency with a value: ``date``, ``currency_code``,
``units_per_eur`` as published. Cross rates per US dollar (X per EUR / USD per EUR) and their annual means
are computed in the intermediate layer (pipelines.harmonise.currency), not here.
"""

import io
import re
import tempfile
import zipfile
from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.schema import grade_from_sidecar
from pipelines.sources._tabular import ROW, decode_text, read_csv_table, to_date

PUBLISHER = "European Central Bank"
#: Upper bound on the CSV member (the 2026 file's member is 1.9 MB): a guard against a zip bomb.
MAX_MEMBER_BYTES = 64 * 1024**2
MISSING = "N/A"


def _csv_bytes(path: Path, name: str) -> bytes:
    data = path.read_bytes()
    if not data.startswith(b"PK\x03\x04"):
        return data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = [m for m in z.infolist() if not m.is_dir()]
            if len(members) != 1:
                raise InputError(file=name, expected="a ZIP holding one CSV member (eurofxref-hist.csv)",
                                 found=f"{len(members)} members: {', '.join(m.filename for m in members[:5])}")
            [member] = members
            if member.file_size > MAX_MEMBER_BYTES:
                raise InputError(file=name, expected=f"a CSV member of at most {MAX_MEMBER_BYTES:,} bytes",
                                 found=f"{member.filename}: {member.file_size:,} bytes")
            return z.read(member)
    except zipfile.BadZipFile as exc:
        raise InputError(file=name, expected="a readable ZIP archive", found=str(exc)) from exc


def read(path: Path, name: str, release: str, sidecar: dict | None = None,
         sha256: str | None = None) -> pl.DataFrame:
    data = _csv_bytes(path, name)
    text, _ = decode_text(data, name)
    table = _table_from_text(text, name)
    df = table.frame
    currencies = [c for c in df.columns if c not in ("Date", ROW)]
    blank = [c for c in currencies if c.strip() == "" or re.fullmatch(r"_duplicated_\d+", c)]
    for c in blank:
        if df[c].drop_nulls().str.strip_chars().str.len_chars().sum() not in (0, None):
            raise InputError(file=name, column=c, expected="an empty trailing column", found="values")
    currencies = [c for c in currencies if c not in blank]
    bad = [c for c in currencies if not re.fullmatch(r"[A-Z]{3}", c.strip())]
    if bad:
        raise InputError(file=name, row=table.header_row, column=bad[0], expected="ISO 4217 currency columns",
                         found=bad[0])
    if "USD" not in currencies:
        raise InputError(file=name, row=table.header_row, expected="a USD column (every cross rate needs it)",
                         found=", ".join(currencies[:8]))
    dates = to_date(df, "Date", name)
    long = (df.with_columns(date=dates).unpivot(on=currencies, index=["date", ROW], variable_name="currency_code",
                                                 value_name="text")
            .with_columns(text=pl.col("text").str.strip_chars()))
    long = long.filter(pl.col("text").is_not_null() & (pl.col("text") != "") & (pl.col("text") != MISSING))
    value = long["text"].cast(pl.Float64, strict=False)
    wrong = value.is_null() | ~(value > 0)
    if wrong.any():
        i = wrong.arg_true()[0]
        raise InputError(file=name, row=int(long[ROW][i]), column=long["currency_code"][i],
                         expected=f"a rate above 0 or {MISSING}", found=long["text"][i])
    return long.select(
        "date", pl.col("currency_code").str.strip_chars(), units_per_eur=value, source_row=pl.col(ROW),
    ).with_columns(release=pl.lit(release), source_grade=pl.lit(grade_from_sidecar(sidecar, name)),
                   source_file=pl.lit(name)).sort("date", "currency_code")


def _table_from_text(text: str, name: str):
    """The CSV table reader works on a file: give it the member's text in a temporary one."""
    with tempfile.TemporaryDirectory() as tmp:
        member = Path(tmp) / "member.csv"
        member.write_text(text, encoding="utf-8")
        return read_csv_table(member, name, marker="Date", expected_header="the ECB header Date,USD,...")
