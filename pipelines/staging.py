"""Staging: one source's files, read and screened, into its typed staging table(s).

A plain function (:func:`stage`) the staging assets wire: it reads the exact copies the raw step
stored, screens each file against the blocking row-level expectations of its table's contract
(pipelines.quality.screening), and returns the frames of the files that pass, the files it
quarantines and the screening results. It joins nothing and aggregates nothing.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines import contracts
from pipelines.quality import quarantine
from pipelines.quality.runner import Result
from pipelines.quality.screening import SourceFile, read_files, screen, staged_tables
from pipelines.quality.suites import References
from pipelines.sources import SourceSpec


@dataclass
class Staged:
    #: staging table -> rows of the files that passed (conformed to the table's contract)
    frames: dict[str, pl.DataFrame]
    quarantined: list[quarantine.Quarantined] = field(default_factory=list)
    #: screening results per staging table (severities as they stand: with allow_quarantine, failures
    #: confined to the files left out are warnings)
    screened: dict[str, list[Result]] = field(default_factory=dict)
    #: why a table could not be built (a reference table with no file left), else None
    problem: str | None = None

    def files_left_out(self) -> list[str]:
        return sorted({q.relpath for q in self.quarantined})


def source_files(manifest: pl.DataFrame) -> list[SourceFile]:
    """The raw manifest's files, to be read from their exact copies in the raw store."""
    return [SourceFile(Path(r["stored_copy"]), r["relpath"], r["release"],
                       json.loads(r["sidecar_json"]) if r["sidecar_json"] else {}, r["sha256"])
            for r in manifest.iter_rows(named=True)]


def stage(spec: SourceSpec, manifest: pl.DataFrame,
          references: Callable[[Mapping[tuple[str, str], pl.DataFrame | None]], References],
          allow_quarantine: bool = False) -> Staged:
    """Read and screen ``spec``'s files (its raw manifest); a file the reader refuses or whose rows fail a
    blocking expectation is quarantined, the others load.

    ``references(own)`` gives the reference data the screening compares against, where ``own`` holds the
    tables this source builds itself (``(schema, table) -> frame``): the offence crosswalk is screened
    against the verified ICCS codes and Convention articles of its own release, read in the same step.

    A source with several staging tables (a reader returning ``(layout, frame)``) needs a frame for each;
    an observation source with no file left gets an empty table, a reference table does not: then
    ``problem`` says why (nothing to build it from), after the quarantine has been worked out.
    """
    loaded = read_files(spec, source_files(manifest))
    own = {("staging", table): loaded.frames.get(layout) for layout, table in staged_tables(spec)}
    loaded = screen(spec, loaded, references(own), dict(zip(manifest["relpath"], manifest["sha256"], strict=True)))
    screened = loaded.screened
    if allow_quarantine:  # the failing files are left out: their failures block nothing
        screened = quarantine.left_out_by_allowance(screened, loaded.files_left_out())
    frames: dict[str, pl.DataFrame] = {}
    problem = None
    for layout, table in staged_tables(spec):
        contract = contracts.load("staging", table)
        frame = loaded.frames.get(layout)
        if frame is None and spec.is_observations:
            frame = contract.empty()
        if frame is None:
            reasons = "; ".join(q.message for q in loaded.quarantined) or (
                f"no files under {spec.kind}/{spec.source_id}/")
            problem = problem or f"{spec.source_id}: nothing to build staging.{table} from: {reasons}"
            continue
        frames[table] = contract.conform(frame)
    by_table = {table: [r for r in screened if r.table == f"staging.{table}"] for _, table in staged_tables(spec)}
    return Staged(frames, loaded.quarantined, by_table, problem)


def union_observations(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Every source's observations in one canonical table."""
    contract = contracts.load("staging", "observations")
    return contract.conform(pl.concat(frames, how="vertical")) if frames else contract.empty()
