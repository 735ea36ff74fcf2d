"""Plotly figure builders: pure functions from mart frames to figures, plus their text and table.

Every figure comes with an accessible text summary and the data as a table, uses the Okabe-Ito
colour-blind-safe palette, and has a title and axis titles that state units.
"""

from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    figure: go.Figure
    summary: str  # plain-text description for screen readers and print
    table: pl.DataFrame  # the data behind the chart
    table_headers: dict[str, str]  # column -> header text (with units)


def usd_billions(value: float | None) -> str:
    if value is None:
        return "n/a"
    if abs(value) >= 1e9:
        return f"US${value / 1e9:,.2f} bn"
    return f"US${value / 1e6:,.1f} m"


def _base_layout(fig: go.Figure, title: str, y_title: str) -> None:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": FONT, "size": 14},
        yaxis={"title": {"text": y_title}, "rangemode": "tozero", "gridcolor": "#e5e5e5"},
        xaxis={"title": {"text": "Year (reference period ending)"}, "dtick": 1},
        plot_bgcolor="white", paper_bgcolor="white", barmode="group",
        legend={"title": {"text": "UN M49 region"}},
        margin={"l": 70, "r": 20, "t": 60, "b": 60},
        colorway=PALETTE,
    )


def regional_losses_chart(regional: pl.DataFrame) -> Chart:
    """Bars per region and year (nominal USD), publishable aggregates solid, others faint."""
    regions = regional.filter(pl.col("region_level") == "region").sort("region_name", "year")
    fig = go.Figure()
    names = regions["region_name"].unique(maintain_order=True).to_list()
    for i, name in enumerate(names):
        sub = regions.filter(pl.col("region_name") == name)
        colour = PALETTE[i % len(PALETTE)]
        publishable = sub["is_publishable"].to_list()
        fig.add_bar(
            name=name,
            x=sub["year"].to_list(),
            y=[None if v is None else v / 1e9 for v in sub["loss_usd_nominal"].to_list()],
            marker={"color": colour, "opacity": [1.0 if p else 0.35 for p in publishable],
                    "line": {"color": colour, "width": 1}},
            customdata=list(zip(sub["countries_reporting"].to_list(), sub["countries_in_region"].to_list(),
                                [round((c or 0) * 100, 1) for c in sub["population_coverage_share"].to_list()],
                                sub["reporting_countries"].to_list(),
                                ["publishable" if p else "below coverage rule" for p in publishable],
                                strict=True)),
            hovertemplate=("%{x}: US$%{y:.2f} bn<br>%{customdata[0]} of %{customdata[1]} countries reporting"
                           "<br>%{customdata[2]}% of population covered (%{customdata[4]})"
                           "<br>%{customdata[3]}<extra>" + name + "</extra>"),
        )
    _base_layout(fig, "Reported cybercrime and online-fraud losses by region", "Reported losses (US$ bn, nominal)")
    known = regions.filter(pl.col("population_coverage_share").is_not_null())
    latest = known["year"].max() if known.height else None
    parts = []
    if latest is not None:
        for r in regions.filter(pl.col("year") == latest).sort("loss_usd_nominal", descending=True,
                                                                nulls_last=True).iter_rows(named=True):
            share = r["population_coverage_share"]
            coverage = "population coverage unknown" if share is None else f"{share:.0%} of population"
            parts.append(
                f"{r['region_name']}: {usd_billions(r['loss_usd_nominal'])} from {r['countries_reporting']} of "
                f"{r['countries_in_region']} countries ({coverage}"
                f"{'' if r['is_publishable'] else ', not publishable under the coverage rule'})")
    summary = (f"Bar chart of reported losses by UN M49 region and year, in billions of nominal US dollars. "
               f"In {latest}: " + "; ".join(parts) + ". Faint bars are below the publishable coverage rule."
               if parts else "No regional loss figures are available.")
    table = regions.select("region_name", "year", "loss_usd_nominal", "loss_usd_constant", "countries_reporting",
                           "countries_in_region", "population_coverage_share", "is_publishable",
                           "reporting_countries")
    headers = {"region_name": "Region", "year": "Year", "loss_usd_nominal": "Loss (US$, nominal)",
               "loss_usd_constant": "Loss (US$, constant)", "countries_reporting": "Countries reporting",
               "countries_in_region": "Countries in region", "population_coverage_share": "Population covered",
               "is_publishable": "Publishable", "reporting_countries": "Reporting countries"}
    return Chart("regional-losses", "Reported losses by region", fig, summary, table, headers)
