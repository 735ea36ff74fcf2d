"""The bad-input corpus through the whole command: after a good publication, each broken file makes
``cyberstats run`` exit 1, naming the file, row, column and expectation, and leaves the published
warehouse and site byte-identical and the file itself untouched. Odd but valid files load."""

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.cli import main
from tests.bad_inputs.corpus import CASES, PASS_CASES, UNICODE_TARGET, UNODC_2022_CP1252, UNODC_2024, Case, unodc_with
from tests.conftest import copy_bundled
from tests.integration.helpers import run_cli, site, warehouse

NOT_CHANGED = "The published warehouse and site were not changed."


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with a good publication next to it (warehouse and site)."""
    root = tmp_path_factory.mktemp("corpus")
    data = copy_bundled(root / "data")
    assert run_cli(data) == 0
    return root


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
                           "ORDER BY source_row, measure, unit, year, category", [source_file]).pl()


def drop(data: Path, case: Case) -> tuple[Path, bytes]:
    target = data / case.target
    target.parent.mkdir(parents=True, exist_ok=True)
    content = case.make()
    target.write_bytes(content)
    return target, content


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_bad_file_fails_the_run_and_changes_nothing(case: Case, published: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    data = clone(published, tmp_path)
    wh_before, site_before = warehouse(data).read_bytes(), digest(site(data))
    target, content = drop(data, case)
    capsys.readouterr()

    assert run_cli(data) == case.exit_code == 1
    err = capsys.readouterr().err
    for fragment in case.fragments:
        assert fragment in err, f"{case.id}: {fragment!r} not in\n{err}"
    assert NOT_CHANGED in err
    assert "blocking check failed:" in err and ":files_not_quarantined" in err
    assert warehouse(data).read_bytes() == wh_before
    assert digest(site(data)) == site_before
    assert target.read_bytes() == content  # the source file is never modified or moved

    assert main(["quarantine", "--data-dir", str(data), "--warehouse", str(warehouse(data)), "--format",
                 "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert case.target in {r["relpath"] for r in listed}

    if case.validate:
        assert main(["validate", str(target), "--source", case.source, "--data-dir", str(data)]) == 1
        err = capsys.readouterr().err
        for fragment in case.fragments:
            assert fragment.split(case.target, 1)[-1] in err, f"validate {case.id}: {fragment!r} not in\n{err}"
        assert target.read_bytes() == content


@pytest.mark.parametrize("case", PASS_CASES, ids=[c.id for c in PASS_CASES])
def test_odd_but_valid_files_load_with_the_same_numbers(case: Case, published: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture) -> None:
    data = clone(published, tmp_path)
    before = staged(data, case.target)
    target, content = drop(data, case)

    assert run_cli(data) == 0, capsys.readouterr().err
    after = staged(data, case.target)
    assert target.read_bytes() == content
    if case.id == "formula_looking_text_in_csv":  # kept verbatim: it is data, never evaluated
        assert after.filter(pl.col("source_row") == 2)["notes"].unique().to_list() == [
            '=HYPERLINK("https://example.org","x")']
        after, before = after.drop("notes"), before.drop("notes")
    assert after.height == before.height > 0
    assert after.equals(before)
    assert main(["validate", str(target), "--source", case.source, "--data-dir", str(data)]) == 0


def test_unicode_and_spaces_in_paths_and_an_excel_saved_cp1252_file(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture) -> None:
    data = copy_bundled(tmp_path / "dåta dir ü" / "data")
    target = data / UNICODE_TARGET
    target.parent.mkdir(parents=True)
    shutil.copyfile(UNODC_2022_CP1252, target)
    assert run_cli(data) == 0, capsys.readouterr().err
    rows = staged(data, UNICODE_TARGET)
    assert rows.height == 12 and rows["area_code"].unique().sort().to_list() == ["ALB", "CIV", "GBR_E_W", "XKX"]
    assert "Côte d’Ivoire" in rows["area_name"].to_list()
    assert target.read_bytes() == UNODC_2022_CP1252.read_bytes()
    assert main(["validate", str(target), "--source", "unodc_cts", "--data-dir", str(data)]) == 0


def test_every_problem_is_reported_in_one_run(published: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = clone(published, tmp_path)
    by_id = {c.id: c for c in CASES}
    for name in ("value_negative", "ic3_total_not_a_number", "currency_unknown"):
        drop(data, by_id[name])
    capsys.readouterr()
    assert run_cli(data) == 1
    err = capsys.readouterr().err
    for name in ("value_negative", "ic3_total_not_a_number", "currency_unknown"):
        assert by_id[name].fragments[0] in err


def test_allow_quarantine_publishes_without_the_file_and_says_so(published: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture) -> None:
    data = clone(published, tmp_path)
    extra = "sources/unodc_cts/2024-05-16/data_cts_resubmitted.csv"
    bad = unodc_with(2, {"VALUE": "-5"})()
    (data / extra).write_bytes(bad)
    with duckdb.connect(str(warehouse(data)), read_only=True) as con:
        marts_before = {t: con.execute(f"SELECT * FROM marts.{t}").pl() for (t,) in con.execute(  # noqa: S608
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1").fetchall()}

    assert run_cli(data, "--allow-quarantine") == 0
    out = capsys.readouterr().out
    assert "files_not_quarantined" in out and "no_negative_values" in out
    with duckdb.connect(str(warehouse(data)), read_only=True) as con:
        assert con.execute("SELECT relpath, expectation, row_number FROM quality.quarantine").fetchall() == [
            (extra, "no_negative_values", 6)]
        assert con.execute("SELECT count(*) FROM staging.observations WHERE source_file = ?", [extra]).fetchone() \
            == (0,)
        for table, frame in marts_before.items():
            if table != "source_files":  # it lists every input file, the quarantined one included
                assert con.execute(f"SELECT * FROM marts.{table}").pl().equals(frame), table  # noqa: S608
    assert (data / extra).read_bytes() == bad
    assert main(["quarantine", "--published", "--warehouse", str(warehouse(data))]) == 0
    assert extra in capsys.readouterr().out

    # Without the flag the same inputs are not "unchanged": the run fails and publishes nothing.
    wh_before = warehouse(data).read_bytes()
    assert run_cli(data) == 1
    assert NOT_CHANGED in capsys.readouterr().err
    assert warehouse(data).read_bytes() == wh_before


def test_validate_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    good = Path(__file__).resolve().parents[2] / "data" / UNODC_2024
    assert main(["validate", str(good), "--source", "nope"]) == 2
    assert "unknown source 'nope'" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "missing.csv"), "--source", "unodc_cts"]) == 2
    assert main(["validate", str(good), "--source", "unodc_cts", "--data-dir", str(tmp_path)]) == 2
    assert main(["validate", str(good), "--source", "unodc_cts"]) == 0
