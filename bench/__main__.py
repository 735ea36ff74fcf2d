"""``python -m bench [--rows N] [--repeats K]``: the validation benchmark (see bench/validation.py)."""

import argparse
import sys

from bench.validation import describe, run, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic observation rows (default 1,000,000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats of each phase; the median is kept")
    args = parser.parse_args(argv)
    report = run(rows=args.rows, repeats=args.repeats)
    print(describe(report))
    print(f"  written: {write(report)}")
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
