"""The published warehouse (STORAGE_VERSION v1.0.0) opens in DuckDB 1.x and 2.x clients."""

import os
import subprocess
from pathlib import Path

import pytest

from tests.integration.helpers import warehouse


@pytest.fixture(scope="module")
def published(golden) -> Path:
    data = golden.data
    return warehouse(data)


@pytest.mark.parametrize("env,major", [("CYBERSTATS_DUCKDB1_PYTHON", "1."), ("CYBERSTATS_DUCKDB2_PYTHON", "2.")])
def test_published_warehouse_opens_in_other_duckdb_clients(published: Path, env: str, major: str) -> None:
    client = os.environ.get(env)
    if not client:
        pytest.fail(f"{env} is not set; `make test` installs the DuckDB client venvs")
    code = ("import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); print(duckdb.__version__); "
            "print(con.execute('SELECT count(*) FROM marts.regional_losses').fetchone()[0]); "
            "print(con.execute(\"SELECT comment FROM duckdb_tables() WHERE table_name = 'regional_losses'\")"
            ".fetchone()[0][:40])")
    out = subprocess.run([client, "-c", code, str(published)], capture_output=True, text=True, check=True)
    version, rows, comment = out.stdout.splitlines()
    assert version.startswith(major) and int(rows) > 0 and comment.startswith("Reported losses")
