"""Self-service access to the published warehouse: what `cyberstats tables`, `describe`, `query` and
`shell` show. Plain functions over a read-only connection (:func:`pipelines.warehouse.connect_readonly`).

* :func:`statements` splits a script into statements with DuckDB's own parser, so that every
  statement's result is shown (not only the last one's).
* :func:`error_text` keeps DuckDB's whole message (its "Did you mean ...?" and candidate bindings) and
  adds what a read-only session expects when a statement tries to write, attach, copy to a file or
  install an extension.
* :func:`table_listing` and :func:`description` read the warehouse for names, types and row counts and
  the contracts (:mod:`pipelines.contracts`, the same source as the site's Data dictionary) for grain,
  units and descriptions; a table without a contract falls back on the warehouse's comments.

Only names found in the warehouse's own catalogue are ever put into SQL text.
"""

import difflib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import util
from pathlib import Path

import duckdb

from pipelines.errors import ConfigError, CyberstatsError
from pipelines.warehouse import ident

#: Schemas an analyst may list, describe and export (raw, staging and intermediate are build layers).
PUBLIC_SCHEMAS = ("marts", "quality", "meta")
ALL_SCHEMAS = ("marts", "quality", "meta", "intermediate", "staging", "raw")
#: Added to a failed statement's message when it tried to leave the read-only session.
READ_ONLY_HINT = ("the warehouse is opened read-only with file access off: expected statements that read it "
                  "(SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, USE, PRAGMA); writing, ATTACH, COPY ... TO, "
                  "reading other files and INSTALL/LOAD are refused. `cyberstats export TABLE --output FILE` "
                  "writes a table to a file.")
_READ_ONLY_MARKERS = ("read-only mode", "file system operations are disabled", "configuration has been locked",
                      "enable_external_access", "Permission Error")


class QueryError(CyberstatsError):
    """A statement DuckDB refused; the message is DuckDB's, whole, with what was expected."""


def statements(con: duckdb.DuckDBPyConnection, sql: str) -> list:
    """The statements of ``sql`` (DuckDB's parser: semicolons inside strings and comments are fine)."""
    if not sql.strip():
        raise ConfigError("no SQL given: expected a statement, e.g. \"select * from regional_losses limit 5\"")
    try:
        found = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(error_text(exc)) from exc
    if not found:
        raise ConfigError("the SQL holds no statement (only comments?): expected at least one statement")
    return list(found)


def error_text(exc: BaseException) -> str:
    """DuckDB's whole message (hints included), plus what a read-only session expects where it applies."""
    text = str(exc).rstrip()
    if any(marker in text for marker in _READ_ONLY_MARKERS):
        text += "\n" + READ_ONLY_HINT
    return text


def statement_text(statement) -> str:
    """One line naming a statement (for headings and messages)."""
    text = " ".join(str(getattr(statement, "query", statement)).split()).rstrip(";").rstrip()
    return text if len(text) <= 100 else text[:99] + "\u2026"


# --- tables --------------------------------------------------------------------------------------

def published_tables(con: duckdb.DuckDBPyConnection, schemas: Sequence[str] = ALL_SCHEMAS) -> list[tuple[str, str]]:
    """(schema, table) of every table of ``schemas`` in the warehouse, in schema order then by name."""
    rows = con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
                       "AND list_contains(?::VARCHAR[], schema_name)", [list(schemas)]).fetchall()
    order = {s: i for i, s in enumerate(schemas)}
    return sorted(((s, t) for s, t in rows), key=lambda r: (order[r[0]], r[1]))


def resolve_table(con: duckdb.DuckDBPyConnection, name: str,
                  schemas: Sequence[str] = PUBLIC_SCHEMAS) -> tuple[str, str]:
    """``name`` (``regional_losses`` or ``marts.regional_losses``) as a (schema, table) of the warehouse.

    A bare name is looked up in ``schemas`` in order. An unknown name is an error naming the closest
    tables and how to list them all."""
    known = published_tables(con, ALL_SCHEMAS)
    wanted = name.strip().lower()
    schema, _, table = wanted.rpartition(".")
    if schema:
        if (schema, table) in known and schema in schemas:
            return schema, table
    else:
        for s in schemas:
            if (s, table) in known:
                return s, table
    offered = [f"{s}.{t}" for s, t in known if s in schemas]
    close = difflib.get_close_matches(wanted, offered + [t for _, t in known if _ in schemas], n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    allowed = ", ".join(schemas)
    raise ConfigError(f"no table {name!r} in the warehouse: expected a table of {allowed} "
                      f"(`cyberstats tables --all` lists them).{hint}")


def _contract(schema: str, table: str):
    from pipelines import contracts

    try:
        return contracts.load(schema, table)
    except (KeyError, contracts.ContractError):
        return None


def _comments(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> tuple[str, dict[str, str]]:
    row = con.execute("SELECT comment FROM duckdb_tables() WHERE database_name = current_database() "
                      "AND schema_name = ? AND table_name = ?", [schema, table]).fetchone()
    cols = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE database_name = "
                            "current_database() AND schema_name = ? AND table_name = ?", [schema, table]).fetchall())
    return (row[0] or "") if row else "", {k: v or "" for k, v in cols.items()}


def row_count(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {ident(schema)}.{ident(table)}").fetchone()[0]  # noqa: S608


@dataclass(frozen=True)
class TableInfo:
    schema: str
    table: str
    rows: int
    grain: str
    description: str

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"


def table_listing(con: duckdb.DuckDBPyConnection, schemas: Sequence[str] = ("marts",)) -> list[TableInfo]:
    """Every table of ``schemas`` with its row count, grain and description."""
    out = []
    for schema, table in published_tables(con, schemas):
        contract = _contract(schema, table)
        comment, _ = _comments(con, schema, table)
        out.append(TableInfo(schema, table, row_count(con, schema, table), contract.grain if contract else "",
                             contract.description if contract else comment))
    return out


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    type: str
    unit: str
    description: str


@dataclass(frozen=True)
class Description:
    info: TableInfo
    key: tuple[str, ...]
    columns: tuple[ColumnInfo, ...]
    example_columns: tuple[str, ...]
    examples: tuple[tuple, ...]


def description(con: duckdb.DuckDBPyConnection, schema: str, table: str, examples: int = 3) -> Description:
    """Columns (the warehouse's names and types; units and descriptions from the contract, else the
    warehouse's comments), key, row count and the first ``examples`` rows of ``schema.table``."""
    contract = _contract(schema, table)
    comment, col_comments = _comments(con, schema, table)
    typed = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
                        "AND schema_name = ? AND table_name = ? ORDER BY column_index", [schema, table]).fetchall()
    columns = []
    for name, dtype in typed:
        declared = None
        if contract is not None and name in contract.column_names:
            declared = contract.column(name)
        columns.append(ColumnInfo(name, dtype, (declared.unit or "") if declared else "",
                                  declared.description if declared else col_comments.get(name, "")))
    cursor = con.execute(f"SELECT * FROM {ident(schema)}.{ident(table)} LIMIT ?", [max(examples, 0)])  # noqa: S608
    example_columns = tuple(d[0] for d in cursor.description)
    rows = tuple(cursor.fetchall())
    info = TableInfo(schema, table, row_count(con, schema, table), contract.grain if contract else "",
                     contract.description if contract else comment)
    return Description(info, contract.key if contract else (), tuple(columns), example_columns, rows)


# --- shell ---------------------------------------------------------------------------------------

#: Options the DuckDB shell always gets: read-only, safe mode (external access off, configuration
#: locked, no .shell/.output/.open/.read of other files), no ~/.duckdbrc, marts as the current schema.
SHELL_OPTIONS = ("-readonly", "-safe", "-no-init")


def shell_binary() -> Path:
    """The DuckDB CLI shipped by the pinned ``duckdb-cli`` package (a dependency of cyberstats)."""
    spec = util.find_spec("duckdb_cli")
    binary = None
    if spec is not None and spec.origin:
        binary = Path(spec.origin).with_name("duckdb.exe" if sys.platform == "win32" else "duckdb")
    if binary is None or not binary.is_file():
        raise ConfigError("the DuckDB shell needs the duckdb-cli package, pinned with cyberstats: expected "
                          f"{binary or 'duckdb_cli/duckdb'}; install it with `pip install -c "
                          "requirements/constraints.txt duckdb-cli`")
    return binary


def shell_command(warehouse: Path, command: str | None = None, binary: Path | None = None) -> list[str]:
    """The command line of a read-only DuckDB shell on ``warehouse`` with ``marts`` as the current schema
    (``command``: run it and exit, instead of reading statements)."""
    exe = binary or shell_binary()
    cmd = [str(exe), *SHELL_OPTIONS, "-cmd", "USE marts"]
    if command is not None:
        cmd += ["-c", command]
    return [*cmd, str(warehouse)]


def exec_shell(command: list[str]) -> None:
    """Replace this process with the shell (so that Ctrl-C, line editing and exit codes are the shell's)."""
    os.execv(command[0], command)
