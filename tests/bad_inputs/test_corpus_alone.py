"""One case per failure mechanism of the corpus (tests/bad_inputs/corpus.py, ALONE) on its own: it alone
fails the whole run, is named and quarantined, and changes nothing published. The value_negative run is
the session's shared one (tests/conftest.py negative_value_blocked; tests/assets/test_checks.py reads what
Dagster recorded of it)."""

from pathlib import Path

import pytest

from tests.bad_inputs.corpus import ALONE, CASES, Case
from tests.bad_inputs.helpers import assert_case, run_with


@pytest.mark.parametrize("case", [c for c in CASES if c.id in ALONE], ids=list(ALONE))
def test_alone_a_bad_file_fails_the_run(case: Case, published: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture, request: pytest.FixtureRequest) -> None:
    if case.id == "value_negative":
        outcome, _ = request.getfixturevalue("negative_value_blocked")
    else:
        outcome = run_with(published, tmp_path, [case], capsys)
    assert_case(outcome, case)
