"""Read a source's files one by one and screen them: the plain logic behind the staging assets and
``cyberstats validate``.

A file is quarantined (left out, recorded, never touched) when its reader refuses it, or when any
of its rows fails a blocking row-level expectation of its staging table's suite. The other files
load. Nothing here writes anywhere.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.quality.quarantine import Quarantined, from_crash, from_input_error, from_results
from pipelines.quality.runner import Result, run_suite
from pipelines.quality.suites import References, suite_for
from pipelines.sources import SourceSpec


@dataclass(frozen=True)
class SourceFile:
    path: Path  # where to read the bytes (the raw store's exact copy, or the file itself)
    relpath: str  # the name used in messages and in source_file
    release: str
    sidecar: dict = field(default_factory=dict, compare=False, hash=False)
    sha256: str | None = None


@dataclass
class Loaded:
    frames: dict[str | None, pl.DataFrame]  # layout (None: single-table source) -> rows of all good files
    quarantined: list[Quarantined]
    screened: list[Result] = field(default_factory=list)  # results of the screening expectations

    def files_left_out(self) -> list[str]:
        return sorted({q.relpath for q in self.quarantined})


def staged_tables(spec: SourceSpec) -> list[tuple[str | None, str]]:
    """(layout, staging table) pairs of a source; layout None for single-table readers."""
    if spec.layouts:
        return [(layout, table) for layout, table in spec.layouts if table]
    return [(None, spec.tables[0])]


def read_files(spec: SourceSpec, files: Iterable[SourceFile]) -> Loaded:
    """Run the source's reader over each file; a file it refuses is quarantined, the rest load."""
    frames: dict[str | None, list[pl.DataFrame]] = {}
    quarantined: list[Quarantined] = []
    for f in sorted(files, key=lambda f: f.relpath):
        try:
            result = spec.read(f.path, f.relpath, f.release, f.sidecar, f.sha256)
        except InputError as exc:
            quarantined.append(from_input_error(spec.source_id, f.relpath, f.sha256, exc))
            continue
        except Exception as exc:  # a reader crash on odd bytes: the file cannot be parsed either
            quarantined.append(from_crash(spec.source_id, f.relpath, f.sha256, exc))
            continue
        layout, frame = result if isinstance(result, tuple) else (None, result)
        frames.setdefault(layout, []).append(frame)
    return Loaded({k: pl.concat(v, how="diagonal_relaxed") for k, v in frames.items()}, quarantined)


def screen(spec: SourceSpec, loaded: Loaded, refs: References, sha256: dict[str, str]) -> Loaded:
    """Run each staging table's blocking row-level expectations; quarantine files with failing rows."""
    screened: list[Result] = []
    failed: list[Quarantined] = []
    for layout, table in staged_tables(spec):
        suite = suite_for("staging", table)
        frame = loaded.frames.get(layout)
        if suite is None or frame is None or frame.height == 0 or not suite.screening():
            continue
        results = run_suite(frame, suite, refs, suite.screening())
        screened += results
        failed += from_results(spec.source_id, results, sha256)
    bad = sorted({q.relpath for q in failed})
    frames = {k: (f.filter(~pl.col("source_file").is_in(bad)) if bad and "source_file" in f.columns else f)
              for k, f in loaded.frames.items()}
    return Loaded(frames, loaded.quarantined + failed, loaded.screened + screened)


def screening_references(spec: SourceSpec) -> set[str]:
    names: set[str] = set()
    for _, table in staged_tables(spec):
        suite = suite_for("staging", table)
        if suite is not None:
            names |= suite.references(suite.screening())
    return names


def screening_needs(spec: SourceSpec) -> list[tuple[str, str]]:
    """Staging tables a source's screening reads (the Dagster dependencies of its staging asset)."""
    needs: set[tuple[str, str]] = set()
    for _, table in staged_tables(spec):
        suite = suite_for("staging", table)
        if suite is not None:
            needs |= set(suite.needs(suite.screening()))
    return sorted(needs - {("staging", t) for _, t in staged_tables(spec)})
