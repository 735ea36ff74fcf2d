"""The bad-input corpus through the whole command: after a good publication, each broken file makes
``cyberstats run`` exit 1, naming the file, row, column and expectation, and leaves the published
warehouse and site byte-identical and the file itself untouched. Odd but valid files load.

Every failing case is a file of its own, so all of them go through one run (which also shows that
one run names every problem): a whole run per case would take about 7 minutes on two cores. One
case per failure mechanism (ALONE) also runs on its own, to show that it alone fails the run.
"""

import contextlib
import hashlib
import io
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.cli import main
from tests.bad_inputs.corpus import (
    ALONE,
    CASES,
    FORMULA_TEXT,
    PASS_CASES,
    UNICODE_TARGET,
    UNODC_2022_CP1252,
    UNODC_2024,
    Case,
    expectation_of,
    unodc_with,
)
from tests.conftest import copy_bundled
from tests.integration.helpers import run_cli, site, warehouse

NOT_CHANGED = "The published warehouse and site were not changed."


@pytest.fixture(scope="module")
def published(golden) -> Path:
    """A data directory with a good publication next to it (warehouse and site): the session's golden
    build, only ever cloned here."""
    return golden.root


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


@pytest.fixture(scope="module")
def every_case(published: Path, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    """All failing cases at once, each its own file: one run names every problem (capsys is
    function-scoped, so this module-scoped run captures its output itself)."""
    out, err = io.StringIO(), io.StringIO()
    data = clone(published, tmp_path_factory.mktemp("every"))
    before = (warehouse(data).read_bytes(), digest(site(data)))
    contents = {case.target: drop(data, case)[1] for case in CASES}
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run_cli(data)
        listing = io.StringIO()
        with contextlib.redirect_stdout(listing):
            assert main(["quarantine", "--data-dir", str(data), "--warehouse", str(warehouse(data)), "--format",
                         "json"]) == 0
    listed: dict[str, set[str]] = {}
    for r in json.loads(listing.getvalue()):
        listed.setdefault(r["relpath"], set()).add(r["expectation"])
    return Outcome(data, code, err.getvalue(), contents, listed, before)


def assert_case(outcome: Outcome, case: Case) -> None:
    assert outcome.exit_code == case.exit_code == 1
    for fragment in case.fragments:
        assert fragment in outcome.err, f"{case.id}: {fragment!r} not in\n{outcome.err}"
    assert NOT_CHANGED in outcome.err and ":files_not_quarantined" in outcome.err
    assert (warehouse(outcome.data).read_bytes(), digest(site(outcome.data))) == outcome.published_before
    target = outcome.data / case.target
    assert target.read_bytes() == outcome.contents[case.target]  # never modified or moved
    assert expectation_of(case) in outcome.quarantined[case.target]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_bad_file_is_named_quarantined_and_changes_nothing(case: Case, every_case: Outcome,
                                                              capsys: pytest.CaptureFixture) -> None:
    assert_case(every_case, case)
    if case.validate:
        target = every_case.data / case.target
        assert main(["validate", str(target), "--source", case.source, "--data-dir", str(every_case.data)]) == 1
        err = capsys.readouterr().err
        for fragment in case.fragments:
            assert fragment.split(case.target, 1)[-1] in err, f"validate {case.id}: {fragment!r} not in\n{err}"
        assert target.read_bytes() == every_case.contents[case.target]


@pytest.mark.parametrize("case", [c for c in CASES if c.id in ALONE], ids=list(ALONE))
def test_alone_a_bad_file_fails_the_run(case: Case, published: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture) -> None:
    assert_case(run_with(published, tmp_path, [case], capsys), case)


@pytest.fixture(scope="module")
def odd_inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every odd but valid input at once, in a data directory whose path has unicode and spaces."""
    data = copy_bundled(tmp_path_factory.mktemp("odd") / "dåta dir ü" / "data")
    for case in PASS_CASES:
        drop(data, case)
    (data / UNICODE_TARGET).parent.mkdir(parents=True)
    shutil.copyfile(UNODC_2022_CP1252, data / UNICODE_TARGET)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err := io.StringIO()):
        assert run_cli(data) == 0, err.getvalue()
    return data


@pytest.mark.parametrize("case", PASS_CASES, ids=[c.id for c in PASS_CASES])
def test_odd_but_valid_files_load_with_the_same_numbers(case: Case, published: Path, odd_inputs: Path) -> None:
    before, after = staged(published / "data", case.target), staged(odd_inputs, case.target)
    assert (odd_inputs / case.target).read_bytes() == case.make()
    if case.id == "formula_looking_text_in_csv":  # kept verbatim: it is data, never evaluated
        assert after.filter(pl.col("source_row") == 2)["category"].to_list() == [FORMULA_TEXT]
        after, before = after.drop("category", "category_harmonised"), before.drop("category", "category_harmonised")
    assert after.height == before.height > 0
    assert after.equals(before)
    assert main(["validate", str(odd_inputs / case.target), "--source", case.source, "--data-dir",
                 str(odd_inputs)]) == 0


def test_unicode_and_spaces_in_paths_and_an_excel_saved_cp1252_file(odd_inputs: Path) -> None:
    rows = staged(odd_inputs, UNICODE_TARGET)
    assert rows.height == 12 and rows["area_code"].unique().sort().to_list() == ["ALB", "CIV", "GBR_E_W", "XKX"]
    assert "Côte d’Ivoire" in rows["area_name"].to_list()
    assert (odd_inputs / UNICODE_TARGET).read_bytes() == UNODC_2022_CP1252.read_bytes()
    assert main(["validate", str(odd_inputs / UNICODE_TARGET), "--source", "unodc_cts", "--data-dir",
                 str(odd_inputs)]) == 0


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
    err = capsys.readouterr().err
    assert "files_not_quarantined" in err and "no_negative_values" in err and "--allow-quarantine" in err
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
    # The published quality page tells what happened: published without the file, nothing blocked.
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (site(data) / "quality.html").read_text(encoding="utf-8")))
    assert "No blocking expectation failed" in text and "stopped the publication" not in text
    assert "This publication was made without them" in text and extra in text
    assert "Warning : no_negative_values on staging.stg_unodc_cts__observations" in text
    assert "left out by --allow-quarantine" in text

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


def test_the_quality_page_fits_the_report_site(published: Path, tmp_path: Path) -> None:
    """The page renders inside the site (build_site's extra_pages hook) from a published warehouse."""
    from pipelines.quality.report import quality_page
    from pipelines.reports.site import build_site, run_info

    with duckdb.connect(str(warehouse(published / "data")), read_only=True) as con:
        result = build_site(con, tmp_path / "site", run_info("f" * 64, "0", "run", 1, "now"),
                            extra_pages=[quality_page])
    assert "quality.html" in result.pages
    html = (tmp_path / "site" / "quality.html").read_text(encoding="utf-8")
    assert "No blocking expectation failed" in html and "rates_consistent_with_population" in html
    assert 'href="quality.html"' in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
