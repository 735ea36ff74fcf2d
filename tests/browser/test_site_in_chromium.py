"""Every page of a freshly published site, opened from file:// with the network cut off."""

from pathlib import Path

import pytest

from tests.browser.conftest import Visit
from tests.conftest import copy_bundled
from tests.integration.helpers import run_cli, site

pytestmark = pytest.mark.browser

#: A page may weigh at most this much, not counting the shared plotly.js and map topology.
PAGE_BUDGET_BYTES = 1_000_000


@pytest.fixture(scope="module")
def published_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = copy_bundled(tmp_path_factory.mktemp("browser") / "data")
    assert run_cli(data, "--single-file") == 0
    return site(data)


def pages(root: Path) -> list[Path]:
    top = sorted(root.glob("*.html"))
    countries = sorted((root / "countries").glob("*.html"))
    return top + countries


def test_every_page_loads_offline_without_errors(browser, published_site: Path) -> None:
    problems = {}
    # Every top-level page and a sample of country pages (all of them take minutes).
    sample = [p for p in pages(published_site) if p.parent == published_site or p.stem in
              ("index", "USA", "GBR", "IND", "AUS", "DEU", "ALB")]
    assert len(sample) >= 12
    for page in sample:
        visit = Visit(browser, page.as_uri())
        name = page.relative_to(published_site).as_posix().replace("/", "_").removesuffix(".html")
        visit.screenshot(name)
        if visit.remote_requests or visit.console:
            problems[name] = {"remote": visit.remote_requests, "console": visit.console}
    assert problems == {}


def test_map_is_drawn(browser, published_site: Path) -> None:
    visit = Visit(browser, (published_site / "regional.html").as_uri())
    shaded = browser.execute_script(
        "return Array.from(document.querySelectorAll('path.choroplethlocation'))"
        ".filter(p => (p.getAttribute('d') || '').length > 20).length")
    # Land, coastlines and borders come from the injected topology: their paths carry real geometry.
    geometry = browser.execute_script(
        "return Array.from(document.querySelectorAll('.geo path')).reduce((n, p) => n + "
        "(p.getAttribute('d') || '').length, 0)")
    assert shaded >= 5 and geometry > 100_000
    assert visit.remote_requests == []


def test_single_file_works_alone(browser, published_site: Path, tmp_path: Path) -> None:
    alone = tmp_path / "copied elsewhere" / "report.html"
    alone.parent.mkdir()
    alone.write_bytes((published_site / "cyberstats-report.html").read_bytes())
    visit = Visit(browser, alone.as_uri())
    visit.screenshot("single-file")
    assert visit.remote_requests == [] and visit.console == []
    assert [u for u in visit.requests if u.startswith("file:")] == [alone.as_uri()]  # nothing else loaded
    assert browser.execute_script("return document.querySelectorAll('path.choroplethlocation').length") >= 5


def test_page_size_budget(published_site: Path) -> None:
    heavy = {p.relative_to(published_site).as_posix(): p.stat().st_size for p in pages(published_site)
             if p.name != "cyberstats-report.html" and p.stat().st_size > PAGE_BUDGET_BYTES}
    assert heavy == {}
    assert (published_site / "assets" / "plotly.min.js").is_file()
    # plotly.js is shipped once: no page inlines it.
    assert all(b"Copyright 2012" not in p.read_bytes() for p in pages(published_site)
               if p.name != "cyberstats-report.html")


def test_pages_pass_an_accessibility_audit(browser, published_site: Path) -> None:
    """axe-core WCAG 2.1 A/AA rules (plus best practice) report no violations."""
    import os

    axe_path = os.environ.get("CYBERSTATS_AXE_JS")
    if not axe_path or not Path(axe_path).is_file():
        pytest.fail("CYBERSTATS_AXE_JS must point to axe.min.js; `make test` fetches axe-core at set-up time")
    axe = Path(axe_path).read_text(encoding="utf-8")
    found = {}
    for rel in ("index.html", "regional.html", "offences.html", "methodology.html", "sources.html", "downloads.html",
                "countries/index.html", "countries/USA.html", "countries/GBR.html"):
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
