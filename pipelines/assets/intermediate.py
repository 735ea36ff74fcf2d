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
from pipelines.indicators.losses import country_losses
from pipelines.indicators.offences import offences_by_country_year
from pipelines.indicators.regional import regional_losses
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
          ("staging", "stg_loss_series__headlines")),
         lambda con, s: country_losses(_t(con, "staging", "observations"),
                                       _t(con, "intermediate", "int_areas_with_regions"),
                                       _t(con, "intermediate", "int_fx_rates_by_currency_year"),
                                       _t(con, "staging", "stg_bls_cpi__monthly"),
                                       _t(con, "staging", "stg_loss_series__headlines"), s.base_year),
         "Country-level loss figures converted to nominal and constant USD, with series selection flags."),
    Step("int_regional_losses",
         (("intermediate", "int_losses_converted_to_usd"), ("intermediate", "int_areas_with_regions"),
          ("intermediate", "int_population_by_country_year")),
         lambda con, s: regional_losses(_t(con, "intermediate", "int_losses_converted_to_usd"),
                                        _t(con, "intermediate", "int_areas_with_regions"),
                                        _t(con, "intermediate", "int_population_by_country_year"),
                                        s.min_population_coverage),
         "Preferred country losses summed by M49 region and year, with coverage."),
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
