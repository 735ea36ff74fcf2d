"""Odd but valid inputs of the corpus load with the same numbers as the clean files."""

import contextlib
import io
import shutil
from pathlib import Path

import polars as pl
import pytest

from pipelines.cli import main
from tests.bad_inputs.corpus import FORMULA_TEXT, PASS_CASES, UNICODE_TARGET, UNODC_2022_CP1252, Case
from tests.bad_inputs.helpers import drop, staged
from tests.conftest import copy_bundled
from tests.integration.helpers import run_cli


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
