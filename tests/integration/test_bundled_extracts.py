"""data/ is exactly what tools/build_extracts.py makes from ../shared (no hand edits, no drift)."""

from pathlib import Path

from tests.conftest import BUNDLED, SHARED


def test_bundled_data_regenerates_byte_for_byte(tmp_path: Path, real: Path) -> None:
    import tools.build_extracts as build

    written = build.write_all(build.build_all(SHARED), tmp_path)
    for path in written:
        rel = path.relative_to(tmp_path)
        assert (BUNDLED / rel).read_bytes() == path.read_bytes(), f"data/{rel} differs from a fresh extract"
    # Every data file under sources/ and reference/ is an extract (only documentation is hand-written).
    bundled = {p.relative_to(BUNDLED) for p in BUNDLED.rglob("*") if p.is_file() and p.suffix != ".md"
               and p.parts[len(BUNDLED.parts)] in ("sources", "reference")}
    assert bundled == {p.relative_to(tmp_path) for p in written}


def test_every_extract_has_a_complete_sidecar() -> None:
    import yaml

    for path in (BUNDLED / "sources").rglob("*.csv"):
        side = yaml.safe_load(path.with_name(path.name + ".source.yml").read_text())
        for key in ("publisher", "title", "release", "url", "licence", "retrieved", "original", "extract"):
            assert side.get(key), f"{path}: sidecar lacks {key}"
        assert len(side["original"]["sha256"]) == 64
