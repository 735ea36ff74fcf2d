"""Analysts' commands against the golden build (no pipeline run of their own): tables, describe, query from a
file and stdin with several statements and DuckDB's whole hints, read-only refusals, the DuckDB shell,
exports, the marts in a plain DuckDB client, quiet runs, and the Dagster instance's telemetry."""

import io
import json
import subprocess
import sys

import duckdb
import pytest

from pipelines.cli import main
from tests.conftest import Published


def _wh(golden: Published) -> list[str]:
    return ["--warehouse", str(golden.warehouse)]


def test_tables_lists_every_mart_with_rows_and_grain(golden: Published, capsys) -> None:
    assert main(["tables", *_wh(golden)]) == 0
    out = capsys.readouterr().out
    with duckdb.connect(str(golden.warehouse), read_only=True) as con:
        marts = [r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'")
                 .fetchall()]
        losses = con.execute("select count(*) from marts.regional_losses").fetchone()[0]
    assert all(f"marts.{t} " in out for t in marts)
    line = next(x for x in out.splitlines() if x.startswith("marts.regional_losses "))
    assert f"| {losses:,} " in line and "one row per level and region" in line
    assert main(["tables", "--all", "--format", "json", *_wh(golden)]) == 0
    listed = {t["table"] for t in json.loads(capsys.readouterr().out)}
    assert {"marts.trends", "meta.publication", "quality.validation_results", "staging.observations"} <= listed


def test_describe_shows_types_units_descriptions_and_examples(golden: Published, capsys) -> None:
    assert main(["describe", "regional_losses", "--examples", "2", *_wh(golden)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("marts.regional_losses  (")
    assert "grain: one row per level and region" in out and "key: region_code, year" in out
    assert "loss_usd_nominal" in out and "DOUBLE  [US dollars, nominal]" in out
    assert "population_coverage_share" in out and "First 2 rows, one per column:" in out
    assert main(["describe", "regional_losses", "--format", "json", *_wh(golden)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert {"name": "population_coverage_share", "type": "DOUBLE", "unit": "share 0-1",
            "description": "population_reporting / population_region (0-1)"} in d["columns"]
    assert len(d["examples"]) == 3
    assert main(["describe", "regional_loses", *_wh(golden)]) == 2
    assert "Did you mean" in capsys.readouterr().err


def test_query_shows_every_statement_from_stdin(golden: Published, capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("select 1 as one;\nselect count(*) as n from regional_losses;"))
    assert main(["query", "-", *_wh(golden), "--format", "json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert [r["statement"] for r in results] == ["select 1 as one", "select count(*) as n from regional_losses"]
    assert results[0]["rows"] == [{"one": 1}] and results[1]["rows"][0]["n"] > 0


def test_query_keeps_duckdbs_whole_hint(golden: Published, capsys) -> None:
    assert main(["query", "select country_iso from regional_losses", *_wh(golden)]) == 1
    err = capsys.readouterr().err
    assert "Candidate bindings:" in err and "LINE 1:" in err
    assert main(["query", "select 1; select * from regional_losse", *_wh(golden)]) == 1
    captured = capsys.readouterr()
    assert "-- [1/2] select 1" in captured.out  # the statement before the failure was shown
    assert "statement [2/2]" in captured.err and 'Did you mean "regional_losses"' in captured.err


@pytest.mark.parametrize("sql", ["create table marts.x as select 1", "copy (select 1) to '/tmp/cyberstats-x.csv'",
                                 "attach '/tmp/cyberstats-x.duckdb'", "select * from read_csv('/etc/passwd')",
                                 "install httpfs", "set enable_external_access = true"])
def test_query_refuses_to_leave_the_read_only_session(golden: Published, sql: str, capsys) -> None:
    assert main(["query", sql, *_wh(golden)]) == 1
    err = capsys.readouterr().err
    assert "query failed" in err and "expected statements that read it" in err


def test_the_shell_is_the_pinned_duckdb_cli_read_only(golden: Published) -> None:
    import duckdb_cli  # noqa: F401  (the pinned package is installed with cyberstats)

    def shell(sql: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pipelines.cli", "shell", *_wh(golden), "-c", sql],
                              capture_output=True, text=True, timeout=60)

    ok = shell("select count(*) as n from regional_losses; select current_schema() as s, version() as v")
    assert ok.returncode == 0 and "marts" in ok.stdout and duckdb.__version__ in ok.stdout
    for sql in ("create table t (a int)", "copy (select 1) to '/tmp/cyberstats-shell.csv'", ".shell echo hi"):
        refused = shell(sql)
        assert refused.returncode != 0 or "cannot be used in -safe mode" in refused.stderr, sql
        assert "hi\n" not in refused.stdout


def test_export_with_where_provenance_and_refusals(golden: Published, tmp_path, capsys) -> None:
    out = tmp_path / "regional.csv"
    where = "region_level = 'region' and year = 2024"
    assert main(["export", "regional_losses", "--format", "csv", "--where", where, "--output", str(out),
                 *_wh(golden)]) == 0
    rows = out.read_text().splitlines()
    assert rows[0].startswith("region_level,region_code,") and all(r.startswith("region,") for r in rows[1:])
    facts = json.loads((tmp_path / "regional.csv.provenance.json").read_text())
    with duckdb.connect(str(golden.warehouse), read_only=True) as con:
        run_id = con.execute("select run_id from meta.publication").fetchone()[0]
    assert facts["publication"]["run_id"] == run_id and facts["filter"] == where and facts["rows"] == len(rows) - 1
    assert {s["source_id"] for s in facts["sources"]} >= {"unodc_cts", "fbi_ic3"} and facts["licences"]
    capsys.readouterr()
    assert main(["export", "regional_losses", "--format", "csv", "--output", str(out), *_wh(golden)]) == 2
    assert "exists: expected a new file name, or --force" in capsys.readouterr().err
    assert main(["export", "regional_losses", "--format", "csv", "--where", "1=1; drop table marts.trends",
                 "--output", str(tmp_path / "x.csv"), *_wh(golden)]) == 2
    assert "expected one SQL condition" in capsys.readouterr().err and not (tmp_path / "x.csv").exists()


def test_the_published_warehouse_shows_its_marts_to_any_client(golden: Published) -> None:
    with duckdb.connect(str(golden.warehouse), read_only=True) as con:
        shown = {r[0] for r in con.execute("show tables").fetchall()}
        marts = {r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'")
                 .fetchall()}
        assert shown == marts
        assert con.execute("select count(*) from regional_losses").fetchone() == \
            con.execute("select count(*) from marts.regional_losses").fetchone()
    with duckdb.connect() as con:  # attached under another name, the views still resolve inside the file
        con.execute(f"attach '{golden.warehouse}' as cs (read_only)")
        assert con.execute("select count(*) from cs.trends").fetchone()[0] > 0


def test_the_bundled_run_has_no_drift_warnings_and_names_its_exceptions(golden: Published) -> None:
    with duckdb.connect(str(golden.warehouse), read_only=True) as con:
        failing = con.execute("select table_name, expectation from quality.validation_results where not success "
                              "and run_id = (select run_id from meta.publication)").fetchall()
        notes = dict(con.execute("select expectation, note from quality.validation_results where note like "
                                 "'%documented exception%' and run_id = (select run_id from meta.publication)")
                     .fetchall())
    assert failing == []
    assert "Antarctica (ATA)" in notes["regions_assigned"]
    assert "1 row left out" in notes["conversions_complete"] and "Viet Nam (VND) 2025" in notes[
        "conversions_complete"]
    assert "Moldova (MDA) and Serbia (SRB)" in notes["rates_match_published"]


def test_cli_runs_are_recorded_with_telemetry_off_and_column_schemas(golden: Published,
                                                                      published_copy: Published) -> None:
    config = golden.warehouse.parent / ".build" / "dagster" / "dagster.yaml"
    assert "telemetry:\n  enabled: false" in config.read_text()
    import dagster as dg

    # The golden build's CLI run is in the work folder's persistent instance (what `cyberstats dev` shows),
    # with its materialisations and check evaluations (read from a copy: opening an instance may write).
    with duckdb.connect(str(published_copy.warehouse), read_only=True) as con:
        (run_id,) = con.execute("select run_id from meta.publication").fetchone()
    home = published_copy.warehouse.parent / ".build" / "dagster"
    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = instance.get_run_by_id(run_id)
        assert run is not None and run.is_success
        materialized = {"/".join(e.asset_materialization.asset_key.path) for e in instance.all_logs(
            run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)}
        checks = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    assert {"marts/regional_losses", "publish/warehouse_and_site"} <= materialized
    assert len(checks) > 100

    from pipelines.definitions import defs

    node = defs.resolve_asset_graph().get(dg.AssetKey(["marts", "regional_losses"]))
    schema = node.metadata["dagster/column_schema"]
    columns = {c.name: c for c in schema.columns}
    assert "US dollars, nominal" in columns["loss_usd_nominal"].description
