"""Offence crosswalk (curated reference): source category -> ICCS code, Cy tag, Convention articles.

One row per category a source prints (``source_id, source_category``), mapped or explicitly
unmapped. Columns::

    source_id, source_category, source_indicator, iccs_code, iccs_label, cy_tag,
    convention_articles, convention_offence, budapest_articles, mapping_confidence,
    mapping_status, parent_category, mapping_basis, notes

* ``iccs_code`` is text and keeps its leading zero (``09031``, ``0701``): an ICCS code is a
  section (2 digits, 01-11), division (4), group (5) or class (6). A code that lost its leading
  zero in a spreadsheet (``9031``) is refused with a hint rather than read as another code.
* ``cy_tag`` is ``1`` (the ICCS "Cybercrime-related" tag value) or empty.
* ``convention_articles`` / ``budapest_articles``: ``;``-separated article numbers (``9;10``), UN
  Convention against Cybercrime chapter II offences 7-17 and Budapest Convention offences 2-11.
  A category mapped to several articles is one article group: it cannot be split.
* ``mapping_confidence`` grades the link from the category to the ICCS code: exact | partial |
  proxy, empty exactly when ``mapping_status`` is ``unmapped`` (which then has no code, tag or
  article, and its notes say why).
* ``parent_category`` names the series this one is a part of (``Fraud: Cyber-related (Cy)`` ->
  ``Fraud``), in the same source; parents and children are never added together.
* ``source_indicator`` restricts the mapping to one indicator of the source (the UNODC category
  ``Total`` means "victims of sexual exploitation" only under that indicator); empty = any.
"""

import re
from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.sources._curated import read_curated, refuse
from pipelines.sources._tabular import ROW

COLUMNS = (
    "source_id", "source_category", "source_indicator", "iccs_code", "iccs_label", "cy_tag", "convention_articles",
    "convention_offence", "budapest_articles", "mapping_confidence", "mapping_status", "parent_category",
    "mapping_basis", "notes",
)
CONFIDENCES = ("exact", "partial", "proxy")
STATUSES = ("mapped", "unmapped")
#: UN Convention against Cybercrime chapter II offence articles (7 illegal access ... 17 laundering).
CONVENTION_ARTICLES = range(7, 18)
#: Budapest Convention (ETS 185) chapter II section 1 articles 2-11.
BUDAPEST_ARTICLES = range(2, 12)
ICCS_LENGTHS = (2, 4, 5, 6)
_ARTICLES = re.compile(r"^\d{1,2}(;\d{1,2})*$")
_MAPPING_FIELDS = ("iccs_code", "cy_tag", "convention_articles", "budapest_articles", "mapping_confidence")


def iccs_problem(code: str) -> str | None:
    """Why ``code`` is not an ICCS code (None if it is one): digits, length 2/4/5/6, section 01-11."""
    if not code.isdigit():
        return "digits only"
    if len(code) not in ICCS_LENGTHS or not 1 <= int(code[:2]) <= 11:
        if len(code) + 1 in ICCS_LENGTHS and 1 <= int("0" + code[:1]) <= 11 and code[0] != "0":
            return f"a leading zero (0{code}?): read the file as text, spreadsheets drop it"
        return "a section 01-11 with 2, 4, 5 or 6 digits"
    return None


def _articles(value: str, allowed: range) -> bool:
    return bool(_ARTICLES.match(value)) and all(int(a) in allowed for a in value.split(";"))


def read(path: Path, name: str, release: str, sidecar: dict | None = None,
         sha256: str | None = None) -> pl.DataFrame:
    df = read_curated(path, name, COLUMNS, ("source_id", "source_category", "mapping_status", "notes"),
                      "offence crosswalk")
    for rec in df.iter_rows(named=True):
        _check_row(rec, name)
    dup = df.filter(pl.struct("source_id", "source_category").is_duplicated())
    if dup.height:
        raise InputError(file=name, row=int(dup[ROW][1]), column="source_category",
                         expected="one row per (source_id, source_category)",
                         found=f"{dup['source_id'][0]} / {dup['source_category'][0]} again")
    _check_parents(df, name)
    empty_to_null = [pl.col(c).replace("", None) for c in COLUMNS if c not in ("source_id", "source_category")]
    return df.with_columns(empty_to_null).with_columns(cy_tag=pl.col("cy_tag").cast(pl.Int32)).select(
        *COLUMNS, source_file=pl.lit(name), source_row=pl.col(ROW))


def _check_row(rec: dict, name: str) -> None:
    def fail(column: str, expected: str) -> None:
        refuse(rec, name, column, expected)

    status = rec["mapping_status"]
    if status not in STATUSES:
        fail("mapping_status", " or ".join(STATUSES))
    if status == "unmapped":
        for column in _MAPPING_FIELDS:
            if rec[column]:
                fail(column, "an empty cell for an unmapped category (its notes say why it is unmapped)")
        return
    if not rec["iccs_code"]:
        fail("iccs_code", "an ICCS code for a mapped category")
    problem = iccs_problem(rec["iccs_code"])
    if problem:
        fail("iccs_code", f"an ICCS code as text ({problem})")
    if rec["cy_tag"] not in ("", "1"):
        fail("cy_tag", "1 (Cybercrime-related) or empty")
    if rec["mapping_confidence"] not in CONFIDENCES:
        fail("mapping_confidence", " | ".join(CONFIDENCES) + " for a mapped category")
    if rec["convention_articles"] and not _articles(rec["convention_articles"], CONVENTION_ARTICLES):
        fail("convention_articles", "Convention article numbers 7-17 separated by ';' (e.g. 9;10)")
    if rec["budapest_articles"] and not _articles(rec["budapest_articles"], BUDAPEST_ARTICLES):
        fail("budapest_articles", "Budapest article numbers 2-11 separated by ';' (e.g. 4;5)")


def _check_parents(df: pl.DataFrame, name: str) -> None:
    parent_of = {(r["source_id"], r["source_category"]): r["parent_category"] for r in df.iter_rows(named=True)}
    for rec in df.filter(pl.col("parent_category") != "").iter_rows(named=True):
        key = (rec["source_id"], rec["source_category"])
        if (rec["source_id"], rec["parent_category"]) not in parent_of:
            raise InputError(file=name, row=rec[ROW], column="parent_category",
                             expected=f"a category of {rec['source_id']} that has its own row",
                             found=rec["parent_category"])
        seen = {key}
        current = (rec["source_id"], rec["parent_category"])
        while current[1]:
            if current in seen:
                raise InputError(file=name, row=rec[ROW], column="parent_category",
                                 expected="a parent chain that ends (no category is its own ancestor)",
                                 found=rec["parent_category"])
            seen.add(current)
            current = (current[0], parent_of[current])
