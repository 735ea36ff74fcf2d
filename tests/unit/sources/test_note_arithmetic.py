"""Sums written in the curated notes add up (the IC3 Phishing note once said 321,136 = 300,497 + 20,649)."""

import csv
import re
from pathlib import Path

import pytest

REFERENCE = Path(__file__).resolve().parents[3] / "data" / "reference"
#: "321,146 = Phishing 300,497 + Spoofing 20,649" or "300,497 plus 20,649 = 321,146": a total and its terms.
#: A figure, not a code: no leading zero, never a piece of a longer number (ICCS 0208, 02081 are codes).
NUMBER = r"(?<![\d,])(?:[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?![\d,]\d)"
TOTAL_FIRST = re.compile(rf"({NUMBER})\s*=\s*[A-Za-z ]*?({NUMBER})\s*(?:\+|plus)\s*[A-Za-z ]*?({NUMBER})")
TERMS_FIRST = re.compile(rf"({NUMBER})\s*(?:\+|plus)\s*[A-Za-z ]*?({NUMBER})\s*=\s*({NUMBER})")


def sums(text: str) -> list[tuple[int, int, int]]:
    """(total, term, term) of every sum written in ``text``."""
    def n(s: str) -> int:
        return int(s.replace(",", ""))

    found = [(n(t), n(a), n(b)) for t, a, b in TOTAL_FIRST.findall(text)]
    found += [(n(t), n(a), n(b)) for a, b, t in TERMS_FIRST.findall(text)]
    return found


def test_the_pattern_finds_a_wrong_sum() -> None:
    assert sums("restates 2022 as 321,136 = Phishing 300,497 + Spoofing 20,649") == [(321136, 300497, 20649)]
    assert sums("Phishing 300,497 plus Spoofing 20,649 = 321,146") == [(321146, 300497, 20649)]
    assert sums("ICCS 0208 = harassment 02081 + stalking 02082") == []


@pytest.mark.parametrize("path", sorted(REFERENCE.glob("*/*/*.csv")), ids=lambda p: p.parent.parent.name)
def test_every_sum_in_a_curated_note_adds_up(path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        for row_number, row in enumerate(csv.reader(f), start=1):
            for cell in row:
                for total, a, b in sums(cell):
                    assert total == a + b, f"{path.name} row {row_number}: {total:,} != {a:,} + {b:,} in {cell!r}"
