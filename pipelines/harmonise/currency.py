"""Exchange rates by currency and year, US CPI-U averages, and conversion of losses to USD.

Exchange rates (local currency units per USD, annual average):

* World Bank WDI ``PA.NUS.FCRF`` is published per *country*, in the currency that country used
  that year. Rates are re-keyed by *currency*: a currency issued by one country (ISO 4217 numeric
  code = the issuer's ISO 3166 numeric code: USD/USA, AUD/AUS) takes the issuer's row; the euro
  takes the WDI "Euro area" (EMU) row; other shared currencies (XOF, XAF, XCD, ...) take the median
  of their members' rows that agree with it within 0.5%. A euro-area member's rows from before it
  adopted the euro (DEU 1998 = 1.7597 DEM) and rows of countries using another country's currency
  (ECU before 2000) therefore never pose as the current currency: the euro break is handled by the
  data, not by a hand-kept adoption table.
* **Redenominations** are handled explicitly (``REDENOMINATIONS``): WDI keeps some countries' rows
  in a currency that has since been replaced (VEN up to 2017 in bolívares fuertes, VEF; 1 VES =
  100,000 VEF since 2018). Each listed country row is put into the country's current currency
  (ISO 4217, as ``currencies`` names it) before it is keyed: years WDI publishes in the old unit are
  divided by the official factor (old units per new unit), years that no single factor converts are
  dropped (Zimbabwe's dollars before 2009), and ``fx_basis`` says so. Entries whose WDI series is
  already in the new unit for every year (MRU, STN, BYN, ZMW, GHS, SLE, ...) are listed as checked.
  Every entry names a check year and the rate WDI prints for it in the bundled release; a release
  whose rate is not within a factor of 2 of it (WDI rebased the series, or changed its unit) is an
  error, so a factor is never applied twice or to the wrong unit.
* FRED (Federal Reserve H.10) fills currency-years WDI lacks (WDI ends a year earlier). Its
  direction is checked against WDI on overlapping years: kept as is when it agrees within 2%,
  inverted when it matches 1/WDI, dropped (and reported) otherwise.
* A **transcribed** WDI release (``worldbank_wdi_transcribed``: the 2026-07-13 file, typed back in from
  its text) fills what is still missing, for the years *after* the last year of the byte-copied WDI
  release only (2025): it never replaces or fills a year that release covers.
* Every rate carries the **source grade** of the file it came from (``fx_source_grade``, from the file's
  provenance sidecar: WDI byte copy ``publisher_file``; the datasets/exchange-rates copy of FRED and the
  transcribed WDI release ``transcribed``); a pooled rate takes the worst grade of its members, a
  figure's conversion the worst grade of the years it uses.
* ECB reference rates and the Fed's H.10 rates (annual, and monthly for the UK) **cross-check** WDI
  (:func:`fx_crosscheck`); they never convert a figure (ECB's daily cross rates are a different method
  from the IMF's average of official rates, and the only GBP/PHP/NGN gaps they could fill are covered by
  WDI now; NGN is in neither).

A period's rate is the month-weighted mean of the annual rates of the calendar years it covers
(Australian FY2023-24 = 6/12 of 2023 + 6/12 of 2024), because only annual averages are available.
Deflation uses the mean monthly CPI-U over the period's months (what BLS published: 2025-10 is
missing), and the base year's annual average.
"""

from dataclasses import dataclass
from datetime import date

import polars as pl

from pipelines.schema import SOURCE_GRADES, UNSTATED_GRADE

FX_AGREE_TOLERANCE = 0.005  # members of a shared currency agree within 0.5%
FRED_DIRECTION_TOLERANCE = 0.02
#: A period average of CPI needs at least this share of the period's months published.
CPI_MIN_MONTH_SHARE = 0.9
WDI_FX = "PA.NUS.FCRF"
WDI_EURO_AREA = "EMU"
#: fx_source of the rates each file gives.
WDI_SOURCE, FRED_SOURCE, WDI_TRANSCRIBED_SOURCE = "World Bank WDI", "FRED (fallback)", "World Bank WDI (transcribed)"
#: Grades below this one are 'lower grade' rates (a note on the figure; a regional sum names them).
LOWER_GRADES = SOURCE_GRADES[SOURCE_GRADES.index("transcribed"):]
#: The cross-check: a WDI rate and an ECB or Fed rate for the same currency-year that differ by more than
#: this share are a warning (marts.fx_rate_crosscheck, expectation rates_agree_with_ecb_and_fed). ECB annual
#: means of daily cross rates and H.10 rates are other methods than the IMF's average of monthly official
#: rates: on the bundled years they agree within 0.3% (PHP, GBP and 12 other currencies, 2018-2025).
FX_CROSSCHECK_TOLERANCE = 0.005
#: The first year cross-checked: the years of the loss figures (the bundled ones start in 2018). Earlier
#: years differ more (THB 2007 6.7%, AUD/NZD 2008-2009 1.7%: H.10 noon rates against official rates) and
#: convert no bundled figure.
FX_CROSSCHECK_FIRST_YEAR = 2018


@dataclass(frozen=True)
class Redenomination:
    """A currency that replaced another, and how WDI's rows for its country stand.

    ``wdi_old_years`` are the years (inclusive) WDI publishes in ``old_currency`` units; None when
    WDI has rebased the whole series into ``currency`` (nothing to do). Those years are divided by
    ``old_per_new`` (old units per new unit), or dropped when it is None (no single factor applies).
    ``check`` is (year, rate as WDI prints it in the bundled release) for ``wdi_country``.
    """

    currency: str
    old_currency: str
    year: int  # the year the currency was introduced
    old_per_new: float | None
    wdi_country: str
    wdi_old_years: tuple[int, int] | None
    check: tuple[int, float]
    note: str

    @property
    def action(self) -> str:
        if self.wdi_old_years is None:
            return "rebased by WDI"
        return "converted" if self.old_per_new is not None else "dropped"


#: Every redenomination checked against WDI PA.NUS.FCRF (bundled release 2025-10-07, years from 2000).
REDENOMINATIONS: tuple[Redenomination, ...] = (
    Redenomination("VES", "VEF", 2018, 100_000, "VEN", (2000, 2017), (2017, 9.975),
                   "WDI's VEN series (2000-2017) is in bolivares fuertes (VEF, itself 1,000 old VEB since 2008: "
                   "2000 = 0.68); 1 VES = 100,000 VEF from 20 Aug 2018. The 2021 bolivar digital (VED, "
                   "1 VED = 1,000,000 VES) needs nothing: WDI has no VEN rate after 2017."),
    Redenomination("TMT", "TMM", 2009, 5_000, "TKM", (2000, 2001), (2001, 5200.0),
                   "WDI's TKM rows (2000-2001 only) are the old manat's official 5,200 per USD; 1 TMT = 5,000 TMM "
                   "from 1 Jan 2009."),
    Redenomination("ZWG", "ZWL", 2024, 2_498.7242, "ZWE", (2020, 2023), (2023, 3509.17222037558),
                   "WDI's ZWE rows 2020-2023 are in RTGS/Zimbabwe dollars (ZWL); ZWG (ZiG) replaced them on "
                   "5 Apr 2024 at the Reserve Bank's conversion rate of 2,498.7242 ZWL per ZWG (a fixed "
                   "conversion, not a power of ten)."),
    Redenomination("ZWG", "ZWD", 2009, None, "ZWE", (2000, 2008), (2007, 9686.77166954175),
                   "WDI's ZWE rows 2000-2008 are in the pre-2009 Zimbabwe dollars, across the 2006 (1,000:1) and "
                   "Aug 2008 (10^10:1) redenominations (2008 = 6.7e9 mixes units); no rate 2009-2019 (US dollar "
                   "use). No single factor reaches ZWG: dropped."),
    Redenomination("MRU", "MRO", 2018, 10, "MRT", None, (2017, 35.7944166666667),
                   "WDI rebased MRT into MRU for every year (2017 = 35.79, not ~358 MRO)."),
    Redenomination("STN", "STD", 2018, 1_000, "STP", None, (2017, 21.7411383607116),
                   "WDI rebased STP into STN for every year (2017 = 21.74, not ~21,700 STD)."),
    Redenomination("BYN", "BYR", 2016, 10_000, "BLR", None, (2015, 1.59259883333333),
                   "WDI rebased BLR into BYN for every year (2015 = 1.59, not ~15,900 BYR; 2000 = 0.088)."),
    Redenomination("ZMW", "ZMK", 2013, 1_000, "ZMB", None, (2012, 5.1475),
                   "WDI rebased ZMB into ZMW for every year (2012 = 5.15, not ~5,150 ZMK)."),
    Redenomination("GHS", "GHC", 2007, 10_000, "GHA", None, (2006, 0.915106799166667),
                   "WDI rebased GHA into GHS for every year (2006 = 0.92, not ~9,150 GHC)."),
    Redenomination("SLE", "SLL", 2022, 1_000, "SLE", None, (2021, 10.4394253194587),
                   "WDI rebased SLE (Sierra Leone) into the new leone for every year (2021 = 10.44, not ~10,440 SLL)."),
    Redenomination("SDG", "SDD", 2007, 100, "SDN", None, (2006, 2.17153333333333),
                   "WDI rebased SDN into SDG for every year (2006 = 2.17, not ~217 SDD)."),
    Redenomination("AZN", "AZM", 2006, 5_000, "AZE", None, (2005, 0.945421),
                   "WDI rebased AZE into AZN for every year (2005 = 0.95, not ~4,730 AZM)."),
    Redenomination("MZN", "MZM", 2006, 1_000, "MOZ", None, (2005, 23.060965),
                   "WDI rebased MOZ into MZN for every year (2005 = 23.06, not ~23,060 MZM)."),
    Redenomination("RON", "ROL", 2005, 10_000, "ROU", None, (2004, 3.26365683333333),
                   "WDI rebased ROU into RON for every year (2004 = 3.26, not ~32,600 ROL)."),
    Redenomination("MGA", "MGF", 2005, 5, "MDG", None, (2004, 1868.85783333333),
                   "WDI rebased MDG into MGA for every year (2004 = 1,869, not ~9,340 MGF)."),
    Redenomination("SRD", "SRG", 2004, 1_000, "SUR", None, (2003, 2.60133333333333),
                   "WDI rebased SUR into SRD for every year (2003 = 2.60, not ~2,600 SRG)."),
    Redenomination("AFN", "AFA", 2002, 1_000, "AFG", None, (2001, 47.500014516129),
                   "WDI rebased AFG into AFN for every year (2001 = 47.5, not ~47,500 AFA)."),
    Redenomination("TJS", "TJR", 2000, 1_000, "TJK", None, (2000, 2.07625),
                   "WDI rebased TJK into TJS for every year (2000 = 2.08, not ~2,076 TJR)."),
    Redenomination("TRY", "TRL", 2005, 1_000_000, "TUR", None, (2004, 1.42553725),
                   "WDI rebased TUR into TRY for every year (2004 = 1.43, not ~1.43 million TRL); note that the "
                   "bundled country-codes table gives Turkiye no currency, so no TRY rate is keyed at all."),
)
#: A check rate must be within this factor of WDI's (a redenomination factor is at least 5).
REDENOMINATION_CHECK_FACTOR = 2.0


def apply_redenominations(fx: pl.DataFrame, currencies: pl.DataFrame | None = None,
                          redenominations: tuple[Redenomination, ...] = REDENOMINATIONS) -> pl.DataFrame:
    """Put WDI country rows (country_iso3, year, rate) into each country's current currency.

    An entry applies to its country when ``currencies`` (country_iso3, currency_code) names its
    currency as the country's current one (every entry applies without ``currencies``): a table that
    still lists VEN with VEF keys the unconverted rates as VEF. Adds ``redenomination`` (a note for
    fx_basis, null when nothing was done). Raises ValueError when a check year's rate is not the one
    the entry was made for (WDI rebased or changed the series).
    """
    current = (None if currencies is None else
               dict(currencies.select("country_iso3", "currency_code").unique("country_iso3").iter_rows()))
    out = fx.with_columns(redenomination=pl.lit(None, dtype=pl.String))
    for r in redenominations:
        year, expected = r.check
        found = out.filter(pl.col("country_iso3") == r.wdi_country, pl.col("year") == year)["rate"]
        if found.len() and found[0] is not None and not (
                1 / REDENOMINATION_CHECK_FACTOR <= found[0] / expected <= REDENOMINATION_CHECK_FACTOR):
            raise ValueError(
                f"World Bank WDI {WDI_FX} for {r.wdi_country} in {year} is {found[0]:g}, but the {r.currency}/"
                f"{r.old_currency} entry of REDENOMINATIONS (pipelines/harmonise/currency.py) expects about "
                f"{expected:g} ({'in ' + r.old_currency if r.wdi_old_years else 'already in ' + r.currency}): "
                f"WDI has rebased or changed the series; check its unit and update the entry")
        if r.wdi_old_years is None or (current is not None and current.get(r.wdi_country) != r.currency):
            continue
        first, last = r.wdi_old_years
        rows = (pl.col("country_iso3") == r.wdi_country) & pl.col("year").is_between(first, last)
        if r.old_per_new is None:
            out = out.filter(~rows)
        else:
            out = out.with_columns(
                rate=pl.when(rows).then(pl.col("rate") / r.old_per_new).otherwise(pl.col("rate")),
                redenomination=pl.when(rows).then(pl.lit(
                    f"{r.old_currency} converted to {r.currency} ({r.old_per_new:,} {r.old_currency} = 1 "
                    f"{r.currency})")).otherwise(pl.col("redenomination")))
    return out


def grade_rank(column: str) -> pl.Expr:
    """A grade's position in SOURCE_GRADES (0 = publisher_file, the best); unknown grades rank worst."""
    return pl.col(column).replace_strict(list(SOURCE_GRADES), list(range(len(SOURCE_GRADES))),
                                         default=len(SOURCE_GRADES) - 1, return_dtype=pl.Int32)


def worst_grade(grades) -> str | None:
    """The worst of ``grades`` (None when there are none)."""
    known = [g for g in grades if g]
    if not known:
        return None
    return max(known, key=lambda g: SOURCE_GRADES.index(g) if g in SOURCE_GRADES else len(SOURCE_GRADES))


def _with_grade(df: pl.DataFrame) -> pl.DataFrame:
    return df if "source_grade" in df.columns else df.with_columns(source_grade=pl.lit(UNSTATED_GRADE))


def fx_from_wdi(wdi_values: pl.DataFrame, currencies: pl.DataFrame) -> pl.DataFrame:
    """Annual LCU-per-USD rates by currency from WDI country rows (see module docstring).

    ``currencies``: country_iso3, iso_numeric, currency_code, currency_numeric.
    Returns currency_code, year, lcu_per_usd, fx_source, fx_basis, fx_source_grade (the grade of the WDI
    file each rate came from; the worst of the members' for a pooled rate).
    """
    fx = apply_redenominations(_with_grade(wdi_values).filter(pl.col("indicator_code") == WDI_FX).select(
        pl.col("country_code").alias("country_iso3"), "year", pl.col("value").alias("rate"), "source_grade"),
        currencies)
    with_note = pl.concat_str([pl.col("fx_basis"), pl.col("redenomination")], separator="; ", ignore_nulls=True)
    euro = fx.filter(pl.col("country_iso3") == WDI_EURO_AREA).select(
        pl.lit("EUR").alias("currency_code"), "year", pl.col("rate").alias("lcu_per_usd"),
        pl.lit("WDI PA.NUS.FCRF, Euro area (EMU)").alias("fx_basis"), pl.col("source_grade").alias("fx_source_grade"))
    members = fx.join(currencies.select("country_iso3", "iso_numeric", "currency_code", "currency_numeric"),
                      on="country_iso3", how="inner").filter(pl.col("currency_code").is_not_null())
    issuers = members.filter(pl.col("iso_numeric") == pl.col("currency_numeric"))
    issued = issuers.select(
        "currency_code", "year", pl.col("rate").alias("lcu_per_usd"), "redenomination",
        pl.format("WDI PA.NUS.FCRF, issuer {}", pl.col("country_iso3")).alias("fx_basis"),
        pl.col("source_grade").alias("fx_source_grade"),
    ).select("currency_code", "year", "lcu_per_usd", with_note.alias("fx_basis"), "fx_source_grade")
    has_issuer = issuers.select("currency_code").unique()
    shared = (members.filter(pl.col("currency_code") != "EUR")
              .join(has_issuer, on="currency_code", how="anti"))
    shared = shared.with_columns(median=pl.col("rate").median().over("currency_code", "year"))
    agreeing = shared.filter((pl.col("rate") / pl.col("median") - 1).abs() <= FX_AGREE_TOLERANCE)
    pooled = agreeing.group_by("currency_code", "year").agg(
        lcu_per_usd=pl.col("rate").median(),
        fx_basis=pl.format("WDI PA.NUS.FCRF, median of {} members",
                           pl.col("country_iso3").n_unique().cast(pl.String)).first(),
        redenomination=pl.col("redenomination").drop_nulls().first(),
        fx_source_grade=pl.col("source_grade").sort_by(grade_rank("source_grade")).last(),
    ).with_columns(fx_basis=with_note)
    out = pl.concat([euro, issued, pooled.select("currency_code", "year", "lcu_per_usd", "fx_basis",
                                                 "fx_source_grade")])
    return (out.filter(pl.col("lcu_per_usd") > 0)
            .with_columns(fx_source=pl.lit(WDI_SOURCE))
            .unique(["currency_code", "year"], keep="first", maintain_order=True)
            .sort("currency_code", "year"))


@dataclass(frozen=True)
class FredDirection:
    currency_code: str
    overlap_years: int
    median_ratio: float | None  # FRED / WDI on overlapping years
    decision: str  # as_published | inverted | rejected | unchecked


def fred_directions(fred: pl.DataFrame, wdi_fx: pl.DataFrame) -> list[FredDirection]:
    """Decide, per currency, whether FRED's series is LCU per USD, its inverse, or unusable."""
    joined = fred.join(wdi_fx.select("currency_code", "year", "lcu_per_usd"),
                       on=["currency_code", "year"], how="inner")
    out = []
    for cur in sorted(fred["currency_code"].unique().to_list()):
        sub = joined.filter(pl.col("currency_code") == cur)
        if sub.height == 0:
            out.append(FredDirection(cur, 0, None, "unchecked"))
            continue
        ratio = float((sub["rate_as_published"] / sub["lcu_per_usd"]).median())
        inverse = float((sub["rate_as_published"] * sub["lcu_per_usd"]).median())
        if abs(ratio - 1) <= FRED_DIRECTION_TOLERANCE:
            decision = "as_published"
        elif abs(inverse - 1) <= FRED_DIRECTION_TOLERANCE:
            decision = "inverted"
        else:
            decision = "rejected"
        out.append(FredDirection(cur, sub.height, ratio, decision))
    return out


def fx_rates(wdi_values: pl.DataFrame, currencies: pl.DataFrame, fred: pl.DataFrame | None,
             transcribed: pl.DataFrame | None = None) -> pl.DataFrame:
    """WDI rates by currency, with FRED filling the currency-years WDI lacks (direction-checked), then a
    transcribed WDI release filling what is still missing in the years after the byte-copied release's last
    year (see the module docstring). Every row says its source and the grade of the file it came from."""
    wdi = fx_from_wdi(wdi_values, currencies)
    out = _fred_fill(wdi, fred)
    if transcribed is None or transcribed.height == 0:
        return out
    last = wdi_values.filter(pl.col("indicator_code") == WDI_FX)["year"].max()
    later = fx_from_wdi(transcribed, currencies)
    if last is not None:
        later = later.filter(pl.col("year") > last)
    updated = transcribed["last_updated"].drop_nulls().max() if "last_updated" in transcribed.columns else None
    release = f"release of {updated}, " if updated is not None else ""
    fill = (later.join(out.select("currency_code", "year"), on=["currency_code", "year"], how="anti")
            .with_columns(fx_source=pl.lit(WDI_TRANSCRIBED_SOURCE),
                          fx_basis=pl.format("{}transcribed: {}", pl.lit(release), pl.col("fx_basis"))))
    return pl.concat([out, fill], how="diagonal").sort("currency_code", "year")


def _fred_fill(wdi: pl.DataFrame, fred: pl.DataFrame | None) -> pl.DataFrame:
    if fred is None or fred.height == 0:
        return wdi
    fred = _with_grade(fred)
    decisions = {d.currency_code: d for d in fred_directions(fred, wdi)}
    usable = [c for c, d in decisions.items() if d.decision in ("as_published", "inverted")]
    inverted = [c for c, d in decisions.items() if d.decision == "inverted"]
    fill = (fred.filter(pl.col("currency_code").is_in(usable))
            .with_columns(lcu_per_usd=pl.when(pl.col("currency_code").is_in(inverted))
                          .then(1 / pl.col("rate_as_published")).otherwise(pl.col("rate_as_published")))
            .join(wdi.select("currency_code", "year"), on=["currency_code", "year"], how="anti")
            .select("currency_code", "year", "lcu_per_usd",
                    fx_basis=pl.format("FRED H.10 series {}{}", pl.col("fred_series"),
                                       pl.when(pl.col("currency_code").is_in(inverted))
                                       .then(pl.lit(" (inverted)")).otherwise(pl.lit(""))),
                    fx_source=pl.lit(FRED_SOURCE), fx_source_grade="source_grade"))
    return pl.concat([wdi, fill], how="diagonal").sort("currency_code", "year")


def ecb_annual(daily: pl.DataFrame) -> pl.DataFrame:
    """Annual means of ECB cross rates per US dollar: on each fixing day, (X per EUR) / (USD per EUR), and
    1 / (USD per EUR) for EUR itself, averaged over the year's fixing days.

    A year counts only when it is complete in the file (fixings in both its January and its December) and
    the currency has a rate on every USD fixing day of it (a currency with N/A days is not averaged over
    fewer days). Returns currency_code, year, ecb_lcu_per_usd, ecb_fixing_days.
    """
    usd = daily.filter(pl.col("currency_code") == "USD").select("date", usd_per_eur="units_per_eur")
    cross = pl.concat([
        daily.filter(pl.col("currency_code") != "USD").join(usd, on="date", how="inner").select(
            "date", "currency_code", rate=pl.col("units_per_eur") / pl.col("usd_per_eur")),
        usd.select("date", currency_code=pl.lit("EUR"), rate=1 / pl.col("usd_per_eur")),
    ]).with_columns(year=pl.col("date").dt.year().cast(pl.Int32))
    days = usd.group_by(year=pl.col("date").dt.year().cast(pl.Int32)).agg(
        usd_days=pl.len(), months=pl.col("date").dt.month().unique().sort())
    complete = days.filter(pl.col("months").list.contains(1) & pl.col("months").list.contains(12))
    annual = cross.group_by("currency_code", "year").agg(ecb_lcu_per_usd=pl.col("rate").mean(),
                                                        ecb_fixing_days=pl.len().cast(pl.Int32))
    return (annual.join(complete, on="year", how="inner")
            .filter(pl.col("ecb_fixing_days") == pl.col("usd_days"))
            .select("currency_code", "year", "ecb_lcu_per_usd", "ecb_fixing_days").sort("currency_code", "year"))


def fed_annual(annual: pl.DataFrame | None, monthly: pl.DataFrame | None, wdi_fx: pl.DataFrame) -> pl.DataFrame:
    """The Fed's H.10 rate per currency and year, local currency per USD: the annual average where the annual
    file has it, else the mean of the 12 monthly averages (a year with fewer months is not averaged). The
    direction of each series is checked against WDI as for the FRED fill (:func:`fred_directions`); a rejected
    series is left out. Returns currency_code, year, fed_lcu_per_usd, fed_basis."""
    frames = []
    if annual is not None and annual.height:
        frames.append(annual.select("currency_code", "fred_series", "year", "rate_as_published",
                                    basis=pl.format("H.10 annual average, FRED series {}", pl.col("fred_series"))))
    if monthly is not None and monthly.height:
        means = (monthly.group_by("currency_code", "fred_series", "year")
                 .agg(rate_as_published=pl.col("rate_as_published").mean(), months=pl.col("month").n_unique())
                 .filter(pl.col("months") == 12))
        frames.append(means.select("currency_code", "fred_series", "year", "rate_as_published",
                                   basis=pl.format("H.10 mean of 12 monthly averages, FRED series {}",
                                                   pl.col("fred_series"))))
    if not frames:
        return pl.DataFrame(schema={"currency_code": pl.String, "year": pl.Int32, "fed_lcu_per_usd": pl.Float64,
                                    "fed_basis": pl.String})
    fed = pl.concat(frames).unique(["currency_code", "year"], keep="first", maintain_order=True)
    decisions = {d.currency_code: d.decision for d in fred_directions(fed, wdi_fx)}
    keep = [c for c, d in decisions.items() if d in ("as_published", "inverted")]
    inverted = [c for c, d in decisions.items() if d == "inverted"]
    return fed.filter(pl.col("currency_code").is_in(keep)).select(
        "currency_code", "year",
        fed_lcu_per_usd=pl.when(pl.col("currency_code").is_in(inverted)).then(1 / pl.col("rate_as_published"))
        .otherwise(pl.col("rate_as_published")),
        fed_basis=pl.when(pl.col("currency_code").is_in(inverted)).then(pl.format("{} (inverted)", pl.col("basis")))
        .otherwise(pl.col("basis")))


def fx_crosscheck(fx: pl.DataFrame, ecb_daily: pl.DataFrame | None, fred_annual: pl.DataFrame | None,
                  fred_monthly: pl.DataFrame | None, first_year: int = FX_CROSSCHECK_FIRST_YEAR,
                  tolerance: float = FX_CROSSCHECK_TOLERANCE) -> pl.DataFrame:
    """Each World Bank rate (byte-copied or transcribed release) from ``first_year`` beside the ECB's annual
    mean of daily cross rates and the Fed's H.10 rate for the same currency and year, where either exists,
    with the differences as shares of the WDI rate (other / WDI - 1) and whether both lie within
    ``tolerance``. ECB and Fed rates only check; they convert nothing."""
    wdi = fx.filter(pl.col("fx_source").is_in([WDI_SOURCE, WDI_TRANSCRIBED_SOURCE]),
                    pl.col("year") >= first_year).select(
        "currency_code", "year", wdi_lcu_per_usd="lcu_per_usd", wdi_fx_source="fx_source",
        wdi_fx_source_grade="fx_source_grade")
    ecb = (ecb_annual(ecb_daily) if ecb_daily is not None and ecb_daily.height else
           pl.DataFrame(schema={"currency_code": pl.String, "year": pl.Int32, "ecb_lcu_per_usd": pl.Float64,
                                "ecb_fixing_days": pl.Int32}))
    fed = fed_annual(fred_annual, fred_monthly, fx.filter(pl.col("fx_source") == WDI_SOURCE))
    out = (wdi.join(ecb, on=["currency_code", "year"], how="left")
           .join(fed, on=["currency_code", "year"], how="left")
           .filter(pl.col("ecb_lcu_per_usd").is_not_null() | pl.col("fed_lcu_per_usd").is_not_null())
           .with_columns(ecb_difference_share=pl.col("ecb_lcu_per_usd") / pl.col("wdi_lcu_per_usd") - 1,
                         fed_difference_share=pl.col("fed_lcu_per_usd") / pl.col("wdi_lcu_per_usd") - 1))
    largest = pl.max_horizontal(pl.col("ecb_difference_share").abs(), pl.col("fed_difference_share").abs())
    return out.with_columns(max_abs_difference_share=largest, tolerance_share=pl.lit(tolerance),
                            within_tolerance=largest <= tolerance).sort("currency_code", "year")


def month_weights(start: date, end: date) -> dict[int, int]:
    """Months of each calendar year covered by [start, end] (whole months, inclusive)."""
    weights: dict[int, int] = {}
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        weights[y] = weights.get(y, 0) + 1
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return weights


def period_rate(rates: dict[int, float], start: date, end: date) -> float | None:
    """Month-weighted mean annual rate over a period; None if a covered year has no rate."""
    weights = month_weights(start, end)
    if any(y not in rates for y in weights):
        return None
    total = sum(weights.values())
    return sum(rates[y] * w for y, w in weights.items()) / total


def cpi_annual(monthly: pl.DataFrame) -> pl.DataFrame:
    """Annual average CPI-U with the number of months it rests on."""
    return (monthly.group_by("year").agg(cpi_annual_avg=pl.col("cpi_index").mean(),
                                         months_published=pl.len().cast(pl.Int32))
            .sort("year"))


def cpi_period_mean(monthly: dict[tuple[int, int], float], start: date, end: date) -> tuple[float | None, int, int]:
    """Mean monthly CPI over [start, end]: (mean or None, months used, months in period)."""
    values = []
    n = 0
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        n += 1
        if (y, m) in monthly:
            values.append(monthly[(y, m)])
        m += 1
        if m == 13:
            y, m = y + 1, 1
    if n == 0 or len(values) / n < CPI_MIN_MONTH_SHARE:
        return None, len(values), n
    return sum(values) / len(values), len(values), n


def convert_losses(
    losses: pl.DataFrame, fx: pl.DataFrame, cpi_monthly: pl.DataFrame, base_year: int
) -> pl.DataFrame:
    """Add USD nominal and constant-USD columns to loss observations.

    ``losses`` needs: currency, period_start, period_end, year, value, value_low, value_high.
    Adds: fx_lcu_per_usd, fx_source, fx_source_grade, loss_usd_nominal (+ _low/_high), cpi_period, cpi_base,
    loss_usd_constant (+ _low/_high), usd_constant_base_year, conversion_note.
    A value that cannot be converted stays null (it is shown in its own currency) and ``conversion_note``
    says why. ``fx_source_grade`` is the worst grade of the rates of the years the period covers (null for
    USD and for a figure not converted); a rate of grade transcribed or lower is named in the note.
    """
    rates: dict[str, dict[int, float]] = {}
    sources: dict[str, dict[int, str]] = {}
    grades: dict[str, dict[int, str]] = {}
    if "fx_source_grade" not in fx.columns:
        fx = fx.with_columns(fx_source_grade=pl.lit(UNSTATED_GRADE))
    for cur, year, rate, src, grade in fx.select("currency_code", "year", "lcu_per_usd", "fx_source",
                                                 "fx_source_grade").iter_rows():
        rates.setdefault(cur, {})[year] = rate
        sources.setdefault(cur, {})[year] = src
        grades.setdefault(cur, {})[year] = grade
    monthly = {(y, m): v for y, m, v in cpi_monthly.select("year", "month", "cpi_index").iter_rows()}
    base_cpi, base_used, base_months = cpi_period_mean(monthly, date(base_year, 1, 1), date(base_year, 12, 31))

    fx_col, src_col, grade_col, cpi_col, notes = [], [], [], [], []
    for cur, start, end, year in losses.select("currency", "period_start", "period_end", "year").iter_rows():
        note = []
        grade = None
        if start is None or end is None:
            start, end = date(year, 1, 1), date(year, 12, 31)
            note.append(f"period dates not published; calendar year {year} used for FX and CPI")
        if cur == "USD":
            rate, src = 1.0, "USD (no conversion)"
        else:
            rate = period_rate(rates.get(cur, {}), start, end)
            years = sorted(month_weights(start, end))
            src = "; ".join(sorted({sources.get(cur, {}).get(y, "") for y in years} - {""})) or None
            if rate is None:
                missing = [y for y in years if y not in rates.get(cur, {})]
                note.append(f"no {cur} per USD rate for {', '.join(map(str, missing))}; shown in {cur}")
            else:
                grade = worst_grade(grades.get(cur, {}).get(y) for y in years)
                if grade in LOWER_GRADES:
                    lower = [str(y) for y in years if grades.get(cur, {}).get(y) in LOWER_GRADES]
                    note.append(f"{cur} per USD rate for {', '.join(lower)} of source grade {grade} "
                                f"({'; '.join(sorted({sources[cur][int(y)] for y in lower}))})")
        cpi, used, n = cpi_period_mean(monthly, start, end)
        if cpi is None:
            note.append(f"CPI-U published for {used} of {n} months of the period")
        elif used < n:
            note.append(f"CPI-U period mean over {used} of {n} months (BLS did not publish the others)")
        if base_cpi is None:
            note.append(f"CPI-U base year {base_year} has {base_used} of {base_months} months")
        fx_col.append(rate)
        src_col.append(src)
        grade_col.append(grade)
        cpi_col.append(cpi)
        notes.append("; ".join(note) or None)

    out = losses.with_columns(
        fx_lcu_per_usd=pl.Series(fx_col, dtype=pl.Float64),
        fx_source=pl.Series(src_col, dtype=pl.String),
        fx_source_grade=pl.Series(grade_col, dtype=pl.String),
        cpi_period=pl.Series(cpi_col, dtype=pl.Float64),
        cpi_base=pl.lit(base_cpi, dtype=pl.Float64),
        usd_constant_base_year=pl.lit(base_year, dtype=pl.Int32),
        conversion_note=pl.Series(notes, dtype=pl.String),
    )
    deflator = pl.col("cpi_base") / pl.col("cpi_period")
    return out.with_columns(
        loss_usd_nominal=pl.col("value") / pl.col("fx_lcu_per_usd"),
        loss_usd_nominal_low=pl.col("value_low") / pl.col("fx_lcu_per_usd"),
        loss_usd_nominal_high=pl.col("value_high") / pl.col("fx_lcu_per_usd"),
    ).with_columns(
        loss_usd_constant=pl.col("loss_usd_nominal") * deflator,
        loss_usd_constant_low=pl.col("loss_usd_nominal_low") * deflator,
        loss_usd_constant_high=pl.col("loss_usd_nominal_high") * deflator,
    )
