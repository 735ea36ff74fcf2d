"""The report site's pages under an accessibility audit in Chromium (a file of its own, so that
pytest-xdist can run it beside the page-by-page check of test_site_in_chromium.py)."""

import os
from pathlib import Path

import pytest

from tests.browser.conftest import Visit

pytestmark = pytest.mark.browser


def test_pages_pass_an_accessibility_audit(browser, published_site: Path) -> None:
    """axe-core WCAG 2.1 A/AA rules (plus best practice) report no violations."""
    axe_path = os.environ.get("CYBERSTATS_AXE_JS")
    if not axe_path or not Path(axe_path).is_file():
        pytest.fail("CYBERSTATS_AXE_JS must point to axe.min.js; `make test` fetches axe-core at set-up time")
    axe = Path(axe_path).read_text(encoding="utf-8")
    found = {}
    for rel in ("index.html", "regional.html", "trends.html", "offences.html", "quality.html", "methodology.html",
                "sources.html", "dictionary.html", "downloads.html", "countries/index.html", "countries/USA.html",
                "countries/GBR.html",
                "countries/ALB.html"):
        Visit(browser, (published_site / rel).as_uri())
        browser.execute_script(axe)
        result = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']})"
            ".then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.length, v.nodes[0].target])))"
            ".catch(e => done([['axe-error', String(e), 0, []]]));")
        if result:
            found[rel] = result
    assert found == {}
