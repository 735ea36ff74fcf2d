"""What the corpus tests share: a private clone of a publication, dropping a case's file into it, running
the whole command and reading what it said, quarantined and left published."""

import contextlib
import hashlib
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.cli import main
from tests.bad_inputs.corpus import Case, expectation_of
from tests.integration.helpers import run_cli, site, warehouse

NOT_CHANGED = "The published warehouse and site were not changed."
#: Where tests/conftest.py's negative_value_allowed drops its broken UNODC file.
RESUBMITTED = "sources/unodc_cts/2024-05-16/data_cts_resubmitted.csv"


def clone(published: Path, target: Path) -> Path:
    """A private copy of the data directory and of the publication (not of the private build area)."""
    shutil.copytree(published / "data", target / "data")
    (target / "wh").mkdir(parents=True)
    shutil.copyfile(published / "wh" / "cyberstats.duckdb", target / "wh" / "cyberstats.duckdb")
    shutil.copytree(published / "site", target / "site")
    return target / "data"


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def publication(data: Path) -> tuple[str, dict[str, str]]:
    """What is published beside ``data``: the warehouse's SHA-256 and the site's files' SHA-256."""
    return hashlib.sha256(warehouse(data).read_bytes()).hexdigest(), digest(site(data))


def staged(data: Path, source_file: str) -> pl.DataFrame:
    with duckdb.connect(str(warehouse(data)), read_only=True) as con:
        return con.execute("SELECT * EXCLUDE (source_sha256) FROM staging.observations WHERE source_file = ? "
                           "ORDER BY source_row, measure, unit", [source_file]).pl()


def drop(data: Path, case: Case) -> tuple[Path, bytes]:
    target = data / case.target
    target.parent.mkdir(parents=True, exist_ok=True)
    content = case.make()
    target.write_bytes(content)
    return target, content


@dataclass
class Outcome:
    data: Path
    exit_code: int
    err: str
    contents: dict[str, bytes]  # what each case's file held when it was dropped
    quarantined: dict[str, set[str]]  # relpath -> expectations named in the quarantine listing
    published_before: tuple[str, dict[str, str]]  # publication(data) before the run


def run_with(published: Path, target: Path, cases: list[Case], capsys: pytest.CaptureFixture) -> Outcome:
    data = clone(published, target)
    before = publication(data)
    contents = {case.target: drop(data, case)[1] for case in cases}
    capsys.readouterr()
    code = run_cli(data)
    err = capsys.readouterr().err
    return Outcome(data, code, err, contents, quarantine_listing(data), before)


def quarantine_listing(data: Path) -> dict[str, set[str]]:
    """``cyberstats quarantine --format json`` on the latest build beside ``data``: relpath -> expectations."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["quarantine", "--data-dir", str(data), "--warehouse", str(warehouse(data)), "--format",
                     "json"]) == 0
    listed: dict[str, set[str]] = {}
    for r in json.loads(out.getvalue()):
        listed.setdefault(r["relpath"], set()).add(r["expectation"])
    return listed


@dataclass(frozen=True)
class Recorded:
    """A run as Dagster recorded it in the work folder's persistent instance: its status, the assets it
    materialised and every check evaluation ((asset, check) -> (passed, severity name))."""

    run_id: str
    success: bool
    materialized: frozenset[str]
    checks: dict[tuple[str, str], tuple[bool, str]]


def recorded(data: Path, run_id: str) -> Recorded:
    import dagster as dg

    with dg.DagsterInstance.from_config(str(warehouse(data).parent / ".build" / "dagster")) as instance:
        run = instance.get_run_by_id(run_id)
        assert run is not None, f"run {run_id} is not in the work folder's Dagster instance"
        materialized = frozenset("/".join(e.asset_materialization.asset_key.path) for e in instance.all_logs(
            run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION))
        checks = {("/".join(c.asset_key.path), c.check_name): (c.passed, c.severity.value) for c in (
            e.dagster_event.event_specific_data for e in instance.all_logs(
                run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION))}
    return Recorded(run_id, run.is_success, materialized, checks)


def shared_run(tmp_path_factory: pytest.TempPathFactory, name: str, published: Path, files: dict[str, bytes],
               *flags: str) -> tuple[Outcome, Recorded]:
    """One run shared by every test (and xdist worker) that asserts on it, made once per session (see
    tests/conftest.py build_once) and then only read: a clone of ``published`` with ``files`` (relpath ->
    content) dropped into its data directory, run by the whole command with ``flags``, recorded in the
    work folder's persistent Dagster instance; what the command said and what Dagster recorded are kept
    beside it. A test that changes anything afterwards works on a copy of ``outcome.data.parent``."""
    from tests.conftest import build_once, persistent_instance

    def build(root: Path) -> None:
        data = clone(published, root)
        before = publication(data)
        for relpath, content in files.items():
            (data / relpath).parent.mkdir(parents=True, exist_ok=True)
            (data / relpath).write_bytes(content)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), persistent_instance():
            code = run_cli(data, *flags)
        run = recorded(data, latest_build(data).parent.name)  # a run builds in builds/<run id>/
        (root / "outcome.json").write_text(json.dumps({
            "exit_code": code, "err": err.getvalue(), "before": before,
            "quarantined": {k: sorted(v) for k, v in quarantine_listing(data).items()},
            "run": {"run_id": run.run_id, "success": run.success, "materialized": sorted(run.materialized),
                    "checks": [[a, c, p, sev] for (a, c), (p, sev) in run.checks.items()]}}), encoding="utf-8")

    root = build_once(tmp_path_factory, name, build)
    saved = json.loads((root / "outcome.json").read_text(encoding="utf-8"))
    r = saved["run"]
    run = Recorded(r["run_id"], r["success"], frozenset(r["materialized"]),
                   {(a, c): (p, sev) for a, c, p, sev in r["checks"]})
    before = (saved["before"][0], saved["before"][1])
    return Outcome(root / "data", saved["exit_code"], saved["err"], dict(files),
                   {k: set(v) for k, v in saved["quarantined"].items()}, before), run


def latest_build(data: Path) -> Path:
    from pipelines.build import latest_build_db

    db = latest_build_db(warehouse(data).parent / ".build")
    assert db is not None
    return db


def assert_case(outcome: Outcome, case: Case) -> None:
    assert outcome.exit_code == case.exit_code == 1
    for fragment in case.fragments:
        assert fragment in outcome.err, f"{case.id}: {fragment!r} not in\n{outcome.err}"
    assert NOT_CHANGED in outcome.err and ":files_not_quarantined" in outcome.err
    assert publication(outcome.data) == outcome.published_before
    target = outcome.data / case.target
    assert target.read_bytes() == outcome.contents[case.target]  # never modified or moved
    assert expectation_of(case) in outcome.quarantined[case.target]
