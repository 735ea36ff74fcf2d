"""Plotly figure builders: pure functions from mart frames to a :class:`Chart`.

Figures are plain plotly.js specs (``{"data": [...], "layout": {...}}``) rather than
``plotly.graph_objects`` objects: the object API validates every attribute in Python and cost about
50 ms per small chart, which dominated building one page per country. The browser tests draw every
page and fail on any console error, which is where an invalid spec would show.

Every chart has a title, axis titles with units, a plain-text summary (for screen readers, print and
the single-file bundle), and the data behind it as a table. Colours come from the Okabe-Ito
colour-blind-safe palette. Any text that comes from data is HTML-escaped before it reaches plotly,
which renders a subset of HTML in hover labels and legends.
"""

import html
import math
from dataclasses import dataclass, field

import polars as pl

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
#: Colours for lines and point markers: the palette without its yellow, which a thin line on white
#: barely shows (contrast 1.2:1). Series beyond these seven change dash and marker as well.
LINE_PALETTE = [c for c in PALETTE if c != "#F0E442"]
LINE_DASHES = ("solid", "dash", "dot", "dashdot")
MARKER_SYMBOLS = ("circle", "square", "diamond", "triangle-up")
#: Sequential colour-blind-safe scale for maps (viridis-like, light = low).
MAP_SCALE = [[0.0, "#fde725"], [0.25, "#5ec962"], [0.5, "#21918c"], [0.75, "#3b528b"], [1.0, "#440154"]]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
#: Name under which the vendored topology is injected (plotly.js: <scope>_<resolution>m).
GEO_RESOLUTION = 50


@dataclass(frozen=True)
class Table:
    """A further data table shown with a chart (e.g. the points behind small multiples)."""

    caption: str
    frame: pl.DataFrame
    headers: dict[str, str]
    formats: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    figure: dict  # plotly.js spec: {"data": [...], "layout": {...}}
    summary: str
    table: pl.DataFrame
    table_headers: dict[str, str]
    formats: dict[str, str] = field(default_factory=dict)  # column -> usd | pct | num | text
    more_tables: tuple[Table, ...] = ()
    config: dict = field(default_factory=dict)  # plotly.js config overrides (e.g. no mode bar)

    @property
    def uses_geo(self) -> bool:
        """The chart draws a map (its page must load the world topology)."""
        return any(t.get("type") in ("choropleth", "scattergeo") for t in self.figure.get("data", []))


def series_style(i: int) -> dict:
    """Line and marker of the i-th series: seven colours, then the same colours dashed with other markers."""
    colour = LINE_PALETTE[i % len(LINE_PALETTE)]
    cycle = (i // len(LINE_PALETTE)) % len(LINE_DASHES)
    return {"line": {"color": colour, "dash": LINE_DASHES[cycle], "width": 2},
            "marker": {"color": colour, "symbol": MARKER_SYMBOLS[cycle], "size": 7}}


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


def _layout(x_title: str | None, y_title: str | None, legend: str | None = None, height: int = 460,
            **extra: object) -> dict:
    # The chart's title is the HTML heading above it (read by screen readers, kept in print); the
    # plot itself carries none, so it is not said twice.
    layout: dict = {
        "font": {"family": FONT, "size": 14, "color": "#1a1a1a"},
        "plot_bgcolor": "white", "paper_bgcolor": "white", "colorway": PALETTE, "height": height,
        "margin": {"l": 70, "r": 20, "t": 30, "b": 60},
        "hoverlabel": {"font": {"family": FONT}},
    }
    if legend:
        layout["legend"] = {"title": {"text": esc(legend)}}
    if x_title is not None:
        layout["xaxis"] = {"title": {"text": esc(x_title)}, "gridcolor": "#e5e5e5"}
    if y_title is not None:
        layout["yaxis"] = {"title": {"text": esc(y_title)}, "rangemode": "tozero", "gridcolor": "#e5e5e5"}
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


REGIONAL_HEADERS = {
    "region_name": "Region", "year": "Year", "loss_usd_nominal": "Loss (US$, nominal)",
    "loss_usd_constant": "Loss (US$, constant)", "countries_reporting": "Countries reporting",
    "countries_in_region": "Countries in region", "population_coverage_share": "Population covered",
    "is_publishable": "Publishable", "reporting_countries": "Reporting countries",
}
REGIONAL_FORMATS = {"loss_usd_nominal": "usd", "loss_usd_constant": "usd", "population_coverage_share": "pct"}


def regional_losses_chart(regional: pl.DataFrame, measure: str = "loss_usd_nominal", prefix: str = "regional") -> Chart:
    """Bars per M49 region and year; aggregates below the coverage rule drawn faint and labelled."""
    regions = regional.filter(pl.col("region_level") == "region").sort("region_name", "year")
    base_year = regional["usd_constant_base_year"].drop_nulls().first() if regional.height else None
    nominal = measure == "loss_usd_nominal"
    unit = "US$ bn, nominal" if nominal else f"US$ bn, constant {base_year} prices"
    traces = []
    for i, name in enumerate(regions["region_name"].unique(maintain_order=True).to_list()):
        sub = regions.filter(pl.col("region_name") == name)
        colour = PALETTE[i % len(PALETTE)]
        ok = sub["is_publishable"].to_list()
        traces.append(dict(
            type="bar", name=esc(name), x=sub["year"].to_list(),
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
        ))
    title = f"Reported losses by region ({'nominal' if nominal else f'constant {base_year}'} US$)"
    fig = {"data": traces, "layout": _layout("Year (reference period ending)", f"Reported losses ({unit})",
                                             "UN M49 region", barmode="group", xaxis={"dtick": 1})}
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
    in_year = pl.col("year") == year if year is not None else pl.lit(False)  # no loss figures at all
    rows = (country.filter(pl.col("is_preferred"), in_year, pl.col("loss_usd_nominal").is_not_null())
            .sort("country_iso3"))
    values = rows["loss_usd_nominal"].to_list()
    # Losses span four orders of magnitude: colour by log10 so that small countries are not all one
    # shade, with colour-bar ticks labelled in dollars.
    ticks = [v for v in (1e6, 1e7, 1e8, 1e9, 1e10, 1e11) if values and min(values) / 10 <= v <= max(values) * 10]
    trace = dict(
        type="choropleth", locations=rows["country_iso3"].to_list(), locationmode="ISO-3",
        z=[math.log10(v) if v > 0 else None for v in values],
        text=[esc(n) for n in rows["country_name"].to_list()],
        customdata=[[esc(s), esc(p), usd(v)] for s, p, v in zip(rows["series"], rows["publisher"], values,
                                                                   strict=True)],
        colorscale=MAP_SCALE, marker={"line": {"color": "#ffffff", "width": 0.5}},
        colorbar={"title": {"text": "US$ (log scale)"}, "tickvals": [math.log10(t) for t in ticks],
                  "ticktext": [usd(t) for t in ticks]},
        hovertemplate="%{text}: %{customdata[2]}<br>%{customdata[1]} (%{customdata[0]})<extra></extra>",
    )
    title = f"Reported losses by country, {year} (nominal US$)"
    geo = {"resolution": GEO_RESOLUTION, "showframe": False, "showcoastlines": True, "coastlinecolor": "#999999",
           "showland": True, "landcolor": "#eeeeee", "showcountries": True, "countrycolor": "#ffffff",
           "projection": {"type": "natural earth", "rotation": {"lon": 0}}, "center": {"lon": 0, "lat": 15},
           "lonaxis": {"range": [-180, 180]}, "lataxis": {"range": [-58, 85]}}
    fig = {"data": [trace], "layout": _layout(None, None, height=520, geo=geo,
                                              margin={"l": 0, "r": 0, "t": 10, "b": 0})}
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
    pref = rows.filter(pl.col("is_preferred")).sort("year")
    alt = rows.filter(~pl.col("is_preferred"), pl.col("loss_usd_nominal").is_not_null())
    traces = [dict(type="scatter", name="preferred figure", x=pref["year"].to_list(),
                    y=[None if v is None else v / 1e6 for v in pref["loss_usd_nominal"].to_list()],
                    mode="lines+markers", line={"color": PALETTE[0], "width": 3},
                    customdata=[esc(s) for s in pref["series"].to_list()],
                    hovertemplate="%{x}: US$%{y:,.1f} m (%{customdata})<extra></extra>")]
    if alt.height:
        traces.append(dict(type="scatter", name="alternative figures", x=alt["year"].to_list(),
                        y=[v / 1e6 for v in alt["loss_usd_nominal"].to_list()], mode="markers",
                        marker={"color": PALETTE[1], "symbol": "diamond-open", "size": 10},
                        customdata=[[esc(s), esc(n)] for s, n in zip(alt["series"], alt["selection_note"],
                                                                      strict=True)],
                        hovertemplate="%{x}: US$%{y:,.1f} m (%{customdata[0]})<br>%{customdata[1]}<extra></extra>"))
    title = f"Reported losses, {iso3} (nominal US$ m)"
    fig = {"data": traces, "layout": _layout("Year (reference period ending)", "Reported losses (US$ m, nominal)",
                                             "Figure", height=380, xaxis={"dtick": 1})}
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
    traces = []
    data = rows.filter(pl.col("offences_per_100k_population_unodc").is_not_null()).sort("category", "year")
    years = list(range(data["year"].min(), data["year"].max() + 1)) if data.height else []
    for i, cat in enumerate(data["category"].unique(maintain_order=True).to_list()):
        sub = dict(data.filter(pl.col("category") == cat).select("year", "offences_per_100k_population_unodc")
                   .iter_rows())
        # Missing years stay gaps: a line never bridges a year without data.
        traces.append(dict(type="scatter", name=esc(cat), x=years, y=[sub.get(y) for y in years],
                        mode="lines+markers",
                        connectgaps=False, showlegend=True, **series_style(i),
                        hovertemplate="%{x}: %{y:,.1f} per 100,000<extra>" + esc(cat) + "</extra>"))
    title = f"Police-recorded offences per 100,000 population, {area} (UNODC)"
    fig = {"data": traces, "layout": _layout("Year", "Offences per 100,000 population",
                                             "Offence category (UNODC published rate)", height=420,
                                             xaxis={"dtick": 2})}
    latest = data.sort("year").group_by("category", maintain_order=True).last()
    summary = ("Latest published rates: " + "; ".join(
        f"{r['category']} {r['offences_per_100k_population_unodc']:,.1f} per 100,000 ({r['year']})"
        for r in latest.iter_rows(named=True)) + ".") if latest.height else "No published offence rates."
    headers = {"category": "Category", "year": "Year", "offences_count": "Offences (count)",
               "offences_per_100k_population_unodc": "Per 100,000 (UNODC)",
               "offences_per_100k_population_wb": "Per 100,000 (World Bank population)", "release": "UNODC release"}
    table = rows.sort("category", "year").select(list(headers))
    return Chart(f"offences-{area.lower()}", title, fig, summary, table, headers, {
        "offences_count": "num", "offences_per_100k_population_unodc": "num",
        "offences_per_100k_population_wb": "num"})


def offences_mix_chart(offences: pl.DataFrame, year: int | None) -> Chart:
    """Countries reporting each cyber-related category, and their summed counts, in one year."""
    rows = offences.filter(pl.col("year") == year, pl.col("offences_count").is_not_null(),
                           pl.col("area_type") == "country")
    agg = (rows.group_by("category", "region_name").agg(countries=pl.len().cast(pl.Int32),
                                                        offences_count=pl.col("offences_count").sum())
           .sort("category", "region_name"))
    traces = []
    for i, region in enumerate(sorted(r for r in agg["region_name"].unique().to_list() if r)):
        sub = agg.filter(pl.col("region_name") == region)
        traces.append(dict(type="bar", name=esc(region), y=[esc(c) for c in sub["category"].to_list()],
                    x=sub["countries"].to_list(),
                    orientation="h", marker={"color": PALETTE[i % len(PALETTE)]},
                    customdata=sub["offences_count"].to_list(),
                    hovertemplate="%{y}: %{x} countries, %{customdata:,.0f} offences<extra>" + esc(region)
                    + "</extra>"))
    title = f"Countries reporting each offence category to UNODC, {year}"
    fig = {"data": traces, "layout": _layout("Countries reporting (count)", None, "UN M49 region", height=460,
                                             barmode="stack", yaxis={"automargin": True})}
    summary = (f"Stacked bars: number of countries that reported each category for {year}, by region. " +
               "; ".join(f"{c}: {n} countries" for c, n in agg.group_by("category").agg(pl.col("countries").sum())
                         .sort("category").iter_rows()) + ".") if agg.height else f"No offence counts for {year}."
    headers = {"category": "Category", "region_name": "Region", "countries": "Countries reporting",
               "offences_count": "Offences recorded (sum of reporting countries)"}
    return Chart("offences-mix", title, fig, summary, agg, headers, {"offences_count": "num"})


# --- trends ----------------------------------------------------------------------------------------

def _theil_sen_intercept(points: list[tuple[int, float]], slope: float) -> float:
    """Conover's intercept for a Theil-Sen line: median of y - slope * x."""
    values = sorted(y - slope * x for x, y in points)
    n = len(values)
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2


def trend_small_multiples(trends: pl.DataFrame, points: pl.DataFrame, chart_id: str, title: str,
                          columns: int = 3, scale: float = 1.0, unit_label: str = "") -> Chart:
    """One small panel per series segment: the values, the Sen's slope line and the Mann-Kendall verdict.

    ``trends`` holds the segments to draw (one row each); ``points`` the trend_points of those series.
    Panels have their own y axes: levels of different series are not comparable, their shapes are.
    """
    segments = trends.sort("area_name", "series_name", "segment").to_dicts()
    n = len(segments)
    rows = max(1, math.ceil(n / columns))
    traces, annotations = [], []
    layout = _layout(None, None, height=max(260, 230 * rows), showlegend=False,
                     grid={"rows": rows, "columns": columns, "pattern": "independent", "ygap": 0.55, "xgap": 0.12},
                     margin={"l": 50, "r": 10, "t": 40, "b": 30})
    layout.pop("xaxis", None)
    layout.pop("yaxis", None)
    for i, seg in enumerate(segments, start=1):
        ax = "" if i == 1 else str(i)
        pts = points.filter(pl.col("series_id") == seg["series_id"], pl.col("segment") == seg["segment"],
                            pl.col("value").is_not_null()).sort("year")
        xs, ys = pts["year"].to_list(), [v / scale for v in pts["value"].to_list()]
        traces.append({"type": "scatter", "mode": "lines+markers", "x": xs, "y": ys, "xaxis": f"x{ax}",
                       "yaxis": f"y{ax}", "line": {"color": PALETTE[0]}, "marker": {"size": 5},
                       "hovertemplate": "%{x}: %{y:,.3~g}" + esc(unit_label) + "<extra></extra>"})
        slope = seg["sen_slope_per_year"]
        if slope is not None and len(xs) >= 2:
            b = _theil_sen_intercept(list(zip(xs, ys, strict=True)), slope / scale)
            traces.append({"type": "scatter", "mode": "lines", "x": [xs[0], xs[-1]],
                           "y": [b + slope / scale * xs[0], b + slope / scale * xs[-1]], "xaxis": f"x{ax}",
                           "yaxis": f"y{ax}", "line": {"color": PALETTE[3], "dash": "dash", "width": 2},
                           "hoverinfo": "skip"})
        verdict = seg["direction"] + (f", p={seg['mk_p_value']:.3f}" if seg["mk_p_value"] is not None else "")
        label = seg["area_name"] if trends["area_name"].n_unique() > 1 else seg["series_name"]
        if trends["area_name"].n_unique() > 1 and trends["series_name"].n_unique() > 1:
            label = f"{seg['area_name']}: {seg['series_name']}"
        if seg["segments_in_series"] and seg["segments_in_series"] > 1:
            label += f" (part {seg['segment']})"
        layout[f"xaxis{ax}"] = {"dtick": 2 if (xs and xs[-1] - xs[0] > 6) else 1, "gridcolor": "#eeeeee",
                                "tickfont": {"size": 10}}
        layout[f"yaxis{ax}"] = {"rangemode": "tozero", "gridcolor": "#eeeeee", "tickfont": {"size": 10}}
        annotations.append({"text": f"<b>{esc(label[:48])}</b><br>{esc(verdict)}", "xref": f"x{ax} domain",
                            "yref": f"y{ax} domain", "x": 0, "y": 1.28, "showarrow": False, "xanchor": "left",
                            "align": "left", "font": {"size": 11}})
    layout["annotations"] = annotations
    fig = {"data": traces, "layout": layout}
    verdicts = [f"{s['area_name']} {s['series_name']} {s['first_year']}-{s['last_year']}: {s['direction']}"
                + (f" (Sen's slope {s['sen_slope_per_year'] / scale:,.3g}{unit_label} per year)"
                   if s["sen_slope_per_year"] is not None else "") for s in segments]
    summary = (f"{n} small charts, one per series segment, each with its own vertical scale; the dashed line is "
               f"Sen's slope, the verdict is the Mann-Kendall test with the Hamed-Rao correction. "
               + "; ".join(verdicts) + ".") if n else "No series to show."
    headers = {"area_name": "Area", "series_name": "Series", "units": "Units", "segment": "Segment",
               "first_year": "First year", "last_year": "Last year", "points": "Points",
               "sen_slope_per_year": "Sen's slope per year", "sen_slope_ci_low_per_year": "95% CI low",
               "sen_slope_ci_high_per_year": "95% CI high", "relative_slope_per_year": "Relative slope per year",
               "mk_p_value": "Mann-Kendall p", "direction": "Verdict", "cagr": "CAGR"}
    table = trends.sort("area_name", "series_name", "segment").select(list(headers))
    return Chart(chart_id, title, fig, summary, table, headers,
                 {"relative_slope_per_year": "pct", "cagr": "pct", "sen_slope_per_year": "num",
                  "sen_slope_ci_low_per_year": "num", "sen_slope_ci_high_per_year": "num", "mk_p_value": "num"})


# --- Convention and ICCS views ----------------------------------------------------------------------

CONFIDENCE_MARK = {"exact": "", "partial": " (partial)", "proxy": " (proxy)"}


def convention_article_chart(rows: pl.DataFrame, year: int | None) -> Chart:
    """UNODC police-recorded offences by Convention article group and M49 region (region rows only)."""
    data = rows.filter(pl.col("area_type") == "region", pl.col("region_code") != "001", pl.col("year") == year,
                       pl.col("source_id") == "unodc_cts", pl.col("measure") == "offences").sort(
        "convention_articles", "area_name")
    traces = []
    groups = data["convention_articles"].unique().sort().to_list() if data.height else []
    labels = {g: f"Art. {g}" for g in groups}
    for i, region in enumerate(sorted(data["area_name"].unique().to_list()) if data.height else []):
        sub = data.filter(pl.col("area_name") == region)
        traces.append({
            "type": "bar", "orientation": "h", "name": esc(region),
            "y": [esc(labels[g]) for g in sub["convention_articles"].to_list()],
            "x": sub["recorded_count"].to_list(), "marker": {"color": PALETTE[i % len(PALETTE)]},
            "customdata": [[c, n, esc(w), esc(cats[:120]), "yes" if ni else "no"] for c, n, w, cats, ni in zip(
                sub["countries_reporting"], sub["countries_in_region"], sub["worst_mapping_confidence"],
                sub["categories_counted"], sub["includes_non_ict_offences"], strict=True)],
            "hovertemplate": ("%{y}: %{x:,.0f} offences from %{customdata[0]} of %{customdata[1]} countries"
                              "<br>mapping confidence: %{customdata[2]}; includes non-ICT offences: %{customdata[4]}"
                              "<br>%{customdata[3]}<extra>" + esc(region) + "</extra>"),
        })
    fig = {"data": traces, "layout": _layout("Police-recorded offences (count)", None, "UN M49 region",
                                             height=420, barmode="stack", yaxis={"automargin": True})}
    title = f"Police-recorded offences by UN Convention against Cybercrime article, {year} (UNODC)"
    conf = data.group_by("convention_articles").agg(pl.col("worst_mapping_confidence").first(),
                                                    pl.col("recorded_count").sum()).sort("convention_articles")
    summary = (f"Stacked bars of police-recorded offences reported to UNODC for {year}, by Convention article group "
               "and region. An article group such as 9;10 cannot be split between its articles. "
               + "; ".join(f"Art. {g}: {c:,.0f} offences (mapping {w})" for g, w, c in conf.iter_rows())
               + ".") if data.height else f"No offences mapped to Convention articles for {year}."
    headers = {"area_name": "Region", "convention_articles": "Articles", "convention_offence": "Offence(s)",
               "recorded_count": "Offences (count)", "countries_reporting": "Countries reporting",
               "countries_in_region": "Countries in region", "worst_mapping_confidence": "Mapping confidence",
               "includes_non_ict_offences": "Includes non-ICT offences", "categories_counted": "Categories added"}
    return Chart("convention-articles", title, fig, summary, data.select(list(headers)), headers,
                 {"recorded_count": "num"})


def iccs_heatmap(regional_offences: pl.DataFrame, crosswalk: pl.DataFrame, year: int | None) -> Chart:
    """Offences per 100,000 population (reporting countries) by ICCS category and M49 region."""
    cw = crosswalk.filter(pl.col("source_id") == "unodc_cts", pl.col("mapping_status") == "mapped").select(
        pl.col("source_category").alias("category"), "iccs_code", "iccs_label", "mapping_confidence").unique(
        "category", keep="first").sort("category")
    data = (regional_offences.filter(pl.col("region_level") == "region", pl.col("year") == year)
            .join(cw, on="category", how="inner").sort("iccs_code", "category", "region_name"))
    cats = data.select("category", "iccs_code", "mapping_confidence").unique().sort("iccs_code", "category")
    regions = sorted(data["region_name"].unique().to_list()) if data.height else []
    ylabels = [esc(f"{c} [{code}]{CONFIDENCE_MARK.get(m, '')}") for c, code, m in cats.iter_rows()]
    lookup = {(r["category"], r["region_name"]): r for r in data.iter_rows(named=True)}
    z, text, custom = [], [], []
    for cat, _, _ in cats.iter_rows():
        zr, tr, cr = [], [], []
        for region in regions:
            r = lookup.get((cat, region))
            rate = r["offences_per_100k_population_wb"] if r else None
            zr.append(rate)
            tr.append("" if r is None else f"{rate:,.1f}{'' if r['is_publishable'] else '*'}")
            cr.append([r["countries_reporting"], r["countries_in_region"], pct(r["population_coverage_share"])]
                      if r else [0, 0, "none"])
        z.append(zr)
        text.append(tr)
        custom.append(cr)
    fig = {"data": [{"type": "heatmap", "x": [esc(r) for r in regions], "y": ylabels, "z": z, "text": text,
                     "texttemplate": "%{text}", "customdata": custom, "colorscale": MAP_SCALE, "reversescale": False,
                     "colorbar": {"title": {"text": "per 100,000"}},
                     "hovertemplate": ("%{y} in %{x}: %{z:,.1f} per 100,000 population of the reporting countries<br>"
                                       "%{customdata[0]} of %{customdata[1]} countries, %{customdata[2]} of population"
                                       "<extra></extra>")}],
           "layout": _layout("UN M49 region", None, height=120 + 38 * max(1, len(ylabels)),
                             yaxis={"automargin": True})}
    title = f"Offences per 100,000 population by ICCS category and region, {year}"
    summary = (f"Heatmap of police-recorded offences per 100,000 population of the reporting countries in {year}, by "
               "offence category (ICCS code in brackets; partial or proxy mappings marked) and UN M49 region; an "
               "asterisk marks cells below the publishable coverage rule. Parent and cyber-related child categories "
               "are separate rows, never added.") if data.height else f"No regional offence rates for {year}."
    headers = {"category": "Category", "iccs_code": "ICCS code", "mapping_confidence": "Mapping",
               "region_name": "Region", "offences_count": "Offences (count)",
               "offences_per_100k_population_wb": "Per 100,000 (reporting countries)",
               "countries_reporting": "Countries reporting", "countries_in_region": "Countries in region",
               "population_coverage_share": "Population covered", "is_publishable": "Publishable"}
    return Chart("iccs-heatmap", title, fig, summary, data.select(list(headers)), headers,
                 {"offences_count": "num", "offences_per_100k_population_wb": "num",
                  "population_coverage_share": "pct"})
