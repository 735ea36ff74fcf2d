"""Registry of the source formats cyberstats reads: one module per publisher format.

``SOURCES`` are incident and offence data (every release under ``<data-dir>/sources/<id>/`` is
loaded, so vintages can be compared); ``REFERENCES`` are lookup tables (only the newest release
folder under ``<data-dir>/reference/<id>/`` is used). To add a source, write a module with a
``read(path, name, release, sidecar, sha256)`` function returning canonical observations
(:mod:`pipelines.schema`) and register it here; the raw and staging assets follow automatically.
"""

from collections.abc import Callable
from dataclasses import dataclass

from pipelines.sources import (
    bls_cpi,
    convention_status,
    country_codes,
    ecb_eurofxref,
    eurostat_crim_off_cat,
    fbi_ic3,
    fred_fx,
    fred_fx_monthly,
    loss_series,
    national_figures,
    ncrb,
    offence_crosswalk,
    series_breaks,
    un_m49,
    unodc_cts,
    worldbank_wdi,
)


@dataclass(frozen=True)
class SourceSpec:
    source_id: str
    kind: str  # "sources" or "reference"
    title: str
    publisher: str
    read: Callable
    formats: tuple[str, ...]  # accepted file suffixes
    #: staging table name(s); for observation sources always stg_<id>__observations
    tables: tuple[str, ...]
    #: text of a header cell, used to find the header (and to count data rows independently)
    header_marker: str = ""
    #: the header layouts the reader accepts, each as the columns its header row must hold: how a file
    #: dropped into incoming/ is recognised (pipelines.ingest); sources only
    header_columns: tuple[tuple[str, ...], ...] = ()
    #: for readers returning (layout, frame): layout -> staging table (None = not staged)
    layouts: tuple[tuple[str, str | None], ...] = ()
    #: references made of several files: (what, regex on the file name) that a release must hold
    parts: tuple[tuple[str, str], ...] = ()
    #: what the source's observations are used for (see CAPABILITIES); nothing else names a source id
    provides: frozenset[str] = frozenset()
    #: headline counts: a SQL condition on staging.observations (alias ``o``) selecting the rows that
    #: are national headline figures (for sources that provide "headline_counts")
    headline_rows: str = "TRUE"
    #: how the reconciliation counts a file's data rows independently of the reader
    #: (pipelines.quality.reconcile.COUNTERS): "marker" = non-empty rows under the header row with a
    #: ``header_marker`` cell; "value_rows" = Eurostat rows holding at least one value (not ':')
    row_count: str = "marker"

    @property
    def is_observations(self) -> bool:
        return self.kind == "sources"

    @property
    def raw_table(self) -> str:
        return self.source_id


#: What an observation source can provide. Indicators select sources by capability, never by id.
CAPABILITIES = {
    "police_recorded_offences": "offence counts (and rates) by area, category, sex and age, per release "
                                "(offences marts, rate reconciliation, offence trends, the Convention view by region)",
    "published_rates": "rates per 100,000 population printed beside the counts (reconciled with our own)",
    "crime_type_trends": "annual counts and losses per crime type of one national reporting centre (trends)",
    "headline_counts": "national headline counts of reports, complaints, cases or victims (incident counts mart)",
    "parts_sum_to_total": "sub-national rows that add up to a published national total (totals from parts)",
    "virtual_asset_figures": "losses, complaints or reports involving virtual assets (asset_scope), beside the "
                             "publisher's total they are a part of (part_of_series); illicit-volume and "
                             "criminal-proceeds estimates (the virtual-asset and estimates marts)",
    "offences_compared_with_primary": "police-recorded offences collected jointly with the primary offence "
                                      "source (UNODC): published beside it in a comparison mart, never added to "
                                      "the offence marts, regional sums or the Convention view",
}


def providing(capability: str) -> tuple[str, ...]:
    """The registered observation sources that provide ``capability``, in registry order."""
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}; known: {', '.join(CAPABILITIES)}")
    return tuple(s.source_id for s in SOURCES.values() if capability in s.provides)


SOURCES: dict[str, SourceSpec] = {
    s.source_id: s
    for s in (
        SourceSpec("unodc_cts", "sources", "UNODC Crime Trends Survey (CTS) exports",
                   "United Nations Office on Drugs and Crime (UNODC)", unodc_cts.read, (".xlsx", ".csv"),
                   ("stg_unodc_cts__observations",), "Iso3_code",
                   header_columns=(unodc_cts.COLUMNS, unodc_cts.DERIVED_COLUMNS),
                   provides=frozenset({"police_recorded_offences", "published_rates"})),
        SourceSpec("fbi_ic3", "sources", "FBI IC3 Internet Crime Report tables",
                   fbi_ic3.PUBLISHER, fbi_ic3.read, (".csv",), ("stg_fbi_ic3__observations",), "year",
                   header_columns=fbi_ic3.HEADERS,
                   provides=frozenset({"crime_type_trends", "headline_counts"}),
                   # the annual totals carry a series id; crime-type rows do not (they are not headlines)
                   headline_rows="o.series IS NOT NULL"),
        SourceSpec("national_figures", "sources", "National headline figures (template)",
                   "various national publishers (see publisher column)", national_figures.read, (".csv",),
                   ("stg_national_figures__observations",), "metric", header_columns=(national_figures.REQUIRED,),
                   provides=frozenset({"headline_counts", "virtual_asset_figures"}),
                   # a declared part of another series (IC3's cryptocurrency descriptor) is not a headline
                   headline_rows="o.part_of_series IS NULL"),
        SourceSpec("ncrb", "sources", "India NCRB Crime in India cyber-crime tables",
                   ncrb.PUBLISHER, ncrb.read, (".csv",), ("stg_ncrb__observations",), "State/UT",
                   header_columns=ncrb.HEADERS,
                   provides=frozenset({"headline_counts", "parts_sum_to_total"}),
                   # only the all-India total is a national headline; State/UT rows are its parts
                   headline_rows="o.area_code = 'IND'"),
        SourceSpec("eurostat_crim_off_cat", "sources",
                   "Eurostat police-recorded offences by ICCS category (crim_off_cat)",
                   eurostat_crim_off_cat.PUBLISHER, eurostat_crim_off_cat.read, (".tsv", ".csv"),
                   ("stg_eurostat_crim_off_cat__observations",), row_count="value_rows",
                   provides=frozenset({"offences_compared_with_primary"})),
    )
}

REFERENCES: dict[str, SourceSpec] = {
    s.source_id: s
    for s in (
        SourceSpec("un_m49", "reference", "UN M49 standard country or area codes",
                   "United Nations Statistics Division", un_m49.read, (".csv",), ("stg_un_m49__areas",)),
        SourceSpec("country_codes", "reference", "ISO 3166 / ISO 4217 country and currency codes",
                   "datasets/country-codes (ISO, UNSD, CLDR)", country_codes.read, (".csv",),
                   ("stg_country_codes__currencies",)),
        SourceSpec("worldbank_wdi", "reference", "World Bank WDI: population and official exchange rates",
                   "World Bank", worldbank_wdi.read, (".csv",),
                   ("stg_worldbank_wdi__values", "stg_worldbank_wdi__countries"),
                   layouts=(("values", "stg_worldbank_wdi__values"), ("countries", "stg_worldbank_wdi__countries"),
                            ("indicators", None)),
                   # Named as the World Bank names its bulk downloads (API_<indicator>_DS2_..., Metadata_Country_...).
                   parts=(("population (SP.POP.TOTL)", r"^(?!Metadata_).*SP\.POP\.TOTL"),
                          ("the official exchange rate (PA.NUS.FCRF)", r"^(?!Metadata_).*PA\.NUS\.FCRF"),
                          ("country metadata (Metadata_Country)", r"Metadata_Country"))),
        # The transcribed WDI exchange rates (release 2026-07-13, years to 2025) are a reference of their own,
        # so that they never become the newest worldbank_wdi release: used for the years after the
        # byte-copied release only, graded transcribed (pipelines.harmonise.currency).
        SourceSpec("worldbank_wdi_transcribed", "reference",
                   "World Bank WDI official exchange rates, transcribed release (years after the byte-copied one)",
                   "World Bank", worldbank_wdi.read, (".csv",), ("stg_worldbank_wdi_transcribed__values",),
                   layouts=(("values", "stg_worldbank_wdi_transcribed__values"), ("countries", None),
                            ("indicators", None)),
                   parts=(("the official exchange rate (PA.NUS.FCRF)", r"^(?!Metadata_).*PA\.NUS\.FCRF"),)),
        SourceSpec("fred_fx", "reference", "Federal Reserve H.10 annual exchange rates (via FRED)",
                   "Board of Governors of the Federal Reserve System", fred_fx.read, (".csv",),
                   ("stg_fred_fx__rates",)),
        # Cross-check references: World Bank rates are compared with them (marts.fx_rate_crosscheck); they
        # never convert a figure.
        SourceSpec("fred_fx_monthly", "reference", "Federal Reserve H.10 monthly exchange rates (via FRED)",
                   "Board of Governors of the Federal Reserve System", fred_fx_monthly.read, (".csv",),
                   ("stg_fred_fx_monthly__rates",)),
        SourceSpec("ecb_eurofxref", "reference", "ECB euro foreign exchange reference rates, daily",
                   ecb_eurofxref.PUBLISHER, ecb_eurofxref.read, (".zip", ".csv"), ("stg_ecb_eurofxref__daily_rates",)),
        SourceSpec("bls_cpi", "reference", "US CPI-U all items (CUUR0000SA0), monthly",
                   "US Bureau of Labor Statistics", bls_cpi.read, (".csv",), ("stg_bls_cpi__monthly",)),
        SourceSpec("loss_series", "reference", "Headline loss series per country (curated)",
                   "cyberstats", loss_series.read, (".csv",), ("stg_loss_series__headlines",)),
        SourceSpec("offence_crosswalk", "reference",
                   "Offence crosswalk: source category -> ICCS, Cy tag, Convention articles (curated)",
                   "cyberstats", offence_crosswalk.read, (".csv",),
                   ("stg_offence_crosswalk__mappings", "stg_offence_crosswalk__iccs_codes",
                    "stg_offence_crosswalk__convention_articles"),
                   layouts=(("mappings", "stg_offence_crosswalk__mappings"),
                            ("iccs_codes", "stg_offence_crosswalk__iccs_codes"),
                            ("convention_articles", "stg_offence_crosswalk__convention_articles")),
                   # The crosswalk and the verified lists it draws on are curated and versioned together.
                   parts=(("the crosswalk (offence_crosswalk.csv)", r"^offence_crosswalk"),
                          ("the verified ICCS codes (iccs_codes.csv)", r"^iccs_codes"),
                          ("the verified Convention articles (convention_articles.csv)", r"^convention_articles"))),
        SourceSpec("series_breaks", "reference", "Series break register (curated): where a series changes definition",
                   "cyberstats", series_breaks.read, (".csv",), ("stg_series_breaks__register",)),
        SourceSpec("convention_status", "reference",
                   "UN Convention against Cybercrime: signature and ratification events (curated)",
                   "cyberstats", convention_status.read, (".csv",), ("stg_convention_status__events",)),
    )
}

ALL: dict[str, SourceSpec] = {**SOURCES, **REFERENCES}


def get(source_id: str) -> SourceSpec:
    try:
        return ALL[source_id]
    except KeyError:
        raise KeyError(f"unknown source {source_id!r}; known: {', '.join(sorted(ALL))}") from None

