"""Marts wiring: the documented tables reports and analysts rely on.

Each mart is a SQL projection (pipelines/sql/marts/<table>.sql) over earlier tables, built in the
run's build database; its contract (pipelines/contracts/marts/<table>.yml) declares every column, and
a result that differs from it (a column missing, added, of another type or order) fails the step.
The contract's descriptions are attached with COMMENT ON and shown in Dagster as the column schema.
"""

import re

import dagster as dg

from pipelines import contracts, sql
from pipelines.assets.resources import CyberstatsResource

_FROM = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)\.(\w+)", re.I)


def column_schema(contract: contracts.Contract) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(name=c.name, type=c.type, description=c.comment)
                                   for c in contract.columns])


def build_mart_asset(name: str) -> dg.AssetsDefinition:
    query = sql.load("marts", name)
    contract = contracts.load("marts", name)
    deps = sorted({(s.lower(), t.lower()) for s, t in _FROM.findall(query)})

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


MART_ASSETS = [build_mart_asset(name) for name in sql.models("marts")]
