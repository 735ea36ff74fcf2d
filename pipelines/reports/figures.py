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
import re
import textwrap
from dataclasses import dataclass, field

import polars as pl

from pipelines.indicators.convention import ICT_PART, NON_ICT_PART
from pipelines.indicators.flags import describe as flag_names
from pipelines.sources import providing

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
    if abs(value) >= 1e12:
        return f"US${value / 1e12:,.2f} tn"
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


def flag_labels(xs: list, ys: list, flags: list[str | None], **axes: str) -> list[dict]:
    """A text-only trace printing each flagged point's flags above it (Methodology, "Flags"): the marking
    is on the chart itself, not only in the hover. Empty when no point is flagged."""
    marked = [(x, y, f) for x, y, f in zip(xs, ys, flags, strict=True) if f and y is not None]
    if not marked:
        return []
    return [{"type": "scatter", "mode": "text", "x": [m[0] for m in marked], "y": [m[1] for m in marked],
             "text": [f"<b>{esc(m[2])}</b>" for m in marked], "textposition": "top center",
             "textfont": {"size": 13, "color": "#222222"}, "hoverinfo": "skip", "showlegend": False,
             "name": "flags", **axes}]


def flags_summary(rows: pl.DataFrame, label: str = "category") -> str:
    """" Flags: Fraud 2021 b (break in series); ..." for the flagged rows (empty when none): the chart's text
    says what the letters above its points mean."""
    if "flags" not in rows.columns:
        return ""
    flagged = rows.filter(pl.col("flags").fill_null("") != "").sort(label, "year")
    if not flagged.height:
        return ""
    return " Flags (Methodology, Flags): " + "; ".join(
        f"{r[label]} {r['year']} {r['flags']} ({flag_names(r['flags'])})" for r in flagged.iter_rows(named=True)) + "."


def flag_hover(flags: str | None) -> str:
    """``"b"`` -> ``"flags: b (break in series)"``; empty for no flags."""
    return f"flags: {flags} ({flag_names(flags)})" if flags else ""


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
            left_out = r.get("not_converted_names")
            parts.append(f"{r['region_name']}: {usd(r[measure])} from {r['countries_reporting']} of "
                         f"{r['countries_in_region']} countries ({pct(r['population_coverage_share'])} of population"
                         f"{'' if r['is_publishable'] else ', below the coverage rule'}"
                         f"{f'; not in the sum, no US$ conversion: {left_out}' if left_out else ''})")
    summary = (f"Bar chart of reported losses by UN M49 region and year in {unit}; labels give countries reporting "
               f"out of countries in the region; faint bars are below the publishable coverage rule. In {latest}: "
               + "; ".join(parts) + "." if parts else "No regional loss figures are available.")
    headers = dict(REGIONAL_HEADERS)
    if "flags" in regions.columns:
        headers["flags"] = "Flags"
    if "not_converted_names" in regions.columns:
        headers["not_converted_names"] = "Not in the sum (no US$ conversion)"
    table = regions.select(list(headers))
    return Chart(f"{prefix}-{'nominal' if nominal else 'constant'}", title, fig, summary, table, headers,
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
    if "flags" in pref.columns:
        traces.extend(flag_labels(pref["year"].to_list(),
                                  [None if v is None else v / 1e6 for v in pref["loss_usd_nominal"].to_list()],
                                  pref["flags"].to_list()))
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
    summary = ("Preferred figures: " + "; ".join(
        f"{r['year']} {usd(r['loss_usd_nominal'])}" if r["loss_usd_nominal"] is not None else
        f"{r['year']} {r['currency_code']} {r['loss_lcu']:,.0f} "
        f"(not converted: {r.get('conversion_note') or 'no rate'})"
        if r["loss_lcu"] is not None else f"{r['year']} no figure" for r in pref.iter_rows(named=True))
               + (f". {alt.height} alternative figures shown as open diamonds." if alt.height else ".")) \
        if pref.height else "No preferred loss figure."
    summary += flags_summary(pref, label="series")
    headers = {"year": "Year", "period_label": "Period", "series": "Series", "loss_lcu": "Loss (local currency)",
               "currency_code": "Currency", "loss_usd_nominal": "US$ nominal", "loss_usd_constant": "US$ constant",
               "is_preferred": "Preferred", "selection_note": "Selection", "publisher": "Publisher"}
    headers |= {c: h for c, h in (("fx_source_grade", "Exchange-rate grade"), ("conversion_note", "Conversion"),
                                  ("source_grade", "Source grade"), ("flags", "Flags"),
                                  ("flag_notes", "What the flags mean here")) if c in rows.columns}
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
        if "flags" in data.columns:
            marks = dict(data.filter(pl.col("category") == cat).select("year", "flags").iter_rows())
            traces.extend(flag_labels(years, [sub.get(y) for y in years], [marks.get(y) for y in years]))
    title = f"Police-recorded offences per 100,000 population, {area} (UNODC)"
    fig = {"data": traces, "layout": _layout("Year", "Offences per 100,000 population",
                                             "Offence category (UNODC published rate)", height=420,
                                             xaxis={"dtick": 2})}
    latest = data.sort("year").group_by("category", maintain_order=True).last()
    summary = ("Latest published rates: " + "; ".join(
        f"{r['category']} {r['offences_per_100k_population_unodc']:,.1f} per 100,000 ({r['year']})"
        for r in latest.iter_rows(named=True)) + ".") if latest.height else "No published offence rates."
    summary += flags_summary(rows)
    headers = {"category": "Category", "year": "Year", "offences_count": "Offences (count)",
               "offences_per_100k_population_unodc": "Per 100,000 (UNODC)",
               "offences_per_100k_population_wb": "Per 100,000 (World Bank population)", "release": "UNODC release"}
    if "flags" in rows.columns:
        headers |= {"flags": "Flags", "flag_notes": "What the flags mean here"}
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

_CURRENCY = re.compile(r"^([A-Z]{3})\b")


def short_unit(units: str | None) -> str:
    """Axis title for a series unit: 'AUD, nominal (local currency)' -> 'AUD, nominal'."""
    text = (units or "").strip()
    if _CURRENCY.match(text):
        text = text.replace(" (local currency)", "").replace(" prices", "")
        return text.replace("USD,", "US$,") if text.startswith("USD,") else text
    if "per 100,000" in text:
        return "per 100,000 population"
    return re.sub(r"\s*\(count\).*$", "", text) or "value"


def format_value(value: float | None, units: str | None, per_year: bool = False, short: bool = False) -> str:
    """A value (or a slope) with its unit: 'AUD 101 m', 'GBP -6 m', '-US$6 m', '0.52 per 100,000
    population', '1,234 complaints'. ``short`` drops 'population' from rates (panel headings)."""
    if value is None:
        return "n/a"
    text = units or ""
    tail = " per year" if per_year else ""
    m = _CURRENCY.match(text)
    if m:
        sign, v = ("-" if value < 0 else ""), abs(value)
        if v >= 1e9:
            number = f"{v / 1e9:,.3g} bn"
        elif v >= 1e6:
            number = f"{v / 1e6:,.3g} m"
        else:
            number = f"{v:,.0f}"
        if m.group(1) == "USD":
            return f"{sign}US${number}{tail}"
        return f"{m.group(1)} {sign}{number}{tail}"
    if "per 100,000" in text:
        return f"{value:,.3g} per 100,000{'' if short else ' population'}{tail}"
    noun = short_unit(text)
    number = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"
    return f"{number} {noun}{tail}"


def wrap_lines(text: str, width: int, max_lines: int | None) -> tuple[str, ...]:
    """``text`` wrapped at word boundaries into lines of about ``width`` characters (raw text); past
    ``max_lines`` the last line ends in an ellipsis."""
    lines = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return tuple(lines)


def esc_lines(lines: tuple[str, ...]) -> str:
    """Escaped lines joined with plotly's line break."""
    return "<br>".join(esc(line) for line in lines)


def panel_labels(names: list[str], width: int = 48, max_lines: int = 2) -> list[tuple[str, ...]]:
    """Wrapped panel labels that stay distinct: a label that shortening makes equal to another one is given
    in full (more lines) instead."""
    short = [wrap_lines(n, width, max_lines) for n in names]
    seen: dict[tuple[str, ...], set[str]] = {}
    for name, label in zip(names, short, strict=True):
        seen.setdefault(label, set()).add(name)
    return [label if len(seen[label]) == 1 else wrap_lines(name, width, None)
            for name, label in zip(names, short, strict=True)]


def _set_changes(years: list[int], members: list[str | None]) -> dict[int, str]:
    """Years in which the set of reporting countries differs from the previous point's: '+ALB -BIH'."""
    out, prev = {}, None
    for year, text in zip(years, members, strict=True):
        current = {c.strip() for c in (text or "").split(",") if c.strip()}
        if prev is not None and current != prev:
            out[year] = " ".join([f"+{c}" for c in sorted(current - prev)] + [f"−{c}" for c in sorted(prev - current)])
        prev = current
    return out


COVERAGE_COLUMNS = ("countries_reporting", "countries_in_region", "population_coverage_share", "reporting_countries")


def trend_small_multiples(trends: pl.DataFrame, points: pl.DataFrame, chart_id: str, title: str,
                          columns: int = 3, coverage: pl.DataFrame | None = None) -> Chart:
    """One small panel per series segment: the values, the Sen's slope line and the Mann-Kendall verdict.

    ``trends`` holds the segments to draw (one row each); ``points`` the trend_points of those series.
    Panels have their own y axes (titled with the series' unit): levels of different series are not
    comparable, their shapes are. ``coverage`` (area_code, series_name, year and COVERAGE_COLUMNS)
    adds, for regional sums, the countries and population share behind every point, and marks the
    points at which the set of reporting countries changes.
    """
    segments = trends.sort("area_name", "series_name", "segment").to_dicts()
    n = len(segments)
    many_areas, many_series = trends["area_name"].n_unique() > 1, trends["series_name"].n_unique() > 1
    areas = panel_labels([s["area_name"] for s in segments], 46, 2) if many_areas else [()] * n
    series = panel_labels([s["series_name"] + (f" (part {s['segment']})" if (s["segments_in_series"] or 1) > 1
                                               else "") for s in segments], 48, 2)
    if not many_series and many_areas:
        series = [(f"part {s['segment']}",) if (s["segments_in_series"] or 1) > 1 else () for s in segments]
    slopes = [1 if s["sen_slope_per_year"] is not None else 0 for s in segments]
    header_lines = max([1] + [len(a) + len(b) + 1 + k for a, b, k in zip(areas, series, slopes, strict=True)])
    header_px = 15 * header_lines + 6
    height, domains = _panel_grid(n, columns, 170, 30, 60, 20, header_px=header_px)
    layout = _layout(None, None, height=height, showlegend=False, margin={"l": 60, "r": 10, "t": 30, "b": 20})
    layout.pop("xaxis", None)
    layout.pop("yaxis", None)
    traces, annotations, point_rows, change_notes, flag_notes = [], [], [], [], []
    cov = None
    if coverage is not None and coverage.height:
        cov = coverage.select("area_code", "series_name", "year", *COVERAGE_COLUMNS)
    for i, (seg, (xd, yd)) in enumerate(zip(segments, domains, strict=True)):
        ax = "" if i == 0 else str(i + 1)
        units = seg["units"]
        pts = points.filter(pl.col("series_id") == seg["series_id"], pl.col("segment") == seg["segment"],
                            pl.col("value").is_not_null()).sort("year")
        if cov is not None:
            pts = pts.join(cov, on=["area_code", "series_name", "year"], how="left")
        xs, ys = pts["year"].to_list(), pts["value"].to_list()
        hover = [[f"{x}: {format_value(y, units)}"] for x, y in zip(xs, ys, strict=True)]  # lines per point
        point_flags = pts["flags"].to_list() if "flags" in pts.columns else [None] * len(xs)
        for j, f in enumerate(point_flags):
            if f:
                hover[j].append(flag_hover(f))
                flag_notes.append(f"{seg['area_name']}, {seg['series_name']} {xs[j]}: {f} ({flag_names(f)})")
        symbols = ["circle"] * len(xs)
        changes: dict[int, str] = {}
        if cov is not None:
            changes = _set_changes(xs, pts["reporting_countries"].to_list())
            for j, r in enumerate(pts.iter_rows(named=True)):
                hover[j].append(f"{r['countries_reporting']} of {r['countries_in_region']} countries reporting, "
                                f"{pct(r['population_coverage_share'])} of population")
                if r["year"] in changes:
                    hover[j].append(f"reporting countries changed: {changes[r['year']]}")
                    symbols[j] = "diamond-open"
                point_rows.append({"area_name": seg["area_name"], "series_name": seg["series_name"],
                                   "year": r["year"], "value": r["value"],
                                   "countries_reporting": r["countries_reporting"],
                                   "countries_in_region": r["countries_in_region"],
                                   "population_coverage_share": r["population_coverage_share"],
                                   "reporting_change": changes.get(r["year"], ""),
                                   "flags": r.get("flags") or "",
                                   "reporting_countries": r["reporting_countries"]})
            if changes:
                change_notes.append(f"{seg['area_name']}, {seg['series_name']}: "
                                    + "; ".join(f"{y} ({c})" for y, c in changes.items()))
        traces.append({"type": "scatter", "mode": "lines+markers", "x": xs, "y": ys, "xaxis": f"x{ax}",
                       "yaxis": f"y{ax}", "line": {"color": PALETTE[0]},
                       "marker": {"size": [9 if s != "circle" else 6 for s in symbols], "symbol": symbols,
                                  "color": PALETTE[0], "line": {"width": 2, "color": PALETTE[0]}},
                       "text": [esc_lines(tuple(h)) for h in hover], "hovertemplate": "%{text}<extra></extra>"})
        traces.extend(flag_labels(xs, ys, point_flags, xaxis=f"x{ax}", yaxis=f"y{ax}"))
        slope, b = seg["sen_slope_per_year"], seg.get("sen_intercept")  # the line is computed in marts.trends
        if slope is not None and b is not None and len(xs) >= 2:
            traces.append({"type": "scatter", "mode": "lines", "x": [xs[0], xs[-1]],
                           "y": [b + slope * xs[0], b + slope * xs[-1]], "xaxis": f"x{ax}",
                           "yaxis": f"y{ax}", "line": {"color": PALETTE[3], "dash": "dash", "width": 2},
                           "hoverinfo": "skip"})
        verdict = [seg["direction"] + (f", p={seg['mk_p_value']:.3f}" if seg["mk_p_value"] is not None else "")]
        if slope is not None:
            verdict.append(f"Sen's slope {format_value(slope, units, per_year=True, short=True)}")
        layout[f"xaxis{ax}"] = {"domain": xd, "anchor": f"y{ax}", "dtick": 2 if (xs and xs[-1] - xs[0] > 6) else 1,
                                "gridcolor": "#eeeeee", "tickfont": {"size": 10},
                                "title": {"text": "Year", "font": {"size": 10}, "standoff": 2}}
        layout[f"yaxis{ax}"] = {"domain": yd, "anchor": f"x{ax}", "rangemode": "tozero", "gridcolor": "#eeeeee",
                                "tickfont": {"size": 10}, "title": {"text": esc(short_unit(units)),
                                                                    "font": {"size": 10}, "standoff": 4}}
        head = [f"<b>{esc_lines(areas[i])}</b>"] if areas[i] else []
        if series[i]:
            head.append(esc_lines(series[i]) if areas[i] else f"<b>{esc_lines(series[i])}</b>")
        head += [f"<i>{esc(v)}</i>" for v in verdict]
        annotations.append({"text": "<br>".join(head), "xref": "paper", "yref": "paper", "x": xd[0], "y": yd[1],
                            "yanchor": "bottom", "xanchor": "left", "showarrow": False, "align": "left",
                            "font": {"size": 11}, "yshift": 4})
    layout["annotations"] = annotations
    fig = {"data": traces, "layout": layout}
    verdicts = [f"{s['area_name']}, {s['series_name']}, {s['first_year']}-{s['last_year']} ({short_unit(s['units'])}): "
                f"{s['direction']}"
                + (f" (Sen's slope {format_value(s['sen_slope_per_year'], s['units'], per_year=True)})"
                   if s["sen_slope_per_year"] is not None else "") for s in segments]
    summary = (f"{n} small charts, one per series segment, each with its own vertical scale in the series' unit; "
               f"the dashed line is Sen's slope, the verdict is the Mann-Kendall test (exact for 10 points or fewer, "
               f"otherwise the normal approximation, widened by the Hamed-Rao correction where the series is "
               f"autocorrelated). " + "; ".join(verdicts) + ".") if n else "No series to show."
    if flag_notes:
        summary += (" Letters above points are flags (Methodology, Flags): " + "; ".join(flag_notes[:30])
                    + ("; ..." if len(flag_notes) > 30 else "") + ".")
    if cov is not None:
        summary += (" Each point is a sum over the countries that reported that year; hover or the points table "
                    "gives how many countries and what share of the population stand behind it. Open diamonds mark "
                    "years in which the set of reporting countries changed"
                    + (": " + "; ".join(change_notes) + "." if change_notes else " (none did)."))
    headers = {"area_name": "Area", "series_name": "Series", "units": "Units", "segment": "Segment",
               "first_year": "First year", "last_year": "Last year", "points": "Points",
               "sen_slope_per_year": "Sen's slope per year", "sen_slope_ci_low_per_year": "95% CI low",
               "sen_slope_ci_high_per_year": "95% CI high", "relative_slope_per_year": "Relative slope per year",
               "mk_p_value": "Mann-Kendall p", "direction": "Verdict", "cagr": "CAGR"}
    table = trends.sort("area_name", "series_name", "segment").select(list(headers))
    more: tuple[Table, ...] = ()
    if point_rows:
        point_headers = {"area_name": "Area", "series_name": "Series", "year": "Year", "value": "Value",
                         "countries_reporting": "Countries reporting", "countries_in_region": "Countries in region",
                         "population_coverage_share": "Population covered",
                         "reporting_change": "Change in reporting countries", "flags": "Flags",
                         "reporting_countries": "Reporting countries"}
        more = (Table(f"{title}: every point with the countries behind it", pl.DataFrame(point_rows),
                      point_headers, {"value": "num", "population_coverage_share": "pct"}),)
    return Chart(chart_id, title, fig, summary, table, headers,
                 {"relative_slope_per_year": "pct", "cagr": "pct", "sen_slope_per_year": "num",
                  "sen_slope_ci_low_per_year": "num", "sen_slope_ci_high_per_year": "num", "mk_p_value": "num"},
                 more_tables=more, config={"displayModeBar": False})


# --- Convention and ICCS views ----------------------------------------------------------------------

CONFIDENCE_MARK = {"exact": "", "partial": " (partial)", "proxy": " (proxy)"}
CONFIDENCE_RANK = {"exact": 0, "partial": 1, "proxy": 2}
#: The two parts of an article group's count (marts.convention_ict_split_by_region): series limited to
#: ICT-committed conduct, and series that also hold offences committed without ICT.
PART_SHORT = {ICT_PART: "ICT-specific", NON_ICT_PART: "incl. non-ICT"}


def article_key(group: str) -> tuple[int, ...]:
    """Sort key of an article group such as '9;10': by article number, not as text."""
    return tuple(int(p) if p.strip().isdigit() else 10_000 for p in (group or "").split(";"))


def article_label(group: str) -> str:
    return f"Art. {group}"


def compact(value: float | None) -> str:
    """Short count for a heatmap cell: 812, 45.3k, 1.32M."""
    if value is None:
        return ""
    if abs(value) >= 1e6:
        return f"{value / 1e6:.3g}M"
    if abs(value) >= 1e3:
        return f"{value / 1e3:.3g}k"
    return f"{value:,.0f}" if value >= 10 else f"{value:.2g}"


def _wide_parts(split: pl.DataFrame) -> pl.DataFrame:
    """One row per region, year and article group with the two parts side by side."""
    keys = ["region_code", "region_name", "year", "convention_articles"]
    ict = split.filter(pl.col("part") == ICT_PART).select(
        *keys, ict_count=pl.col("recorded_count"), ict_countries=pl.col("countries"),
        ict_categories=pl.col("categories_counted"), ict_confidence=pl.col("worst_mapping_confidence"))
    non = split.filter(pl.col("part") == NON_ICT_PART).select(
        *keys, non_ict_count=pl.col("recorded_count"), non_ict_countries=pl.col("countries"),
        non_ict_categories=pl.col("categories_counted"), non_ict_confidence=pl.col("worst_mapping_confidence"))
    info = split.select(*keys, "convention_offence", "countries_in_region", "countries_reporting_any",
                        "overlapping_article_groups").unique(keys, keep="first")
    wide = info.join(ict, on=keys, how="left").join(non, on=keys, how="left")
    rank = {v: k for k, v in CONFIDENCE_RANK.items()}
    return wide.with_columns(
        total_count=pl.sum_horizontal(pl.col("ict_count").fill_null(0), pl.col("non_ict_count").fill_null(0)),
        worst_mapping_confidence=pl.max_horizontal(
            pl.col("ict_confidence").replace_strict(CONFIDENCE_RANK, default=None, return_dtype=pl.Int8),
            pl.col("non_ict_confidence").replace_strict(CONFIDENCE_RANK, default=None, return_dtype=pl.Int8))
        .replace_strict(rank, default=None, return_dtype=pl.String),
    ).with_columns(ict_countries=pl.col("ict_countries").fill_null(0),
                   non_ict_countries=pl.col("non_ict_countries").fill_null(0))


CONVENTION_HEADERS = {
    "region_name": "Region", "convention_articles": "Articles", "convention_offence": "Offence(s)",
    "ict_count": "Offences, ICT-specific series", "ict_countries": "Countries (ICT-specific)",
    "ict_categories": "ICT-specific categories", "non_ict_count": "Offences, series including non-ICT offences",
    "non_ict_countries": "Countries (including non-ICT)", "non_ict_categories": "Categories including non-ICT offences",
    "total_count": "Total counted", "countries_in_region": "Countries in region",
    "worst_mapping_confidence": "Mapping confidence", "overlapping_article_groups": "Overlapping article groups",
}
CONVENTION_FORMATS = {"ict_count": "num", "non_ict_count": "num", "total_count": "num"}


def convention_article_chart(split: pl.DataFrame, year: int | None) -> Chart:
    """Police-recorded offences by Convention article group and M49 region in ``year``, in two panels:
    ICT-specific series, and series that include non-ICT offences (hatched). ``split``: the rows of
    marts.convention_ict_split_by_region."""
    split = split.filter(pl.col("year") == year) if year is not None else split.clear()
    regional = split.filter(pl.col("region_code") != "001")
    groups = sorted(regional["convention_articles"].unique().to_list(), key=article_key)
    labels = [esc(article_label(g)) for g in groups]
    traces = []
    regions = sorted(regional["region_name"].unique().to_list())
    for i, region in enumerate(regions):
        colour = PALETTE[i % len(PALETTE)]
        legend_shown = False
        for part, xaxis in ((ICT_PART, "x"), (NON_ICT_PART, "x2")):
            sub = regional.filter(pl.col("region_name") == region, pl.col("part") == part)
            if sub.height == 0:
                continue
            marker: dict = {"color": colour, "line": {"color": "#1a1a1a" if part == NON_ICT_PART else colour,
                                                      "width": 0.5}}
            if part == NON_ICT_PART:
                marker["pattern"] = {"shape": "/", "fillmode": "overlay", "fgcolor": "#ffffff", "fgopacity": 0.7,
                                     "size": 6, "solidity": 0.3}
            traces.append({
                "type": "bar", "orientation": "h", "name": esc(region), "legendgroup": esc(region),
                "showlegend": not legend_shown, "xaxis": xaxis, "yaxis": "y",
                "y": [esc(article_label(g)) for g in sub["convention_articles"].to_list()],
                "x": sub["recorded_count"].to_list(), "marker": marker,
                "customdata": [[c, n, esc(w), esc((cats or "")[:160]), esc(part)] for c, n, w, cats in zip(
                    sub["countries"], sub["countries_in_region"], sub["worst_mapping_confidence"],
                    sub["categories_counted"], strict=True)],
                "hovertemplate": ("%{y}, %{customdata[4]}: %{x:,.0f} offences from %{customdata[0]} of "
                                  "%{customdata[1]} countries<br>mapping confidence: %{customdata[2]}"
                                  "<br>%{customdata[3]}<extra>" + esc(region) + "</extra>"),
            })
            legend_shown = True
    axis = {"title": {"text": "Police-recorded offences (count)"}, "gridcolor": "#e5e5e5", "rangemode": "tozero"}
    layout = _layout(None, None, "UN M49 region", height=max(360, 110 + 44 * len(groups)), barmode="stack",
                     margin={"l": 90, "r": 20, "t": 80, "b": 60})
    layout.update({
        "xaxis": {**axis, "domain": [0, 0.44], "anchor": "y"},
        "xaxis2": {**axis, "domain": [0.56, 1], "anchor": "y"},
        "yaxis": {"automargin": True, "categoryorder": "array", "categoryarray": labels, "anchor": "x",
                  "autorange": "reversed"},
        "annotations": [
            {"text": "<b>ICT-specific series</b><br>Cy-tagged parts and computer offences", "xref": "paper",
             "yref": "paper", "x": 0, "y": 1.0, "yanchor": "bottom", "xanchor": "left", "showarrow": False,
             "align": "left"},
            {"text": "<b>Series including non-ICT offences</b> (hatched)<br>e.g. all recorded fraud: not Convention "
                     "offences as such", "xref": "paper", "yref": "paper", "x": 0.56, "y": 1.0, "yanchor": "bottom",
             "xanchor": "left", "showarrow": False, "align": "left"},
        ],
    })
    fig = {"data": traces, "layout": layout}
    title = f"Police-recorded offences by UN Convention against Cybercrime article, {year} (UNODC)"
    world = _wide_parts(split.filter(pl.col("region_code") == "001"))
    parts = []
    for r in sorted(world.iter_rows(named=True), key=lambda r: article_key(r["convention_articles"])):
        text = f"Art. {r['convention_articles']} ({r['convention_offence']}): "
        text += (f"{r['ict_count']:,.0f} offences from ICT-specific series ({r['ict_countries']} countries)"
                 if r["ict_countries"] else "no ICT-specific series")
        if r["non_ict_countries"]:
            text += (f"{' and' if r['ict_countries'] else ';'} {r['non_ict_count']:,.0f} from series that include "
                     f"non-ICT offences ({r['non_ict_countries']} countries: {r['non_ict_categories']})")
        text += f"; mapping {r['worst_mapping_confidence']}"
        if r["overlapping_article_groups"]:
            text += f"; overlaps {r['overlapping_article_groups']}"
        parts.append(text)
    summary = (f"Horizontal bars of police-recorded offences reported to UNODC for {year}, by Convention article "
               "group and UN M49 region, in two panels with their own scales. Left: series limited to offences "
               "committed with ICT (cyber-related parts and computer offences). Right, hatched: series that also "
               "hold offences committed without ICT, counted where a country reports no cyber-related part (for "
               "example all recorded fraud); they are not Convention offences as such and mostly hold non-ICT "
               "offences. An article group such as 9;10 cannot be split between its articles, and groups that "
               "share an article must not be added. " + "; ".join(parts) + ".") if parts else \
        f"No offences mapped to Convention articles for {year}."
    table = _wide_parts(regional).sort("region_name", pl.col("convention_articles").map_elements(
        article_key, return_dtype=pl.List(pl.Int64)))
    headers = dict(CONVENTION_HEADERS)
    if table["overlapping_article_groups"].is_null().all():
        headers.pop("overlapping_article_groups")
    return Chart("convention-articles", title, fig, summary, table.select(list(headers)), headers, CONVENTION_FORMATS)


def _panel_grid(n: int, columns: int, panel_px: int, top_px: int, gap_px: int, bottom_px: int,
                header_px: int = 0) -> tuple[int, list[tuple[list[float], list[float]]]]:
    """Figure height and (x domain, y domain) of ``n`` panels laid out in rows of ``columns``, in pixels."""
    rows = max(1, math.ceil(n / columns))
    row_px = header_px + panel_px + gap_px
    height = top_px + rows * row_px + bottom_px
    plot_h = height - top_px - bottom_px  # plotly domains are fractions of the plot area (inside margins)
    xgap = 0.06 if columns > 1 else 0.0
    width = (1 - xgap * (columns - 1)) / columns
    domains = []
    for i in range(n):
        r, c = divmod(i, columns)
        top = plot_h - r * row_px - header_px
        domains.append(([round(c * (width + xgap), 4), round(c * (width + xgap) + width, 4)],
                        [round(max(0.0, (top - panel_px) / plot_h), 4), round(min(1.0, top / plot_h), 4)]))
    return height, domains


def _log_colorbar(values: list[float], title: str) -> dict:
    finite = [v for v in values if v and v > 0]
    top = math.ceil(math.log10(max(finite))) if finite else 1
    ticks = list(range(0, top + 1))
    return {"colorscale": MAP_SCALE, "cmin": 0, "cmax": top,
            "colorbar": {"title": {"text": title}, "tickvals": ticks, "ticktext": [compact(10 ** t) for t in ticks]}}


def convention_by_year_chart(split: pl.DataFrame) -> Chart:
    """Small-multiple heatmaps, World and each region: article group and part by year, with coverage
    (``split``: the rows of marts.convention_ict_split_by_region)."""
    panels = (["World", *sorted(n for n in split["region_name"].unique().to_list() if n != "World")]
              if split.height else [])
    years = sorted(split["year"].unique().to_list()) if split.height else []
    row_keys = sorted(split.select("convention_articles", "part").unique().rows(),
                      key=lambda r: (article_key(r[0]), r[1] != ICT_PART)) if split.height else []
    row_labels = [esc(f"{article_label(g)} · {PART_SHORT[p]}") for g, p in row_keys]
    cells = {(r["region_name"], r["convention_articles"], r["part"], r["year"]): r
             for r in split.iter_rows(named=True)}
    coverage = {(r["region_name"], r["year"]): (r["countries_reporting_any"], r["countries_in_region"])
                for r in split.iter_rows(named=True)}
    height, domains = _panel_grid(len(panels), 2, 22 * max(1, len(row_keys)), 40, 86, 40, header_px=24)
    traces, annotations = [], []
    layout = _layout(None, None, height=height, margin={"l": 190, "r": 20, "t": 40, "b": 40})
    layout.pop("xaxis", None)
    layout.pop("yaxis", None)
    for i, (panel, (xd, yd)) in enumerate(zip(panels, domains, strict=True)):
        ax = "" if i == 0 else str(i + 1)
        z, text, custom = [], [], []
        for g, p in row_keys:
            zr, tr, cr = [], [], []
            for y in years:
                c = cells.get((panel, g, p, y))
                count = c["recorded_count"] if c else None
                zr.append(math.log10(count) if count and count > 0 else None)
                tr.append(compact(count) if c else "")
                cr.append([f"{count:,.0f}" if count is not None else "no figure", c["countries"] if c else 0,
                           c["worst_mapping_confidence"] if c else "", esc(p)])
            z.append(zr)
            text.append(tr)
            custom.append(cr)
        cov = [coverage.get((panel, y), (0, None)) for y in years]
        traces.append({"type": "heatmap", "x": years, "y": row_labels, "z": z, "text": text,
                       "texttemplate": "%{text}", "textfont": {"size": 10}, "customdata": custom,
                       "coloraxis": "coloraxis", "xaxis": f"x{ax}", "yaxis": f"y{ax}", "xgap": 1, "ygap": 1,
                       "hovertemplate": (f"{esc(panel)}, %{{x}}<br>%{{y}}: %{{customdata[0]}} offences from "
                                         "%{customdata[1]} countries<br>mapping confidence: %{customdata[2]}"
                                         "<extra></extra>")})
        layout[f"xaxis{ax}"] = {"domain": xd, "anchor": f"y{ax}", "tickmode": "array", "tickvals": years,
                                "ticktext": [f"{y}<br>{n}" for y, (n, _) in zip(years, cov, strict=True)],
                                "tickfont": {"size": 10}, "side": "bottom",
                                "title": {"text": "Year, and countries reporting any mapped offence",
                                          "font": {"size": 10}, "standoff": 2}}
        layout[f"yaxis{ax}"] = {"domain": yd, "anchor": f"x{ax}", "autorange": "reversed",
                                "showticklabels": i % 2 == 0, "tickfont": {"size": 11},
                                "categoryorder": "array", "categoryarray": row_labels}
        in_region = next((n for _, n in cov if n), None)
        annotations.append({"text": f"<b>{esc(panel)}</b>" + (f" ({in_region} countries)" if in_region else ""),
                            "xref": "paper", "yref": "paper", "x": xd[0], "y": yd[1], "yanchor": "bottom",
                            "xanchor": "left", "showarrow": False, "font": {"size": 13}})
    layout["annotations"] = annotations
    layout["coloraxis"] = _log_colorbar([c["recorded_count"] for c in cells.values()], "offences<br>(log scale)")
    fig = {"data": traces, "layout": layout}
    title = "Police-recorded offences by Convention article group, region and year (UNODC)"
    world = split.filter(pl.col("region_code") == "001", pl.col("part") == ICT_PART)
    trend = []
    for g in sorted(world["convention_articles"].unique().to_list(), key=article_key) if world.height else []:
        sub = world.filter(pl.col("convention_articles") == g).sort("year")
        first, last = sub.row(0, named=True), sub.row(-1, named=True)
        trend.append(f"Art. {g} {first['recorded_count']:,.0f} in {first['year']} ({first['countries']} countries) "
                     f"to {last['recorded_count']:,.0f} in {last['year']} ({last['countries']} countries)")
    any_world = split.filter(pl.col("region_code") == "001").select("year", "countries_reporting_any").unique().sort(
        "year")
    summary = ("Heatmaps, one per UN M49 region with the World first: rows are Convention article groups, each "
               "split into ICT-specific series and series including non-ICT offences; columns are years; cells "
               "give the police-recorded offences of the countries that reported (colour on a log scale). The "
               "number under each year is how many countries reported any offence mapped to a Convention article "
               "that year, so a change between years can be a change in who reports. Countries reporting any "
               "mapped offence, World: " + ", ".join(f"{y} {n}" for y, n in any_world.iter_rows())
               + ". World, ICT-specific series: " + "; ".join(trend) + ".") if split.height else \
        "No offences mapped to Convention articles."
    table = split.sort("region_code", "year", pl.col("convention_articles").map_elements(
        article_key, return_dtype=pl.List(pl.Int64)), "part")
    headers = {"region_name": "Region", "year": "Year", "convention_articles": "Articles", "part": "Series",
               "recorded_count": "Offences (count)", "countries": "Countries in this figure",
               "countries_reporting_any": "Countries reporting any mapped offence",
               "countries_in_region": "Countries in region", "worst_mapping_confidence": "Mapping confidence",
               "categories_counted": "Categories added"}
    return Chart("convention-by-year", title, fig, summary, table.select(list(headers)), headers,
                 {"recorded_count": "num"})


def iccs_heatmap(regional_offences: pl.DataFrame, crosswalk: pl.DataFrame, year: int | None) -> Chart:
    """Offences per 100,000 population (reporting countries) by ICCS category and M49 region."""
    cw = crosswalk.filter(pl.col("source_id").is_in(providing("police_recorded_offences")),
                          pl.col("mapping_status") == "mapped").select(
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


def _rate_text(rate: float | None) -> str:
    """Short rate for a heatmap cell: 377, 12.6, 4.9, 0.35, 0.01."""
    if rate is None:
        return ""
    if rate >= 10:
        return f"{rate:.0f}"
    return f"{rate:.1f}" if rate >= 1 else f"{rate:.2f}"


def iccs_by_year_chart(regional_offences: pl.DataFrame, crosswalk: pl.DataFrame) -> Chart:
    """Small-multiple heatmaps, World and each region: rate per 100,000 by ICCS category and year."""
    cw = crosswalk.filter(pl.col("source_id").is_in(providing("police_recorded_offences")),
                          pl.col("mapping_status") == "mapped").select(
        pl.col("source_category").alias("category"), "iccs_code", "mapping_confidence").unique(
        "category", keep="first")
    data = (regional_offences.filter(pl.col("region_level").is_in(["world", "region"]),
                                     pl.col("offences_per_100k_population_wb").is_not_null())
            .join(cw, on="category", how="inner").sort("region_code", "year", "iccs_code", "category"))
    panels = (["World", *sorted(n for n in data["region_name"].unique().to_list() if n != "World")]
              if data.height else [])
    years = sorted(data["year"].unique().to_list()) if data.height else []
    cats = data.select("category", "iccs_code", "mapping_confidence").unique().sort("iccs_code", "category").rows() \
        if data.height else []
    labels = panel_labels([f"{c} [{code}]{CONFIDENCE_MARK.get(m, '')}" for c, code, m in cats], 46, 2)
    labels = [esc_lines(lines) for lines in labels]
    cells = {(r["region_name"], r["category"], r["year"]): r for r in data.iter_rows(named=True)}
    height, domains = _panel_grid(len(panels), 2, 30 * max(1, len(cats)), 40, 60, 40, header_px=24)
    layout = _layout(None, None, height=height, margin={"l": 300, "r": 20, "t": 40, "b": 40})
    layout.pop("xaxis", None)
    layout.pop("yaxis", None)
    traces, annotations = [], []
    for i, (panel, (xd, yd)) in enumerate(zip(panels, domains, strict=True)):
        ax = "" if i == 0 else str(i + 1)
        z, text, custom = [], [], []
        for cat, _, _ in cats:
            zr, tr, cr = [], [], []
            for y in years:
                r = cells.get((panel, cat, y))
                rate = r["offences_per_100k_population_wb"] if r else None
                zr.append(math.log10(rate) if rate and rate > 0 else None)
                tr.append("" if r is None else f"{_rate_text(rate)}{'' if r['is_publishable'] else '*'}")
                cr.append([r["countries_reporting"], r["countries_in_region"], pct(r["population_coverage_share"]),
                           "publishable" if r["is_publishable"] else "below the coverage rule"] if r else
                          [0, "", "none", "no figure"])
            z.append(zr)
            text.append(tr)
            custom.append(cr)
        traces.append({"type": "heatmap", "x": years, "y": labels, "z": z, "text": text, "texttemplate": "%{text}",
                       "textfont": {"size": 10}, "customdata": custom, "coloraxis": "coloraxis",
                       "xaxis": f"x{ax}", "yaxis": f"y{ax}", "xgap": 1, "ygap": 1,
                       "hovertemplate": (f"{esc(panel)}, %{{x}}<br>%{{y}}: %{{text}} per 100,000 population of the "
                                         "reporting countries<br>%{customdata[0]} of %{customdata[1]} countries, "
                                         "%{customdata[2]} of population (%{customdata[3]})<extra></extra>")})
        layout[f"xaxis{ax}"] = {"domain": xd, "anchor": f"y{ax}", "dtick": 2, "tickfont": {"size": 10}}
        layout[f"yaxis{ax}"] = {"domain": yd, "anchor": f"x{ax}", "autorange": "reversed",
                                "showticklabels": i % 2 == 0, "tickfont": {"size": 11},
                                "categoryorder": "array", "categoryarray": labels}
        annotations.append({"text": f"<b>{esc(panel)}</b>", "xref": "paper", "yref": "paper", "x": xd[0],
                            "y": yd[1], "yanchor": "bottom", "xanchor": "left", "showarrow": False,
                            "font": {"size": 13}})
    layout["annotations"] = annotations
    bar = _log_colorbar([r["offences_per_100k_population_wb"] for r in cells.values()], "per 100,000<br>(log)")
    bar["cmin"] = -1
    bar["colorbar"]["tickvals"] = list(range(-1, int(bar["cmax"]) + 1))
    bar["colorbar"]["ticktext"] = [f"{10 ** t:g}" for t in range(-1, int(bar["cmax"]) + 1)]
    layout["coloraxis"] = bar
    fig = {"data": traces, "layout": layout}
    title = "Offences per 100,000 population by ICCS category, region and year"
    summary = ("Heatmaps, one per UN M49 region with the World first: rows are offence categories (ICCS code in "
               "brackets; partial or proxy mappings marked), columns are years, cells give police-recorded offences "
               "per 100,000 population of the countries that reported the category that year (colour on a log "
               "scale). An asterisk marks cells below the publishable coverage rule; the data table gives the "
               "countries reporting and the population share behind every cell. Parent and cyber-related child "
               "categories are separate rows, never added.") if data.height else "No regional offence rates."
    headers = {"region_name": "Region", "year": "Year", "category": "Category", "iccs_code": "ICCS code",
               "mapping_confidence": "Mapping", "offences_count": "Offences (count)",
               "offences_per_100k_population_wb": "Per 100,000 (reporting countries)",
               "countries_reporting": "Countries reporting", "countries_in_region": "Countries in region",
               "population_coverage_share": "Population covered", "is_publishable": "Publishable"}
    return Chart("iccs-by-year", title, fig, summary, data.select(list(headers)), headers,
                 {"offences_count": "num", "offences_per_100k_population_wb": "num",
                  "population_coverage_share": "pct"})


# --- figures published by others for regions ---------------------------------------------------------

PUBLISHED_HEADERS = {
    "area_name": "Area", "year": "Year", "period_label": "Period", "value_type": "Type", "revision": "Revision",
    "loss_usd_nominal": "Loss (US$, nominal)", "loss_usd_nominal_low": "Range low (US$)",
    "loss_usd_nominal_high": "Range high (US$)", "loss_lcu": "As published", "loss_lcu_low": "As published, low",
    "loss_lcu_high": "As published, high", "currency_code": "Currency", "publisher": "Publisher",
    "publication": "Publication", "source_grade": "Source grade", "flags": "Flags", "conversion_note": "Conversion",
    "notes": "Notes",
}


def published_regional_chart(published: pl.DataFrame) -> Chart:
    """Regional and world loss figures as their publishers state them (points and low-high ranges), on a
    log scale: they are not sums of our country figures and are shown apart from them."""
    rows = published.sort("area_name", "year", "publisher", "revision")
    raw = [f"{r['area_name']}, {r['year']}: {r['publication'] or r['publisher']}" for r in rows.iter_rows(named=True)]
    labels = [esc_lines(lines) for lines in panel_labels(raw, 52, 2)]
    point_x, point_y, point_c, range_x, range_y, range_c = [], [], [], [], [], []
    for label, r in zip(labels, rows.iter_rows(named=True), strict=True):
        info = [esc(r["publisher"]), esc(r["value_type"]), esc(r["period_label"]), esc(r["conversion_note"] or "")]
        if r["loss_usd_nominal"] is not None and r["loss_usd_nominal"] > 0:
            point_x.append(r["loss_usd_nominal"])
            point_y.append(label)
            point_c.append([usd(r["loss_usd_nominal"]), *info])
        low, high = r["loss_usd_nominal_low"], r["loss_usd_nominal_high"]
        if low is not None and high is not None and low > 0:
            text = f"{usd(low)} to {usd(high)}"
            range_x += [low, high, None]
            range_y += [label, label, None]
            range_c += [[text, *info], [text, *info], None]
    hover = ("%{y}<br>%{customdata[0]} (%{customdata[2]}, %{customdata[3]})<br>%{customdata[1]}"
             "<br>%{customdata[4]}<extra></extra>")
    traces = []
    if range_x:
        traces.append({"type": "scatter", "mode": "lines+markers", "name": "published range (low to high)",
                       "x": range_x, "y": range_y, "customdata": range_c, "hovertemplate": hover,
                       "line": {"color": PALETTE[3], "width": 4},
                       "marker": {"symbol": "line-ns-open", "size": 14, "color": PALETTE[3]}})
    if point_x:
        traces.append({"type": "scatter", "mode": "markers", "name": "published figure", "x": point_x,
                       "y": point_y, "customdata": point_c, "hovertemplate": hover,
                       "marker": {"symbol": "diamond", "size": 11, "color": PALETTE[0],
                                  "line": {"color": "#1a1a1a", "width": 1}}})
    fig = {"data": traces, "layout": _layout(
        "Reported or estimated losses (US$, nominal, log scale)", None, "Figure", height=140 + 46 * max(1, len(labels)),
        xaxis={"type": "log", "gridcolor": "#e5e5e5"},
        yaxis={"automargin": True, "autorange": "reversed", "categoryorder": "array", "categoryarray": labels})}
    title = "Regional and world figures published by others (not sums of country figures)"
    parts = []
    for r in rows.iter_rows(named=True):
        value = usd(r["loss_usd_nominal"]) if r["loss_usd_nominal"] is not None else None
        if r["loss_usd_nominal_low"] is not None and r["loss_usd_nominal_high"] is not None:
            rng = f"{usd(r['loss_usd_nominal_low'])} to {usd(r['loss_usd_nominal_high'])}"
            value = f"{value} (range {rng})" if value else f"range {rng}"
        parts.append(f"{r['area_name']} {r['year']}: {value or 'not converted'} ({r['value_type']}, "
                     f"{r['publisher']}, {r['publication']})")
    summary = ("Points and ranges on a logarithmic scale: loss figures that publishers state for a region or the "
               "world, converted to nominal US$ where they were published in another currency. They come from "
               "other methods (surveys, payment-fraud returns) and are not sums of the country figures above. "
               + "; ".join(parts) + ".") if parts else "No published regional figures."
    headers = {k: v for k, v in PUBLISHED_HEADERS.items() if k in rows.columns}
    return Chart("published-regional", title, fig, summary, rows.select(list(headers)), headers, {
        "loss_usd_nominal": "usd", "loss_usd_nominal_low": "usd", "loss_usd_nominal_high": "usd", "loss_lcu": "num",
        "loss_lcu_low": "num", "loss_lcu_high": "num"})


CONVENTION_STATUS_HEADERS = {
    "as_of_date": "Date", "signatories_verified": "Signatories (verified)",
    "signatures_listed_verified": "Signatures listed one by one (verified)",
    "ratifications_verified": "Ratifications deposited (verified, counted)",
    "ratifications_still_needed": "Still needed of 40",
    "signatures_reported_not_verified": "Signatures reported, not verified (not counted)",
    "ratification_steps_not_counted": "Ratification steps reported, no deposit (not counted)",
    "days_until_signature_closes": "Days until signature closes",
    "evidence_on_date": "Evidence of the date [grade]",
}


def convention_status_chart(over_time: pl.DataFrame, required: int, closes_on: object | None) -> Chart:
    """Signatories and verified ratifications over time (steps: a count holds until the next evidence),
    the 40 instruments art. 65(1) needs, the close of signature (art. 64), and ratification steps reported
    without a deposit drawn apart, dotted, as never counted."""
    rows = over_time.sort("as_of_date")
    x = [d.isoformat() for d in rows["as_of_date"].to_list()]
    step = {"mode": "lines+markers", "line_shape": "hv"}
    traces = [
        dict(type="scatter", name="Signatories (verified)", x=x, y=rows["signatories_verified"].to_list(),
             **step, **series_style(0), hovertemplate="%{x}: %{y} signatories (verified)<extra></extra>"),
        dict(type="scatter", name="Ratifications deposited (verified, counted)", x=x,
             y=rows["ratifications_verified"].to_list(), **step, **series_style(1),
             hovertemplate="%{x}: %{y} of " + str(required) + " instruments (verified)<extra></extra>"),
        dict(type="scatter", name="Ratification steps reported, no deposit (never counted)", x=x,
             y=rows["ratification_steps_not_counted"].to_list(), **step,
             line={"color": PALETTE[3], "dash": "dot", "width": 2},
             marker={"color": PALETTE[3], "symbol": "diamond-open", "size": 8},
             hovertemplate="%{x}: %{y} (not verified as deposited; never counted)<extra></extra>"),
    ]
    shapes = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": required, "y1": required,
               "line": {"color": "#444444", "dash": "dash", "width": 1}}]
    annotations = [{"xref": "paper", "x": 0, "xanchor": "left", "yref": "y", "y": required, "yanchor": "bottom",
                    "text": f"{required} instruments needed for entry into force (art. 65(1))", "showarrow": False}]
    layout_x: dict = {"type": "date"}
    if closes_on is not None:
        shapes.append({"type": "line", "xref": "x", "x0": str(closes_on), "x1": str(closes_on), "yref": "paper",
                       "y0": 0, "y1": 1, "line": {"color": "#444444", "dash": "dot", "width": 1}})
        annotations.append({"xref": "x", "x": str(closes_on), "xanchor": "right", "yref": "paper", "y": 1,
                            "yanchor": "top", "text": f"signature closes {closes_on} (art. 64)", "showarrow": False})
        if x:
            layout_x["range"] = [x[0], str(closes_on)]
    fig = {"data": traces, "layout": _layout("Date of the evidence", "Signatories or instruments (count)", "Series",
                                             height=420, xaxis=layout_x, shapes=shapes, annotations=annotations)}
    title = "UN Convention against Cybercrime: signatories and ratifications over time"
    if rows.height:
        last = rows.row(-1, named=True)
        summary = (f"{rows.height} dates with dated evidence, {x[0]} to {x[-1]}. Verified signatories: "
                   + ", ".join(f"{d} {n}" for d, n in zip(x, rows["signatories_verified"].to_list(), strict=True)
                               if n is not None)
                   + f". Verified ratifications deposited: {last['ratifications_verified']} of {required} needed "
                   f"on {x[-1]} ({last['ratifications_still_needed']} still needed). Ratification steps reported "
                   f"without a deposit (never counted): {last['ratification_steps_not_counted']} on {x[-1]}.")
    else:
        summary = "No dated evidence."
    table = rows.select(list(CONVENTION_STATUS_HEADERS))
    return Chart("convention-status", title, fig, summary, table, CONVENTION_STATUS_HEADERS)
