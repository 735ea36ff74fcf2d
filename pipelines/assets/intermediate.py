"""Intermediate layer: joins and re-graining (regions, population, currency, series selection).

Each asset reads the tables it declares, calls one plain function from pipelines.harmonise or
pipelines.indicators, and writes one table. Reports never read this layer.
"""

from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg
import duckdb
import polars as pl

from pipelines.assets.resources import CyberstatsResource
from pipelines.harmonise.convention import convention_status
from pipelines.harmonise.crosswalk import (
    crosswalk_coverage,
    observations_with_offence_codes,
    offences_by_convention_article,
)
from pipelines.harmonise.currency import cpi_annual, fx_rates
from pipelines.harmonise.regions import areas_with_regions, population_by_country_year
from pipelines.indicators.losses import aggregate_losses, country_losses
from pipelines.indicators.offences import offences_by_country_year, totals_from_parts
from pipelines.indicators.rates import discrepancy_summary, reconcile_rates
from pipelines.indicators.regional import regional_losses, regional_offences
from pipelines.indicators.trends import ic3_points, loss_points, regional_points, trend_summary, unodc_points
from pipelines.indicators.trends import trend_points as build_trend_points
from pipelines.settings import Settings
from pipelines.warehouse import connect, read_table, write_table


@dataclass(frozen=True)
class Step:
    name: str
    deps: tuple[tuple[str, str], ...]
    build: Callable[[duckdb.DuckDBPyConnection, Settings], pl.DataFrame]
    description: str


def _t(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> pl.DataFrame:
    return read_table(con, schema, table)


STEPS = [
    Step("int_areas_with_regions", (("staging", "stg_un_m49__areas"),),
         lambda con, s: areas_with_regions(_t(con, "staging", "stg_un_m49__areas")),
         "Every canonical area code with its country, UN M49 region and sub-region."),
    Step("int_population_by_country_year",
         (("staging", "stg_worldbank_wdi__values"), ("staging", "stg_worldbank_wdi__countries")),
         lambda con, s: population_by_country_year(_t(con, "staging", "stg_worldbank_wdi__values"),
                                                   _t(con, "staging", "stg_worldbank_wdi__countries")),
         "World Bank mid-year population (SP.POP.TOTL) by country and year; aggregates removed."),
    Step("int_fx_rates_by_currency_year",
         (("staging", "stg_worldbank_wdi__values"), ("staging", "stg_country_codes__currencies"),
          ("staging", "stg_fred_fx__rates")),
         lambda con, s: fx_rates(_t(con, "staging", "stg_worldbank_wdi__values"),
                                 _t(con, "staging", "stg_country_codes__currencies"),
                                 _t(con, "staging", "stg_fred_fx__rates")),
         "Annual average exchange rates, local currency units per USD, keyed by ISO 4217 currency."),
    Step("int_cpi_annual_averages", (("staging", "stg_bls_cpi__monthly"),),
         lambda con, s: cpi_annual(_t(con, "staging", "stg_bls_cpi__monthly")),
         "US CPI-U annual averages with the number of months each rests on."),
    Step("int_losses_converted_to_usd",
         (("staging", "observations"), ("intermediate", "int_areas_with_regions"),
          ("intermediate", "int_fx_rates_by_currency_year"), ("staging", "stg_bls_cpi__monthly"),
          ("staging", "stg_loss_series__headlines"), ("intermediate", "int_population_by_country_year")),
         lambda con, s: country_losses(_t(con, "staging", "observations"),
                                       _t(con, "intermediate", "int_areas_with_regions"),
                                       _t(con, "intermediate", "int_fx_rates_by_currency_year"),
                                       _t(con, "staging", "stg_bls_cpi__monthly"),
                                       _t(con, "staging", "stg_loss_series__headlines"), s.base_year,
                                       _t(con, "intermediate", "int_population_by_country_year")),
         "Country-level loss figures converted to nominal and constant USD, per person of World Bank population, "
         "with series selection flags."),
    Step("int_regional_losses",
         (("intermediate", "int_losses_converted_to_usd"), ("intermediate", "int_areas_with_regions"),
          ("intermediate", "int_population_by_country_year")),
         lambda con, s: regional_losses(_t(con, "intermediate", "int_losses_converted_to_usd"),
                                        _t(con, "intermediate", "int_areas_with_regions"),
                                        _t(con, "intermediate", "int_population_by_country_year"),
                                        s.min_population_coverage),
         "Preferred country losses summed by world, M49 region and sub-region, and year, with coverage."),
    Step("int_offences_latest_release",
         (("staging", "observations"), ("intermediate", "int_areas_with_regions"),
          ("intermediate", "int_population_by_country_year")),
         lambda con, s: offences_by_country_year(_t(con, "staging", "observations"),
                                                 _t(con, "intermediate", "int_areas_with_regions"),
                                                 _t(con, "intermediate", "int_population_by_country_year")),
         "UNODC offence counts and rates, newest release per series, with World Bank population."),
    # Offence crosswalk and the UN Convention against Cybercrime (pipelines/harmonise/crosswalk.py, convention.py).
    Step("int_observations_with_offence_codes",
         (("staging", "observations"), ("staging", "stg_offence_crosswalk__mappings")),
         lambda con, s: observations_with_offence_codes(_t(con, "staging", "observations"),
                                                        _t(con, "staging", "stg_offence_crosswalk__mappings")),
         "Every observation with its offence crosswalk row (ICCS code, Cy tag, Convention and Budapest articles, "
         "mapping confidence) and crosswalk_status: mapped | unmapped | not_in_crosswalk | indicator_not_covered."),
    Step("int_offences_by_convention_article",
         (("intermediate", "int_observations_with_offence_codes"), ("staging", "stg_offence_crosswalk__mappings"),
          ("intermediate", "int_areas_with_regions")),
         lambda con, s: offences_by_convention_article(
             _t(con, "intermediate", "int_observations_with_offence_codes"),
             _t(con, "staging", "stg_offence_crosswalk__mappings"), _t(con, "intermediate", "int_areas_with_regions")),
         "Offence counts and losses by Convention article group per area, region and year (Cy-tagged part over "
         "parent, parent and part never added, units apart)."),
    Step("int_offence_crosswalk_coverage",
         (("staging", "stg_offence_crosswalk__mappings"), ("intermediate", "int_observations_with_offence_codes"),
          ("intermediate", "int_offences_by_convention_article")),
         lambda con, s: crosswalk_coverage(_t(con, "staging", "stg_offence_crosswalk__mappings"),
                                           _t(con, "intermediate", "int_observations_with_offence_codes"),
                                           _t(con, "intermediate", "int_offences_by_convention_article")),
         "Every crosswalk row with the observations it covers, plus categories printed but not in the crosswalk."),
    Step("int_convention_status", (("staging", "stg_convention_status__events"),),
         lambda con, s: convention_status(_t(con, "staging", "stg_convention_status__events")),
         "UN Convention against Cybercrime: verified signatories and ratifications, entry into force (art. 65(1))."),
    # --- issue 4: rates, regional offences, published aggregates, totals from parts, trends ---
    Step("int_published_aggregate_losses",
         (("staging", "observations"), ("intermediate", "int_fx_rates_by_currency_year"),
          ("staging", "stg_bls_cpi__monthly")),
         lambda con, s: aggregate_losses(_t(con, "staging", "observations"),
                                         _t(con, "intermediate", "int_fx_rates_by_currency_year"),
                                         _t(con, "staging", "stg_bls_cpi__monthly"), s.base_year),
         "Regional and global loss figures published as such (ranges kept as ranges), converted to USD."),
    Step("int_regional_offences",
         (("intermediate", "int_offences_latest_release"), ("intermediate", "int_areas_with_regions"),
          ("intermediate", "int_population_by_country_year")),
         lambda con, s: regional_offences(_t(con, "intermediate", "int_offences_latest_release"),
                                          _t(con, "intermediate", "int_areas_with_regions"),
                                          _t(con, "intermediate", "int_population_by_country_year"),
                                          s.min_population_coverage),
         "UNODC offence counts summed by world, M49 region and sub-region, year and category, with coverage."),
    Step("int_rate_reconciliation",
         (("staging", "observations"), ("intermediate", "int_population_by_country_year")),
         lambda con, s: reconcile_rates(_t(con, "staging", "observations"),
                                        _t(con, "intermediate", "int_population_by_country_year")),
         "Every UNODC published rate beside our World Bank rate from the same file's count."),
    Step("int_rate_reconciliation_summary", (("intermediate", "int_rate_reconciliation"),),
         lambda con, s: discrepancy_summary(_t(con, "intermediate", "int_rate_reconciliation")),
         "Distribution of the differences between our World Bank rates and UNODC's published rates."),
    Step("int_national_totals_from_parts", (("staging", "observations"),),
         lambda con, s: totals_from_parts(_t(con, "staging", "observations")),
         "National totals rebuilt from State/UT rows (subtotal rows never summed) beside the published total."),
    Step("int_trend_points",
         (("intermediate", "int_losses_converted_to_usd"), ("staging", "observations"),
          ("intermediate", "int_regional_offences"), ("intermediate", "int_regional_losses")),
         lambda con, s: build_trend_points(
             loss_points(_t(con, "intermediate", "int_losses_converted_to_usd")),
             ic3_points(_t(con, "staging", "observations")), unodc_points(_t(con, "staging", "observations")),
             regional_points(_t(con, "intermediate", "int_regional_offences"),
                             _t(con, "intermediate", "int_regional_losses"))),
         "Every trend series point with its segment (split at known breaks) and year-on-year change."),
    Step("int_trends", (("intermediate", "int_trend_points"),),
         lambda con, s: trend_summary(_t(con, "intermediate", "int_trend_points")),
         "Trend statistics per series segment: CAGR, Sen's slope, Mann-Kendall with Hamed-Rao correction."),
]


def build_intermediate_asset(step: Step) -> dg.AssetsDefinition:
    @dg.asset(key=["intermediate", step.name], group_name="intermediate", kinds={"duckdb"},
              deps=[list(d) for d in step.deps], description=step.description)
    def _int(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
        settings = cyberstats.settings()
        with connect(settings.build_db, disposable=True) as con:
            frame = step.build(con, settings)
            write_table(con, "intermediate", step.name, frame, step.description)
        return dg.MaterializeResult(metadata={"rows": frame.height, "columns": frame.width})

    return _int


INTERMEDIATE_ASSETS = [build_intermediate_asset(step) for step in STEPS]
