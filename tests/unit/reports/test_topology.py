"""The vendored topology fits the bundled plotly.js: layer names, ISO3 ids, injected name."""

import json
import re

from plotly.offline import get_plotlyjs

from pipelines.reports import figures
from pipelines.reports.site import TOPOLOGY, topology_script


def test_topology_has_the_layers_plotly_reads_with_iso3_ids() -> None:
    topo = json.loads(TOPOLOGY.read_text(encoding="utf-8"))
    js = get_plotlyjs()
    layers = json.loads(re.search(r'locationmodeToLayer=(\{[^}]*\})', js).group(1))
    assert layers["ISO-3"] == "countries"
    assert {"countries", "land", "ocean", "lakes", "coastlines", "rivers", "subunits"} <= set(topo["objects"])
    ids = {g.get("id") for g in topo["objects"]["countries"]["geometries"]}
    assert {"USA", "GBR", "SGP", "HKG", "IND", "AUS"} <= ids
    assert all(isinstance(i, str) and re.fullmatch(r"[A-Z]{3}", i) for i in ids if i)


def test_injected_name_is_the_one_plotly_looks_up() -> None:
    # plotly.js: getTopojsonName = scope + "_" + resolution + "m"; it fetches only when absent.
    js = get_plotlyjs()
    assert 'e.scope.replace(/ /g,"-"),"_",e.resolution.toString(),"m"' in js
    assert "PlotlyGeoAssets.topojson[n.topojsonName]===void 0" in js
    script = topology_script()
    assert f'topojson["world_{figures.GEO_RESOLUTION}m"]' in script
