"""Series break register (curated reference): where a trend series stops being comparable with itself.

One row per documented break. Columns::

    series_families, series_name, area_code, year, kind, reason, source, source_url

* ``series_families``: ``;``-separated trend series families the break applies to (the
  ``series_family`` values of pipelines/indicators/trends.py, e.g.
  ``unodc_offences_count;unodc_offences_rate_unodc``). A regional sum inherits the breaks of its
  reporting countries' series (see :func:`pipelines.indicators.trends.series_boundaries`).
* ``series_name``: the series within those families (IC3 ``Phishing``, UNODC ``Offences: Fraud``);
  empty = every series of the families in the area.
* ``area_code``: the area (``USA``); empty = every area.
* ``year``: the first year under the new definition; the series is split before it.
* ``kind``: count basis | merge | split | coverage | recording system | definition, or ``no break``:
  a curator's finding that a level shift the detector flags (pipelines/indicators/breaks.py) is a
  real change, which keeps the series in one piece there.
* ``reason`` and ``source`` are required (the source says where the break is documented);
  ``source_url`` is optional.

Returned with one row per family (``series_family``), empty cells as nulls, ``year`` as Int32, plus
``source_file`` and ``source_row``: the frame the trend functions take as ``breaks``.

Registered in :mod:`pipelines.sources` as the reference ``series_breaks`` (staged as
``staging.stg_series_breaks__register``, which the trend steps read); :func:`bundled` reads the
register shipped in a checkout's data/reference folder, which the trend functions use when they are
given none (tests and notebooks).
"""

import re
from functools import lru_cache
from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.indicators.breaks import KINDS
from pipelines.sources._curated import read_curated, refuse
from pipelines.sources._tabular import ROW

SOURCE_ID = "series_breaks"
FILE_NAME = "series_breaks.csv"
COLUMNS = ("series_families", "series_name", "area_code", "year", "kind", "reason", "source", "source_url")
_FAMILY = re.compile(r"^[a-z0-9_]+$")
_YEAR = re.compile(r"^(19|20)\d\d$")


def read(path: Path, name: str, release: str, sidecar: dict | None = None,
         sha256: str | None = None) -> pl.DataFrame:
    df = read_curated(path, name, COLUMNS, ("series_families", "year", "kind", "reason", "source"),
                      "series break register")
    rows = []
    for rec in df.iter_rows(named=True):
        families = [f.strip() for f in rec["series_families"].split(";")]
        if not all(_FAMILY.match(f) for f in families):
            refuse(rec, name, "series_families", "series family ids (lower case, digits, '_') separated by ';'")
        if not _YEAR.match(rec["year"]):
            refuse(rec, name, "year", "a year YYYY (the first year under the new definition)")
        if rec["kind"] not in KINDS:
            refuse(rec, name, "kind", " | ".join(KINDS))
        rows += [{"series_family": f, "series_name": rec["series_name"] or None, "area_code": rec["area_code"] or None,
                  "year": int(rec["year"]), "kind": rec["kind"], "reason": rec["reason"], "source": rec["source"],
                  "source_url": rec["source_url"] or None, "source_file": name, "source_row": rec[ROW]}
                 for f in families]
    out = pl.DataFrame(rows, schema={"series_family": pl.String, "series_name": pl.String, "area_code": pl.String,
                                     "year": pl.Int32, "kind": pl.String, "reason": pl.String, "source": pl.String,
                                     "source_url": pl.String, "source_file": pl.String, "source_row": pl.Int64})
    dup = out.filter(pl.struct("series_family", "series_name", "area_code", "year").is_duplicated())
    if dup.height:
        raise InputError(file=name, row=int(dup["source_row"][1]), column="year",
                         expected="one row per (family, series, area, year)",
                         found=f"{dup['series_family'][0]} / {dup['series_name'][0]} / {dup['area_code'][0]} / "
                               f"{dup['year'][0]} again")
    return out


@lru_cache(maxsize=1)
def bundled() -> pl.DataFrame:
    """The register bundled with a checkout (newest release under data/reference/series_breaks/), for
    tests and notebooks; the pipeline stages the register of its data directory like every reference."""
    from pipelines.settings import bundled_data_dir

    data_dir = bundled_data_dir()
    if data_dir is None:
        raise InputError(file=f"reference/{SOURCE_ID}", expected="a checkout's bundled data directory",
                         found="an installed package without one")
    base = data_dir / "reference" / SOURCE_ID
    releases = sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")) if base.is_dir() else []
    if not releases:
        raise InputError(file=f"reference/{SOURCE_ID}", expected="a release folder holding " + FILE_NAME,
                         found="nothing")
    path = releases[-1] / FILE_NAME
    return read(path, path.relative_to(data_dir).as_posix(), releases[-1].name)
