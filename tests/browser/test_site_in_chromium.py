"""Every page of a freshly published site, opened from file:// with the network cut off."""

from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, Visit, png_size

pytestmark = pytest.mark.browser

#: A page may weigh at most this much, not counting the shared plotly.js and map topology.
PAGE_BUDGET_BYTES = 1_000_000
#: Every page is opened and checked; these country pages are also kept as screenshots (with every
#: top-level page), which keeps the CI artifacts to a few megabytes.
SCREENSHOT_COUNTRIES = ("index", "USA", "GBR", "IND", "AUS", "DEU", "ALB", "NGA", "SGP")


def pages(root: Path) -> list[Path]:
    top = sorted(root.glob("*.html"))
    countries = sorted((root / "countries").glob("*.html"))
    return top + countries


def test_every_page_loads_offline_without_errors(browser, published_site: Path) -> None:
    """Every page (about 140, a few minutes): charts drawn, no console error, nothing fetched remotely."""
    problems, topology, shots = {}, [], {}
    every = [p for p in pages(published_site) if p.name != "cyberstats-report.html"]
    assert len(every) >= 100
    for page in every:
        visit = Visit(browser, page.as_uri())  # waits until every chart on the page is drawn
        rel = page.relative_to(published_site).as_posix()
        if visit.remote_requests or visit.console:
            problems[rel] = {"remote": visit.remote_requests, "console": visit.console}
        if any(u.endswith("/assets/world_50m.js") for u in visit.requests):
            topology.append(rel)
        if page.parent == published_site or page.stem in SCREENSHOT_COUNTRIES:
            height = browser.execute_script("return document.documentElement.scrollHeight")
            shots[rel] = (png_size(visit.screenshot(rel.replace("/", "_").removesuffix(".html"))), height)
    assert problems == {}
    assert topology == ["regional.html"]  # only the page with a map loads the 1.1 MB topology
    # Screenshots hold the whole page, however tall (the trends page is well over 6,000 px).
    assert {rel: size for rel, (size, height) in shots.items() if size[1] != height} == {}
    assert max(height for _, height in shots.values()) > 6000


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
    visit.screenshot("single-file", max_height=5000)  # its first pages; all pages are shot one by one
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


def test_screenshots_are_kept_out_of_git() -> None:
    """CI uploads the screenshots as artifacts; they must never be committed."""
    import subprocess

    repo = Path(__file__).resolve().parents[2]
    if not ARTIFACTS.resolve().is_relative_to(repo):
        return  # written outside the repository ($CYBERSTATS_ARTIFACTS_DIR)
    probe = ARTIFACTS.resolve().relative_to(repo) / "probe.png"
    ignored = subprocess.run(["git", "check-ignore", "-q", str(probe)], cwd=repo, check=False)
    assert ignored.returncode == 0, f"{probe.parent} is not git-ignored"
    tracked = subprocess.run(["git", "ls-files", str(probe.parent)], cwd=repo, capture_output=True, text=True,
                             check=True)
    assert tracked.stdout == ""
