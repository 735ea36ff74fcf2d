"""Validation cost against ingest cost, on a synthetic UNODC export (``make bench``).

In one process, on one synthetic UNODC-layout CSV of N rows (default 1,000,000):

* ingest: the staging reader (``pipelines.sources.unodc_cts.read``) turning the file into
  canonical observations;
* validation: the whole ``staging.stg_unodc_cts__observations`` suite (every blocking and warning
  expectation, every row) through Great Expectations, with references from the bundled data.

GX's one-off import and context creation (3-7 s, once per process whatever the size) are timed
apart as warm-up; the ratio compares the per-file costs. Peak memory: the process's peak resident
set (``VmHWM``, reset before each phase where Linux allows it, else ``ru_maxrss``) and Python's own
allocations (``tracemalloc``; Polars and Arrow allocate outside Python and are not in it).
The target is validation <= 0.25 x ingest.
"""

import gc
import json
import resource
import time
import tracemalloc
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.synthetic import generate
from pipelines.quality.references import references_from_data_dir
from pipelines.quality.runner import run_suite, warm_up
from pipelines.quality.suites import suite_for
from pipelines.settings import BUNDLED_DATA_DIR
from pipelines.sources import unodc_cts

TARGET_RATIO = 0.25
OUT = Path(__file__).resolve().parent / "out"


@dataclass
class Phase:
    seconds: float
    rss_before_mb: float  # resident set when the phase started (validation: the frame is in memory)
    peak_rss_mb: float  # the process's peak resident set during the phase
    peak_python_mb: float  # peak of Python's own allocations (tracemalloc, separate untimed run)


@dataclass
class Report:
    rows: int
    file: str
    file_mb: float
    warm_up_seconds: float
    ingest: Phase
    validation: Phase
    ratio: float
    target_ratio: float
    passed: bool
    expectation_results: int
    failed_results: list[str]
    repeats: int


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS counter for this process (Linux >= 4.0); False if not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _peak_rss_mb() -> float:
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn):
    """(value, seconds, (RSS before, peak RSS) MB) of one call; no tracing, so timing is undisturbed."""
    gc.collect()
    _reset_peak()
    before = _status_mb("VmRSS") or 0.0
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started, (before, _peak_rss_mb())


def _python_peak_mb(fn) -> float:
    """Peak of Python's own allocations during ``fn`` (tracemalloc slows Python code: not timed)."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _median(runs: list[tuple]) -> tuple:
    return sorted(runs, key=lambda r: r[0])[len(runs) // 2]


def run(rows: int = 1_000_000, out: Path = OUT, data_dir: Path = BUNDLED_DATA_DIR, repeats: int = 3) -> Report:
    """Generate (or reuse) the synthetic file, then time ingest and validation ``repeats`` times
    each (alternating, so machine load hits both alike) and report each phase's median."""
    path = out / f"unodc_synthetic_{rows}.csv"
    if not path.is_file():
        generate(path, rows, data_dir)
    name = f"sources/unodc_cts/2026-11-22/{path.name}"
    suite = suite_for("staging", "stg_unodc_cts__observations")
    started = time.perf_counter()
    warm_up()
    refs = references_from_data_dir(data_dir)
    # Warm GX's code paths on a real bundled UNODC extract (a few thousand rows).
    sample = next((data_dir / "sources" / "unodc_cts").rglob("*.csv"))
    run_suite(unodc_cts.read(sample, sample.name, sample.parent.name), suite, refs)
    warm = time.perf_counter() - started

    def ingest():
        return unodc_cts.read(path, name, "2026-11-22", {}, "0" * 64)

    ingests, validations, results = [], [], []
    for _ in range(repeats):
        frame, seconds, rss = _timed(ingest)
        ingests.append((seconds, rss))
        results, seconds, rss = _timed(lambda frame=frame: run_suite(frame, suite, refs))
        validations.append((seconds, rss))
        del frame
    last = ingest()
    python_validation = _python_peak_mb(lambda last=last: run_suite(last, suite, refs))
    del last
    python_ingest = _python_peak_mb(ingest)
    (ingest_s, ingest_rss), (valid_s, valid_rss) = _median(ingests), _median(validations)
    ratio = round(valid_s / ingest_s, 3)
    return Report(rows, str(path), round(path.stat().st_size / 2**20, 1), round(warm, 2),
                  Phase(round(ingest_s, 3), round(ingest_rss[0], 1), round(ingest_rss[1], 1), round(python_ingest, 1)),
                  Phase(round(valid_s, 3), round(valid_rss[0], 1), round(valid_rss[1], 1),
                        round(python_validation, 1)), ratio,
                  TARGET_RATIO, ratio <= TARGET_RATIO, len(results),
                  [f"{r.expectation}/{r.column}: {r.unexpected_count}" for r in results if not r.success], repeats)


def write(report: Report, out: Path = OUT) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"validation_{report.rows}.json"
    target.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
    return target


def describe(report: Report) -> str:
    return "\n".join([
        f"validation benchmark: {report.rows:,} synthetic UNODC rows ({report.file_mb} MB CSV, {report.file})",
        f"  GX import + context (once per process, excluded):  {report.warm_up_seconds:6.2f} s",
        f"  ingest (staging reader):     {report.ingest.seconds:6.2f} s  RSS {report.ingest.rss_before_mb:7.1f} -> "
        f"peak {report.ingest.peak_rss_mb:7.1f} MB  python peak {report.ingest.peak_python_mb:6.1f} MB",
        f"  validation ({report.expectation_results} results): {report.validation.seconds:6.2f} s  RSS "
        f"{report.validation.rss_before_mb:7.1f} -> peak {report.validation.peak_rss_mb:7.1f} MB  python peak "
        f"{report.validation.peak_python_mb:6.1f} MB",
        f"  ratio validation/ingest:     {report.ratio:6.3f}  (target <= {report.target_ratio}; "
        f"{'met' if report.passed else 'NOT met'}; median of {report.repeats})",
        *(f"  failed: {f}" for f in report.failed_results),
    ])
