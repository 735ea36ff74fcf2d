"""Readers and interruptions: the published warehouse is never blocked, torn or half-replaced."""

import os
import signal
import subprocess
import sys
from pathlib import Path

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


def test_a_reader_holding_the_warehouse_does_not_block_publication(published_copy) -> None:
    data = published_copy.data
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse(data))], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    before = reader.stdout.readline().strip()
    _change_input(data)
    assert run_cli(data) == 0  # publishes while the reader holds the old file
    out, _ = reader.communicate("go\n", timeout=60)
    still, rows = out.split()
    assert still == before and int(rows) > 0  # the open reader keeps a consistent old snapshot
    import duckdb

    with duckdb.connect(str(warehouse(data)), read_only=True) as con:
        assert con.execute("SELECT fingerprint FROM meta.publication").fetchone()[0] != before


def test_an_interrupted_run_leaves_the_publication_untouched(published_copy) -> None:
    data = published_copy.data
    wh, index = warehouse(data), site(data) / "index.html"
    before = (wh.read_bytes(), index.read_bytes())
    _change_input(data)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(_cli(data), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    for line in proc.stdout:  # kill it hard once staging is done, well before publication
        if "staging/observations" in line:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert (wh.read_bytes(), index.read_bytes()) == before
    assert not list(wh.parent.glob(".*.tmp"))
    assert run_cli(data) == 0  # the lock died with the process; the next run completes
    assert wh.read_bytes() != before[0]
