"""Marts wiring: the documented tables reports and analysts rely on.

Each mart is a SQL projection (pipelines/sql/marts/<table>.sql) over earlier tables, built in the
run's build database; its contract (pipelines/contracts/marts/<table>.yml) declares every column, and
a result that differs from it (a column missing, added, of another type or order) fails the step.
The contract's descriptions are attached with COMMENT ON and shown in Dagster as the column schema.
One mart is computed in Python: ``marts.revisions`` (pipelines.indicators.revisions) also compares the
build with the currently published warehouse, an input it declares (``publish/previous_publication``).
"""

import re

import dagster as dg
import polars as pl

from pipelines import contracts, sql
from pipelines.assets.resources import CyberstatsResource
from pipelines.indicators import revisions
from pipelines.reports.render import open_previous
from pipelines.warehouse import publication

#: The tables a mart's SQL reads: ``FROM|JOIN schema.table`` (not ``IS [NOT] DISTINCT FROM alias.column``).
_FROM = re.compile(r"(?<!DISTINCT )\b(?:FROM|JOIN)\s+(\w+)\.(\w+)", re.I)


def tables_read(query: str) -> list[tuple[str, str]]:
    return sorted({(s.lower(), t.lower()) for s, t in _FROM.findall(query)})


def column_schema(contract: contracts.Contract) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(name=c.name, type=c.type, description=c.comment)
                                   for c in contract.columns])


def build_mart_asset(name: str) -> dg.AssetsDefinition:
    query = sql.load("marts", name)
    contract = contracts.load("marts", name)
    deps = tables_read(query)

    @dg.asset(key=["marts", name], group_name="marts", kinds={"duckdb"}, deps=[list(d) for d in deps],
              description=contract.description, metadata={"dagster/column_schema": column_schema(contract)})
    def _mart(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
        build = cyberstats.build(context)
        for schema, table in deps:
            if not build.exists(schema, table):
                build.read(schema, table)  # raises NotBuilt with the reason
        rows = build.create_as("marts", name, query)
        return dg.MaterializeResult(metadata={"rows": rows, "dagster/row_count": rows})

    return _mart


#: The currently published warehouse (an observable source asset defined with the publication wiring).
PREVIOUS = dg.AssetKey(["publish", "previous_publication"])
REVISIONS = contracts.load("marts", "revisions")


@dg.asset(key=["marts", "revisions"], group_name="marts", kinds={"duckdb"},
          deps=[["staging", "observations"], *(["marts", f.table] for f in revisions.FIGURES), PREVIOUS],
          description=REVISIONS.description, metadata={"dagster/column_schema": column_schema(REVISIONS)})
def revisions_mart(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
    build = cyberstats.build(context)
    for figure in revisions.FIGURES:
        if not build.exists("marts", figure.table):
            build.read("marts", figure.table)  # raises NotBuilt with the reason
    found = revisions.source_release_revisions(build.con)
    with open_previous(cyberstats.settings().warehouse) as previous:
        fingerprint = (publication(previous) or {}).get("fingerprint") if previous is not None else None
        found = pl.concat([found, revisions.publication_revisions(build.con, previous, fingerprint)])
    rows = build.write("marts", "revisions", found)
    by_kind = dict(found.group_by("revision_kind").len().iter_rows())
    return dg.MaterializeResult(metadata={"rows": rows, "dagster/row_count": rows,
                                          "source_release": by_kind.get("source_release", 0),
                                          "publication": by_kind.get("publication", 0),
                                          "compared_publication": str(fingerprint)})


MART_ASSETS = [*(build_mart_asset(name) for name in sql.models("marts")), revisions_mart]
