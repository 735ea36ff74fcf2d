"""Validation cost against ingest cost, on synthetic UNODC exports (``make bench``).

In one process, for each variant of one synthetic UNODC-layout CSV of N rows (default 1,000,000):

* ingest: the staging reader (``pipelines.sources.unodc_cts.read``) turning the file into
  canonical observations;
* validation: the whole ``staging.stg_unodc_cts__observations`` suite (every blocking and warning
  expectation, every row) through Great Expectations, with references from the bundled data.

The ratio is validation / ingest of the same file, both measured in the same run. Variants:
``valid`` (every row valid), ``invalid_1pct`` (1% of the rows with a negative VALUE) and
``duplicate_keys`` (1% of the rows repeat another row's key): validation of bad data also counts
and names every failing row, which the valid file never needs.

GX's one-off import and context creation (3-7 s, once per process whatever the size) are timed
apart as warm-up; the ratio compares the per-file costs. Peak memory: the process's peak resident
set (``VmHWM``, reset before each phase where Linux allows it, else ``ru_maxrss``) and Python's own
allocations (``tracemalloc``; Polars and Arrow allocate outside Python and are not in it).
The target is validation <= 0.25 x ingest. Nothing here is a test: timings depend on the machine
and its load, which the report records.
"""

import gc
import json
import os
import platform
import resource
import time
import tracemalloc
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from bench.synthetic import generate
from pipelines.quality.references import references_from_data_dir
from pipelines.quality.runner import run_suite, warm_up
from pipelines.quality.suites import suite_for
from pipelines.sources import unodc_cts

TARGET_RATIO = 0.25
OUT = Path(__file__).resolve().parent / "out"
#: The checkout's bundled data (the benchmark runs from a checkout, never from an installed package).
DATA_DIR = Path(__file__).resolve().parents[1] / "data"
#: variant -> (what it is, generate() arguments)
VARIANTS: dict[str, tuple[str, dict]] = {
    "valid": ("every row valid", {}),
    "invalid_1pct": ("1% of the rows with a negative VALUE", {"invalid_share": 0.01}),
    "duplicate_keys": ("1% of the rows repeating another row's key", {"duplicate_share": 0.01}),
}


@dataclass
class Phase:
    seconds: float  # wall time, median of the repeats
    best_seconds: float  # wall time, fastest repeat (least disturbed by other work on the machine)
    cpu_seconds: float  # CPU time of the process (all threads), median of the repeats
    rss_before_mb: float  # resident set when the phase started (validation: the frame is in memory)
    peak_rss_mb: float  # the process's peak resident set during the phase
    peak_python_mb: float  # peak of Python's own allocations (tracemalloc, separate untimed run)


@dataclass
class Measurement:
    variant: str
    description: str
    file: str
    file_mb: float
    ingest: Phase
    validation: Phase
    ratio: float  # validation seconds / ingest seconds (medians), same file, same run
    best_ratio: float  # the same with the fastest repeat of each phase
    cpu_ratio: float  # the same with CPU time
    passed: bool  # ratio <= target
    expectation_results: int
    failed_results: list[str]  # expectation/column: failing rows (intended in the broken variants)


@dataclass
class Machine:
    cpus: int | None
    usable_cpus: int | None
    load_average_1min: float | None  # when the benchmark started (other work on the machine)
    system: str
    python: str
    versions: dict[str, str] = field(default_factory=dict)


@dataclass
class Report:
    rows: int
    repeats: int
    target_ratio: float
    warm_up_seconds: float
    machine: Machine
    measurements: list[Measurement]

    @property
    def passed(self) -> bool:
        return all(m.passed for m in self.measurements)

    def measurement(self, variant: str) -> Measurement:
        return next(m for m in self.measurements if m.variant == variant)


def machine() -> Machine:
    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return Machine(os.cpu_count(), usable, round(load, 2) if load is not None else None,
                   f"{platform.system()} {platform.release()} {platform.machine()}", platform.python_version(),
                   {p: version(p) for p in ("polars", "pyarrow", "pandas", "great_expectations")})


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS counter for this process (Linux >= 4.0); False if not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _status_mb(field_name: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _peak_rss_mb() -> float:
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn):
    """(value, (wall, CPU) seconds, (RSS before, peak RSS) MB) of one call; no tracing, so timing is
    undisturbed."""
    gc.collect()
    _reset_peak()
    before = _status_mb("VmRSS") or 0.0
    started, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, (time.perf_counter() - started, time.process_time() - cpu), (before, _peak_rss_mb())


def _python_peak_mb(fn) -> float:
    """Peak of Python's own allocations during ``fn`` (tracemalloc slows Python code: not timed)."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _phase(runs: list[tuple], python_mb: float) -> Phase:
    """Median wall and CPU time, fastest wall time, and the RSS of the median run."""
    walls = [r[0][0] for r in runs]
    median_run = sorted(runs, key=lambda r: r[0][0])[len(runs) // 2]
    return Phase(round(_median(walls), 3), round(min(walls), 3), round(_median([r[0][1] for r in runs]), 3),
                 round(median_run[1][0], 1), round(median_run[1][1], 1), round(python_mb, 1))


def synthetic_file(out: Path, rows: int, variant: str, data_dir: Path) -> Path:
    """The variant's synthetic file in ``out`` (generated once, then reused)."""
    suffix = "" if variant == "valid" else f"_{variant}"
    path = out / f"unodc_synthetic_{rows}{suffix}.csv"
    if not path.is_file():
        generate(path, rows, data_dir, **VARIANTS[variant][1])
    return path


def measure(path: Path, variant: str, suite, refs, repeats: int) -> Measurement:
    """Ingest and validation of one file, ``repeats`` times each (alternating, so machine load hits
    both alike); each phase's median."""
    name = f"sources/unodc_cts/2026-11-22/{path.name}"

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
    ing, val = _phase(ingests, python_ingest), _phase(validations, python_validation)
    ratio = round(val.seconds / ing.seconds, 3)
    return Measurement(
        variant, VARIANTS[variant][0], str(path), round(path.stat().st_size / 2**20, 1), ing, val, ratio,
        round(val.best_seconds / ing.best_seconds, 3), round(val.cpu_seconds / ing.cpu_seconds, 3),
        ratio <= TARGET_RATIO, len(results),
        [f"{r.expectation}/{r.column}: {r.unexpected_count:,} rows" for r in results if not r.success])


def run(rows: int = 1_000_000, out: Path = OUT, data_dir: Path = DATA_DIR, repeats: int = 3,
        variants: tuple[str, ...] = tuple(VARIANTS)) -> Report:
    """Generate (or reuse) each variant's synthetic file in ``out``, then measure each."""
    host = machine()
    files = {v: synthetic_file(out, rows, v, data_dir) for v in variants}
    suite = suite_for("staging", "stg_unodc_cts__observations")
    started = time.perf_counter()
    warm_up()
    refs = references_from_data_dir(data_dir)
    # Warm GX's code paths on a real bundled UNODC extract (a few thousand rows).
    sample = next((data_dir / "sources" / "unodc_cts").rglob("*.csv"))
    run_suite(unodc_cts.read(sample, sample.name, sample.parent.name), suite, refs)
    warm = time.perf_counter() - started
    measured = [measure(files[v], v, suite, refs, repeats) for v in variants]
    return Report(rows, repeats, TARGET_RATIO, round(warm, 2), host, measured)


def write(report: Report, out: Path = OUT) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"validation_{report.rows}.json"
    target.write_text(json.dumps({**asdict(report), "passed": report.passed}, indent=2) + "\n", encoding="utf-8")
    return target


def describe(report: Report) -> str:
    m = report.machine
    head = [
        f"validation benchmark: {report.rows:,} synthetic UNODC rows per file; validation = the whole "
        "staging.stg_unodc_cts__observations suite through Great Expectations; ingest = the staging reader",
        f"  machine: {m.usable_cpus} usable CPU cores (of {m.cpus}), {m.system}, Python {m.python}, "
        + ", ".join(f"{k} {v}" for k, v in m.versions.items())
        + (f"; load average {m.load_average_1min} at start" if m.load_average_1min is not None else ""),
        f"  GX import + context (once per process, not counted): {report.warm_up_seconds:.2f} s; "
        f"median of {report.repeats} runs per phase",
        "",
        f"  {'variant':<15} {'ingest s':>9} {'peak RSS MB':>12} {'validation s':>13} {'peak RSS MB':>12} "
        f"{'ratio':>7}  verdict (target <= {report.target_ratio})  {'best':>6} {'CPU':>6}",
    ]
    rows = [f"  {x.variant:<15} {x.ingest.seconds:>9.2f} {x.ingest.peak_rss_mb:>12.0f} {x.validation.seconds:>13.2f} "
            f"{x.validation.peak_rss_mb:>12.0f} {x.ratio:>7.3f}  {'met' if x.passed else 'NOT met':<25} "
            f"{x.best_ratio:>6.3f} {x.cpu_ratio:>6.3f}"
            for x in report.measurements]
    notes = ["", "  ratio: validation / ingest of the same file, medians of wall time (the verdict); best: the "
             "fastest repeat of each; CPU: process CPU time (all threads), less sensitive to other load;",
             "  peak RSS: the process's peak resident set during the phase (the validated frame is already in "
             "memory: RSS before validation " + ", ".join(f"{x.variant} {x.validation.rss_before_mb:.0f} MB"
                                                          for x in report.measurements) + ");",
             "  Python's own allocations at peak (tracemalloc): " + ", ".join(
                 f"{x.variant} ingest {x.ingest.peak_python_mb:.0f} MB / validation "
                 f"{x.validation.peak_python_mb:.0f} MB" for x in report.measurements) + "."]
    failed = [f"  {x.variant}: {x.expectation_results} results, failing: {', '.join(x.failed_results) or 'none'}"
              for x in report.measurements]
    verdict = (f"  verdict: validation costs at most {report.target_ratio} x ingest for every variant"
               if report.passed else
               f"  verdict: the {report.target_ratio} x ingest budget is NOT met by "
               + ", ".join(x.variant for x in report.measurements if not x.passed))
    return "\n".join([*head, *rows, *notes, "", *failed, "", verdict])
