"""The corpus tests start from the session's golden publication (tests/conftest.py)."""

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def published(golden) -> Path:
    """A data directory with a good publication next to it (warehouse and site): the session's golden
    build, only ever cloned here."""
    return golden.root
