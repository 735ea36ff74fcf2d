"""The quality schema's tables, created from their contracts (pipelines/contracts/quality/) and
appended through Arrow (one statement; ``executemany`` costs a round trip per row)."""

from collections.abc import Sequence

import duckdb
import polars as pl

from pipelines import contracts
from pipelines.build import comment
from pipelines.warehouse import ident, table_exists


def ensure_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> None:
    """Create ``schema.table`` as its contract declares it, with comments, unless it exists."""
    if table_exists(con, schema, table):
        return
    contract = contracts.load(schema, table)
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {ident(schema)}")
    columns = ", ".join(f"{ident(c.name)} {c.type}" for c in contract.columns)
    con.execute(f"CREATE TABLE {ident(schema)}.{ident(table)} ({columns})")
    comment(con, contract)


def empty(schema: str, table: str) -> pl.DataFrame:
    return contracts.load(schema, table).empty()


def append(con: duckdb.DuckDBPyConnection, schema: str, table: str, rows: Sequence[tuple]) -> None:
    frame = pl.DataFrame(list(rows), schema=contracts.load(schema, table).polars_schema(),  # noqa: F841
                         orient="row")
    con.execute(f"INSERT INTO {ident(schema)}.{ident(table)} SELECT * FROM frame")  # noqa: S608 (allow-listed)
