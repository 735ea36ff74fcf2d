"""The drop folder (pipelines.ingest, `cyberstats ingest --no-run`): identification, provenance, validation,
placement rules and the safety refusals, on copies of real bundled files (no pipeline run)."""

import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from pipelines.cli import main
from pipelines.ingest import (
    ACCEPTED,
    PRESENT,
    QUARANTINED,
    REFUSED,
    Bad,
    Flags,
    identify,
    ingest,
)
from pipelines.locks import Locked, file_lock
from tests.conftest import BUNDLED, FIXTURES

NATIONAL = BUNDLED / "sources" / "national_figures" / "2026-11-22" / "national_headline_figures.csv"
UNODC = BUNDLED / "sources" / "unodc_cts" / "2024-05-16" / "data_cts_corruption_and_economic_crime_cyber.csv"
FLAGS = Flags(release="2026-12-01", licence="Facts compiled from public pages", retrieved="2026-12-01")
NOW = datetime(2026, 12, 8, 9, 30, tzinfo=UTC)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data directory with the bundled reference tables, the bundled national figures and an empty incoming/."""
    root = tmp_path / "data"
    shutil.copytree(BUNDLED / "reference", root / "reference")
    shutil.copytree(BUNDLED / "sources" / "national_figures", root / "sources" / "national_figures")
    (root / "incoming").mkdir()
    return root


def drop(data: Path, source: Path, name: str | None = None, text: str | None = None) -> Path:
    target = data / "incoming" / (name or source.name)
    if text is None:
        shutil.copyfile(source, target)
    else:
        target.write_text(text, encoding="utf-8")
    return target


def national_text(change: tuple[str, str] | None = None) -> str:
    text = NATIONAL.read_text(encoding="utf-8")
    if change is not None:
        assert text.count(change[0]) == 1
        text = text.replace(*change)
    return text


#: NZL 2023 loss as published by CERT NZ; the tests restate it.
NZL_2023 = (",calendar_year,loss,18300000,", ",calendar_year,loss,18400000,")


# --- identification ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted(p for p in (BUNDLED / "sources").rglob("*.csv")), ids=lambda p: p.name)
def test_every_bundled_source_file_is_recognised_by_its_header(path: Path) -> None:
    spec, _ = identify(path, path.name)
    assert spec.source_id == path.relative_to(BUNDLED / "sources").parts[0]


def test_an_xlsx_export_is_recognised_by_its_first_sheet_with_its_title_rows() -> None:
    spec, titles = identify(FIXTURES / "unodc_2024_excerpt.xlsx", "unodc_2024_excerpt.xlsx")
    assert spec.source_id == "unodc_cts" and titles == [["UNODC"], ["16/05/2024"]]


def test_an_unknown_header_names_what_each_source_expects(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(Bad) as err:
        identify(path, "incoming/x.csv")
    assert "the first row reads 'a, b'" in err.value.reason and "--source" in err.value.reason
    assert "national_figures: year, period_label, metric, value, publisher, source_url" in err.value.lines[0]


def test_a_header_of_two_sources_is_ambiguous_and_lists_them(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("year,period_label,metric,value,publisher,source_url,State/UT\n", encoding="utf-8")
    with pytest.raises(Bad, match=r"matches several sources: national_figures \(row 1\), ncrb \(row 1\); name one "
                                  r"with --source"):
        identify(path, "x.csv")
    spec, _ = identify(path, "x.csv", source="ncrb")
    assert spec.source_id == "ncrb"


# --- accepted, with its provenance ------------------------------------------------------------------

def test_a_file_with_flags_is_validated_and_placed_with_a_sidecar_written(data: Path) -> None:
    dropped = drop(data, NATIONAL, "restated.csv", national_text(NZL_2023))
    expected = dropped.read_bytes()
    report = ingest(data, flags=FLAGS, now=NOW)
    [outcome] = report.outcomes
    assert outcome.status == ACCEPTED and report.ok
    dest = data / "sources" / "national_figures" / "2026-12-01" / "restated.csv"
    assert outcome.destination == "sources/national_figures/2026-12-01/restated.csv"
    assert outcome.line() == ("accepted         incoming/restated.csv -> sources/national_figures/2026-12-01/"
                              "restated.csv (national_figures, release 2026-12-01)")
    assert dest.read_bytes() == expected
    side = yaml.safe_load(dest.with_name("restated.csv.source.yml").read_text(encoding="utf-8"))
    assert side["release"] == "2026-12-01" and side["retrieved"] == "2026-12-01"
    assert side["licence"] == "Facts compiled from public pages" and side["publisher"].startswith("various")
    assert sorted(p.name for p in (data / "incoming").iterdir()) == [".ingest.lock"]
    assert [p.name for p in dest.parent.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_a_complete_dropped_sidecar_is_copied_byte_for_byte(data: Path) -> None:
    drop(data, NATIONAL, "restated.csv", national_text(NZL_2023))
    sidecar = ("# from the national unit\nrelease: 2026-12-01\npublisher: CERT NZ\nlicence: CC BY 4.0\n"
               "retrieved: 2026-12-02\ntitle: restated figures\n")
    (data / "incoming" / "restated.csv.source.yml").write_text(sidecar, encoding="utf-8")
    [outcome] = ingest(data, now=NOW).outcomes
    assert outcome.status == ACCEPTED and outcome.release == "2026-12-01"
    assert (data / "sources/national_figures/2026-12-01/restated.csv.source.yml").read_text() == sidecar
    assert not (data / "incoming" / "restated.csv.source.yml").exists()


def test_the_release_comes_from_a_unodc_title_row(data: Path) -> None:
    drop(data, UNODC)
    [outcome] = ingest(data, flags=Flags(licence="dataUNODC terms of use", retrieved="2026-12-01"), now=NOW).outcomes
    assert outcome.status == ACCEPTED and outcome.source_id == "unodc_cts" and outcome.release == "2024-05-16"
    side = yaml.safe_load((data / "sources/unodc_cts/2024-05-16" / (UNODC.name + ".source.yml")).read_text())
    assert side["release_date"] == "2024-05-16" and side["publisher"].startswith("United Nations Office on Drugs")


def test_without_a_release_the_file_is_refused_and_left_in_place(data: Path) -> None:
    dropped = drop(data, NATIONAL, "new.csv", national_text(NZL_2023))
    [outcome] = ingest(data, flags=Flags(licence="x", retrieved="2026-12-01"), now=NOW).outcomes
    assert outcome.status == REFUSED and dropped.is_file()
    assert "no release:" in outcome.detail and "--release" in outcome.detail and "never guessed" in outcome.detail
    assert "incoming/new.csv.source.yml" in outcome.detail
    assert not (data / "sources" / "national_figures" / "2026-12-01").exists()


def test_a_flag_that_contradicts_the_sidecar_is_refused(data: Path) -> None:
    drop(data, NATIONAL, "new.csv", national_text(NZL_2023))
    (data / "incoming" / "new.csv.source.yml").write_text("release: '2026-12-01'\nlicence: x\nretrieved: 2026-12-01\n")
    [outcome] = ingest(data, flags=Flags(release="2026-12-05"), now=NOW).outcomes
    assert outcome.status == REFUSED
    assert outcome.detail == ("incoming/new.csv.source.yml says release: '2026-12-01' but --release says "
                              "'2026-12-05'; remove one of them")


# --- never overwrite; same bytes ---------------------------------------------------------------------

def test_the_same_bytes_again_are_a_no_op(data: Path) -> None:
    dest = data / "sources" / "national_figures" / "2026-11-22" / NATIONAL.name
    before = (dest.stat().st_mtime_ns, dest.with_name(dest.name + ".source.yml").read_bytes())
    drop(data, NATIONAL)
    (data / "incoming" / (NATIONAL.name + ".source.yml")).write_text("release: 2026-11-22\nlicence: x\n"
                                                                      "retrieved: 2026-11-22\n")
    report = ingest(data, now=NOW)
    [outcome] = report.outcomes
    assert outcome.status == PRESENT and report.ok and not report.accepted
    assert "holds the same bytes" in outcome.detail and "removed from incoming/" in outcome.detail
    assert (dest.stat().st_mtime_ns, dest.with_name(dest.name + ".source.yml").read_bytes()) == before
    assert sorted(p.name for p in (data / "incoming").iterdir()) == [".ingest.lock"]


def test_the_same_bytes_under_another_release_are_not_loaded_twice(data: Path) -> None:
    dropped = drop(data, NATIONAL, "copy.csv")
    [outcome] = ingest(data, flags=FLAGS, now=NOW).outcomes
    assert outcome.status == PRESENT and not dropped.exists()
    assert outcome.destination == f"sources/national_figures/2026-11-22/{NATIONAL.name}"
    assert not (data / "sources" / "national_figures" / "2026-12-01").exists()


def test_a_release_is_never_overwritten(data: Path) -> None:
    dest = data / "sources" / "national_figures" / "2026-11-22" / NATIONAL.name
    original = dest.read_bytes()
    dropped = drop(data, NATIONAL, text=national_text(NZL_2023))
    [outcome] = ingest(data, flags=Flags(release="2026-11-22", licence="x", retrieved="2026-12-01"), now=NOW).outcomes
    assert outcome.status == REFUSED and "already exists with other content" in outcome.detail
    assert "a restated file needs a new release name" in outcome.detail
    assert dest.read_bytes() == original and dropped.is_file()


# --- quarantine ---------------------------------------------------------------------------------------

def test_a_failing_file_is_quarantined_unchanged_with_the_row_column_and_expectation(data: Path) -> None:
    text = national_text((",calendar_year,loss,18300000,", ",calendar_year,lost,18300000,"))
    dropped = drop(data, NATIONAL, "bad.csv", text)
    (data / "incoming" / "bad.csv.source.yml").write_text("release: '2026-12-01'\nlicence: x\nretrieved: 2026-12-01\n")
    report = ingest(data, now=NOW)
    [outcome] = report.outcomes
    assert outcome.status == QUARANTINED and not report.ok and not dropped.exists()
    moved = data / "incoming" / "quarantine" / "20261208T093000Z" / "bad.csv"
    assert moved.read_text(encoding="utf-8") == text
    assert moved.with_name("bad.csv.source.yml").is_file()
    reason = moved.with_name("bad.csv.reason.txt").read_text(encoding="utf-8")
    assert "incoming/bad.csv, row 162, column 'metric': expected reports | complaints | cases_recorded | victims | " \
           "loss | illicit_volume | criminal_proceeds, found 'lost'" in reason
    assert "source:      national_figures" in reason
    assert "moved to incoming/quarantine/20261208T093000Z/bad.csv" in outcome.detail
    assert not (data / "sources" / "national_figures" / "2026-12-01").exists()
    assert ingest(data, now=NOW).outcomes == []  # quarantine/ is never taken from again


def test_a_failing_expectation_is_quarantined_with_its_name(data: Path) -> None:
    lines = UNODC.read_text(encoding="utf-8").splitlines()
    fields = lines[5].split(",")
    fields[11] = "-3"  # VALUE of spreadsheet row 6
    lines[5] = ",".join(fields)
    drop(data, UNODC, "neg.csv", "\n".join(lines) + "\n")
    [outcome] = ingest(data, flags=Flags(licence="x", retrieved="2026-12-01"), now=NOW).outcomes
    assert outcome.status == QUARANTINED and "no_negative_values" in outcome.detail
    reason = (data / "incoming/quarantine/20261208T093000Z/neg.csv.reason.txt").read_text(encoding="utf-8")
    assert "incoming/neg.csv, row 6, column 'value' (published as 'VALUE'): expectation no_negative_values failed" \
           in reason


def test_an_unrecognised_file_is_quarantined(data: Path) -> None:
    drop(data, NATIONAL, "notes.csv", "a,b\n1,2\n")
    [outcome] = ingest(data, now=NOW).outcomes
    assert outcome.status == QUARANTINED and "no registered source recognises its header" in outcome.detail
    assert (data / "incoming/quarantine/20261208T093000Z/notes.csv").read_text() == "a,b\n1,2\n"


# --- safety -------------------------------------------------------------------------------------------

def test_names_with_dotdot_and_paths_outside_incoming_are_refused(data: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "restated.csv"
    outside.write_text(national_text(NZL_2023), encoding="utf-8")
    monkeypatch.chdir(data / "incoming")
    report = ingest(data, [Path("../../restated.csv"), outside, data / "sources" / "national_figures" / "2026-11-22"
                           / NATIONAL.name], flags=FLAGS, now=NOW)
    assert [o.status for o in report.outcomes] == [REFUSED] * 3
    assert "a name with '..' is refused" in report.outcomes[0].detail
    assert "outside incoming/" in report.outcomes[1].detail and "copy the file into" in report.outcomes[1].detail
    assert "outside incoming/" in report.outcomes[2].detail
    assert outside.read_text(encoding="utf-8") == national_text(NZL_2023)
    assert not (data / "sources" / "national_figures" / "2026-12-01").exists()


def test_links_are_refused_and_left_alone(data: Path, tmp_path: Path) -> None:
    outside = tmp_path / "restated.csv"
    outside.write_text(national_text(NZL_2023), encoding="utf-8")
    (data / "incoming" / "escape.csv").symlink_to(outside)
    (data / "incoming" / "inside.csv").symlink_to(data / "sources" / "national_figures" / "2026-11-22" / NATIONAL.name)
    (data / "incoming" / "sub").symlink_to(tmp_path, target_is_directory=True)
    report = ingest(data, flags=FLAGS, now=NOW)
    by_file = {o.file: o for o in report.outcomes}
    assert by_file["incoming/escape.csv"].status == REFUSED
    assert by_file["incoming/escape.csv"].detail.startswith("a link that leaves the data directory")
    assert by_file["incoming/inside.csv"].detail.startswith("a link: ingest takes regular files only")
    assert by_file["incoming/sub"].status == REFUSED
    assert ingest(data, [data / "incoming" / "sub" / "restated.csv"], flags=FLAGS, now=NOW).outcomes[0].detail \
        .startswith("reached through a link that leaves the data directory")
    assert (data / "incoming" / "escape.csv").is_symlink() and outside.is_file()
    assert not (data / "sources" / "national_figures" / "2026-12-01").exists()


def test_a_sidecar_link_leaving_the_data_directory_is_refused_unread(data: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yml"
    secret.write_text("release: 2026-12-01\nlicence: x\nretrieved: 2026-12-01\n")
    drop(data, NATIONAL, "new.csv", national_text(NZL_2023))
    (data / "incoming" / "new.csv.source.yml").symlink_to(secret)
    [outcome] = ingest(data, now=NOW).outcomes
    assert outcome.status == REFUSED and "a link that leaves it" in outcome.detail


@pytest.mark.parametrize("release", ["../../../escape", "/tmp/abs", "a/b", ".hidden", ".."])
def test_a_release_that_is_not_a_plain_folder_name_is_refused(data: Path, release: str) -> None:
    drop(data, NATIONAL, "new.csv", national_text(NZL_2023))
    (data / "incoming" / "new.csv.source.yml").write_text(
        yaml.safe_dump({"release": release, "licence": "x", "retrieved": "2026-12-01"}))
    [outcome] = ingest(data, now=NOW).outcomes
    assert outcome.status == REFUSED and "expected a folder name of letters, digits" in outcome.detail
    assert sorted(p.name for p in (data / "sources" / "national_figures").iterdir()) == ["2026-11-22", "TEMPLATE.md"]
    assert not (data.parent / "escape").exists()


# --- the sensor's needs: waiting files, one ingest at a time -------------------------------------------

def test_a_file_still_being_copied_waits_for_the_next_look(data: Path) -> None:
    drop(data, NATIONAL, "new.csv", national_text(NZL_2023))
    now = datetime.fromtimestamp(time.time(), UTC)
    report = ingest(data, flags=FLAGS, settle_seconds=30, now=now)
    assert report.outcomes == [] and report.waiting == ["incoming/new.csv"] and report.summary() == "1 waiting"
    old = time.time() - 60
    os.utime(data / "incoming" / "new.csv", (old, old))
    assert [o.status for o in ingest(data, flags=FLAGS, settle_seconds=30, now=now).outcomes] == [ACCEPTED]


def test_one_ingest_at_a_time(data: Path) -> None:
    drop(data, NATIONAL, "new.csv", national_text(NZL_2023))
    import subprocess
    import sys

    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time; "
                               f"fd = os.open({str(data / 'incoming' / '.ingest.lock')!r}, os.O_RDWR | os.O_CREAT); "
                               "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(Locked, match="the incoming folder"):
            ingest(data, flags=FLAGS, now=NOW)
    finally:
        holder.kill()
        holder.wait()
    with file_lock(data / "incoming" / ".ingest.lock", "x"):  # re-entrant in one process
        assert [o.status for o in ingest(data, flags=FLAGS, now=NOW).outcomes] == [ACCEPTED]


# --- the command --------------------------------------------------------------------------------------

def _cli(data: Path, *args: str) -> int:
    return main(["ingest", "--data-dir", str(data), "--warehouse", str(data.parent / "wh" / "cyberstats.duckdb"),
                 "--site-dir", str(data.parent / "site"), "--no-run", *args])


def test_the_command_says_what_happened_to_each_file_and_exits_by_the_worst(data: Path, capsys) -> None:
    assert _cli(data) == 0
    assert "Nothing to take in: incoming/ holds no files." in capsys.readouterr().out
    drop(data, NATIONAL, "new.csv", national_text(NZL_2023))
    drop(data, NATIONAL, "zz-no-release.csv", national_text((NZL_2023[0], ",calendar_year,loss,18350000,")))
    assert _cli(data, str(data / "incoming" / "new.csv"), "--release", "2026-12-01", "--licence", "x",
                "--retrieved", "2026-12-01") == 0
    out = capsys.readouterr().out
    assert "accepted         incoming/new.csv -> sources/national_figures/2026-12-01/new.csv" in out
    assert "not run (--no-run)" in out
    assert _cli(data, "--licence", "x", "--retrieved", "2026-12-01") == 1
    assert "refused          incoming/zz-no-release.csv: no release:" in capsys.readouterr().err
    assert _cli(data, "--source", "un_m49") == 2
    assert "a reference table is not taken in through incoming/" in capsys.readouterr().err
    assert _cli(data, "--release", "../x") == 2
    assert _cli(data, "--retrieved", "yesterday") == 2
