"""Write small curated reference tables (crosswalk, Convention events) for tests."""

import csv
import io
from pathlib import Path


def write_curated(path: Path, columns: tuple[str, ...], rows: list[dict]) -> Path:
    """A CSV with ``columns`` as header and one line per row (missing cells empty)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path
