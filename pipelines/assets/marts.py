"""Marts: the documented tables reports and analysts rely on (SQL in pipelines/sql/marts/).

Each mart is a SQL projection over intermediate tables; its header documents the table and every
column, and the comments are attached with COMMENT ON so they show in DuckDB (duckdb_columns()).
"""

import re

import dagster as dg

from pipelines import sql
from pipelines.assets.resources import CyberstatsResource
from pipelines.warehouse import connect, ident, quote_literal

_FROM = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)\.(\w+)", re.I)


def build_mart_asset(name: str) -> dg.AssetsDefinition:
    model = sql.load("marts", name)
    deps = sorted({(s.lower(), t.lower()) for s, t in _FROM.findall(model.sql)})

    @dg.asset(key=["marts", name], group_name="marts", kinds={"duckdb"}, deps=[list(d) for d in deps],
              description=model.description)
    def _mart(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
        settings = cyberstats.settings()
        with connect(settings.build_db, disposable=True) as con:
            con.execute("BEGIN")
            con.execute("CREATE SCHEMA IF NOT EXISTS marts")
            con.execute(f"CREATE OR REPLACE TABLE marts.{ident(name)} AS {model.sql}")
            con.execute(f"COMMENT ON TABLE marts.{ident(name)} IS {quote_literal(model.description)}")
            columns = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' "
                "AND table_name = ? ORDER BY ordinal_position", [name]).fetchall()]
            undocumented = [c for c in columns if c not in model.columns]
            if undocumented:
                con.execute("ROLLBACK")
                raise dg.Failure(f"marts.{name}: columns without a description in sql/marts/{name}.sql: "
                                 f"{', '.join(undocumented)}")
            for col in columns:
                con.execute(f"COMMENT ON COLUMN marts.{ident(name)}.{ident(col)} IS "
                            f"{quote_literal(model.columns[col])}")
            con.execute("COMMIT")
            rows = con.execute(f"SELECT count(*) FROM marts.{ident(name)}").fetchone()[0]  # noqa: S608
        return dg.MaterializeResult(metadata={"rows": rows, "columns": len(columns),
                                              "dagster/column_schema": _schema(model)})

    return _mart


def _schema(model: sql.SqlModel) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(name=c, type="", description=d) for c, d in model.columns.items()])


MART_ASSETS = [build_mart_asset(name) for name in sql.models("marts")]
