"""Analysts' commands on a small hand-made warehouse (no pipeline run): statements, error hints, table
lookup, exports (formula neutralisation and provenance), the shell's command line, documented exceptions
and warning lines that name their rows."""

import json
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines.analyst import (
    READ_ONLY_HINT,
    QueryError,
    error_text,
    resolve_table,
    shell_command,
    statements,
)
from pipelines.cli import main
from pipelines.errors import ConfigError
from pipelines.exports import export_table, select_sql
from pipelines.warehouse import connect_readonly, mart_views

FORMULAS = ["=1+1", "+CMD|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "plain"]


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A published-looking warehouse: one mart with formula-like text, its view, source files, publication."""
    path = tmp_path / "wh" / "cyberstats.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts; CREATE SCHEMA meta")
        con.execute("CREATE TABLE marts.notes AS SELECT * FROM (VALUES (1, '=1+1', 2024), (2, '+CMD|'' /C calc''!A0', "
                    "2023), (3, '-2+3', 2024), (4, '@SUM(A1:A2)', 2022), (5, 'plain', 2024)) t(id, note, year)")
        con.execute("COMMENT ON TABLE marts.notes IS 'Notes for tests'")
        con.execute("COMMENT ON COLUMN marts.notes.note IS 'free text'")
        con.execute("CREATE TABLE marts.source_files (source_id VARCHAR, kind VARCHAR, release VARCHAR, "
                    "relpath VARCHAR, sha256 VARCHAR, publisher VARCHAR, title VARCHAR, url VARCHAR, "
                    "licence VARCHAR, retrieved VARCHAR)")
        con.execute("INSERT INTO marts.source_files VALUES ('fbi_ic3', 'sources', 'r1', 'sources/fbi_ic3/r1/t.csv', "
                    "'ab', 'FBI IC3', 'Internet Crime Report', 'https://www.ic3.gov/', 'US Government work', "
                    "'2026-01-01')")
        con.execute("CREATE TABLE meta.publication AS SELECT 'fp0123456789abcdef' AS fingerprint, "
                    "TIMESTAMPTZ '2026-01-02 03:04:05+00' AS published_at, 'run-42' AS run_id, "
                    "'0.1.0' AS pipeline_version, '1.5.6' AS duckdb_version, 'v1.0.0' AS storage_version")
        mart_views(con, "cyberstats")
    return path


def test_statements_are_split_by_duckdbs_parser(warehouse: Path) -> None:
    with connect_readonly(warehouse) as con:
        found = statements(con, "select ';' as a; -- a comment; with a semicolon\nselect 2")
        assert len(found) == 2
        with pytest.raises(ConfigError, match="expected a statement"):
            statements(con, "  \n")
        with pytest.raises(QueryError, match="syntax error"):
            statements(con, "selec 1")


def test_error_text_keeps_duckdbs_hints_and_says_what_a_read_only_session_expects(warehouse: Path) -> None:
    with connect_readonly(warehouse) as con:
        with pytest.raises(duckdb.Error) as missing:
            con.execute("select * from marts.note")
        assert 'Did you mean "notes"' in error_text(missing.value) and "LINE 1" in error_text(missing.value)
        with pytest.raises(duckdb.Error) as write:
            con.execute("create table marts.x (a int)")
        assert error_text(write.value).endswith(READ_ONLY_HINT) and "read-only" in error_text(write.value)


def test_marts_are_views_in_the_default_schema_with_their_comments(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:  # a plain client, no search path
        assert con.execute("select count(*) from notes").fetchone()[0] == 5
        assert ("notes",) in con.execute("show tables").fetchall()
        assert con.execute("select comment from duckdb_views() where view_name = 'notes'").fetchone()[0] == \
            "Notes for tests (view of marts.notes)"
        assert con.execute("select comment from duckdb_columns() where table_name = 'notes' and schema_name = 'main' "
                           "and column_name = 'note'").fetchone()[0] == "free text"
        # Views are not tables: the published tables stay exactly the built ones.
        assert con.execute("select count(*) from duckdb_tables() where schema_name = 'main'").fetchone()[0] == 0


def test_an_unknown_table_names_the_closest_and_how_to_list_them(warehouse: Path) -> None:
    with connect_readonly(warehouse) as con:
        assert resolve_table(con, "notes") == ("marts", "notes")
        assert resolve_table(con, "meta.publication") == ("meta", "publication")
        with pytest.raises(ConfigError, match=r"no table 'note'.*cyberstats tables --all.*Did you mean .*notes"):
            resolve_table(con, "note")


@pytest.mark.parametrize("where", ["1=1; drop table marts.notes", "1=1); select 1; select (1", "year = 2024 --",
                                   "year in (select year from marts.notes); attach 'x.db'"])
def test_where_must_be_one_condition_of_one_select(warehouse: Path, where: str) -> None:
    with connect_readonly(warehouse) as con:
        if where.endswith("--"):  # a trailing comment cannot swallow the closing parenthesis
            assert con.execute(select_sql(con, "marts", "notes", where)).fetchall()
            return
        with pytest.raises(ConfigError, match="expected one SQL condition"):
            select_sql(con, "marts", "notes", where)


def test_csv_export_neutralises_formulas_and_writes_its_provenance(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "notes.csv"
    done = export_table(warehouse, "notes", "csv", out, where="year >= 2023")
    assert done.rows == 4
    lines = out.read_text().splitlines()
    assert lines[0] == "id,note,year"
    assert lines[1] == "1,'=1+1,2024" and lines[3] == "3,'-2+3,2024"
    facts = json.loads(done.sidecar.read_text())
    assert done.sidecar == out.with_name("notes.csv.provenance.json")
    assert facts["table"] == "marts.notes" and facts["filter"] == "year >= 2023" and facts["rows"] == 4
    assert facts["publication"]["run_id"] == "run-42" and facts["publication"]["fingerprint"] == "fp0123456789abcdef"
    assert facts["licences"] == ["fbi_ic3: US Government work"]
    assert "run-42" in facts["how_to_cite"] and "cite the original publishers" in facts["how_to_cite"]
    assert [c["name"] for c in facts["columns"]] == ["id", "note", "year"]


def test_an_export_never_replaces_a_file_without_force_nor_the_warehouse(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "notes.parquet"
    out.write_text("mine")
    with pytest.raises(ConfigError, match="exists: expected a new file name, or --force"):
        export_table(warehouse, "notes", "parquet", out)
    assert out.read_text() == "mine"
    export_table(warehouse, "notes", "parquet", out, force=True)
    assert pl.read_parquet(out)["note"].to_list() == FORMULAS  # Parquet keeps values exactly
    with pytest.raises(ConfigError, match="is the published warehouse"):
        export_table(warehouse, "notes", "csv", warehouse, force=True)
    assert not list(tmp_path.glob(".*.tmp"))


def test_xlsx_export_writes_text_cells_with_quote_prefix_and_provenance_sheets(warehouse: Path, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "notes.xlsx"
    assert main(["export", "notes", "--format", "xlsx", "--output", str(out), "--warehouse", str(warehouse)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["notes", "columns", "provenance"]
    cells = [wb["notes"].cell(row=i, column=2) for i in range(2, 7)]
    assert [c.value for c in cells] == FORMULAS and all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells[:4]) and not cells[4].quotePrefix
    prov = {r[0]: r[1] for r in wb["provenance"].iter_rows(values_only=True) if r[0]}
    assert prov["publication (run id)"] == "run-42" and prov["table"] == "marts.notes"
    assert "US Government work" in prov["licences"] and "run-42" in prov["how to cite"]


def test_shell_is_read_only_safe_mode_with_marts_current(tmp_path: Path) -> None:
    cmd = shell_command(tmp_path / "w.duckdb", "select 1", binary=Path("/x/duckdb"))
    assert cmd[:4] == ["/x/duckdb", "-readonly", "-safe", "-no-init"]
    assert cmd[4:6] == ["-cmd", "USE marts"] and cmd[-3:] == ["-c", "select 1", str(tmp_path / "w.duckdb")]


def test_query_reads_a_file_and_shows_every_statement(warehouse: Path, tmp_path: Path, capsys) -> None:
    sql = tmp_path / "q.sql"
    sql.write_text("select count(*) as n from notes;\nselect max(year) as latest from notes;\n")
    assert main(["query", "--file", str(sql), "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "-- [1/2] select count(*) as n from notes" in out and "-- [2/2]" in out and "2024" in out
    assert main(["query", "select 1", "--file", str(sql), "--warehouse", str(warehouse)]) == 2
    assert "exactly one of them" in capsys.readouterr().err


def test_documented_exceptions_leave_named_rows_out_and_say_so() -> None:
    from pipelines.contracts import ContractError, load
    from pipelines.quality.compile import compile_expectation, excepting
    from pipelines.quality.suites import Context, flag

    frame = pl.DataFrame({"area_code": ["ATA", "FRA", None], "region_code": [None, "150", None]})
    ctx = Context(frame, {}, lambda columns: pl.Series([0] * frame.height))
    derive = excepting(flag(pl.col("region_code").is_not_null()), pl.sql_expr("area_code = 'ATA'"), "Antarctica")
    kept, note = derive(ctx)
    assert kept["__pos"].to_list() == [1, 2] and kept["__value"].to_list() == [True, False]
    assert note == "1 row left out (documented exception): Antarctica"
    contract = load("intermediate", "int_areas_with_regions")
    with pytest.raises(ContractError, match="except applies to rule and derived"):
        compile_expectation(contract, {"name": "x", "description": "y", "columns": ["region_code"], "not_null": True,
                                       "except": {"where": "area_code = 'ATA'", "reason": "Antarctica"}})
    with pytest.raises(ContractError, match="a reason naming them"):
        compile_expectation(contract, {"name": "x", "description": "y", "rule": "region_code IS NOT NULL",
                                       "except": {"where": "area_code = 'ATA'"}})


def test_a_warning_line_names_its_rows() -> None:
    from pipelines.run import Progress

    said: list[str] = []
    progress = Progress(False, lambda msg, err=False: said.append(msg))
    failures = "\n".join(f"- marts.t, table row {i}, column 'region_code': expected a value, found (empty)"
                         for i in range(1, 6))
    progress._check(SimpleNamespace(passed=False, asset_key=dg.AssetKey(["marts", "t"]), check_name="regions_assigned",
                                    severity=dg.AssetCheckSeverity.WARN,
                                    metadata={"unexpected_rows": dg.MetadataValue.int(1),
                                              "failures": dg.MetadataValue.md(failures)}))
    warning = progress.warnings[0]
    assert warning.startswith("marts/t:regions_assigned (1 row)\n")
    assert "table row 1, column 'region_code'" in warning and "... and 2 more" in warning
    assert said[0] == "  warn  marts/t:regions_assigned (1 row)" and "table row 1" in said[1]
