"""The canonical long table every staging asset produces: one row per published number.

Every source reader returns exactly these columns (in this order) so staging tables union by
name, and every row points back to its file (``source_file``, ``source_sha256``) and row
(``source_row``, 1-based as a spreadsheet shows it).
"""

import polars as pl

#: Vocabulary of ``measure``: what is counted.
MEASURES = ("offences", "victims", "persons", "complaints", "reports", "cases_recorded", "loss")
#: Vocabulary of ``unit``.
UNITS = ("count", "rate_per_100k_population", "currency")
#: Vocabulary of ``period_type``.
PERIOD_TYPES = ("calendar_year", "fiscal_year", "partial_year", "cumulative", "survey_recall_year")
#: Vocabulary of ``area_type``.
AREA_TYPES = ("country", "subnational", "territory", "region", "subtotal")
#: Vocabulary of ``value_type``.
VALUE_TYPES = ("reported", "estimate")
#: Vocabulary of ``revision``: which vintage of a figure this row is.
REVISIONS = ("first_published", "restated", "provisional", "final", "as_published")

OBSERVATION_COLUMNS_DOC: tuple[tuple[str, pl.DataType, str], ...] = (
    ("source_id", pl.String(), 'registered source id: unodc_cts, fbi_ic3, national_figures, ...'),
    ("release", pl.String(), 'release folder name (vintage), e.g. 2024-05-16'),
    ("release_date", pl.Date(), "publisher's release date when the file states it"),
    ("dataset", pl.String(), 'table within the source (file stem without extension)'),
    ("area_code", pl.String(), 'canonical area code: ISO3, UNODC sub-national code, region key'),
    ("area_name", pl.String(), 'area name as published'),
    ("country_iso3", pl.String(), 'ISO 3166-1 alpha-3 of the country the area belongs to'),
    ("area_type", pl.String(), 'one of AREA_TYPES; subtotal = a publisher subtotal row (never summed)'),
    ("year", pl.Int32(), 'year in which the reference period ends'),
    ("period_label", pl.String(), 'period as published'),
    ("period_start", pl.Date(), 'first day of the reference period'),
    ("period_end", pl.Date(), 'last day of the reference period'),
    ("period_type", pl.String(), 'calendar_year | fiscal_year | partial_year | cumulative | ...'),
    ("indicator", pl.String(), "publisher's indicator / table name, verbatim"),
    ("dimension", pl.String(), "publisher's dimension, verbatim"),
    ("category", pl.String(), "publisher's offence or crime-type label, verbatim"),
    ("category_harmonised", pl.String(), 'a publisher- or transcriber-harmonised label, if any'),
    ("sex", pl.String(), 'sex breakdown as published (Total, Male, Female)'),
    ("age", pl.String(), 'age breakdown as published (Excel-mangled bands repaired: Oct-17 -> 10-17)'),
    ("measure", pl.String(), 'one of MEASURES: what is counted (or loss)'),
    ("unit", pl.String(), 'count | rate_per_100k_population | currency'),
    ("unit_published", pl.String(), 'unit label as published ("Counts", "Rate per 100,000 population")'),
    ("currency", pl.String(), 'ISO 4217 code when unit = currency'),
    ("value", pl.Float64(), 'the published number, in the unit given by unit/currency'),
    ("value_low", pl.Float64(), 'lower bound when the publisher gives a range'),
    ("value_high", pl.Float64(), 'upper bound when the publisher gives a range'),
    ("value_type", pl.String(), 'reported | estimate'),
    ("revision", pl.String(), 'first_published | restated | provisional | final | as_published'),
    ("publisher", pl.String(), 'body that produced the statistic'),
    ("series", pl.String(), "the publisher's series (scope) this number belongs to, e.g. accc_combined"),
    ("publication", pl.String(), 'report or release the number was read in'),
    ("source_url", pl.String(), 'where the number or file was published'),
    ("data_source_note", pl.String(), 'publisher\'s own source column (UNODC "Source": CTS, MoI, ...)'),
    ("notes", pl.String(), "publisher's or curator's notes on scope and definitions"),
    ("source_file", pl.String(), 'path relative to the data directory'),
    ("source_sha256", pl.String(), 'sha256 of the source file'),
    ("source_row", pl.Int64(), '1-based row in the source file (title rows and header counted)'),
)
OBSERVATION_SCHEMA: dict[str, pl.DataType] = {n: t for n, t, _ in OBSERVATION_COLUMNS_DOC}
OBSERVATION_DOCS: dict[str, str] = {n: d for n, _, d in OBSERVATION_COLUMNS_DOC}

OBSERVATION_COLUMNS = tuple(OBSERVATION_SCHEMA)

#: Columns that identify one published number within one release of one source.
OBSERVATION_KEY = (
    "source_id", "release", "dataset", "area_code", "period_label", "indicator", "dimension", "category",
    "sex", "age", "measure", "unit", "publisher",
)


def conform(df: pl.DataFrame) -> pl.DataFrame:
    """Return ``df`` with exactly the canonical columns, in order, with canonical types.

    Missing optional columns are added as nulls; extra columns are an error (a reader that drops
    information silently is a bug, so readers must map every column they keep).
    """
    extra = set(df.columns) - set(OBSERVATION_SCHEMA)
    if extra:
        raise ValueError(f"columns outside the observation schema: {sorted(extra)}")
    exprs = []
    for name, dtype in OBSERVATION_SCHEMA.items():
        if name in df.columns:
            exprs.append(pl.col(name).cast(dtype, strict=True))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    return df.select(exprs)


def empty_observations() -> pl.DataFrame:
    return pl.DataFrame(schema=OBSERVATION_SCHEMA)
