"""The quality schema's tables: created with a comment on the table and every column, appended
through Arrow (one statement; ``executemany`` costs a round trip per row)."""

from collections.abc import Mapping, Sequence

import duckdb
import polars as pl

from pipelines.warehouse import ident, quote_literal, table_exists

_TYPES = {"VARCHAR": pl.String, "BIGINT": pl.Int64, "DOUBLE": pl.Float64, "BOOLEAN": pl.Boolean,
          "TIMESTAMPTZ": pl.Datetime("us", "UTC")}


def ensure_table(con: duckdb.DuckDBPyConnection, schema: str, table: str, columns: Mapping[str, tuple[str, str]],
                 description: str) -> None:
    """Create ``schema.table`` (column -> (SQL type, description)) with comments, unless it exists."""
    if table_exists(con, schema, table):
        return
    s, t = ident(schema), ident(table)
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {s}")
    con.execute(f"CREATE TABLE {s}.{t} ({', '.join(f'{ident(n)} {k}' for n, (k, _) in columns.items())})")
    con.execute(f"COMMENT ON TABLE {s}.{t} IS {quote_literal(description)}")
    for name, (_, doc) in columns.items():
        con.execute(f"COMMENT ON COLUMN {s}.{t}.{ident(name)} IS {quote_literal(doc)}")


def append(con: duckdb.DuckDBPyConnection, schema: str, table: str, columns: Mapping[str, tuple[str, str]],
           rows: Sequence[tuple]) -> None:
    frame = pl.DataFrame(list(rows), schema={n: _TYPES[k] for n, (k, _) in columns.items()},  # noqa: F841
                         orient="row")
    con.execute(f"INSERT INTO {ident(schema)}.{ident(table)} SELECT * FROM frame")  # noqa: S608 (allow-listed)
