"""data/ is exactly what tools/build_extracts.py makes from ../shared (no hand edits, no drift), plus the
curated reference tables, which are edited by hand and never written by it."""

import hashlib
from pathlib import Path

import pytest
import yaml

from tests.conftest import BUNDLED, SHARED

#: The curated reference folders (data edited by hand, each file with a hand-written sidecar).
CURATED = ("reference/offence_crosswalk", "reference/convention_status", "reference/loss_series",
           "reference/series_breaks")


def _data_files(kind: str | None = None) -> set[Path]:
    """Every data file (not a sidecar, not documentation) under data/sources and data/reference."""
    return {p.relative_to(BUNDLED) for p in BUNDLED.rglob("*") if p.is_file() and p.suffix != ".md"
            and not p.name.endswith(".source.yml") and p.parts[len(BUNDLED.parts)] in ("sources", "reference")
            and (kind is None or p.parts[len(BUNDLED.parts)] == kind)}


def _curated(rel: Path) -> bool:
    return rel.as_posix().startswith(tuple(f"{c}/" for c in CURATED))


def test_bundled_data_regenerates_byte_for_byte(tmp_path: Path, real: Path) -> None:
    import tools.build_extracts as build

    assert build.CURATED == CURATED
    written = build.write_all(build.build_all(SHARED), tmp_path)
    for path in written:
        rel = path.relative_to(tmp_path)
        assert (BUNDLED / rel).read_bytes() == path.read_bytes(), f"data/{rel} differs from a fresh extract"
    # Every other data file under sources/ and reference/ is a curated table (only documentation and the
    # curated tables are hand-written), and the tool writes none of those.
    extracts = {p.relative_to(tmp_path) for p in written if not p.name.endswith(".source.yml")}
    assert not any(_curated(p) for p in extracts)
    assert _data_files() - extracts == {p for p in _data_files() if _curated(p)}
    assert {p for p in _data_files() if _curated(p)} == {
        Path("reference/offence_crosswalk/2026-11-22/offence_crosswalk.csv"),
        Path("reference/offence_crosswalk/2026-11-22/iccs_codes.csv"),
        Path("reference/offence_crosswalk/2026-11-22/convention_articles.csv"),
        Path("reference/convention_status/2026-11-22/convention_events.csv"),
        Path("reference/loss_series/2026-11-22/headline_loss_series.csv"),
        Path("reference/series_breaks/2026-11-22/series_breaks.csv"),
    }


def test_build_extracts_refuses_to_write_a_curated_table(tmp_path: Path) -> None:
    import tools.build_extracts as build

    target = build.Extract(Path("reference/loss_series/2026-11-22/headline_loss_series.csv"), "x\n", {})
    with pytest.raises(SystemExit, match="curated"):
        build.write_all([target], tmp_path)
    assert not any(tmp_path.iterdir())


def test_every_extract_has_a_complete_sidecar() -> None:
    for path in (BUNDLED / "sources").rglob("*.csv"):
        side = yaml.safe_load(path.with_name(path.name + ".source.yml").read_text())
        for key in ("publisher", "title", "release", "url", "licence", "retrieved", "original", "extract"):
            assert side.get(key), f"{path}: sidecar lacks {key}"
        assert len(side["original"]["sha256"]) == 64


def test_every_curated_table_has_a_hand_written_sidecar() -> None:
    """Curated by cyberstats, from which facts (with their sha256), how to edit it, its licence."""
    for rel in sorted(p for p in _data_files("reference") if _curated(p)):
        sidecar = BUNDLED / rel.with_name(rel.name + ".source.yml")
        text = sidecar.read_text(encoding="utf-8")
        assert text.startswith("# Hand-written"), rel
        side = yaml.safe_load(text)
        for key in ("source_id", "publisher", "title", "release", "release_date", "licence", "curated",
                    "how_to_edit", "checked_by"):
            assert side.get(key), f"{rel}: sidecar lacks {key}"
        assert side["source_id"] == rel.parts[1] and side["release"] == rel.parts[2]
        assert side["publisher"].startswith("cyberstats") and side["curated"]["by"] == "cyberstats"
        assert "extract" not in side and "original" not in side, f"{rel}: a curated table is not an extract"
        assert side["curated"]["from"], rel
        for fact in side["curated"]["from"]:  # verified facts, or the publisher file a break is seen in
            assert fact["file"].startswith(("facts/", "real/")) and fact["used_for"], rel
            assert fact["sha256"] == hashlib.sha256((SHARED / fact["file"]).read_bytes()).hexdigest(), rel
