"""``cyberstats validate FILE --source SOURCE_ID``: check one file without loading it anywhere.

The file is read with its source's registered reader and its staging table's whole suite runs on
the result, with the reference tables its suite reads (UN M49, ISO 4217 currencies, World Bank
population; for a crosswalk file, the verified ICCS codes and Convention articles of the newest
crosswalk release) read from the data directory. Nothing is written: no database, no copy, no GX
files (GX runs in memory).
"""

from dataclasses import dataclass, field
from pathlib import Path

from pipelines.catalog import load_sidecar, sha256_file
from pipelines.errors import ConfigError, InputError
from pipelines.quality.quarantine import Quarantined, from_input_error
from pipelines.quality.references import references_from_data_dir
from pipelines.quality.runner import Result, run_suite
from pipelines.quality.screening import SourceFile, read_files, staged_tables
from pipelines.quality.suites import suite_for
from pipelines.sources import ALL, SourceSpec


@dataclass
class FileReport:
    file: str
    spec: SourceSpec
    rows: dict[str, int] = field(default_factory=dict)  # staging table -> rows the file gives
    unreadable: Quarantined | None = None
    results: list[Result] = field(default_factory=list)
    references: str = ""

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if not r.success and r.blocking]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if not r.success and not r.blocking]

    @property
    def ok(self) -> bool:
        return self.unreadable is None and not self.failures

    def lines(self) -> list[str]:
        out = [f"  file      {self.file}", f"  source    {self.spec.source_id} ({self.spec.title})"]
        if self.unreadable is not None:
            out += ["", "FAILED: the file cannot be read; a run would quarantine it.",
                    f"  - {self.unreadable.message}"]
            return out
        for table, n in self.rows.items():
            out.append(f"  rows      {n:,} (staging.{table})")
        out.append(f"  checked   {len(self.results)} expectation results; references from {self.references}")
        if self.failures:
            names = sorted({r.expectation for r in self.failures})
            out += ["", f"FAILED: {len(names)} blocking expectation(s) failed ({', '.join(names)}); "
                        "a run would quarantine this file."]
            out += [f"  - {line}" for r in self.failures for line in r.lines()]
        else:
            out += ["", "OK: every blocking expectation holds."]
        if self.warnings:
            out += ["", "Warnings (drift; they do not block publication):"]
            out += [f"  - {line}" for r in self.warnings for line in r.lines()]
        return out


def validate_file(path: Path, source_id: str, data_dir: Path, release: str | None = None,
                  name: str | None = None, sidecar: dict | None = None) -> FileReport:
    """Read ``path`` as a ``source_id`` file and run its staging suite(s). Writes nothing.

    ``sidecar``: the provenance the file will be read with (default: its ``.source.yml``, if any)."""
    if source_id not in ALL:
        raise ConfigError(f"unknown source {source_id!r}; known: {', '.join(sorted(ALL))}")
    if not path.is_file():
        raise ConfigError(f"{path} is not a file")
    spec = ALL[source_id]
    name = name or str(path)
    report = FileReport(name, spec)
    sha = sha256_file(path)
    if sidecar is None:
        try:
            sidecar = load_sidecar(path, name)
        except InputError as exc:
            report.unreadable = from_input_error(source_id, name, sha, exc)
            return report
    loaded = read_files(spec, [SourceFile(path, name, release or path.parent.name, sidecar, sha)])
    if loaded.quarantined:
        report.unreadable = loaded.quarantined[0]
        return report
    suites = [suite for _, table in staged_tables(spec) if (suite := suite_for("staging", table)) is not None]
    refs = references_from_data_dir(data_dir, set().union(*(suite.references() for suite in suites)))
    report.references = str(data_dir / "reference")
    for layout, table in staged_tables(spec):
        frame = loaded.frames.get(layout)
        suite = suite_for("staging", table)
        if frame is None or suite is None:
            continue
        report.rows[table] = frame.height
        report.results += run_suite(frame, suite, refs)
    return report
