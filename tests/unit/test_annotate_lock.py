"""`make lock` says why every pin of the constraints file is there."""

from tools.annotate_lock import annotate


def test_every_pin_says_why_and_stays_a_valid_pin() -> None:
    out = annotate(["# header", "polars==2.1.0", "numpy==2.4.6", "alembic==1.20.1"])
    assert out[0] == "# header"
    polars, numpy, alembic = out[1:]
    assert polars.startswith("polars==2.1.0 ") and "# direct (runtime;" in polars
    assert numpy.split("#")[0].strip() == "numpy==2.4.6" and "via" in numpy and "pandas" in numpy
    assert alembic.endswith("# via dagster")


def test_the_committed_constraints_are_annotated() -> None:
    from pathlib import Path

    lines = (Path(__file__).parents[2] / "requirements" / "constraints.txt").read_text().splitlines()
    pins = [line for line in lines if line and not line.startswith("#")]
    assert len(pins) > 50 and all("==" in p and "  # " in p for p in pins)
