"""The bad-input corpus through the whole command: after a good publication, each broken file makes
``cyberstats run`` exit 1, naming the file, row, column and expectation, and leaves the published
warehouse and site byte-identical and the file itself untouched. Odd but valid files load.

Every failing case is a file of its own, so all of them go through one run (which also shows that
one run names every problem): a whole run per case would take about 7 minutes on two cores. One
case per failure mechanism (ALONE) also runs on its own (test_corpus_alone.py), to show that it alone
fails the run; odd but valid inputs are in test_corpus_odd_inputs.py and --allow-quarantine in
test_corpus_allow_quarantine.py (separate files, so that pytest-xdist can run them side by side).
"""

import contextlib
import io
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from tests.bad_inputs.corpus import CASES, UNODC_2024, Case
from tests.bad_inputs.helpers import Outcome, assert_case, clone, drop, publication, quarantine_listing
from tests.integration.helpers import run_cli, warehouse


@pytest.fixture(scope="module")
def every_case(published: Path, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    """All failing cases at once, each its own file: one run names every problem (capsys is
    function-scoped, so this module-scoped run captures its output itself)."""
    out, err = io.StringIO(), io.StringIO()
    data = clone(published, tmp_path_factory.mktemp("every"))
    before = publication(data)
    contents = {case.target: drop(data, case)[1] for case in CASES}
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run_cli(data)
    return Outcome(data, code, err.getvalue(), contents, quarantine_listing(data), before)


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
