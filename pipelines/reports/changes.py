"""What changed since the previous publication: computed when publishing, stored with the publication.

The comparison needs the previous publication, which exists only until the new one replaces it. So
a run computes it once, while rendering the site (:func:`record`: :func:`compare`, build database
against the published warehouse about to be replaced), and stores it in the build database as
``meta.publication_changes``, which the publication copies with everything else. Every site, the
run's and one rendered later from the warehouse alone (``cyberstats report``), reads it back
(:func:`stored`) instead of saying nothing changed or that there was no predecessor.

The comparison is a dict, the one the Overview template reads::

    {"previous": None}                                   first publication in this location
    {"previous": None, "unrecorded": True}               a warehouse published before this table existed
    {"previous": {"fingerprint", "published_at"}, "added", "removed", "changed": [relpath],
     "rows": [{"mart", "before", "after"}], "world_before", "world_after": {year, loss_usd_nominal,
     countries_reporting} | None}
"""

import json

import duckdb
import polars as pl

from pipelines import contracts
from pipelines.build import write_frame
from pipelines.warehouse import ident, publication, table_exists

TABLE = "publication_changes"
_WORLD_KEYS = ("year", "loss_usd_nominal", "countries_reporting")


def _world(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The newest world aggregate with known coverage (the Overview headline), or None."""
    if not table_exists(con, "marts", "regional_losses"):
        return None
    row = con.execute(
        "SELECT year, loss_usd_nominal, countries_reporting FROM marts.regional_losses WHERE region_code = '001' "
        "AND population_coverage_share IS NOT NULL ORDER BY year DESC LIMIT 1").fetchone()
    return dict(zip(_WORLD_KEYS, row, strict=True)) if row else None


def _files(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    if not table_exists(con, "marts", "source_files"):
        return {}
    return dict(con.execute("SELECT relpath, sha256 FROM marts.source_files").fetchall())


def _rows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows of every mart but marts.revisions (which describes the change itself, figure by figure)."""
    return {name: con.execute(f"SELECT count(*) FROM marts.{ident(name)}").fetchone()[0]  # noqa: S608
            for _, name in contracts.tables("marts") if name != "revisions" and table_exists(con, "marts", name)}


def compare(new: duckdb.DuckDBPyConnection, previous: duckdb.DuckDBPyConnection | None) -> dict:
    """Input files, mart sizes and the world headline of ``new`` against the ``previous`` publication."""
    if previous is None or not table_exists(previous, "marts", "source_files"):
        return {"previous": None}
    pub = publication(previous)
    old, now = _files(previous), _files(new)
    before, after = _rows(previous), _rows(new)
    return {
        "previous": {"fingerprint": pub["fingerprint"], "published_at": str(pub["published_at"])[:16]} if pub else {},
        "added": sorted(set(now) - set(old)), "removed": sorted(set(old) - set(now)),
        "changed": sorted(k for k in set(old) & set(now) if old[k] != now[k]),
        "rows": [{"mart": k, "before": before.get(k), "after": after[k]} for k in sorted(after)
                 if before.get(k) != after[k]],
        "world_before": _world(previous), "world_after": _world(new),
    }


def to_frame(changes: dict, new: duckdb.DuckDBPyConnection | None = None,
             previous: duckdb.DuckDBPyConnection | None = None) -> pl.DataFrame:
    """The comparison as rows of ``meta.publication_changes``."""
    rows: list[tuple] = []
    if changes.get("previous") is None:
        rows.append(("first_publication", None, None, None))
    else:
        prev = changes["previous"]
        rows.append(("previous_publication", prev.get("fingerprint"), prev.get("published_at"), None))
        old = _files(previous) if previous is not None else {}
        now = _files(new) if new is not None else {}
        rows += [("input_added", p, None, now.get(p)) for p in changes["added"]]
        rows += [("input_removed", p, old.get(p), None) for p in changes["removed"]]
        rows += [("input_changed", p, old.get(p), now.get(p)) for p in changes["changed"]]
        rows += [("mart_rows", r["mart"], None if r["before"] is None else str(r["before"]), str(r["after"]))
                 for r in changes["rows"]]
        if changes.get("world_before") or changes.get("world_after"):
            rows.append(("world_headline", "world", _json(changes.get("world_before")),
                         _json(changes.get("world_after"))))
    from pipelines import contracts

    return pl.DataFrame(rows, schema=contracts.load("meta", TABLE).polars_schema(), orient="row")


def _json(value: dict | None) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True)


def record(new: duckdb.DuckDBPyConnection, previous: duckdb.DuckDBPyConnection | None) -> dict:
    """Compare the build ``new`` with the ``previous`` publication and store the result in ``new``
    (``meta.publication_changes``); returns the comparison."""
    changes = compare(new, previous)
    write_frame(new, "meta", TABLE, to_frame(changes, new, previous))
    return changes


def stored(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The comparison recorded in a build or a published warehouse; None when nothing was recorded
    and ``con`` is not a publication (a build not compared yet)."""
    if not table_exists(con, "meta", TABLE):
        return {"previous": None, "unrecorded": True} if table_exists(con, "meta", "publication") else None
    rows = con.execute(f"SELECT change, subject, before_value, after_value FROM meta.{TABLE}").fetchall()  # noqa: S608
    by_kind: dict[str, list[tuple]] = {}
    for change, subject, before, after in rows:
        by_kind.setdefault(change, []).append((subject, before, after))
    if "previous_publication" not in by_kind:
        return {"previous": None}
    fingerprint, published_at, _ = by_kind["previous_publication"][0]
    world = by_kind.get("world_headline", [(None, None, None)])[0]
    return {
        "previous": {"fingerprint": fingerprint, "published_at": published_at},
        "added": sorted(s for s, _, _ in by_kind.get("input_added", [])),
        "removed": sorted(s for s, _, _ in by_kind.get("input_removed", [])),
        "changed": sorted(s for s, _, _ in by_kind.get("input_changed", [])),
        "rows": [{"mart": s, "before": None if b is None else int(b), "after": int(a)}
                 for s, b, a in sorted(by_kind.get("mart_rows", []))],
        "world_before": json.loads(world[1]) if world[1] else None,
        "world_after": json.loads(world[2]) if world[2] else None,
    }
