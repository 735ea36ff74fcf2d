"""Asset checks: every suite of pipelines/quality/suites.py as Dagster checks on its table.

One multi-asset check per table runs the table's suite through Great Expectations
(pipelines.quality.runner) and yields one check per expectation. Blocking expectations are
``blocking=True`` checks failing with ERROR severity: Dagster then runs nothing downstream of the
table in that run (verified in dagster 1.13: check-only nodes with blocking specs gate their
asset's downstream steps, ``_core/definitions/assets/job/asset_job.py``), so nothing is published.
Drift expectations fail with WARN severity and block nothing. Every result is appended to
``quality.validation_results``.

Staging tables of registered sources also get ``files_not_quarantined`` (blocking unless the run
allows quarantine) and, for observation sources, ``rows_loaded_match_file`` (rows loaded from each
file = data rows in the file, counted independently of the reader).

:func:`domain_check` is the one way the domain checks (pipelines/assets/crosswalk_checks.py,
pipelines/assets/indicator_checks.py) become Dagster checks: their plain evaluation returns a
:class:`~pipelines.quality.findings.Finding`, recorded in ``quality.validation_results`` like every
suite result, so the history and the quality page hold every check of every run.
"""

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.assets.resources import CyberstatsResource, run_started
from pipelines.build import Build
from pipelines.quality import quarantine
from pipelines.quality.findings import Finding, finding_result
from pipelines.quality.history import record_results, to_result
from pipelines.quality.reconcile import reconcile_rows
from pipelines.quality.references import references_from_db
from pipelines.quality.runner import FileHits, Result, run_suite
from pipelines.quality.screening import staged_tables
from pipelines.quality.suites import BLOCKING, OPTIONAL_REFERENCES, REFERENCE_TABLES, WARN, Suite, suites
from pipelines.sources import ALL, SourceSpec
from pipelines.warehouse import table_exists

QUARANTINE_CHECK = "files_not_quarantined"
RECONCILE_CHECK = "rows_loaded_match_file"
#: Failure lines kept per check (in its metadata, and so in what `cyberstats run` prints).
MAX_LISTED = 200


def _source_of(suite: Suite) -> SourceSpec | None:
    """The registered source whose first staging table this is (it carries the file-level checks)."""
    for spec in ALL.values():
        tables = staged_tables(spec)
        if suite.schema == "staging" and tables and tables[0][1] == suite.table:
            return spec
    return None


def quarantine_result(suite: Suite, spec: SourceSpec, records: pl.DataFrame, files: int,
                      allowed: bool) -> Result:
    left_out = quarantine.files_left_out(records)
    messages = tuple(f"quarantined: {r['message']}" for r in records.iter_rows(named=True))
    note = None
    if left_out and allowed:
        note = f"published without {len(left_out)} quarantined file(s) (--allow-quarantine)"
    return Result(
        table=suite.key, expectation=QUARANTINE_CHECK, column=None, severity=WARN if allowed else BLOCKING,
        success=not left_out, element_count=files, unexpected_count=len(left_out),
        sample_values=tuple(left_out[:10]),
        files=tuple(FileHits(r["relpath"], int(r["unexpected_rows"] or 1),
                             (int(r["row_number"]),) if r["row_number"] is not None else (),
                             (str(r["found"] or ""),)) for r in records.iter_rows(named=True)),
        description=f"every {spec.title} file readable and passing its blocking expectations",
        note=note, messages=messages[:MAX_LISTED] + ((f"... and {len(messages) - MAX_LISTED} more",)
                                                    if len(messages) > MAX_LISTED else ()))


def reconcile_result(suite: Suite, spec: SourceSpec, frame: pl.DataFrame, manifest: pl.DataFrame,
                     left_out: set[str]) -> Result:
    files = [(r["relpath"], Path(r["stored_copy"])) for r in manifest.iter_rows(named=True)
             if r["relpath"] not in left_out]
    rec = reconcile_rows(frame, files, spec.header_marker, spec.row_count)
    bad = rec.filter(~pl.col("rows_match"))
    return Result(
        table=suite.key, expectation=RECONCILE_CHECK, column=None, severity=BLOCKING, success=bad.height == 0,
        element_count=rec.height, unexpected_count=bad.height,
        description="as many rows loaded from each file as it has data rows (counted independently of the reader)",
        messages=tuple(f"{r['source_file']}: {r['rows_loaded']:,} rows loaded, but the file has "
                       f"{r['rows_in_file']:,} data rows (expectation {RECONCILE_CHECK})"
                       for r in bad.iter_rows(named=True)),
        files=tuple(FileHits(r["source_file"], abs(r["rows_in_file"] - r["rows_loaded"]), (), ())
                    for r in bad.iter_rows(named=True)))


def screened_results(con, run_id: str, suite: Suite) -> list[Result] | None:
    """This run's screening results for ``suite`` (recorded by the staging asset), if complete.

    Screening evaluated the blocking row-level expectations on every row of every readable file
    and left out each file with a failing row, so on the table as written they hold by
    construction (removing rows cannot make a row fail them or create a duplicate). Reporting the
    screening results instead of evaluating them again keeps the failing rows of quarantined files
    visible (file, row, value) and halves the validation work.
    """
    names = {e.name for e in suite.screening()}
    if not names or not table_exists(con, "quality", "validation_results"):
        return None
    rows = con.execute("SELECT * FROM quality.validation_results WHERE run_id = ? AND table_name = ?",
                       [run_id, suite.key]).pl()
    rows = rows.filter(pl.col("expectation").is_in(sorted(names)))
    if set(rows["expectation"].to_list()) != names:
        return None
    return [to_result(r) for r in rows.iter_rows(named=True)]


def check_metadata(results: list[Result]) -> dict:
    failing = [r for r in results if not r.success]
    lines = [line for r in failing for line in r.lines()]
    meta = {
        "unexpected_rows": sum(r.unexpected_count for r in results),
        "rows_evaluated": max((r.element_count for r in results), default=0),
        "columns": ", ".join(r.column for r in results if r.column) or "(table)",
        "expected": results[0].description if results else "",
    }
    if lines:
        meta["failures"] = dg.MetadataValue.md("\n".join(f"- {line}" for line in lines[:MAX_LISTED]))
    gx = sorted({r.gx_expectation for r in results if r.gx_expectation})
    if gx:
        meta["gx_expectations"] = ", ".join(gx)
    notes = sorted({r.note for r in results if r.note})
    if notes:
        meta["note"] = "; ".join(notes)
    return meta


def build_suite_check(suite: Suite, crosswalk_loaded: bool = False) -> dg.AssetChecksDefinition:
    """One multi-asset check for ``suite``'s table: one Dagster check per expectation name."""
    asset = [suite.schema, suite.table]
    deps = [list(d) for d in suite.needs()]
    if crosswalk_loaded and suite.references() & OPTIONAL_REFERENCES:
        deps.append(list(REFERENCE_TABLES["crosswalk_categories"]))
    by_name = {e.name: e for e in suite.expectations}
    # Every spec is blocking in Dagster's sense, so that everything downstream (and so the publication
    # step, which verifies that every check of its run was evaluated) runs after it; only a failure with
    # ERROR severity (a blocking expectation) stops the downstream steps.
    specs = [dg.AssetCheckSpec(name, asset=asset, blocking=True, additional_deps=deps,
                               description=f"{'Blocking' if by_name[name].blocking else 'Warning'}: expected "
                                           f"{by_name[name].description}.")
             for name in suite.names()]
    spec = _source_of(suite)
    if spec is not None:
        specs.append(dg.AssetCheckSpec(QUARANTINE_CHECK, asset=asset, blocking=True, additional_deps=deps,
                                       description="Blocking unless the run allows quarantine: every file was "
                                                   "readable and passed its blocking expectations."))
        if spec.is_observations:
            specs.append(dg.AssetCheckSpec(RECONCILE_CHECK, asset=asset, blocking=True, additional_deps=deps,
                                           description="Rows loaded from each file equal the data rows in the "
                                                       "file (counted independently of the reader)."))

    @dg.multi_asset_check(specs=specs, name=f"validate_{suite.schema}__{suite.table}")
    def _check(context: dg.AssetCheckExecutionContext, cyberstats: CyberstatsResource):
        build = cyberstats.build(context)
        con = build.con
        frame = build.read(suite.schema, suite.table)
        screened = screened_results(con, context.run.run_id, suite) if spec is not None else None
        todo = [e for e in suite.expectations if screened is None or e not in suite.screening()]
        results = run_suite(frame, suite, references_from_db(con, suite.references(todo)), todo)
        if spec is not None:
            manifest = build.read("raw", spec.raw_table)
            records = quarantine.listing(con, spec.source_id, run_id=context.run.run_id)
            results.append(quarantine_result(suite, spec, records, manifest.height, cyberstats.allow_quarantine))
            if spec.is_observations:
                left_out = set(quarantine.files_left_out(records))
                results.append(reconcile_result(suite, spec, frame, manifest, left_out))
        record_results(con, context.run.run_id, run_started(context), "/".join(asset), results)
        results += screened or []
        # Severities are as recorded: with --allow-quarantine, screening failures confined to the
        # files left out were recorded as warnings (quarantine.left_out_by_allowance).
        for name in [*suite.names(), *((QUARANTINE_CHECK,) if spec else ()),
                     *((RECONCILE_CHECK,) if spec and spec.is_observations else ())]:
            mine = [r for r in results if r.expectation == name]
            failing = [r for r in mine if not r.success]
            blocking = any(r.blocking for r in (failing or mine))  # a failure's severity is what counts
            yield dg.AssetCheckResult(
                asset_key=asset, check_name=name, passed=all(r.success for r in mine),
                severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
                metadata=check_metadata(mine))

    return _check


def build_checks(asset_keys: Iterable[tuple[str, ...]] = ()) -> list[dg.AssetChecksDefinition]:
    """Checks for every asset table whose contract declares more than its columns (the columns and types
    are enforced when the table is written); ``asset_keys`` are the tables that are assets."""
    keys = {tuple(k) for k in asset_keys}
    crosswalk = tuple(REFERENCE_TABLES["crosswalk_categories"]) in keys
    return [build_suite_check(suite, crosswalk) for suite in suites().values()
            if (suite.schema, suite.table) in keys and len(suite.expectations) > 1]


def domain_check(asset: dg.AssetKey, name: str, description: str, expected: str,
                 evaluate: Callable[[Build], tuple[Finding, dict]], *, blocking: bool = True,
                 additional_deps: Sequence[dg.AssetKey] = ()) -> dg.AssetChecksDefinition:
    """A Dagster check on ``asset`` whose outcome is also recorded in the validation history.

    ``evaluate`` reads what it needs from the run's build and returns the finding and the check's metadata (shown in the
    Dagster UI and by ``cyberstats run``); ``expected`` completes "expected ..." on the quality page.
    A failure has ERROR severity when ``blocking`` (nothing downstream runs), WARN otherwise.
    """

    # blocking=True for ordering (see build_suite_check); a warning fails with WARN severity and blocks nothing.
    @dg.asset_check(asset=asset, name=name, blocking=True, additional_deps=list(additional_deps),
                    description=f"{'Blocking' if blocking else 'Warning'}: {description}")
    def _check(context: dg.AssetCheckExecutionContext, cyberstats: CyberstatsResource) -> dg.AssetCheckResult:
        build = cyberstats.build(context)
        finding, metadata = evaluate(build)
        result = finding_result(".".join(asset.path), name, blocking, expected, finding)
        record_results(build.con, context.run.run_id, run_started(context), "/".join(asset.path), [result])
        return dg.AssetCheckResult(
            passed=finding.passed, metadata=metadata,
            severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN)

    return _check
