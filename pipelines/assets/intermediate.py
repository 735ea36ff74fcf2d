"""Intermediate layer wiring: joins and re-graining (regions, population, currency, crosswalk, series
selection, aggregates, trends).

Each step declares the tables it reads (its Dagster dependencies, and exactly the frames it is
given), calls one plain function from pipelines.harmonise or pipelines.indicators, and writes one
table through its contract. Observations reach a function only from the sources whose registry entry
provides what it computes (pipelines.sources.providing). Reports never read this layer.
"""

from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg
import polars as pl

from pipelines import contracts
from pipelines.assets.resources import CyberstatsResource
from pipelines.catalog import raw_files
from pipelines.harmonise.convention import convention_status, participant_events, status_over_time
from pipelines.harmonise.crosswalk import observations_with_offence_codes
from pipelines.harmonise.currency import cpi_annual, fx_crosscheck, fx_rates
from pipelines.harmonise.regions import areas_with_regions, population_by_country_year
from pipelines.indicators.comparison import offences_comparison
from pipelines.indicators.convention import crosswalk_coverage, ict_split_by_region, offences_by_convention_article
from pipelines.indicators.losses import aggregate_losses, country_losses
from pipelines.indicators.offences import (
    DERIVED_VINTAGE,
    offences_by_country_year,
    totals_from_parts,
    values_not_published,
    without_derived,
)
from pipelines.indicators.rates import discrepancy_summary, reconcile_rates
from pipelines.indicators.regional import regional_losses, regional_offences, regional_offences_panel
from pipelines.indicators.trends import ic3_points, loss_points, regional_points, trend_summary, unodc_points
from pipelines.indicators.trends import trend_points as build_trend_points
from pipelines.indicators.virtual_assets import virtual_asset_figures
from pipelines.sources import ALL, providing


@dataclass(frozen=True)
class Step:
    """One intermediate table: the ``schema.table`` names it reads (in the order ``build`` takes
    them), and ``build(*frames, settings)``."""

    name: str
    inputs: tuple[str, ...]
    build: Callable[..., pl.DataFrame]

    @property
    def deps(self) -> list[list[str]]:
        return [name.split(".") for name in self.inputs]


def of(capability: str, derived: bool = False) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """Keep the observations of the sources that provide ``capability`` (without derived vintages, which only
    the listing of values not published reads: pipelines.indicators.offences.DERIVED_VINTAGE)."""
    sources = providing(capability)
    return lambda observations: observations.filter(pl.col("source_id").is_in(sources),
                                                    pl.lit(True) if derived else ~DERIVED_VINTAGE)


OBS, AREAS = "staging.observations", "intermediate.int_areas_with_regions"
POP = "intermediate.int_population_by_country_year"
CROSSWALK, CODED = "staging.stg_offence_crosswalk__mappings", "intermediate.int_observations_with_offence_codes"
BREAKS = "staging.stg_series_breaks__register"
offences_of, rates_of, crime_types_of = of("police_recorded_offences"), of("published_rates"), of("crime_type_trends")
compared_of = of("offences_compared_with_primary")
all_offences_of = of("police_recorded_offences", derived=True)
virtual_assets_of = of("virtual_asset_figures")


def not_compared(rows: pl.DataFrame) -> pl.DataFrame:
    """Leave out the sources compared with the primary offence series (Eurostat beside UNODC): their figures
    are shown beside it, never added to it (pipelines.indicators.comparison)."""
    return rows.filter(~pl.col("source_id").is_in(providing("offences_compared_with_primary")))

STEPS = [
    Step("int_areas_with_regions", ("staging.stg_un_m49__areas",), lambda m49, s: areas_with_regions(m49)),
    Step("int_population_by_country_year",
         ("staging.stg_worldbank_wdi__values", "staging.stg_worldbank_wdi__countries"),
         lambda values, countries, s: population_by_country_year(values, countries)),
    Step("int_fx_rates_by_currency_year",
         ("staging.stg_worldbank_wdi__values", "staging.stg_country_codes__currencies", "staging.stg_fred_fx__rates",
          "staging.stg_worldbank_wdi_transcribed__values"),
         lambda values, currencies, fred, transcribed, s: fx_rates(values, currencies, fred, transcribed)),
    Step("int_fx_rate_crosscheck",
         ("intermediate.int_fx_rates_by_currency_year", "staging.stg_ecb_eurofxref__daily_rates",
          "staging.stg_fred_fx__rates", "staging.stg_fred_fx_monthly__rates"),
         lambda fx, ecb, fred, monthly, s: fx_crosscheck(fx, ecb, fred, monthly)),
    Step("int_cpi_annual_averages", ("staging.stg_bls_cpi__monthly",), lambda cpi, s: cpi_annual(cpi)),
    Step("int_source_files", tuple(f"raw.{spec.raw_table}" for spec in ALL.values()),
         lambda *manifests_and_settings: raw_files(list(manifests_and_settings[:-1]))),
    Step("int_losses_converted_to_usd",
         (OBS, AREAS, "intermediate.int_fx_rates_by_currency_year", "staging.stg_bls_cpi__monthly",
          "staging.stg_loss_series__headlines", POP),
         lambda obs, areas, fx, cpi, headlines, pop, s: country_losses(obs, areas, fx, cpi, headlines, s.base_year,
                                                                       pop)),
    Step("int_regional_losses", ("intermediate.int_losses_converted_to_usd", AREAS, POP),
         lambda losses, areas, pop, s: regional_losses(losses, areas, pop, s.min_population_coverage)),
    Step("int_offences_latest_release", (OBS, AREAS, POP),
         lambda obs, areas, pop, s: offences_by_country_year(offences_of(obs), areas, pop)),
    Step("int_values_not_published", (OBS,), lambda obs, s: values_not_published(all_offences_of(obs))),
    # Offence crosswalk and the UN Convention against Cybercrime.
    Step("int_observations_with_offence_codes", (OBS, CROSSWALK),
         lambda obs, crosswalk, s: observations_with_offence_codes(without_derived(obs), crosswalk)),
    Step("int_offences_by_convention_article", (CODED, CROSSWALK, AREAS, POP),
         lambda coded, crosswalk, areas, pop, s: offences_by_convention_article(not_compared(coded), crosswalk,
                                                                                areas, pop)),
    Step("int_convention_ict_split_by_region", ("intermediate.int_offences_by_convention_article",),
         lambda rows, s: ict_split_by_region(rows, providing("police_recorded_offences"))),
    Step("int_offence_crosswalk_coverage", (CROSSWALK, CODED, "intermediate.int_offences_by_convention_article"),
         lambda crosswalk, coded, rows, s: crosswalk_coverage(crosswalk, coded, rows)),
    Step("int_offences_eurostat_unodc_comparison",
         (OBS, "intermediate.int_offences_latest_release", CROSSWALK, "staging.stg_offence_crosswalk__iccs_codes"),
         lambda obs, offences, crosswalk, codes, s: offences_comparison(compared_of(obs), offences, crosswalk, codes)),
    Step("int_convention_status", ("staging.stg_convention_status__events",),
         lambda events, s: convention_status(events)),
    Step("int_convention_events", ("staging.stg_convention_status__events",),
         lambda events, s: participant_events(events)),
    Step("int_convention_status_over_time", ("staging.stg_convention_status__events",),
         lambda events, s: status_over_time(events)),
    # Rates, regional offences, published aggregates, totals from parts, trends.
    Step("int_published_aggregate_losses", (OBS, "intermediate.int_fx_rates_by_currency_year",
                                            "staging.stg_bls_cpi__monthly"),
         lambda obs, fx, cpi, s: aggregate_losses(obs, fx, cpi, s.base_year)),
    # The virtual-asset view: parts from the sources providing them, totals from every source (IC3's are fbi_ic3).
    Step("int_virtual_asset_figures", (OBS,), lambda obs, s: virtual_asset_figures(virtual_assets_of(obs), obs)),
    Step("int_regional_offences", ("intermediate.int_offences_latest_release", AREAS, POP),
         lambda offences, areas, pop, s: regional_offences(offences, areas, pop, s.min_population_coverage)),
    Step("int_rate_reconciliation", (OBS, POP), lambda obs, pop, s: reconcile_rates(rates_of(obs), pop)),
    Step("int_rate_reconciliation_summary", ("intermediate.int_rate_reconciliation",),
         lambda rec, s: discrepancy_summary(rec)),
    Step("int_national_totals_from_parts", (OBS,),
         lambda obs, s: totals_from_parts(obs, providing("parts_sum_to_total"))),
    Step("int_regional_offences_panel", ("intermediate.int_offences_latest_release", AREAS, POP, BREAKS),
         lambda offences, areas, pop, breaks, s: regional_offences_panel(offences, areas, pop,
                                                                         s.min_population_coverage, breaks)),
    Step("int_trend_points", ("intermediate.int_losses_converted_to_usd", OBS, "intermediate.int_regional_offences",
                              "intermediate.int_regional_losses", "intermediate.int_regional_offences_panel", BREAKS),
         lambda losses, obs, reg_offences, reg_losses, panel, breaks, s: build_trend_points(
             loss_points(losses), ic3_points(crime_types_of(obs)), unodc_points(offences_of(obs)),
             regional_points(reg_offences, reg_losses, offences_panel=panel), breaks=breaks)),
    Step("int_trends", ("intermediate.int_trend_points",), lambda points, s: trend_summary(points)),
]


def build_intermediate_asset(step: Step) -> dg.AssetsDefinition:
    contract = contracts.load("intermediate", step.name)

    @dg.asset(key=["intermediate", step.name], group_name="intermediate", kinds={"duckdb"}, deps=step.deps,
              description=contract.description)
    def _int(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
        build = cyberstats.build(context)
        frames = [build.read(*name.split(".")) for name in step.inputs]
        rows = build.write("intermediate", step.name, step.build(*frames, cyberstats.settings()))
        return dg.MaterializeResult(metadata={"rows": rows})

    return _int


INTERMEDIATE_ASSETS = [build_intermediate_asset(step) for step in STEPS]
