"""What the corpus tests share: a private clone of a publication, dropping a case's file into it, running
the whole command and reading what it said, quarantined and left published."""

import hashlib
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
    published_before: tuple[bytes, dict[str, str]]


def run_with(published: Path, target: Path, cases: list[Case], capsys: pytest.CaptureFixture) -> Outcome:
    data = clone(published, target)
    before = (warehouse(data).read_bytes(), digest(site(data)))
    contents = {case.target: drop(data, case)[1] for case in cases}
    capsys.readouterr()
    code = run_cli(data)
    err = capsys.readouterr().err
    assert main(["quarantine", "--data-dir", str(data), "--warehouse", str(warehouse(data)), "--format",
                 "json"]) == 0
    listed: dict[str, set[str]] = {}
    for r in json.loads(capsys.readouterr().out):
        listed.setdefault(r["relpath"], set()).add(r["expectation"])
    return Outcome(data, code, err, contents, listed, before)


def assert_case(outcome: Outcome, case: Case) -> None:
    assert outcome.exit_code == case.exit_code == 1
    for fragment in case.fragments:
        assert fragment in outcome.err, f"{case.id}: {fragment!r} not in\n{outcome.err}"
    assert NOT_CHANGED in outcome.err and ":files_not_quarantined" in outcome.err
    assert (warehouse(outcome.data).read_bytes(), digest(site(outcome.data))) == outcome.published_before
    target = outcome.data / case.target
    assert target.read_bytes() == outcome.contents[case.target]  # never modified or moved
    assert expectation_of(case) in outcome.quarantined[case.target]
