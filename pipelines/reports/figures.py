"""Plotly figure builders: pure functions from mart frames to a :class:`Chart`.

Every chart has a title, axis titles with units, a plain-text summary (for screen readers, print and
the single-file bundle), and the data behind it as a table. Colours come from the Okabe-Ito
colour-blind-safe palette. Any text that comes from data is HTML-escaped before it reaches plotly,
which renders a subset of HTML in hover labels and legends.
"""

import html
import math
from dataclasses import dataclass, field

import plotly.graph_objects as go
import polars as pl

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
#: Sequential colour-blind-safe scale for maps (viridis-like, light = low).
MAP_SCALE = [[0.0, "#fde725"], [0.25, "#5ec962"], [0.5, "#21918c"], [0.75, "#3b528b"], [1.0, "#440154"]]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
#: Name under which the vendored topology is injected (plotly.js: <scope>_<resolution>m).
GEO_RESOLUTION = 50


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    figure: go.Figure
    summary: str
    table: pl.DataFrame
    table_headers: dict[str, str]
    formats: dict[str, str] = field(default_factory=dict)  # column -> usd | pct | num | text


def esc(value: object) -> str:
    """Text from data, made inert for plotly's HTML-like label rendering."""
    return html.escape("" if value is None else str(value), quote=True)


def usd(value: float | None) -> str:
    if value is None:
        return "n/a"
    if abs(value) >= 1e9:
        return f"US${value / 1e9:,.2f} bn"
    if abs(value) >= 1e6:
        return f"US${value / 1e6:,.1f} m"
    return f"US${value:,.0f}"


def pct(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.0%}"


def _layout(fig: go.Figure, title: str, x_title: str | None, y_title: str | None, legend: str | None = None,
            height: int = 460) -> None:
    # The chart's title is the HTML heading above it (read by screen readers, kept in print); the
    # plot itself carries none, so it is not said twice.
    fig.update_layout(
        font={"family": FONT, "size": 14, "color": "#1a1a1a"},
        plot_bgcolor="white", paper_bgcolor="white", colorway=PALETTE, height=height,
        margin={"l": 70, "r": 20, "t": 30, "b": 60},
        legend={"title": {"text": esc(legend)}} if legend else {},
        hoverlabel={"font": {"family": FONT}},
    )
    if x_title is not None:
        fig.update_xaxes(title={"text": esc(x_title)}, gridcolor="#e5e5e5")
    if y_title is not None:
        fig.update_yaxes(title={"text": esc(y_title)}, rangemode="tozero", gridcolor="#e5e5e5")


REGIONAL_HEADERS = {
    "region_name": "Region", "year": "Year", "loss_usd_nominal": "Loss (US$, nominal)",
    "loss_usd_constant": "Loss (US$, constant)", "countries_reporting": "Countries reporting",
    "countries_in_region": "Countries in region", "population_coverage_share": "Population covered",
    "is_publishable": "Publishable", "reporting_countries": "Reporting countries",
}
REGIONAL_FORMATS = {"loss_usd_nominal": "usd", "loss_usd_constant": "usd", "population_coverage_share": "pct"}


def regional_losses_chart(regional: pl.DataFrame, measure: str = "loss_usd_nominal", prefix: str = "regional") -> Chart:
    """Bars per M49 region and year; aggregates below the coverage rule drawn faint and labelled."""
    regions = regional.filter(pl.col("region_code") != "001").sort("region_name", "year")
    base_year = regional["usd_constant_base_year"].drop_nulls().first() if regional.height else None
    nominal = measure == "loss_usd_nominal"
    unit = "US$ bn, nominal" if nominal else f"US$ bn, constant {base_year} prices"
    fig = go.Figure()
    for i, name in enumerate(regions["region_name"].unique(maintain_order=True).to_list()):
        sub = regions.filter(pl.col("region_name") == name)
        colour = PALETTE[i % len(PALETTE)]
        ok = sub["is_publishable"].to_list()
        fig.add_bar(
            name=esc(name), x=sub["year"].to_list(),
            y=[None if v is None else v / 1e9 for v in sub[measure].to_list()],
            marker={"color": colour, "opacity": [1.0 if p else 0.35 for p in ok],
                    "line": {"color": colour, "width": 1}},
            text=[f"{r}/{n}" for r, n in zip(sub["countries_reporting"], sub["countries_in_region"], strict=True)],
            textposition="outside", textfont={"size": 10},
            customdata=[[r, n, pct(c), esc(cs), "publishable" if p else "below the coverage rule"]
                        for r, n, c, cs, p in zip(sub["countries_reporting"], sub["countries_in_region"],
                                                  sub["population_coverage_share"], sub["reporting_countries"], ok,
                                                  strict=True)],
            hovertemplate=("%{x}: US$%{y:.2f} bn<br>%{customdata[0]} of %{customdata[1]} countries reporting, "
                           "%{customdata[2]} of population (%{customdata[4]})<br>%{customdata[3]}"
                           f"<extra>{esc(name)}</extra>"),
        )
    title = f"Reported losses by region ({'nominal' if nominal else f'constant {base_year}'} US$)"
    _layout(fig, title, "Year (reference period ending)", f"Reported losses ({unit})", "UN M49 region")
    fig.update_layout(barmode="group", xaxis={"dtick": 1})
    known = regions.filter(pl.col("population_coverage_share").is_not_null())
    latest = known["year"].max() if known.height else None
    parts = []
    if latest is not None:
        for r in known.filter(pl.col("year") == latest).sort(measure, descending=True, nulls_last=True).iter_rows(
                named=True):
            parts.append(f"{r['region_name']}: {usd(r[measure])} from {r['countries_reporting']} of "
                         f"{r['countries_in_region']} countries ({pct(r['population_coverage_share'])} of population"
                         f"{'' if r['is_publishable'] else ', below the coverage rule'})")
    summary = (f"Bar chart of reported losses by UN M49 region and year in {unit}; labels give countries reporting "
               f"out of countries in the region; faint bars are below the publishable coverage rule. In {latest}: "
               + "; ".join(parts) + "." if parts else "No regional loss figures are available.")
    table = regions.select(list(REGIONAL_HEADERS))
    return Chart(f"{prefix}-{'nominal' if nominal else 'constant'}", title, fig, summary, table, REGIONAL_HEADERS,
                 REGIONAL_FORMATS)


def loss_map(country: pl.DataFrame, year: int | None) -> Chart:
    """World choropleth of each country's preferred reported loss (nominal US$) in ``year``."""
    rows = country.filter(pl.col("is_preferred"), pl.col("year") == year,
                          pl.col("loss_usd_nominal").is_not_null()).sort("country_iso3")
    values = rows["loss_usd_nominal"].to_list()
    # Losses span four orders of magnitude: colour by log10 so that small countries are not all one
    # shade, with colour-bar ticks labelled in dollars.
    ticks = [v for v in (1e6, 1e7, 1e8, 1e9, 1e10, 1e11) if values and min(values) / 10 <= v <= max(values) * 10]
    fig = go.Figure(go.Choropleth(
        locations=rows["country_iso3"].to_list(), locationmode="ISO-3",
        z=[math.log10(v) if v > 0 else None for v in values],
        text=[esc(n) for n in rows["country_name"].to_list()],
        customdata=[[esc(s), esc(p), usd(v)] for s, p, v in zip(rows["series"], rows["publisher"], values,
                                                                   strict=True)],
        colorscale=MAP_SCALE, marker={"line": {"color": "#ffffff", "width": 0.5}},
        colorbar={"title": {"text": "US$ (log scale)"}, "tickvals": [math.log10(t) for t in ticks],
                  "ticktext": [usd(t) for t in ticks]},
        hovertemplate="%{text}: %{customdata[2]}<br>%{customdata[1]} (%{customdata[0]})<extra></extra>",
    ))
    title = f"Reported losses by country, {year} (nominal US$)"
    _layout(fig, title, None, None, height=520)
    fig.update_geos(resolution=GEO_RESOLUTION, showframe=False, showcoastlines=True, coastlinecolor="#999999",
                    showland=True, landcolor="#eeeeee", showcountries=True, countrycolor="#ffffff",
                    projection={"type": "natural earth", "rotation": {"lon": 0}}, center={"lon": 0, "lat": 15},
                    lonaxis={"range": [-180, 180]}, lataxis={"range": [-58, 85]})
    fig.update_layout(margin={"l": 0, "r": 0, "t": 10, "b": 0})
    ranked = rows.sort("loss_usd_nominal", descending=True)
    summary = (f"World map of preferred reported losses in {year}, {rows.height} countries shaded; countries without "
               f"a converted figure are grey. Largest: "
               + "; ".join(f"{r['country_name']} {usd(r['loss_usd_nominal'])}" for r in ranked.head(5).iter_rows(
                   named=True)) + "." if rows.height else f"No country has a converted loss figure for {year}.")
    headers = {"country_name": "Country", "country_iso3": "ISO3", "loss_lcu": "Loss (local currency)",
               "currency_code": "Currency", "loss_usd_nominal": "Loss (US$, nominal)", "publisher": "Publisher"}
    return Chart("loss-map", title, fig, summary, rows.select(list(headers)), headers,
                 {"loss_usd_nominal": "usd", "loss_lcu": "num"})


def country_loss_chart(rows: pl.DataFrame, iso3: str) -> Chart:
    """One country's loss figures over time: the preferred series as a line, alternatives as points."""
    fig = go.Figure()
    pref = rows.filter(pl.col("is_preferred")).sort("year")
    alt = rows.filter(~pl.col("is_preferred"), pl.col("loss_usd_nominal").is_not_null())
    fig.add_scatter(name="preferred figure", x=pref["year"].to_list(),
                    y=[None if v is None else v / 1e6 for v in pref["loss_usd_nominal"].to_list()],
                    mode="lines+markers", line={"color": PALETTE[0], "width": 3},
                    customdata=[esc(s) for s in pref["series"].to_list()],
                    hovertemplate="%{x}: US$%{y:,.1f} m (%{customdata})<extra></extra>")
    if alt.height:
        fig.add_scatter(name="alternative figures", x=alt["year"].to_list(),
                        y=[v / 1e6 for v in alt["loss_usd_nominal"].to_list()], mode="markers",
                        marker={"color": PALETTE[1], "symbol": "diamond-open", "size": 10},
                        customdata=[[esc(s), esc(n)] for s, n in zip(alt["series"], alt["selection_note"],
                                                                      strict=True)],
                        hovertemplate="%{x}: US$%{y:,.1f} m (%{customdata[0]})<br>%{customdata[1]}<extra></extra>")
    title = f"Reported losses, {iso3} (nominal US$ m)"
    _layout(fig, title, "Year (reference period ending)", "Reported losses (US$ m, nominal)", "Figure", height=380)
    fig.update_layout(xaxis={"dtick": 1})
    summary = ("Preferred figures: " + "; ".join(f"{r['year']} {usd(r['loss_usd_nominal'])}"
                                                  for r in pref.iter_rows(named=True))
               + (f". {alt.height} alternative figures shown as open diamonds." if alt.height else ".")) \
        if pref.height else "No preferred loss figure."
    headers = {"year": "Year", "period_label": "Period", "series": "Series", "loss_lcu": "Loss (local currency)",
               "currency_code": "Currency", "loss_usd_nominal": "US$ nominal", "loss_usd_constant": "US$ constant",
               "is_preferred": "Preferred", "selection_note": "Selection", "publisher": "Publisher"}
    table = rows.sort("year", "is_preferred", descending=[False, True]).select(list(headers))
    return Chart(f"losses-{iso3.lower()}", title, fig, summary, table, headers,
                 {"loss_usd_nominal": "usd", "loss_usd_constant": "usd", "loss_lcu": "num"})


def offence_rates_chart(rows: pl.DataFrame, area: str) -> Chart:
    """Police-recorded offences per 100,000 population over time, one line per category."""
    fig = go.Figure()
    data = rows.filter(pl.col("offences_per_100k_population_published").is_not_null()).sort("category", "year")
    years = list(range(data["year"].min(), data["year"].max() + 1)) if data.height else []
    for i, cat in enumerate(data["category"].unique(maintain_order=True).to_list()):
        sub = dict(data.filter(pl.col("category") == cat).select("year", "offences_per_100k_population_published")
                   .iter_rows())
        # Missing years stay gaps: a line never bridges a year without data.
        fig.add_scatter(name=esc(cat), x=years, y=[sub.get(y) for y in years], mode="lines+markers",
                        connectgaps=False, showlegend=True,
                        line={"color": PALETTE[i % len(PALETTE)]},
                        hovertemplate="%{x}: %{y:,.1f} per 100,000<extra>" + esc(cat) + "</extra>")
    title = f"Police-recorded offences per 100,000 population, {area} (UNODC)"
    _layout(fig, title, "Year", "Offences per 100,000 population", "Offence category (UNODC published rate)",
            height=420)
    fig.update_layout(xaxis={"dtick": 2})
    latest = data.sort("year").group_by("category", maintain_order=True).last()
    summary = ("Latest published rates: " + "; ".join(
        f"{r['category']} {r['offences_per_100k_population_published']:,.1f} per 100,000 ({r['year']})"
        for r in latest.iter_rows(named=True)) + ".") if latest.height else "No published offence rates."
    headers = {"category": "Category", "year": "Year", "offences_count": "Offences (count)",
               "offences_per_100k_population_published": "Per 100,000 (UNODC)",
               "offences_per_100k_population": "Per 100,000 (World Bank population)", "release": "UNODC release"}
    table = rows.sort("category", "year").select(list(headers))
    return Chart(f"offences-{area.lower()}", title, fig, summary, table, headers, {
        "offences_count": "num", "offences_per_100k_population_published": "num",
        "offences_per_100k_population": "num"})


def offences_mix_chart(offences: pl.DataFrame, year: int | None) -> Chart:
    """Countries reporting each cyber-related category, and their summed counts, in one year."""
    rows = offences.filter(pl.col("year") == year, pl.col("offences_count").is_not_null(),
                           pl.col("area_type") == "country")
    agg = (rows.group_by("category", "region_name").agg(countries=pl.len().cast(pl.Int32),
                                                        offences_count=pl.col("offences_count").sum())
           .sort("category", "region_name"))
    fig = go.Figure()
    for i, region in enumerate(sorted(r for r in agg["region_name"].unique().to_list() if r)):
        sub = agg.filter(pl.col("region_name") == region)
        fig.add_bar(name=esc(region), y=[esc(c) for c in sub["category"].to_list()], x=sub["countries"].to_list(),
                    orientation="h", marker={"color": PALETTE[i % len(PALETTE)]},
                    customdata=sub["offences_count"].to_list(),
                    hovertemplate="%{y}: %{x} countries, %{customdata:,.0f} offences<extra>" + esc(region) + "</extra>")
    title = f"Countries reporting each offence category to UNODC, {year}"
    _layout(fig, title, "Countries reporting (count)", None, "UN M49 region", height=460)
    fig.update_layout(barmode="stack", margin={"l": 330})
    summary = (f"Stacked bars: number of countries that reported each category for {year}, by region. " +
               "; ".join(f"{c}: {n} countries" for c, n in agg.group_by("category").agg(pl.col("countries").sum())
                         .sort("category").iter_rows()) + ".") if agg.height else f"No offence counts for {year}."
    headers = {"category": "Category", "region_name": "Region", "countries": "Countries reporting",
               "offences_count": "Offences recorded (sum of reporting countries)"}
    return Chart("offences-mix", title, fig, summary, agg, headers, {"offences_count": "num"})
