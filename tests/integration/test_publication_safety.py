"""Only a fully checked build is published, whichever way publication is started (issue 8, F2 and F3)."""

import csv
from pathlib import Path

import dagster as dg
import pytest

from pipelines.assets.reports import PUBLISH_KEY
from pipelines.assets.resources import CyberstatsResource
from pipelines.definitions import build_definitions
from pipelines.errors import PublicationError
from pipelines.publication import state
from tests.conftest import copy_published
from tests.integration.helpers import run_cli, site, warehouse


@pytest.fixture(scope="module")
def published(golden, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the session's golden publication (these tests change inputs and outputs)."""
    return copy_published(golden, tmp_path_factory.mktemp("safety") / "copy").data


def _set_usa_loss(data: Path, value: str) -> None:
    path = data / "sources" / "national_figures" / "2026-11-22" / "national_headline_figures.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    head = rows[0]
    for row in rows[1:]:
        if row[head.index("country_iso3")] == "AUS" and row[head.index("metric")] == "loss" \
                and row[head.index("year")] == "2019":
            row[head.index("value")] = value
            break
    else:
        raise AssertionError("no AUS 2019 loss row")
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def test_a_site_that_cannot_be_published_leaves_both_as_they_were_and_says_so(
        published: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    before = (warehouse(published).read_bytes(), (site(published) / "index.html").read_bytes())
    fingerprints = state(warehouse(published), site(published))
    _set_usa_loss(published, "600000000")  # a changed input: a new publication is due

    def disk_full(*_args, **_kwargs):
        raise PublicationError("could not stage the site: [Errno 28] No space left on device")

    monkeypatch.setattr("pipelines.publication.stage_site", disk_full)
    capsys.readouterr()
    assert run_cli(published) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err
    assert "The published warehouse and site were not changed." in err
    assert (warehouse(published).read_bytes(), (site(published) / "index.html").read_bytes()) == before
    assert state(warehouse(published), site(published)) == fingerprints
    assert sorted(p.name for p in warehouse(published).parent.iterdir() if not p.name.endswith(".lock")) == \
        [".build", "cyberstats.duckdb", "cyberstats.publications"]
    assert len(list((warehouse(published).parent / "cyberstats.publications").iterdir())) == 1  # the first only


def test_publishing_alone_after_a_failed_run_is_refused(published: Path, capsys: pytest.CaptureFixture) -> None:
    wh = warehouse(published)
    before = wh.read_bytes()
    _set_usa_loss(published, "1e15")  # fails the blocking losses_plausible check of the loss mart
    assert run_cli(published) == 1
    assert "losses_plausible" in capsys.readouterr().err
    assert wh.read_bytes() == before

    # `dagster asset materialize --select publish/warehouse_and_site` on the failed build
    resource = CyberstatsResource(data_dir=str(published), warehouse=str(wh), site_dir=str(site(published)))
    defs = build_definitions(resource)
    job = defs.resolve_implicit_global_asset_job_def()
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, asset_selection=[PUBLISH_KEY], raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    message = str(failure.event_specific_data.error.message)
    assert "nothing was published" in message and "were not materialised in this run" in message
    assert wh.read_bytes() == before


def test_a_dagster_run_takes_the_lock_of_its_publication_target(published: Path) -> None:
    import subprocess
    import sys

    from tests.unit.test_publication import HOLD

    _set_usa_loss(published, "700000000")
    wh, before = warehouse(published), warehouse(published).read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(wh), str(site(published))], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        resource = CyberstatsResource(data_dir=str(published), warehouse=str(wh), site_dir=str(site(published)))
        job = build_definitions(resource).resolve_job_def("publish_all")
        with dg.DagsterInstance.ephemeral() as instance:
            result = job.execute_in_process(instance=instance, raise_on_error=False)
    finally:
        holder.communicate("go\n")
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert failure.step_key == "publish__warehouse_and_site"
    assert "another cyberstats run is publishing" in str(failure.event_specific_data.error.message) or \
        "another cyberstats run is publishing" in str(failure.event_specific_data.error.cause)
    assert wh.read_bytes() == before
