"""``python -m bench [--rows N] [--repeats K] [--out DIR] [--variant V ...]``: the validation benchmark
(see bench/validation.py). Synthetic files and the JSON report go to ``--out`` (default bench/out,
ignored by git)."""

import argparse
import sys
from pathlib import Path

from bench.validation import OUT, VARIANTS, describe, run, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic observation rows (default 1,000,000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats of each phase; the median is kept")
    parser.add_argument("--out", type=Path, default=OUT,
                        help=f"where the synthetic files and the JSON report go (default {OUT})")
    parser.add_argument("--variant", action="append", choices=list(VARIANTS), dest="variants",
                        help="measure only this variant (repeatable; default: all)")
    args = parser.parse_args(argv)
    if args.rows < 2 or args.repeats < 1:
        parser.error("--rows must be at least 2 and --repeats at least 1")
    out = args.out.expanduser().resolve()
    report = run(rows=args.rows, out=out, repeats=args.repeats, variants=tuple(args.variants or VARIANTS))
    print(describe(report))
    print(f"  written: {write(report, out)}")
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
