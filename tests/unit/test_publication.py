"""Publication safety on small hand-made builds (no pipeline run): issue 8, F1 and F3-F6."""

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines import archive, publication
from pipelines.catalog import discover
from pipelines.cli import main
from pipelines.errors import ConfigError, InputError, PublicationError
from pipelines.locks import Locked, target_lock
from pipelines.publication import publish, record_build, recover, state, verify_run
from pipelines.reports.publish import BUILD_INFO
from pipelines.settings import resolve
from pipelines.warehouse import build_record

# --- F1: outputs never overlap inputs or each other --------------------------------------------


@pytest.fixture
def data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "sources" / "x" / "1").mkdir(parents=True)
    (data / "sources" / "x" / "1" / "f.csv").write_text("a\n1\n")
    (data / "reference").mkdir()
    return data


@pytest.mark.parametrize("site, warehouse, work", [
    ("out", "out/cyberstats.duckdb", None),            # the site folder holds the warehouse
    ("data/sources", None, None),                      # the site would replace every source file
    ("data/sources/x", None, None),                    # ... or some of them
    ("data", None, None),                              # ... or the data directory
    (".", None, None),                                 # ... or a folder that holds it
    ("site", None, "site/work"),                       # the work folder inside the site
    ("site", None, "data/reference/w"),                # the work folder among the inputs
    ("site", "data/sources/wh.duckdb", None),          # the warehouse among the inputs
    ("site", "work/wh.duckdb", "work"),                # the warehouse inside the private work folder
])
def test_overlapping_folders_are_refused(data: Path, site: str, warehouse: str | None, work: str | None) -> None:
    base = data.parent
    with pytest.raises(ConfigError):
        resolve(data_dir=data, site_dir=base / site, warehouse=base / warehouse if warehouse else None,
                work_dir=base / work if work else None, environ={})


def test_a_kept_past_publication_is_never_a_target(data: Path, target, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture) -> None:
    db, site = _build(tmp_path, "f1", "r1", 1)
    _publish(db, site, target, "f1", "r1")
    [kept] = archive.listing(target[0])
    with pytest.raises(ConfigError, match="is a kept past publication"):
        resolve(data_dir=data, warehouse=kept.path, environ={})
    before = sorted(p.name for p in kept.path.parent.iterdir())
    assert main(["report", "--data-dir", str(data), "--warehouse", str(kept.path),
                 "--site-dir", str(tmp_path / "past-site")]) == 2
    assert "read it with --as-of" in capsys.readouterr().err
    assert sorted(p.name for p in kept.path.parent.iterdir()) == before  # no lock, work folder or nested archive


def test_the_defaults_and_separate_folders_are_accepted(data: Path) -> None:
    resolve(data_dir=data, environ={})
    resolve(data_dir=data, site_dir=data.parent / "out" / "site", warehouse=data.parent / "out" / "c.duckdb",
            environ={})


def test_the_cli_refuses_a_site_folder_holding_the_warehouse_and_deletes_nothing(
        data: Path, capsys: pytest.CaptureFixture) -> None:
    out = data.parent / "out"
    out.mkdir()
    (out / "cyberstats.duckdb").write_bytes(b"published")
    (out / "IMPORTANT_NOTES.txt").write_text("keep me")
    code = main(["run", "--data-dir", str(data), "--warehouse", str(out / "cyberstats.duckdb"),
                 "--site-dir", str(out)])
    assert code == 2
    assert "contains the warehouse" in capsys.readouterr().err
    assert (out / "cyberstats.duckdb").read_bytes() == b"published"
    assert (out / "IMPORTANT_NOTES.txt").read_text() == "keep me"


def test_the_cli_refuses_the_sources_folder_as_site(data: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["run", "--data-dir", str(data), "--site-dir", str(data / "sources")]) == 2
    assert "overlaps the data directory's sources/ folder" in capsys.readouterr().err
    assert (data / "sources" / "x" / "1" / "f.csv").read_text() == "a\n1\n"


# --- a tiny checked build ------------------------------------------------------------------------

def _build(tmp_path: Path, fingerprint: str, run_id: str, value: int, record: bool = True) -> tuple[Path, Path]:
    build = tmp_path / f"build-{run_id}"
    build.mkdir()
    db = build / "build.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute(f"CREATE TABLE marts.t AS SELECT {int(value)} AS v")
        if record:
            record_build(con, run_id, fingerprint, 3, {"a:c": (True, False)})
    site = build / "site"
    site.mkdir()
    (site / "index.html").write_text(f"<p>{value}</p>")
    (site / BUILD_INFO).write_text(json.dumps({"fingerprint": fingerprint, "run_id": run_id}))
    return db, site


@pytest.fixture
def target(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "pub" / "cyberstats.duckdb", tmp_path / "pub" / "site"


def _publish(db: Path, site: Path, target: tuple[Path, Path], fingerprint: str, run_id: str, **kw):
    with target_lock(*target):  # as every caller does
        return publish(db, site, target[0], target[1], fingerprint, run_id, "test", **kw)


def _value(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT v FROM marts.t").fetchone()[0]


def test_publish_replaces_both_and_copies_the_build_record(tmp_path: Path, target) -> None:
    db, site = _build(tmp_path, "f1", "r1", 1)
    outcome = _publish(db, site, target, "f1", "r1")
    assert (outcome.warehouse_published, outcome.site_published) == (True, True)
    assert state(*target) == publication.State("f1", "f1")
    with duckdb.connect(str(target[0]), read_only=True) as con:
        assert build_record(con)["run_id"] == "r1"
    assert _publish(db, site, target, "f1", "r1") == publication.Outcome(False, False)


def test_every_publication_is_kept_up_to_the_retention_and_readable_as_of(tmp_path: Path, target,
                                                                          capsys: pytest.CaptureFixture) -> None:
    for n in range(1, 5):
        db, site = _build(tmp_path, f"f{n}", f"r{n}", n)
        assert _publish(db, site, target, f"f{n}", f"r{n}", kept=3).archive_problem is None
    kept = archive.listing(target[0])
    assert [p.fingerprint for p in kept] == ["f4", "f3", "f2"]  # the oldest beyond 3 is deleted
    assert [_value(p.path) for p in kept] == [4, 3, 2]  # each copy holds its own publication
    assert kept[0].path != target[0]  # the current one is kept as a copy too
    assert archive.resolve(target[0], "f3").path == kept[1].path
    assert archive.resolve(target[0], kept[2].published_at.isoformat()).fingerprint == "f2"
    assert archive.resolve(target[0], kept[0].published_at.date().isoformat()).fingerprint == "f4"  # end of day
    with pytest.raises(ConfigError, match="nothing was published by then; the oldest kept publication is f2"):
        archive.resolve(target[0], "2000-01-01")
    with pytest.raises(ConfigError, match="expected a publication id"):
        archive.resolve(target[0], "last tuesday")
    wh = ["--warehouse", str(target[0])]
    assert main(["query", "select v from marts.t", "--as-of", "f3", "--format", "csv", *wh]) == 0
    out = capsys.readouterr()
    assert out.out == "v\n3\n" and "publication f3" in out.err
    assert main(["publications", "--format", "json", *wh]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(p["id"], p["current"]) for p in listed] == [("f4", "yes"), ("f3", ""), ("f2", "")]
    assert main(["query", "select 1", "--as-of", "1999-12-31", *wh]) == 2


def test_a_publication_that_cannot_be_archived_still_stands_and_is_archived_later(tmp_path: Path, target,
                                                                                    monkeypatch) -> None:
    db, site = _build(tmp_path, "f1", "r1", 1)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pipelines.archive.copyfile", disk_full)
    outcome = _publish(db, site, target, "f1", "r1")
    assert outcome.warehouse_published and "could not be copied" in outcome.archive_problem
    assert state(*target) == publication.State("f1", "f1")
    assert list(archive.archive_dir(target[0]).iterdir()) == []  # no partial copy left behind
    monkeypatch.undo()
    with target_lock(*target):
        recover(*target)
    assert [p.path.parent for p in archive.listing(target[0])] == [archive.archive_dir(target[0])]


def test_an_unchecked_build_is_never_published(tmp_path: Path, target) -> None:
    db, site = _build(tmp_path, "f1", "r1", 1, record=False)
    with pytest.raises(PublicationError, match="no record of a complete, checked build"):
        _publish(db, site, target, "f1", "r1")
    db2, site2 = _build(tmp_path, "f2", "r2", 2)
    with pytest.raises(PublicationError, match="no record"):  # the record of another run does not count
        _publish(db2, site2, target, "f2", "r3")
    assert not target[0].exists() and not target[1].exists()
    assert sorted(p.name for p in target[0].parent.iterdir()) == [".cyberstats.duckdb.lock", ".site.lock"]


def test_verify_run_names_what_was_not_built_or_checked() -> None:
    problems = verify_run({"a", "b", "c"}, {"a"}, {"a:x", "b:y"}, {"a:x": (False, True)})
    assert "2 asset(s) of the job were not materialised in this run (b, c)" in problems[0]
    assert "1 check(s) were not evaluated in this run (b:y)" in problems[1]
    assert "blocking check(s) failed: a:x" in problems[2]
    assert verify_run({"a"}, {"a"}, {"a:x"}, {"a:x": (False, False)}) == []  # a warning does not block


# --- F3: stage both, swap both; a failure or a kill never leaves half a publication ----------------

def test_a_site_that_cannot_be_staged_leaves_the_warehouse_as_it_was(tmp_path: Path, target, monkeypatch) -> None:
    db, site = _build(tmp_path, "f1", "r1", 1)
    _publish(db, site, target, "f1", "r1")
    before = target[0].read_bytes()
    db2, site2 = _build(tmp_path, "f2", "r2", 2)

    def disk_full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pipelines.reports.publish.shutil.copytree", disk_full)
    with pytest.raises(PublicationError, match="No space left"):
        _publish(db2, site2, target, "f2", "r2")
    assert target[0].read_bytes() == before
    assert state(*target) == publication.State("f1", "f1")
    assert sorted(p.name for p in target[0].parent.iterdir()) == [
        ".cyberstats.duckdb.lock", ".site.lock", "cyberstats.duckdb", "cyberstats.publications", "site"]
    assert [p.fingerprint for p in archive.listing(target[0])] == ["f1"]  # the failed one is not kept


def test_a_failing_warehouse_rename_rolls_the_site_back(tmp_path: Path, target, monkeypatch) -> None:
    db, site = _build(tmp_path, "f1", "r1", 1)
    _publish(db, site, target, "f1", "r1")
    db2, site2 = _build(tmp_path, "f2", "r2", 2)
    real_replace = Path.replace

    def fail_on_warehouse(self, other):
        if Path(other) == target[0]:
            raise OSError(5, "Input/output error")
        return real_replace(self, other)

    monkeypatch.setattr(Path, "replace", fail_on_warehouse)
    with pytest.raises(PublicationError, match="restored"):
        _publish(db2, site2, target, "f2", "r2")
    monkeypatch.undo()
    assert state(*target) == publication.State("f1", "f1")
    assert (target[1] / "index.html").read_text() == "<p>1</p>"
    assert not publication.journal_path(target[0]).exists()


@pytest.mark.parametrize("stop_after", [0, 1, 2])
def test_a_swap_interrupted_at_any_rename_is_finished_by_the_next_command(tmp_path: Path, target, monkeypatch,
                                                                         stop_after: int) -> None:
    db, site = _build(tmp_path, "f1", "r1", 1)
    _publish(db, site, target, "f1", "r1")
    db2, site2 = _build(tmp_path, "f2", "r2", 2)
    renames = {"n": 0}
    real_rename, real_replace = Path.rename, Path.replace

    class Killed(BaseException):
        pass

    def counted(real):
        def op(self, other):
            if renames["n"] == stop_after:
                raise Killed
            renames["n"] += 1
            return real(self, other)
        return op

    monkeypatch.setattr(Path, "rename", counted(real_rename))
    monkeypatch.setattr(Path, "replace", counted(real_replace))
    renames["n"] = -1  # the journal's own write (tmp -> journal) is not a swap step
    with pytest.raises(Killed):
        _publish(db2, site2, target, "f2", "r2")
    monkeypatch.undo()
    assert publication.journal_path(target[0]).exists()
    assert "finished the interrupted publication" in recover(*target)
    assert state(*target) == publication.State("f2", "f2")
    assert _value(target[0]) == 2
    leftovers = sorted(p.name for p in target[0].parent.iterdir())
    assert leftovers == [".cyberstats.duckdb.lock", ".site.lock", "cyberstats.duckdb", "cyberstats.publications",
                         "site"]
    # the publication the interruption finished is kept among the past publications too
    assert [p.fingerprint for p in archive.listing(target[0])] == ["f2", "f1"]
    assert all(p.path.parent == archive.archive_dir(target[0]) for p in archive.listing(target[0]))


def test_recover_removes_leftover_copies_of_killed_runs(tmp_path: Path, target) -> None:
    db, site = _build(tmp_path, "f1", "r1", 1)
    _publish(db, site, target, "f1", "r1")
    parent = target[0].parent
    for name in (".cyberstats.duckdb.0123abcd.tmp", ".cyberstats.duckdb.0123abcd.tmp.wal"):
        (parent / name).write_bytes(b"x" * 10)
    (parent / ".site.new-0123").mkdir()
    (parent / ".site.old-0123").mkdir()
    recover(*target)
    assert sorted(p.name for p in parent.iterdir()) == [".cyberstats.duckdb.lock", ".site.lock", "cyberstats.duckdb",
                                                        "cyberstats.publications",
                                                        "site"]


def test_a_folder_of_other_files_is_never_replaced(tmp_path: Path, target) -> None:
    target[1].mkdir(parents=True)
    (target[1] / "thesis.docx").write_text("years of work")
    db, site = _build(tmp_path, "f1", "r1", 1)
    with pytest.raises(PublicationError, match="not a cyberstats publication"):
        _publish(db, site, target, "f1", "r1")
    assert (target[1] / "thesis.docx").read_text() == "years of work"
    assert not target[0].exists()


# --- F4: one lock per publication target ----------------------------------------------------------

HOLD = """
import sys, time
from pathlib import Path
from pipelines.locks import target_lock
with target_lock(Path(sys.argv[1]), Path(sys.argv[2])):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_the_target_lock_excludes_other_processes_whatever_their_work_folder(data: Path, target,
                                                                              capsys: pytest.CaptureFixture) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(target[0]), str(target[1])], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(Locked, match="another cyberstats run is publishing"):
            with target_lock(*target):
                pass
        code = main(["run", "--data-dir", str(data), "--warehouse", str(target[0]), "--site-dir", str(target[1]),
                     "--work-dir", str(data.parent / "another-work")])
        assert code == 3
        assert "another cyberstats run is publishing" in capsys.readouterr().err
    finally:
        holder.communicate("go\n")
    with target_lock(*target), target_lock(*target):  # free again, and re-entrant within a process
        pass


# --- F5: a sidecar that links out of the data directory is never read ----------------------------

def test_a_symlinked_sidecar_leaving_the_data_directory_is_refused(data: Path) -> None:
    secret = data.parent / "secrets.yml"
    secret.write_text("token: s3cr3t\npassword: hunter2\n")
    (data / "sources" / "x" / "1" / "f.csv.source.yml").symlink_to(secret)
    with pytest.raises(InputError) as err:
        discover(data, "sources", "x")
    assert "sources/x/1/f.csv.source.yml" in str(err.value) and "a link that leaves it" in str(err.value)
    assert "s3cr3t" not in str(err.value)


def test_a_symlinked_sidecar_inside_the_data_directory_is_read(data: Path) -> None:
    shared = data / "sources" / "x" / "shared.yml"
    shared.write_text("publisher: P\n")
    (data / "sources" / "x" / "1" / "f.csv.source.yml").symlink_to(shared)
    assert discover(data, "sources", "x")[0].sidecar == {"publisher": "P"}


# --- F6: contradictory values for one figure are an error ----------------------------------------

def test_a_national_figure_entered_twice_with_two_values_fails_validation(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture) -> None:
    from tests.conftest import BUNDLED

    original = next((BUNDLED / "sources" / "national_figures").rglob("national_headline_figures.csv"))
    lines = original.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[1].startswith("AUS,,2018,") and ",loss,489700000," in lines[1]
    bad = tmp_path / "national.csv"
    bad.write_text(lines[0] + lines[1] + lines[1].replace(",489700000,", ",999999999,") + "".join(lines[2:]),
                   encoding="utf-8")
    assert main(["validate", str(bad), "--source", "national_figures"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}, rows 2, 3: expectation no_contradictory_values failed" in err
