"""`cyberstats export`: one published table (optionally filtered) as CSV, Parquet or XLSX, with its provenance.

* The rows come from a read-only connection with file access off (:func:`pipelines.warehouse.connect_readonly`);
  ``--where`` is a SQL boolean expression put into ``SELECT * FROM <table> WHERE (...)``, and the whole
  query must parse as exactly one SELECT statement, so ``--where "1=1; DROP ..."`` is refused before
  anything runs (and would fail on the read-only connection anyway).
* Spreadsheet formulas are neutralised as the site's downloads do (:mod:`pipelines.reports.downloads`):
  CSV cells that a spreadsheet would run get an apostrophe; XLSX cells are typed strings with Excel's
  quote-prefix flag; Parquet keeps values exactly.
* Provenance travels with the data: an XLSX file gets a ``provenance`` sheet and a ``columns`` sheet;
  CSV and Parquet files get a ``<file>.provenance.json`` sidecar. Both say which publication (run id,
  fingerprint, time, pipeline version), which table and filter, which sources with their licences, and
  how to cite.
* The file is written only where ``--output`` says, through a temporary file beside it and a rename;
  an existing file (or sidecar) is never replaced without ``--force``, and the warehouse itself never.
"""

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipelines.analyst import QueryError, error_text, resolve_table, statements
from pipelines.errors import ConfigError
from pipelines.reports.downloads import XLSX_MAX_ROWS, write_csv, write_parquet, write_sheet, write_text
from pipelines.warehouse import ident

FORMATS = ("csv", "parquet", "xlsx")
SIDECAR_SUFFIX = ".provenance.json"
CITATION = ("cyberstats, table {table}, publication {publication} (fingerprint {fingerprint}, published "
            "{published} UTC). The figures come from the sources listed, each under its publisher's licence: "
            "cite the original publishers of the figures you use too.")


@dataclass(frozen=True)
class Export:
    path: Path
    rows: int
    sidecar: Path | None


def select_sql(con: duckdb.DuckDBPyConnection, schema: str, table: str, where: str | None) -> str:
    """``SELECT * FROM schema.table [WHERE (where)]``; refuses a filter that is not one boolean expression
    of a single SELECT (several statements, or a statement of another kind)."""
    sql = f"SELECT * FROM {ident(schema)}.{ident(table)}"  # noqa: S608 (names from the warehouse's catalogue)
    if where is None:
        return sql
    if not where.strip():
        raise ConfigError("--where is empty: expected a SQL condition on the table's columns, e.g. "
                          "\"year = 2024 and region_level = 'region'\"")
    # A trailing comment would swallow the closing parenthesis: put it on a line of its own.
    candidate = f"{sql} WHERE (\n{where}\n)"
    try:
        found = statements(con, candidate)
    except QueryError as exc:
        raise ConfigError(f"--where {where!r}: expected one SQL condition on the columns of {schema}.{table}; "
                          f"nothing was exported. DuckDB says:\n{exc}") from exc
    if len(found) != 1 or found[0].type != duckdb.StatementType.SELECT:
        raise ConfigError(f"--where {where!r}: expected one SQL condition on the columns of {schema}.{table} "
                          f"(found {len(found)} statements); nothing was exported")
    return candidate


def provenance(con: duckdb.DuckDBPyConnection, schema: str, table: str, where: str | None, rows: int,
               fmt: str) -> dict:
    """What an export is: the publication, the table and filter, the sources with licences, how to cite."""
    from pipelines.analyst import _contract
    from pipelines.warehouse import publication

    pub = publication(con) or {}
    contract = _contract(schema, table)
    sources = con.execute(
        "SELECT source_id, kind, release, relpath, sha256, publisher, title, url, licence, retrieved "
        "FROM marts.source_files ORDER BY kind DESC, source_id, relpath").pl().to_dicts() \
        if _has(con, "marts", "source_files") else []
    licences = sorted({f"{s['source_id']}: {s['licence']}" for s in sources if s.get("licence")})
    published = str(pub.get("published_at", ""))[:19]
    publication_id = str(pub.get("run_id", "unknown"))
    return {
        "table": f"{schema}.{table}",
        "description": contract.description if contract else "",
        "grain": contract.grain if contract else "",
        "filter": where,
        "rows": rows,
        "format": fmt,
        "exported_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "publication": {"run_id": publication_id, "fingerprint": pub.get("fingerprint"),
                        "published_at": published, "pipeline_version": pub.get("pipeline_version"),
                        "duckdb_version": pub.get("duckdb_version")},
        "licences": licences,
        "licence_note": "The figures belong to their publishers under the licences listed per source; "
                        "cyberstats' own tables (curated references, code) are Apache-2.0.",
        "how_to_cite": CITATION.format(table=f"{schema}.{table}", publication=publication_id,
                                       fingerprint=str(pub.get("fingerprint") or "")[:16], published=published),
        "formula_neutralisation": ("CSV: text starting with =, +, -, @, tab or CR is prefixed with an apostrophe; "
                                   "XLSX: such cells are text with Excel's quote prefix; Parquet: values exact"),
        "sources": sources,
    }


def _has(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND "
                            "schema_name = ? AND table_name = ?", [schema, table]).fetchone()[0])


def export_table(warehouse: Path, name: str, fmt: str, output: Path, where: str | None = None,
                 force: bool = False) -> Export:
    """Write table ``name`` of ``warehouse`` (filtered by ``where``) to ``output`` in ``fmt``."""
    from pipelines.warehouse import connect_readonly

    if fmt not in FORMATS:
        raise ConfigError(f"--format {fmt}: expected one of {', '.join(FORMATS)}")
    output = output.expanduser().resolve()
    sidecar = None if fmt == "xlsx" else output.with_name(output.name + SIDECAR_SUFFIX)
    _check_target(output, warehouse, force, "output")
    if sidecar is not None:
        _check_target(sidecar, warehouse, force, "provenance sidecar")
    with connect_readonly(warehouse) as con:
        schema, table = resolve_table(con, name)
        sql = select_sql(con, schema, table, where)
        try:
            frame = con.execute(sql).pl()
        except duckdb.Error as exc:
            raise ConfigError(f"--where {where!r} on {schema}.{table} failed:\n{error_text(exc)}") from exc
        if fmt == "xlsx" and frame.height > XLSX_MAX_ROWS:
            raise ConfigError(f"{schema}.{table}: {frame.height:,} rows exceed the XLSX sheet limit of "
                              f"{XLSX_MAX_ROWS:,}: expected --format csv or parquet, or a narrower --where")
        facts = provenance(con, schema, table, where, frame.height, fmt)
        from pipelines.analyst import description

        columns = description(con, schema, table, examples=0).columns
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        if fmt == "csv":
            write_csv(frame, tmp)
        elif fmt == "parquet":
            write_parquet(frame, tmp)
        else:
            write_xlsx(frame, tmp, table, facts, [(c.name, c.type, c.unit, c.description) for c in columns])
        if sidecar is not None:
            side_tmp = sidecar.with_name(f".{sidecar.name}.{uuid.uuid4().hex[:8]}.tmp")
            facts["columns"] = [{"name": c.name, "type": c.type, "unit": c.unit, "description": c.description}
                                for c in columns]
            side_tmp.write_text(json.dumps(facts, indent=1, default=str) + "\n", encoding="utf-8")
            side_tmp.replace(sidecar)
        tmp.replace(output)
    finally:
        tmp.unlink(missing_ok=True)
    return Export(output, frame.height, sidecar)


def _check_target(path: Path, warehouse: Path, force: bool, what: str) -> None:
    resolved_wh = warehouse.expanduser().resolve()
    beside = path.parent == resolved_wh.parent and resolved_wh.name in path.name  # its .wal, staged copies
    if path == resolved_wh or (beside and path.suffix in (".wal", ".tmp")):
        raise ConfigError(f"{what} {path} is the published warehouse: expected another file")
    if path.is_dir():
        raise ConfigError(f"{what} {path} is a folder: expected a file name")
    if path.exists() and not force:
        raise ConfigError(f"{what} {path} exists: expected a new file name, or --force to replace it")


def write_xlsx(frame: pl.DataFrame, path: Path, sheet: str, facts: dict, columns: list[tuple]) -> None:
    """The table on its own sheet (text cells typed, formula-like text quote-prefixed, as the site's
    downloads), a ``columns`` sheet (type, unit, description) and a ``provenance`` sheet."""
    import xlsxwriter

    from pipelines.reports.downloads import _FIXED_CREATED

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False, "nan_inf_to_errors": True})
    wb.set_properties({"created": _FIXED_CREATED, "title": facts["table"], "comments": "cyberstats export"})
    bold = wb.add_format({"bold": True, "bg_color": "#F3F3F3"})
    quoted = wb.add_format({"quote_prefix": True})
    write_sheet(wb, sheet, frame, bold, {c[0]: c[3] for c in columns})

    cols = wb.add_worksheet("columns")
    for j, head in enumerate(("column", "type", "unit", "description")):
        cols.write_string(0, j, head, bold)
    for i, column in enumerate(columns, start=1):
        for j, value in enumerate(column):
            write_text(cols, i, j, str(value or ""), quoted)

    prov = wb.add_worksheet("provenance")
    pub = facts["publication"]
    pairs = [("table", facts["table"]), ("description", facts["description"]), ("grain", facts["grain"]),
             ("filter", facts["filter"] or "(none: every row)"), ("rows", str(facts["rows"])),
             ("exported at", facts["exported_at"]), ("publication (run id)", pub["run_id"]),
             ("fingerprint", str(pub["fingerprint"])), ("published at", pub["published_at"]),
             ("pipeline version", str(pub["pipeline_version"])), ("how to cite", facts["how_to_cite"]),
             ("licences", "; ".join(facts["licences"])), ("licence note", facts["licence_note"]),
             ("formulas", facts["formula_neutralisation"])]
    for i, (key, value) in enumerate(pairs):
        prov.write_string(i, 0, key, bold)
        write_text(prov, i, 1, value or "", quoted)
    start = len(pairs) + 1
    heads = ("source_id", "kind", "release", "relpath", "sha256", "publisher", "title", "url", "licence", "retrieved")
    for j, head in enumerate(heads):
        prov.write_string(start, j, head, bold)
    for i, source in enumerate(facts["sources"], start=start + 1):
        for j, head in enumerate(heads):
            write_text(prov, i, j, str(source.get(head) or ""), quoted)
    wb.close()

