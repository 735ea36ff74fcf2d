"""What changed since the previous publication: computed at publication, read back when re-rendering."""

from datetime import UTC, datetime

import duckdb
import pytest

from pipelines import contracts
from pipelines.reports import changes


def _warehouse(files: dict[str, str], world: tuple | None, extra_rows: int = 0) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.source_files (relpath VARCHAR, sha256 VARCHAR)")
    con.executemany("INSERT INTO marts.source_files VALUES (?, ?)", list(files.items()))
    con.execute("CREATE TABLE marts.regional_losses (region_code VARCHAR, year INTEGER, loss_usd_nominal DOUBLE, "
                "countries_reporting INTEGER, population_coverage_share DOUBLE)")
    if world:
        con.execute("INSERT INTO marts.regional_losses VALUES ('001', ?, ?, ?, 0.3)", list(world))
    con.execute("CREATE TABLE marts.trends AS SELECT range AS i FROM range(?)", [3 + extra_rows])
    return con


@pytest.fixture
def previous() -> duckdb.DuckDBPyConnection:
    con = _warehouse({"a.csv": "1" * 64, "b.csv": "2" * 64, "gone.csv": "3" * 64}, (2023, 1e9, 5))
    con.execute("CREATE SCHEMA meta")
    con.execute("CREATE TABLE meta.publication AS SELECT 'prevfingerprint' AS fingerprint, ?::TIMESTAMPTZ AS "
                "published_at, 'run-1' AS run_id", [datetime(2026, 11, 1, 6, 0, tzinfo=UTC)])
    return con


def test_comparison_survives_the_round_trip_through_the_published_warehouse(previous) -> None:
    new = _warehouse({"a.csv": "1" * 64, "b.csv": "9" * 64, "new.csv": "4" * 64}, (2024, 2e9, 7), extra_rows=2)
    live = changes.compare(new, previous)
    assert live["previous"]["fingerprint"] == "prevfingerprint"
    assert (live["added"], live["removed"], live["changed"]) == (["new.csv"], ["gone.csv"], ["b.csv"])
    assert {"mart": "trends", "before": 3, "after": 5} in live["rows"]
    frame = changes.to_frame(live, new, previous)
    assert frame.filter(frame["change"] == "input_changed").row(0) == ("input_changed", "b.csv", "2" * 64, "9" * 64)
    # Recorded in the build (which the publication copies), then read back by a renderer that has
    # only that database, with the table described like every other.
    assert changes.record(new, previous) == live
    assert changes.stored(new) == live
    declared = contracts.load("meta", "publication_changes").description
    assert new.execute("SELECT comment FROM duckdb_tables() WHERE schema_name = 'meta' "
                       "AND table_name = 'publication_changes'").fetchone()[0] == declared


def test_first_publication_and_older_warehouses(previous) -> None:
    new = _warehouse({"a.csv": "1" * 64}, None)
    first = changes.compare(new, None)
    assert first == {"previous": None}
    assert changes.to_frame(first)["change"].to_list() == ["first_publication"]
    assert changes.stored(new) is None  # a build database: nothing published from it yet
    assert changes.stored(previous) == {"previous": None, "unrecorded": True}  # published before the table existed
