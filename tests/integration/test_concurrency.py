"""Readers and interruptions: the published warehouse is never blocked, torn or half-replaced."""

import contextlib
import io
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ENV_INSTANCE, copy_published, persistent_instance
from tests.integration.helpers import run_cli, site, warehouse

READER = """
import duckdb, sys, time
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT fingerprint FROM meta.publication").fetchone()[0], flush=True)
sys.stdin.readline()          # hold the file open until told to go on
print(con.execute("SELECT fingerprint FROM meta.publication").fetchone()[0], flush=True)
print(con.execute("SELECT count(*) FROM marts.losses_by_country_year").fetchone()[0], flush=True)
"""


def _cli(data: Path, *extra: str) -> list[str]:
    out = data.parent
    return [sys.executable, "-m", "pipelines.cli", "run", "--data-dir", str(data), "--warehouse",
            str(out / "wh" / "cyberstats.duckdb"), "--site-dir", str(out / "site"), *extra]


def _change_input(data: Path) -> None:
    path = data / "sources" / "fbi_ic3" / "reports-2015-2025" / "ic3_crime_type_counts.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",Botnet,Botnet,complaints,587",
                                                            ",Botnet,Botnet,complaints,588"), encoding="utf-8")


@dataclass
class Scenario:
    before: tuple[bytes, bytes]  # the published warehouse and index page before anything happened
    killed: int  # the killed run's return code
    after_kill: tuple[bytes, bytes]
    leftovers: list[Path]  # temporary files the killed run left beside the warehouse
    code: int  # the next run's exit code, published while a reader held the old file
    reader_before: str  # the fingerprint the reader saw before the run
    reader_after: str  # ... and after it, still from its open connection
    reader_rows: int
    published_after: str  # the fingerprint of the new publication
    replaced: bool  # the published warehouse's bytes changed


@pytest.fixture(scope="module")
def scenario(golden, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """One story, two properties, one full pipeline run: a changed input; a run killed hard once staging
    is done (well before publication); then, while a reader holds the published file open, the next run,
    which publishes. Both runs record their history in the persistent Dagster instance (the killed run
    dies with its events half-written there, and the next run must still work on it)."""
    data = copy_published(golden, tmp_path_factory.mktemp("concurrency") / "copy").data
    wh, index = warehouse(data), site(data) / "index.html"
    before = (wh.read_bytes(), index.read_bytes())
    _change_input(data)
    env = {**{k: v for k, v in os.environ.items() if k != ENV_INSTANCE}, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(_cli(data), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    for line in proc.stdout:  # kill it hard once staging is done, well before publication
        if "staging/observations" in line:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    after_kill = (wh.read_bytes(), index.read_bytes())
    leftovers = list(wh.parent.glob(".*.tmp"))

    reader = subprocess.Popen([sys.executable, "-c", READER, str(wh)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    reader_before = reader.stdout.readline().strip()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            persistent_instance():
        code = run_cli(data)  # publishes while the reader holds the old file; the lock died with the killed run
    out, _ = reader.communicate("go\n", timeout=60)
    reader_after, rows = out.split()
    with duckdb.connect(str(wh), read_only=True) as con:
        published_after = con.execute("SELECT fingerprint FROM meta.publication").fetchone()[0]
    return Scenario(before, proc.returncode, after_kill, leftovers, code, reader_before, reader_after, int(rows),
                    published_after, wh.read_bytes() != before[0])


def test_a_reader_holding_the_warehouse_does_not_block_publication(scenario: Scenario) -> None:
    assert scenario.code == 0  # published while the reader held the old file
    # The open reader keeps a consistent old snapshot.
    assert scenario.reader_after == scenario.reader_before and scenario.reader_rows > 0
    assert scenario.published_after != scenario.reader_before


def test_an_interrupted_run_leaves_the_publication_untouched(scenario: Scenario) -> None:
    assert scenario.killed == -signal.SIGKILL
    assert scenario.after_kill == scenario.before
    assert scenario.leftovers == []
    assert scenario.code == 0 and scenario.replaced  # the lock died with the process; the next run completes
