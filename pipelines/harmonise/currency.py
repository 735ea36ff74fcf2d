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
* FRED (Federal Reserve H.10) fills currency-years WDI lacks (WDI ends a year earlier). Its
  direction is checked against WDI on overlapping years: kept as is when it agrees within 2%,
  inverted when it matches 1/WDI, dropped (and reported) otherwise.

A period's rate is the month-weighted mean of the annual rates of the calendar years it covers
(Australian FY2023-24 = 6/12 of 2023 + 6/12 of 2024), because only annual averages are available.
Deflation uses the mean monthly CPI-U over the period's months (what BLS published: 2025-10 is
missing), and the base year's annual average.
"""

from dataclasses import dataclass
from datetime import date

import polars as pl

FX_AGREE_TOLERANCE = 0.005  # members of a shared currency agree within 0.5%
FRED_DIRECTION_TOLERANCE = 0.02
#: A period average of CPI needs at least this share of the period's months published.
CPI_MIN_MONTH_SHARE = 0.9
WDI_FX = "PA.NUS.FCRF"
WDI_EURO_AREA = "EMU"


def fx_from_wdi(wdi_values: pl.DataFrame, currencies: pl.DataFrame) -> pl.DataFrame:
    """Annual LCU-per-USD rates by currency from WDI country rows (see module docstring).

    ``currencies``: country_iso3, iso_numeric, currency_code, currency_numeric.
    Returns currency_code, year, lcu_per_usd, fx_source, fx_basis.
    """
    fx = wdi_values.filter(pl.col("indicator_code") == WDI_FX).select(
        pl.col("country_code").alias("country_iso3"), "year", pl.col("value").alias("rate"))
    euro = fx.filter(pl.col("country_iso3") == WDI_EURO_AREA).select(
        pl.lit("EUR").alias("currency_code"), "year", pl.col("rate").alias("lcu_per_usd"),
        pl.lit("WDI PA.NUS.FCRF, Euro area (EMU)").alias("fx_basis"))
    members = fx.join(currencies.select("country_iso3", "iso_numeric", "currency_code", "currency_numeric"),
                      on="country_iso3", how="inner").filter(pl.col("currency_code").is_not_null())
    issuers = members.filter(pl.col("iso_numeric") == pl.col("currency_numeric"))
    issued = issuers.select(
        "currency_code", "year", pl.col("rate").alias("lcu_per_usd"),
        pl.format("WDI PA.NUS.FCRF, issuer {}", pl.col("country_iso3")).alias("fx_basis"))
    has_issuer = issuers.select("currency_code").unique()
    shared = (members.filter(pl.col("currency_code") != "EUR")
              .join(has_issuer, on="currency_code", how="anti"))
    shared = shared.with_columns(median=pl.col("rate").median().over("currency_code", "year"))
    agreeing = shared.filter((pl.col("rate") / pl.col("median") - 1).abs() <= FX_AGREE_TOLERANCE)
    pooled = agreeing.group_by("currency_code", "year").agg(
        lcu_per_usd=pl.col("rate").median(),
        fx_basis=pl.format("WDI PA.NUS.FCRF, median of {} members",
                           pl.col("country_iso3").n_unique().cast(pl.String)).first(),
    )
    out = pl.concat([euro, issued, pooled.select("currency_code", "year", "lcu_per_usd", "fx_basis")])
    return (out.filter(pl.col("lcu_per_usd") > 0)
            .with_columns(fx_source=pl.lit("World Bank WDI"))
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


def fx_rates(wdi_values: pl.DataFrame, currencies: pl.DataFrame, fred: pl.DataFrame | None) -> pl.DataFrame:
    """WDI rates by currency, with FRED filling the currency-years WDI lacks (direction-checked)."""
    wdi = fx_from_wdi(wdi_values, currencies)
    if fred is None or fred.height == 0:
        return wdi
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
                    fx_source=pl.lit("FRED (fallback)")))
    return pl.concat([wdi, fill], how="diagonal").sort("currency_code", "year")


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
    Adds: fx_lcu_per_usd, fx_source, loss_usd_nominal (+ _low/_high), cpi_period, cpi_base,
    loss_usd_constant (+ _low/_high), usd_constant_base_year, conversion_note.
    A value that cannot be converted stays null and ``conversion_note`` says why.
    """
    rates: dict[str, dict[int, float]] = {}
    sources: dict[str, dict[int, str]] = {}
    for cur, year, rate, src in fx.select("currency_code", "year", "lcu_per_usd", "fx_source").iter_rows():
        rates.setdefault(cur, {})[year] = rate
        sources.setdefault(cur, {})[year] = src
    monthly = {(y, m): v for y, m, v in cpi_monthly.select("year", "month", "cpi_index").iter_rows()}
    base_cpi, base_used, base_months = cpi_period_mean(monthly, date(base_year, 1, 1), date(base_year, 12, 31))

    fx_col, src_col, cpi_col, notes = [], [], [], []
    for cur, start, end, year in losses.select("currency", "period_start", "period_end", "year").iter_rows():
        note = []
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
                note.append(f"no {cur} per USD rate for {', '.join(map(str, missing))}")
        cpi, used, n = cpi_period_mean(monthly, start, end)
        if cpi is None:
            note.append(f"CPI-U published for {used} of {n} months of the period")
        elif used < n:
            note.append(f"CPI-U period mean over {used} of {n} months (BLS did not publish the others)")
        if base_cpi is None:
            note.append(f"CPI-U base year {base_year} has {base_used} of {base_months} months")
        fx_col.append(rate)
        src_col.append(src)
        cpi_col.append(cpi)
        notes.append("; ".join(note) or None)

    out = losses.with_columns(
        fx_lcu_per_usd=pl.Series(fx_col, dtype=pl.Float64),
        fx_source=pl.Series(src_col, dtype=pl.String),
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
