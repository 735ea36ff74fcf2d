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

A release holds two more hand-curated files, the verified lists the crosswalk may draw on (the
table's suite checks every mapped row against them, see pipelines/quality/suites.py)::

    iccs_codes.csv            iccs_code, iccs_label, printed_page, facts_ref, facts_label
    convention_articles.csv   treaty, article, title, facts_title, verification, facts_ref, notes

``treaty`` is ``un_cybercrime`` (UN Convention against Cybercrime, ``convention_articles``; its
``title`` is what ``convention_offence`` writes) or ``budapest`` (``budapest_articles``).

:func:`read` tells the three files apart by their header and returns ``(layout, frame)`` with
layout ``mappings``, ``iccs_codes`` or ``convention_articles``.
"""

import csv
import io
import re
from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.sources._curated import read_curated, refuse
from pipelines.sources._tabular import HEADER_SEARCH_ROWS, ROW

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

ICCS_COLUMNS = ("iccs_code", "iccs_label", "printed_page", "facts_ref", "facts_label")
ARTICLE_COLUMNS = ("treaty", "article", "title", "facts_title", "verification", "facts_ref", "notes")
#: treaty -> the article numbers its offence articles may have (the verified list is the file itself).
TREATIES = {"un_cybercrime": CONVENTION_ARTICLES, "budapest": BUDAPEST_ARTICLES}
#: layout -> a header cell only that file has (checked in this order).
_MARKERS = (("mappings", "source_category"), ("convention_articles", "treaty"), ("iccs_codes", "iccs_label"))


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
         sha256: str | None = None) -> tuple[str, pl.DataFrame]:
    layout = layout_of(path)
    if layout == "iccs_codes":
        return layout, read_iccs_codes(path, name)
    if layout == "convention_articles":
        return layout, read_convention_articles(path, name)
    return layout, read_mappings(path, name)


def layout_of(path: Path) -> str:
    """Which file of a crosswalk release this is, by a header cell only that file has. A file with
    none of them is read as the crosswalk itself, whose reader then says what header it expected."""
    head = path.read_bytes()[:16384].decode("utf-8-sig", errors="replace")
    try:
        records = list(csv.reader(io.StringIO(head, newline="")))[:HEADER_SEARCH_ROWS]
    except csv.Error:
        records = []
    for rec in records:
        cells = {c.strip().lstrip("\ufeff").casefold() for c in rec}
        for layout, marker in _MARKERS:
            if marker in cells:
                return layout
    return "mappings"


def read_mappings(path: Path, name: str) -> pl.DataFrame:
    """The crosswalk itself (``offence_crosswalk.csv``)."""
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


def read_iccs_codes(path: Path, name: str) -> pl.DataFrame:
    """The verified ICCS codes the crosswalk may use (``iccs_codes.csv``)."""
    df = read_curated(path, name, ICCS_COLUMNS, ("iccs_code", "iccs_label", "facts_ref"), "verified ICCS codes")
    for rec in df.iter_rows(named=True):
        problem = iccs_problem(rec["iccs_code"])
        if problem:
            refuse(rec, name, "iccs_code", f"an ICCS code as text ({problem})")
    _refuse_repeats(df, ("iccs_code",), name, "one row per ICCS code")
    return df.select(*(pl.col(c).replace("", None) if c in ("printed_page", "facts_label") else pl.col(c)
                       for c in ICCS_COLUMNS), source_file=pl.lit(name), source_row=pl.col(ROW))


def read_convention_articles(path: Path, name: str) -> pl.DataFrame:
    """The verified offence articles of the two Conventions (``convention_articles.csv``)."""
    df = read_curated(path, name, ARTICLE_COLUMNS, ("treaty", "article", "title", "facts_ref"),
                      "verified Convention articles")
    for rec in df.iter_rows(named=True):
        allowed = TREATIES.get(rec["treaty"])
        if allowed is None:
            refuse(rec, name, "treaty", " or ".join(TREATIES))
        if not rec["article"].isdigit() or int(rec["article"]) not in allowed:
            refuse(rec, name, "article", f"an offence article number {allowed.start}-{allowed.stop - 1} of "
                                         f"{rec['treaty']}")
    _refuse_repeats(df, ("treaty", "article"), name, "one row per treaty and article")
    optional = ("facts_title", "verification", "notes")
    return df.select(*(pl.col(c).replace("", None) if c in optional else pl.col(c) for c in ARTICLE_COLUMNS),
                     source_file=pl.lit(name), source_row=pl.col(ROW)).with_columns(
        article=pl.col("article").cast(pl.Int32))


def _refuse_repeats(df: pl.DataFrame, key: tuple[str, ...], name: str, expected: str) -> None:
    dup = df.filter(pl.struct(*key).is_duplicated())
    if dup.height:
        raise InputError(file=name, row=int(dup[ROW][1]), column=key[-1], expected=expected,
                         found=" / ".join(dup[c][0] for c in key) + " again")


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
