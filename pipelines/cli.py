"""The ``cyberstats`` command.

    cyberstats run      load, validate, harmonise, compute, render and publish (in process)
    cyberstats query    run read-only SQL against the published warehouse (argument, --file, or - for stdin)
    cyberstats tables   every mart with its row count and grain
    cyberstats describe a table's columns, types, units, descriptions and example rows
    cyberstats shell    an interactive read-only DuckDB shell (pinned duckdb-cli) on the published warehouse
    cyberstats export   one table as CSV, Parquet or XLSX, formulas neutralised, with its provenance
    cyberstats sources  list what is loaded, with provenance
    cyberstats publications  the kept past publications (read one with --as-of ID|DATE)
    cyberstats report   rebuild and republish the report site alone, from the published warehouse
    cyberstats validate check one file against its source's reader and expectations (writes nothing)
    cyberstats quarantine  list the files the latest run left out, with the reason and the run id
    cyberstats ingest   take new files from <data-dir>/incoming/ into sources/, then run

Exit codes: 0 success, 1 the run or query failed (published outputs unchanged), 2 usage or
configuration error, 3 another run holds the lock.
"""

import argparse
import contextlib
import csv
import json
import logging
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from pipelines.errors import ConfigError, CyberstatsError
from pipelines.locks import Locked
from pipelines.settings import ENV_DATA_DIR, ENV_SITE_DIR, ENV_WAREHOUSE, Settings, resolve

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
#: Leading characters a spreadsheet would read as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _print(msg: str = "", *, err: bool = False) -> None:
    print(msg, file=sys.stderr if err else sys.stdout, flush=True)


# --- run -------------------------------------------------------------------------------------------

@contextlib.contextmanager
def run_lock(settings: Settings) -> Iterator[None]:
    """The locks a run holds from start to end: its private work folder (build database, raw store) and
    its publication target (warehouse and site, shared by every path that publishes there). Leftovers
    of interrupted publications to the target are cleaned up (or finished) under the lock first."""
    from pipelines.locks import target_lock, work_lock
    from pipelines.publication import recover

    with work_lock(settings.work_dir), target_lock(settings.warehouse, settings.site_dir):
        done = recover(settings.warehouse, settings.site_dir)
        if done:
            _print(f"  ({done})")
        yield


def planned_fingerprint(settings: Settings) -> str:
    """The fingerprint a run over the current data directory would publish."""
    from pipelines.catalog import discover, selection
    from pipelines.fingerprint import run_fingerprint
    from pipelines.sources import ALL

    files: list[tuple[str, str]] = []
    for spec in ALL.values():
        chosen, _ = selection(spec, discover(settings.data_dir, spec.kind, spec.source_id))
        files += [(f.relpath, f.sha256) for f in chosen]
    return run_fingerprint(files, settings)


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    from pipelines.reports.publish import published_site_fingerprint
    from pipelines.warehouse import published_fingerprint

    _print(f"cyberstats run\n  data      {settings.data_dir}\n  warehouse {settings.warehouse}\n"
           f"  site      {settings.site_dir}")
    allow_quarantine = bool(getattr(args, "allow_quarantine", False))
    with run_lock(settings):
        if not args.force:
            planned = planned_fingerprint(settings)
            # A publication made with --allow-quarantine is not "unchanged" for a run without it.
            left_out = 0 if allow_quarantine else _published_quarantine(settings.warehouse)
            if (published_fingerprint(settings.warehouse) == planned
                    and published_site_fingerprint(settings.site_dir) == planned and not left_out):
                _print("Nothing changed since the last publication (same inputs, code and options); "
                       "the published warehouse and site were left as they are.")
                _where(settings)
                return EXIT_OK
        return _execute(settings, quiet=args.quiet, allow_quarantine=allow_quarantine)


def _published_quarantine(warehouse: Path) -> int:
    """Files the published warehouse was built without (0 if none, or unreadable)."""
    import duckdb

    from pipelines.quality.quarantine import files_left_out, listing

    if not warehouse.is_file():
        return 0
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return len(files_left_out(listing(con)))
    except duckdb.Error:
        return 0


def _execute(settings: Settings, quiet: bool, allow_quarantine: bool = False) -> int:
    from pipelines.publication import describe_change
    from pipelines.publication import state as publication_state
    from pipelines.run import Progress, execute

    before = publication_state(settings.warehouse, settings.site_dir)
    progress = Progress(quiet, _print)
    try:
        outcome = execute(settings, progress, allow_quarantine)
    except KeyboardInterrupt:
        after = publication_state(settings.warehouse, settings.site_dir)
        _print(f"\nInterrupted. {describe_change(before, after)}", err=True)
        raise
    if not outcome.success:
        after = publication_state(settings.warehouse, settings.site_dir)
        _print(f"\nRun FAILED after {outcome.seconds:.1f}s. {describe_change(before, after)}", err=True)
        for line in progress.failures:
            _print(f"  - {line}", err=True)
        for line in progress.failed_checks:
            _print(f"  - blocking check failed: {line}", err=True)
        if any(":files_not_quarantined" in line for line in progress.failed_checks):
            _print("  Quarantined files are listed by `cyberstats quarantine`; they were not modified. "
                   "`cyberstats run --allow-quarantine` publishes without them.", err=True)
        page = _failure_page(settings, outcome.run_id)
        if page is not None:
            _print(f"  Quality page of this run (failing expectations with examples; not published): {page}",
                   err=True)
        return EXIT_FAILED
    if progress.warnings:  # diagnostics go to stderr, like failures
        _print(f"\n{len(progress.warnings)} warning(s) (drift; they do not block publication):", err=True)
        for line in progress.warnings:
            _print(f"  - {line}", err=True)
    _print(f"\nRun succeeded in {outcome.seconds:.1f}s.")
    _where(settings)
    return EXIT_OK


def _failure_page(settings: Settings, run_id: str) -> Path | None:
    """Render the failed run's quality page into the private work folder; None if there is nothing to
    render from (or it cannot be rendered: the failure summary above stands on its own)."""
    import duckdb

    from pipelines.quality.report import render_failure_page

    db = settings.build_db(run_id)
    if not db.is_file():
        return None
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            return render_failure_page(con, settings.work_dir, run_id,
                                       time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    except Exception as exc:  # a page that cannot be rendered must not hide the failure
        _print(f"  (the quality page could not be rendered: {type(exc).__name__}: {exc})", err=True)
        return None


def _where(settings: Settings) -> None:
    _print(f"  report:    {settings.site_dir / 'index.html'}")
    if (settings.site_dir / "cyberstats-report.html").is_file():
        _print(f"  single file: {settings.site_dir / 'cyberstats-report.html'}")
    _print(f"  warehouse: {settings.warehouse}")
    try:  # the warehouse `cyberstats query` opens without options (an installed package has no default)
        default: Path | None = _warehouse_path(argparse.Namespace(warehouse=None, data_dir=None, site_dir=None))
    except ConfigError:
        default = None
    flag = "" if settings.warehouse == default else f" --warehouse {settings.warehouse}"
    exe = command_name()
    _print(f'  query it:  {exe} query "select * from regional_losses limit 5"{flag}')  # noqa: S608
    _print(f"             {exe} tables  |  {exe} describe regional_losses  |  {exe} shell{flag}")
    if exe != "cyberstats":
        _print(f"  ({exe} is not on your PATH: `source {Path(exe).parent / 'activate'}` puts it there)")


def command_name() -> str:
    """How to call this cyberstats from a fresh shell: ``cyberstats`` when that name on the PATH is this
    installation, else the path of its script (relative to the working folder when inside it)."""
    import shutil

    script = Path(sys.executable).with_name("cyberstats")
    found = shutil.which("cyberstats")
    if not script.is_file() or (found and Path(found).resolve() == script.resolve()):
        return "cyberstats"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)


# --- query -----------------------------------------------------------------------------------------

def neutralise(value: object) -> object:
    """Prefix text a spreadsheet would execute as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def query_text(args: argparse.Namespace) -> str:
    """The SQL of `cyberstats query`: the argument, ``--file F``, or standard input (``-``)."""
    given = [x for x in (args.sql is not None, args.file is not None) if x]
    if len(given) != 1:
        raise ConfigError("expected the SQL as an argument, `--file FILE`, or `-` to read it from standard input "
                          "(exactly one of them)")
    if args.file is not None:
        path = Path(args.file).expanduser()
        if not path.is_file():
            raise ConfigError(f"--file {path}: expected a file of SQL statements")
        return path.read_text(encoding="utf-8")
    if args.sql == "-":
        return sys.stdin.read()
    return args.sql


def cmd_query(args: argparse.Namespace) -> int:
    """Run every statement of the SQL on a read-only connection and show every result."""
    from pipelines.analyst import QueryError, error_text, statement_text, statements
    from pipelines.warehouse import connect_readonly

    if args.max_rows < 0:
        raise ConfigError(f"--max-rows {args.max_rows}: expected a number of rows of at least 1 (0: all)")
    sql = query_text(args)
    path = _published_warehouse(args)
    import duckdb

    with connect_readonly(path) as con:
        try:
            todo = statements(con, sql)
        except QueryError as exc:
            _print(f"query failed: {exc}", err=True)
            return EXIT_FAILED
        many = len(todo) > 1
        results: list[dict] = []
        for number, statement in enumerate(todo, start=1):
            label = f"[{number}/{len(todo)}] {statement_text(statement)}"
            try:
                cursor = con.execute(statement)
                if cursor.description is None:
                    continue
                columns = [d[0] for d in cursor.description]
                total = None
                if args.max_rows:
                    rows = cursor.fetchmany(args.max_rows)
                    total = len(rows) + _count_rest(cursor) if len(rows) == args.max_rows else None
                else:
                    rows = cursor.fetchall()
            except duckdb.Error as exc:
                if args.format == "json" and many:
                    _emit_json_results(results)
                where = f" (statement {label})" if many else ""
                _print(f"query failed{where}: {error_text(exc)}", err=True)
                return EXIT_FAILED
            if columns == ["Success"] and not rows:  # USE, SET: nothing to show
                continue
            shown_all = total is None or total == len(rows)
            if args.format == "json" and many:
                results.append({"statement": statement_text(statement), "columns": columns,
                                "rows": [dict(zip(columns, row, strict=True)) for row in rows]})
            else:
                if many:
                    _print(("" if number == 1 else "\n") + f"-- {label}")
                _emit(columns, rows, args.format, total=None if shown_all else total)
            if not shown_all and args.format != "table":  # the table says so in its footer
                _print(f"(first {len(rows):,} of {total:,} rows: --max-rows {args.max_rows})", err=True)
    if args.format == "json" and many:
        _emit_json_results(results)
    return EXIT_OK


def _emit_json_results(results: list[dict]) -> None:
    """Several statements as JSON: one object per statement with a result (statement, columns, rows)."""
    json.dump(results, sys.stdout, default=str, indent=1)
    sys.stdout.write("\n")
    sys.stdout.flush()


def _count_rest(cursor, chunk: int = 100_000) -> int:
    """Rows the cursor still holds (read in chunks and dropped, to say how many were not shown)."""
    rest = 0
    while batch := cursor.fetchmany(chunk):
        rest += len(batch)
    return rest


def _emit(columns: list[str], rows: list[tuple], fmt: str, total: int | None = None) -> None:
    out = sys.stdout
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([neutralise(c) for c in columns])
        writer.writerows([[neutralise(v) for v in row] for row in rows])
    elif fmt == "json":
        json.dump([dict(zip(columns, row, strict=True)) for row in rows], out, default=str, indent=1)
        out.write("\n")
    else:
        out.write(format_table(columns, rows, total) + "\n")
    out.flush()


#: Widest column of ``--format table``; longer cells are cut and end in TRUNCATED.
MAX_CELL = 90
TRUNCATED = "\u2026"


def format_table(columns: list[str], rows: Sequence[tuple], total: int | None = None) -> str:
    """A plain-text table. Cells longer than MAX_CELL characters are cut and end in '…' (and the
    footer says so); ``total``: the number of rows the query returned when only ``rows`` are shown."""
    def cell(v: object) -> str:
        if v is None:
            return "NULL"
        if isinstance(v, float):
            if v.is_integer() and abs(v) < 1e15:  # counts stored as DOUBLE: 12,317 not 12,317.00
                return f"{int(v):,}"
            return f"{v:,.2f}" if abs(v) >= 1000 else f"{v:.6g}"
        return str(v).replace("\n", " ")

    body = [[cell(v) for v in row] for row in rows]
    widths = [min(max([len(c)] + [len(r[i]) for r in body]), MAX_CELL) for i, c in enumerate(columns)]
    cut = False

    def fit(value: str, width: int) -> str:
        nonlocal cut
        if len(value) <= width:
            return value.ljust(width)
        cut = True
        return value[:width - 1] + TRUNCATED

    def line(values: list[str]) -> str:
        return " | ".join(fit(v, w) for v, w in zip(values, widths, strict=True)).rstrip()

    sep = "-+-".join("-" * w for w in widths)
    lines = [line(columns), sep, *(line(r) for r in body)]
    plural = "s" * (len(rows) != 1)
    footer = (f"(first {len(rows):,} of {total:,} rows)" if total is not None and total != len(rows)
              else f"({len(rows):,} row{plural})")
    if cut:
        footer += (f"; values longer than {MAX_CELL} characters are cut and end in {TRUNCATED} "
                   "(--format csv or json shows them whole)")
    return "\n".join([*lines, footer])


# --- tables, describe, shell, export -----------------------------------------------------------------

def cmd_tables(args: argparse.Namespace) -> int:
    """Every mart (``--all``: every table) with its row count and grain."""
    from pipelines.analyst import ALL_SCHEMAS, table_listing
    from pipelines.warehouse import connect_readonly

    path = _published_warehouse(args)
    with connect_readonly(path) as con:
        listing = table_listing(con, ALL_SCHEMAS if args.all else ("marts",))
    if args.format == "table":
        _print(f"{'Tables' if args.all else 'Marts'} of {path} (`cyberstats describe TABLE` for columns, units "
               "and example rows):\n")
        _emit(["table", "rows", "grain"], [(t.name, f"{t.rows:,}", t.grain) for t in listing], "table")
        if not args.all:
            _print("Marts are also views in the default schema: `select * from regional_losses` works in any "
                   "DuckDB client. `--all` lists the quality, meta and build tables too.")
    else:
        _emit(["table", "rows", "grain", "description"],
              [(t.name, t.rows, t.grain, t.description) for t in listing], args.format)
    return EXIT_OK


def cmd_describe(args: argparse.Namespace) -> int:
    """A table's description, grain, key and columns (type, unit, description), with example rows."""
    from pipelines.analyst import ALL_SCHEMAS, description, resolve_table
    from pipelines.warehouse import connect_readonly

    if args.examples < 0:
        raise ConfigError(f"--examples {args.examples}: expected a number of rows of at least 0")
    path = _published_warehouse(args)
    with connect_readonly(path) as con:
        schema, table = resolve_table(con, args.table, ALL_SCHEMAS)
        d = description(con, schema, table, args.examples)
    if args.format == "json":
        json.dump({"table": d.info.name, "rows": d.info.rows, "grain": d.info.grain,
                   "description": d.info.description, "key": list(d.key),
                   "columns": [vars(c) for c in d.columns],
                   "examples": [dict(zip(d.example_columns, r, strict=True)) for r in d.examples]},
                  sys.stdout, default=str, indent=1)
        sys.stdout.write("\n")
        return EXIT_OK
    if args.format == "csv":
        _emit(["column", "type", "unit", "description"], [(c.name, c.type, c.unit, c.description) for c in d.columns],
              "csv")
        return EXIT_OK
    import textwrap

    _print(f"{d.info.name}  ({d.info.rows:,} row{'s' * (d.info.rows != 1)})")
    for label, text in (("", d.info.description), ("grain: ", d.info.grain), ("key: ", ", ".join(d.key))):
        if text:
            _print(textwrap.fill(label + text, 110, initial_indent="  ", subsequent_indent="  "))
    _print(f"\n{len(d.columns)} columns (name, type, [unit]; description):")
    width = max(len(c.name) for c in d.columns) if d.columns else 0
    for c in d.columns:
        _print(f"  {c.name:<{width}}  {c.type}" + (f"  [{c.unit}]" if c.unit else ""))
        if c.description:
            _print(textwrap.fill(c.description, 110, initial_indent="      ", subsequent_indent="      "))
    if d.examples:  # one column per example row: wide tables stay readable
        _print(f"\nFirst {len(d.examples)} row{'s' * (len(d.examples) != 1)}, one per column:")
        _emit(["column", *(f"row {i}" for i in range(1, len(d.examples) + 1))],
              [(c, *(r[j] for r in d.examples)) for j, c in enumerate(d.example_columns)], "table")
    return EXIT_OK


def cmd_shell(args: argparse.Namespace) -> int:
    """An interactive DuckDB shell (the pinned duckdb-cli) on the published warehouse, read-only."""
    from pipelines.analyst import exec_shell, shell_command

    path = _published_warehouse(args)
    command = shell_command(path, args.command)
    if args.command is None:
        _print(f"DuckDB shell on {path}: read-only, file access off (safe mode), `marts` is the current schema "
               "(`show tables`; other schemas: quality., meta.). `.quit` or Ctrl-D leaves.", err=True)
    exec_shell(command)
    return EXIT_OK  # not reached


def cmd_export(args: argparse.Namespace) -> int:
    """Write one table (optionally filtered) to a file, with its provenance."""
    from pipelines.exports import export_table

    path = _published_warehouse(args)
    done = export_table(path, args.table, args.format, Path(args.output), where=args.where, force=args.force)
    _print(f"Exported {done.rows:,} rows to {done.path}")
    _print(f"  provenance: {done.sidecar if done.sidecar else 'the provenance and columns sheets of the workbook'}")
    return EXIT_OK


# --- sources ---------------------------------------------------------------------------------------

def cmd_sources(args: argparse.Namespace) -> int:
    from pipelines.warehouse import connect_readonly, publication

    path = _published_warehouse(args)
    with connect_readonly(path) as con:
        files = con.execute("SELECT source_id, kind, release, relpath, sha256, size_bytes, publisher, title, url, "
                            "licence, retrieved, original_sha256 FROM marts.source_files "
                            "ORDER BY kind DESC, source_id, relpath").pl()
        if files.height == 0:
            _print("The published warehouse records no input files.")
            return EXIT_OK
        pub = publication(con)
        counts = dict(con.execute(
            "SELECT source_file, count(*) FROM staging.observations GROUP BY 1").fetchall())
    columns, rows = files.columns, files.rows()
    if args.format == "table":
        _print(f"Published {pub['published_at']} by cyberstats {pub['pipeline_version']} "
               f"(fingerprint {pub['fingerprint'][:16]})\n")
        rows = [(r["source_id"], r["release"], r["relpath"], counts.get(r["relpath"], ""), r["sha256"][:12],
                 (r["original_sha256"] or "")[:12], r["publisher"], r["licence"], r["title"], r["url"])
                for r in files.iter_rows(named=True)]
        columns = ["source_id", "release", "file", "observations", "sha256", "original_sha256", "publisher",
                   "licence", "title", "url"]
    _emit(columns, rows, args.format)
    if args.format == "table":
        _print("sha256: of the file loaded; original_sha256: of the publisher's file it was extracted from (first 12 "
               "hex digits; --format json shows them whole).")
    return EXIT_OK


# --- report --------------------------------------------------------------------------------------

def cmd_report(args: argparse.Namespace) -> int:
    """Rebuild the site from the published warehouse (read-only) and swap it in atomically."""
    import uuid

    from pipelines.fingerprint import pipeline_version
    from pipelines.publication import publish
    from pipelines.reports.render import render_site
    from pipelines.warehouse import connect, publication

    settings = _settings(args)
    _require_warehouse(settings.warehouse)
    with run_lock(settings):
        run_id = f"report-{uuid.uuid4().hex[:8]}"
        with connect(settings.warehouse, read_only=True) as con:
            fingerprint = publication(con)["fingerprint"]
            n_files = con.execute("SELECT count(*) FROM marts.source_files").fetchone()[0]
            # Render into a private folder of its own; the published site is replaced only at the end.
            out_dir = settings.work_dir / "reports" / run_id
            result = render_site(con, out_dir, run_id, fingerprint, n_files, single_file=settings.single_file)
        try:
            publish(None, result.directory, settings.warehouse, settings.site_dir, fingerprint, run_id,
                    pipeline_version(), replace_site=True)
        finally:
            import shutil

            shutil.rmtree(out_dir, ignore_errors=True)
    _print(f"Report rebuilt from {settings.warehouse}: {len(result.pages)} pages, {len(result.downloads)} "
           f"downloadable tables.")
    _print(f"  report:    {settings.site_dir / 'index.html'}")
    if result.single_file:
        _print(f"  single file: {settings.site_dir / result.single_file.name}")
    return EXIT_OK


# --- validate and quarantine ---------------------------------------------------------------------

def cmd_validate(args: argparse.Namespace) -> int:
    """Read FILE with the source's reader and run its expectations; write nothing."""
    from pipelines.quality.validate_file import validate_file
    from pipelines.settings import data_dir_setting

    data_dir = data_dir_setting(args.data_dir)
    if not (data_dir / "reference").is_dir():
        raise ConfigError(f"{data_dir} has no reference/ folder to check codes against (set --data-dir)")
    path = Path(args.file).expanduser()
    _print(f"cyberstats validate\n  data      {data_dir}")
    report = validate_file(path, args.source, data_dir, release=args.release, name=args.file)
    for line in report.lines():  # a failing report goes to stderr, like a failing run
        _print(line, err=not report.ok)
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_quarantine(args: argparse.Namespace) -> int:
    """List the files the latest run quarantined, from the build database or the published warehouse."""
    import duckdb

    from pipelines.quality.quarantine import latest_run, listing

    if args.published:
        path = _published_warehouse(args)
        where = "published warehouse"
    else:
        from pipelines.build import latest_build_db

        work = _settings(args).work_dir
        path = latest_build_db(work) or work / "builds" / "(none)"
        where = "latest build"
    if not path.is_file():
        raise ConfigError(f"no {where} at {path}; run `cyberstats run` first"
                          + ("" if args.published else " (or pass the --warehouse or --work-dir it used)"))
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            records = listing(con)
            latest = latest_run(con)
    except duckdb.Error as exc:
        raise CyberstatsError(f"cannot read {path}: {str(exc).splitlines()[0]}") from exc
    run = (f"run {latest[0]}, {str(latest[1])[:19]} UTC" if latest else "no run recorded")
    columns = ["run_id", "source_id", "relpath", "reason", "expectation", "row_number", "column_name", "expected",
               "found", "unexpected_rows", "quarantined_at"]
    if records.height == 0 and args.format == "table":
        _print(f"No quarantined files in the latest run ({run}) of the {where} ({path}).")
        return EXIT_OK
    if args.format == "table":
        _print(f"{records['relpath'].n_unique()} quarantined file(s) in the latest run ({run}) of the {where} "
               f"({path}); the files were not modified.\n")
        _emit(["source", "file", "expectation", "row", "column", "found"],
              records.select("source_id", "relpath", "expectation", "row_number", "column_name", "found").rows(),
              "table")
        _print("\nFull messages: cyberstats quarantine --format json")
    else:
        _emit(columns, records.select(columns).rows(), args.format)
    return EXIT_OK


# --- ingest ------------------------------------------------------------------------------------------

def cmd_ingest(args: argparse.Namespace) -> int:
    """Identify, validate and place files from incoming/ (pipelines.ingest), then run unless --no-run."""
    from pipelines.ingest import QUARANTINED, REFUSED, Flags, incoming_dir, ingest

    settings = _settings(args)
    if not (settings.data_dir / "reference").is_dir():
        raise ConfigError(f"{settings.data_dir} has no reference/ folder to check codes against (set --data-dir)")
    flags = Flags(source=args.source, release=args.release, publisher=args.publisher, licence=args.licence,
                  retrieved=args.retrieved, url=args.url)
    _print(f"cyberstats ingest\n  data      {settings.data_dir}\n  incoming  {incoming_dir(settings.data_dir)}")
    files = [Path(f).expanduser() for f in args.files] or None
    report = ingest(settings.data_dir, files, flags)
    if not report.outcomes:
        _print("Nothing to take in: incoming/ holds no files.")
    for outcome in report.outcomes:
        bad = outcome.status in (QUARANTINED, REFUSED)
        _print(f"  {outcome.line()}", err=bad)
        for line in outcome.lines:
            _print(f"      {line}", err=bad)
    code = EXIT_OK if report.ok else EXIT_FAILED
    if not report.accepted:
        return code
    if args.no_run:
        _print(f"\n{len(report.accepted)} file(s) taken in; not run (--no-run): `{command_name()} run` publishes them.")
        return code
    _print(f"\n{len(report.accepted)} file(s) taken in; running the pipeline:")
    try:
        ran = cmd_run(args)
    except Locked as exc:
        _print(f"cyberstats: {exc}\n  The files are in sources/; `{command_name()} run` publishes them.", err=True)
        return EXIT_LOCKED
    return max(code, ran)


# --- dev ---------------------------------------------------------------------------------------------

def dev_command(settings: Settings, host: str, port: int) -> tuple[list[str], dict[str, str]]:
    """The `dagster dev` command line and environment serving the code location on the work folder's
    instance (where `cyberstats run` records its runs), with telemetry off."""
    from pipelines.run import ensure_instance_home

    home = ensure_instance_home(settings)
    env = {**os.environ, "DAGSTER_HOME": str(home), "CYBERSTATS_DATA_DIR": str(settings.data_dir),
           "CYBERSTATS_WAREHOUSE": str(settings.warehouse), "CYBERSTATS_SITE_DIR": str(settings.site_dir),
           "CYBERSTATS_WORK_DIR": str(settings.work_dir)}
    dagster = Path(sys.executable).with_name("dagster")
    return [str(dagster), "dev", "-m", "pipelines.definitions", "-h", host, "-p", str(port)], env


def cmd_dev(args: argparse.Namespace) -> int:
    """Serve the Dagster UI on the work folder's instance: CLI runs, materialisations and checks show."""
    settings = _settings(args)
    command, env = dev_command(settings, args.host, args.port)
    _print(f"Dagster UI on http://{args.host}:{args.port} (instance {env['DAGSTER_HOME']}); Ctrl-C stops it.")
    os.execve(command[0], command, env)
    return EXIT_OK  # not reached


# --- plumbing --------------------------------------------------------------------------------------

def _settings(args: argparse.Namespace) -> Settings:
    return resolve(data_dir=args.data_dir, warehouse=args.warehouse, site_dir=args.site_dir,
                   work_dir=getattr(args, "work_dir", None), base_year=getattr(args, "base_year", None),
                   min_population_coverage=getattr(args, "min_coverage", None),
                   single_file=True if getattr(args, "single_file", False) else None,
                   publications_kept=getattr(args, "keep_publications", None))


def _warehouse_path(args: argparse.Namespace) -> Path:
    if args.warehouse:
        return Path(args.warehouse).expanduser().resolve()
    if os.environ.get(ENV_WAREHOUSE):
        return Path(os.environ[ENV_WAREHOUSE]).expanduser().resolve()
    return _settings(args).warehouse


def _require_warehouse(path: Path) -> Path:
    """A missing warehouse is a configuration error (exit 2): wrong path, or nothing published yet."""
    if not path.is_file():
        raise ConfigError(f"no published warehouse at {path}; run `cyberstats run` first, or point --warehouse "
                          f"(env {ENV_WAREHOUSE}) at a published .duckdb file")
    return path


def _published_warehouse(args: argparse.Namespace) -> Path:
    """The warehouse a read-only command reads: the published one, or with ``--as-of`` a past publication."""
    as_of = getattr(args, "as_of", None)
    if not as_of:
        return _require_warehouse(_warehouse_path(args))
    from pipelines import archive

    pub = archive.resolve(_warehouse_path(args), as_of)
    _print(f"(as of {as_of}: publication {pub.id} of {pub.published_at:%Y-%m-%d %H:%M} UTC, {pub.path})", err=True)
    if not pub.path.is_file():
        raise CyberstatsError(f"publication {pub.id} is listed but its file {pub.path} is gone")
    return pub.path


# --- publications ----------------------------------------------------------------------------------

def cmd_publications(args: argparse.Namespace) -> int:
    """The kept publications, newest first, with the current one marked."""
    from pipelines import archive
    from pipelines.settings import DEFAULT_KEPT

    warehouse = _warehouse_path(args)
    kept = archive.listing(warehouse)
    if not kept:
        raise ConfigError(f"no publications beside {warehouse}; run `cyberstats run` first, or point --warehouse "
                          f"(env {ENV_WAREHOUSE}) at a published .duckdb file")
    rows = [(p.id, p.published_at.strftime("%Y-%m-%d %H:%M:%S UTC"), "yes" if p.current else "",
             p.run_id, p.pipeline_version, str(p.path)) for p in kept]
    columns = ["id", "published_at", "current", "run_id", "pipeline_version", "file"]
    if args.format != "table":
        _emit(columns, rows, args.format)
        return EXIT_OK
    _print(f"{len(kept)} publication(s) kept in {archive.archive_dir(warehouse)}, newest first. A run keeps the "
           f"newest {DEFAULT_KEPT} unless told otherwise (`cyberstats run --keep-publications N`, env "
           "CYBERSTATS_PUBLICATIONS_KEPT); `--as-of ID|DATE` "
           "on query, tables, describe, shell, export and sources reads one of them.\n")
    _emit(columns[:5], [r[:5] for r in rows], "table")
    return EXIT_OK



def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cyberstats", description="Cybercrime statistics pipeline.")
    sub = parser.add_subparsers(dest="command", required=True)

    def paths(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", help=f"input data directory (env {ENV_DATA_DIR}; default: the checkout's data/; "
                                          "required when cyberstats is installed as a package)")
        p.add_argument("--warehouse", help=f"published DuckDB file (env {ENV_WAREHOUSE}; "
                                           "default: <data-dir>/warehouse/cyberstats.duckdb)")
        p.add_argument("--site-dir", help=f"published report site (env {ENV_SITE_DIR}; default: <data-dir>/reports)")

    def as_of(p: argparse.ArgumentParser) -> None:
        p.add_argument("--as-of", metavar="ID|DATE",
                       help="read a past publication instead of the current one: its id (`cyberstats publications`) "
                            "or a date/time (the publication current then, UTC)")

    run = sub.add_parser("run", help="run the whole pipeline in process and publish")
    paths(run)
    run.add_argument("--work-dir", help="private build area (env CYBERSTATS_WORK_DIR; default: <warehouse-dir>/.build)")
    run.add_argument("--base-year", type=int, help="price base year of constant-USD columns (default 2024)")
    run.add_argument("--min-coverage", type=float, help="population share a regional aggregate needs to be "
                                                        "publishable (default 0.5)")
    run.add_argument("--single-file", action="store_true",
                     help="also write the report as one self-contained HTML file (env CYBERSTATS_SINGLE_FILE)")
    run.add_argument("--allow-quarantine", action="store_true",
                     help="publish even if files were quarantined: they are left out, and the quality page says so")
    run.add_argument("--force", action="store_true", help="rebuild and republish even if nothing changed")
    run.add_argument("--keep-publications", type=int, metavar="N",
                     help="past publications kept beside the warehouse, the new one included (env "
                          "CYBERSTATS_PUBLICATIONS_KEPT; default 12); older ones are deleted")
    run.add_argument("--quiet", action="store_true", help="print failures and the summary only")
    run.set_defaults(func=cmd_run)

    query = sub.add_parser("query", help="run read-only SQL against the published warehouse (every statement's "
                                         "result is shown)")
    query.add_argument("sql", nargs="?", help="SQL statements; `-` reads them from standard input")
    query.add_argument("--file", help="read the SQL statements from this file")
    paths(query)
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    as_of(query)
    query.add_argument("--max-rows", type=int, default=0,
                       help="show the first N rows and say how many the query returned (default: all)")
    query.set_defaults(func=cmd_query)

    report = sub.add_parser("report", help="rebuild and republish the report site from the published warehouse")
    paths(report)
    report.add_argument("--work-dir", help="private build area (default: <warehouse-dir>/.build)")
    report.add_argument("--single-file", action="store_true",
                        help="also write the report as one self-contained HTML file")
    report.set_defaults(func=cmd_report)

    validate = sub.add_parser("validate", help="check one file against its source's reader and expectations "
                                               "(writes nothing)")
    validate.add_argument("file", help="the file to check")
    validate.add_argument("--source", required=True, help="registered source id (unodc_cts, fbi_ic3, ...)")
    validate.add_argument("--release", help="release (vintage) name (default: the file's folder name)")
    validate.add_argument("--data-dir", help=f"data directory whose reference/ tables codes are checked against "
                                             f"(env {ENV_DATA_DIR}; default: the checkout's data/; required "
                                             "when cyberstats is installed as a package)")
    validate.set_defaults(func=cmd_validate)

    quarantined = sub.add_parser("quarantine", help="list the files the latest run left out, with the reason "
                                                    "and the run id")
    paths(quarantined)
    quarantined.add_argument("--work-dir", help="private build area (default: <warehouse-dir>/.build)")
    quarantined.add_argument("--published", action="store_true",
                             help="list what the published warehouse was built without (default: the last run)")
    quarantined.add_argument("--format", choices=("table", "csv", "json"), default="table")
    quarantined.set_defaults(func=cmd_quarantine)

    take = sub.add_parser("ingest", help="take new files from <data-dir>/incoming/ into sources/<source>/<release>/ "
                                         "(identified, validated, never replacing anything), then run")
    take.add_argument("files", nargs="*", metavar="FILE",
                      help="files inside <data-dir>/incoming/ (default: every file waiting there)")
    paths(take)
    take.add_argument("--work-dir", help="private build area of the run that follows (default: <warehouse-dir>/.build)")
    take.add_argument("--source", help="the source the files belong to (default: recognised by their header)")
    take.add_argument("--release", help="release (vintage) folder name, for files whose sidecar names none")
    take.add_argument("--licence", help="licence, for files whose sidecar states none")
    take.add_argument("--retrieved", help="date the files were obtained (YYYY-MM-DD), for files whose sidecar has none")
    take.add_argument("--publisher", help="publisher, for files whose sidecar names none (default: the registry's)")
    take.add_argument("--url", help="where the files were obtained, for files whose sidecar has none")
    take.add_argument("--no-run", action="store_true", help="take the files in without running the pipeline")
    take.add_argument("--allow-quarantine", action="store_true", help="as for `run`")
    take.add_argument("--quiet", action="store_true", help="print only failures and the summary of the run")
    take.set_defaults(func=cmd_ingest, force=False)

    dev = sub.add_parser("dev", help="serve the Dagster UI on the instance `cyberstats run` records its runs in")
    paths(dev)
    dev.add_argument("--work-dir", help="private build area (default: <warehouse-dir>/.build)")
    dev.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    dev.add_argument("--port", type=int, default=3000, help="port (default 3000)")
    dev.set_defaults(func=cmd_dev)

    tables = sub.add_parser("tables", help="list every mart with its row count and grain")
    paths(tables)
    tables.add_argument("--all", action="store_true", help="also the quality, meta and build tables")
    tables.add_argument("--format", choices=("table", "csv", "json"), default="table")
    as_of(tables)
    tables.set_defaults(func=cmd_tables)

    describe = sub.add_parser("describe", help="a table's columns, types, units, descriptions and example rows")
    describe.add_argument("table", help="a mart (regional_losses) or schema.table (meta.publication)")
    paths(describe)
    describe.add_argument("--examples", type=int, default=3, help="example rows to show (default 3)")
    describe.add_argument("--format", choices=("table", "csv", "json"), default="table")
    as_of(describe)
    describe.set_defaults(func=cmd_describe)

    shell = sub.add_parser("shell", help="an interactive read-only DuckDB shell on the published warehouse")
    paths(shell)
    shell.add_argument("-c", "--command", help="run these statements and exit instead of reading them interactively")
    as_of(shell)
    shell.set_defaults(func=cmd_shell)

    export = sub.add_parser("export", help="write one table to CSV, Parquet or XLSX with its provenance")
    export.add_argument("table", help="a mart (regional_losses) or schema.table")
    paths(export)
    export.add_argument("--format", choices=("csv", "parquet", "xlsx"), required=True)
    export.add_argument("--output", "-o", required=True, help="the file to write (never replaced without --force)")
    export.add_argument("--where", help="SQL condition on the table's columns, e.g. \"year = 2024\"")
    export.add_argument("--force", action="store_true", help="replace the output file (and sidecar) if it exists")
    as_of(export)
    export.set_defaults(func=cmd_export)

    sources = sub.add_parser("sources", help="list the loaded input files with provenance")
    paths(sources)
    sources.add_argument("--format", choices=("table", "csv", "json"), default="table")
    as_of(sources)
    sources.set_defaults(func=cmd_sources)

    publications = sub.add_parser("publications", help="list the kept past publications (ids for --as-of)")
    paths(publications)
    publications.add_argument("--format", choices=("table", "csv", "json"), default="table")
    publications.set_defaults(func=cmd_publications)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.getLogger("dagster").setLevel(logging.WARNING)
    try:
        return args.func(args)
    except Locked as exc:
        _print(f"cyberstats: {exc}", err=True)
        return EXIT_LOCKED
    except ConfigError as exc:
        _print(f"cyberstats: {exc}", err=True)
        return EXIT_USAGE
    except CyberstatsError as exc:
        _print(f"cyberstats: {exc}", err=True)
        return EXIT_FAILED
    except KeyboardInterrupt:
        _print("cyberstats: interrupted.", err=True)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`cyberstats query ... | head`): not an error of ours.
        # Point stdout at /dev/null so that the interpreter's final flush does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
