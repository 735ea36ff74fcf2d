"""Areas -> countries -> UN M49 regions; World Bank population by country and year.

``areas_with_regions`` gives one row per canonical area code that can appear in observations:
every ISO3 in M49, plus the UNODC territory codes (:mod:`pipelines.harmonise.areas`). Kosovo
(``XKX``) is not in M49; it is placed where the UNODC exports place it (Region ``Europe``,
Subregion ``Southern Europe``), which ``NON_M49`` records.
"""

import polars as pl

from pipelines.harmonise.areas import SPECIAL_AREAS

#: Areas missing from UN M49: (region code, region, sub-region code, sub-region, source of placement).
NON_M49 = {
    "XKX": ("150", "Europe", "039", "Southern Europe", "UNODC CTS exports (Region/Subregion columns)"),
}
WDI_POPULATION = "SP.POP.TOTL"


def areas_with_regions(m49: pl.DataFrame) -> pl.DataFrame:
    """Every canonical area code with its country, M49 region and sub-region."""
    countries = m49.filter(pl.col("country_iso3").is_not_null()).select(
        area_code=pl.col("country_iso3"), country_iso3=pl.col("country_iso3"), area_name=pl.col("country_name"),
        area_type=pl.lit("country"), m49_code="m49_code", region_code="region_code", region_name="region_name",
        subregion_code="subregion_code", subregion_name="subregion_name",
        region_source=pl.lit("UN M49"),
    )
    extra_rows = []
    for code, (rc, rn, sc, sn, src) in NON_M49.items():
        extra_rows.append({"area_code": code, "country_iso3": code, "area_name": SPECIAL_AREAS[code].label,
                           "area_type": SPECIAL_AREAS[code].area_type, "m49_code": None, "region_code": rc,
                           "region_name": rn, "subregion_code": sc, "subregion_name": sn, "region_source": src})
    parents = countries.select("country_iso3", "region_code", "region_name", "subregion_code", "subregion_name")
    for code, area in SPECIAL_AREAS.items():
        if code in NON_M49:
            continue
        parent = parents.filter(pl.col("country_iso3") == area.country_iso3).to_dicts()
        if not parent:
            continue
        p = parent[0]
        extra_rows.append({"area_code": code, "country_iso3": area.country_iso3, "area_name": area.label,
                           "area_type": area.area_type, "m49_code": None, "region_code": p["region_code"],
                           "region_name": p["region_name"], "subregion_code": p["subregion_code"],
                           "subregion_name": p["subregion_name"],
                           "region_source": f"UN M49 (region of {area.country_iso3})"})
    extra = pl.DataFrame(extra_rows, schema=countries.schema)
    return pl.concat([countries, extra]).sort("area_code")


def population_by_country_year(wdi_values: pl.DataFrame, wdi_countries: pl.DataFrame | None) -> pl.DataFrame:
    """Mid-year population (WDI SP.POP.TOTL) for countries; World Bank aggregates are dropped."""
    pop = wdi_values.filter(pl.col("indicator_code") == WDI_POPULATION)
    if wdi_countries is not None and wdi_countries.height:
        aggregates = wdi_countries.filter(pl.col("is_aggregate")).select("country_code")
        pop = pop.join(aggregates, on="country_code", how="anti")
    return pop.select(
        country_iso3=pl.col("country_code"), year="year", population=pl.col("value"),
        population_source=pl.format("World Bank WDI SP.POP.TOTL (updated {})",
                                    pl.col("last_updated").cast(pl.String)),
    ).sort("country_iso3", "year")
