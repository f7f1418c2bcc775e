"""Headless Chromium (Debian's, driven by Playwright; no browser download) loads every page:
no console error, the graph drawn where the page has one, a screenshot of each page saved
under tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.site.conftest import ARTIFACTS, GRAPH_PAGES, SiteServer, page_urls

PAGES = [
    "home",
    "home_no_adi",
    "topcrasher",
    "daily",
    "daily_os",
    "daily_build",
    "signature",
    "signature_graph",
    "signature_reports",
    "crash",
    "gccrashes",
    "explosive",
    "crontabber",
    "status",
    "search",
    "search_form",
]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    raise AssertionError("Chromium is not installed (scripts/install-system-deps installs it)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.mark.parametrize("name", PAGES)
def test_chromium_draws_the_page(site: SiteServer, browser: Browser, name: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    try:
        response = page.goto(site.base + page_urls(site.data)[name], wait_until="load")
        assert response is not None and response.status == 200
        assert page.locator("h1").first.inner_text().strip()
        if name in GRAPH_PAGES:
            assert page.locator("svg.pygal-chart").count() == 1, f"{name}: no graph"
            chart = page.locator("svg.pygal-chart").first
            box = chart.bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 100, name
            assert chart.locator("path.line").count() > 0, f"{name}: no line or bar drawn"
            assert page.locator("#graph-data tbody tr").count() > 0, f"{name}: no data table beside the graph"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    finally:
        page.close()
    assert not problems, problems
