"""The canonical long table every staging asset produces: one row per published number.

Its columns, types and descriptions are declared once, in the contract
``pipelines/contracts/staging/_observations.yml``. Every source reader returns exactly these columns
(in this order, :func:`conform`) so staging tables union by name, and every row points back to its
file (``source_file``, ``source_sha256``) and row (``source_row``, 1-based as a spreadsheet shows it).
Here: the vocabularies of the coded columns, and the key of one published number.
"""

import polars as pl

#: Vocabulary of ``measure``: what is counted.
MEASURES = ("offences", "victims", "persons", "complaints", "reports", "cases_recorded", "loss", "illicit_volume",
            "criminal_proceeds")
#: Measures counted in money (unit ``currency``). Only ``loss`` is a victim loss: ``illicit_volume`` (value
#: received by addresses identified as illicit, a lower bound restated upward) and ``criminal_proceeds``
#: (perpetrators' profits or revenue, modelled) are estimates of another thing, never mixed with losses.
MONEY_MEASURES = ("loss", "illicit_volume", "criminal_proceeds")
#: Vocabulary of ``asset_scope``: the figure is restricted to losses, complaints or flows involving this kind
#: of property (null: not restricted). ``virtual_assets`` is the UN Convention against Cybercrime's property
#: definition (cryptocurrency and other virtual assets).
ASSET_SCOPES = ("virtual_assets",)
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
#: Vocabulary of ``source_grade``: where the number was read, best first (series selection ranks by it).
SOURCE_GRADES = (
    "publisher_file",  # read from the publisher's own data file (UNODC CTS export, NCRB table)
    "verified",  # read on the publisher's own page or in its own report (publisher domain), and verified
    "transcribed",  # transcribed from the publisher's report tables by a third party (IC3 crime-type tables)
    "secondary",  # verified, but read in a news or third-party summary, not on the publisher's page
    "unverified",  # not verified
)

#: The grade of a reference file whose provenance sidecar states none (nothing says where it was read).
UNSTATED_GRADE = "unverified"


def grade_from_sidecar(sidecar: dict | None, name: str) -> str:
    """The ``source_grade`` a reference file's sidecar states (exchange-rate files: how far the rate can be
    trusted, carried to every figure converted with it); ``unverified`` when it states none."""
    from pipelines.errors import InputError

    grade = (sidecar or {}).get("source_grade")
    if grade is None:
        return UNSTATED_GRADE
    if grade not in SOURCE_GRADES:
        raise InputError(file=name + ".source.yml", column="source_grade",
                         expected="one of " + ", ".join(SOURCE_GRADES), found=str(grade))
    return str(grade)


def _contract():
    from pipelines import contracts

    return contracts.load("staging", "_observations")


def observation_schema() -> dict[str, pl.DataType]:
    """Column -> Polars type of the canonical observation table (pipelines/contracts/staging/_observations.yml)."""
    return _contract().polars_schema()


def __getattr__(name: str):  # OBSERVATION_SCHEMA / OBSERVATION_COLUMNS, read from the contract on first use
    if name == "OBSERVATION_SCHEMA":
        return observation_schema()
    if name == "OBSERVATION_COLUMNS":
        return tuple(observation_schema())
    raise AttributeError(name)


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
    schema = observation_schema()
    extra = set(df.columns) - set(schema)
    if extra:
        raise ValueError(f"columns outside the observation schema: {sorted(extra)}")
    exprs = []
    for name, dtype in schema.items():
        if name in df.columns:
            exprs.append(pl.col(name).cast(dtype, strict=True))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    return df.select(exprs)


def empty_observations() -> pl.DataFrame:
    return pl.DataFrame(schema=observation_schema())
