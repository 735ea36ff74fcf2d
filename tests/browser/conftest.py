"""Headless Chromium (Debian's chromium + chromedriver) with the network cut off.

Every request the page makes is captured from the DevTools performance log; anything that is not
file:, data:, blob:, about: or the browser's own chrome: pages counts as a request leaving the
machine. The browser starts on about:blank, so its new-tab page never loads. Screenshots (full page
height) go to test-artifacts/screenshots/ (git-ignored; CI keeps them as artifacts) or to
$CYBERSTATS_ARTIFACTS_DIR.
"""

import base64
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import build_once

CHROMIUM = os.environ.get("CYBERSTATS_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CYBERSTATS_CHROMEDRIVER", "/usr/bin/chromedriver")
ARTIFACTS = Path(os.environ.get("CYBERSTATS_ARTIFACTS_DIR")
                 or Path(__file__).resolve().parents[2] / "test-artifacts") / "screenshots"
#: Schemes that never leave the machine: local files and the browser's own pages (chrome://new-tab-page
#: and its chrome-untrusted:// frames can be requested by a fresh profile before the first navigation).
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome:", "chrome-untrusted:", "chrome-error:",
                 "devtools:")


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory):
    def remove_stale(_folder: Path) -> None:  # CI keeps this session's screenshots, not an earlier one's
        for stale in ARTIFACTS.glob("*.png"):
            stale.unlink()

    build_once(tmp_path_factory, "stale-screenshots-removed", remove_stale)  # once, whatever the workers
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.fail(f"Chromium ({CHROMIUM}) and chromedriver ({CHROMEDRIVER}) are required for the browser tests; "
                    "`.ci/run` installs the Debian packages chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--disable-extensions", "--window-size=1280,1600",
                 # Cut the network: every host name fails to resolve.
                 "--host-resolver-rules=MAP * ~NOTFOUND",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(120)
    driver.get("about:blank")  # leave the new-tab page before any page under test is opened
    driver.get_log("performance")
    driver.get_log("browser")
    try:
        yield driver
    finally:
        driver.quit()


class Visit:
    def __init__(self, driver, url: str) -> None:
        self.driver = driver
        driver.get_log("performance")  # drain what earlier pages left
        driver.get_log("browser")
        driver.get(url)
        driver.execute_script("return document.readyState")
        # Charts draw on DOMContentLoaded; wait until every chart div holds a plot (or time out).
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(driver, 30, poll_frequency=0.05).until(lambda d: d.execute_script(
            "return Array.from(document.querySelectorAll('div.chart')).every("
            "c => c.querySelector('.main-svg') !== null)"))
        self.requests = self._requests()
        self.console = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]

    def _requests(self) -> list[str]:
        urls = []
        for entry in self.driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg.get("method") == "Network.requestWillBeSent":
                urls.append(msg["params"]["request"]["url"])
        return urls

    @property
    def remote_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]

    def screenshot(self, name: str, max_height: int | None = None) -> Path:
        """The whole page, however tall, at the window's width (DevTools captures beyond the viewport);
        ``max_height`` only for the single-file bundle, whose every page is also shot on its own."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        width, height = self.driver.execute_script(
            "const e = document.documentElement; return [e.scrollWidth, e.scrollHeight]")
        height = min(height, max_height or height)
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        path = ARTIFACTS / f"{name}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        return path


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    head = path.read_bytes()[16:24]
    return int.from_bytes(head[:4], "big"), int.from_bytes(head[4:], "big")


@pytest.fixture(scope="session")
def published_site(golden) -> Path:
    """The site of the session's golden publication (read only)."""
    from tests.integration.helpers import site

    return site(golden.data)
