"""Headless Chromium signs in as a superuser (made by `crashstats makesuperuser`), adds a
product, a release and a featured version through the admin forms, and sees them on the home
page; then signs out. Screenshots under tests/artifacts/."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from pyapp.schema import ROOT
from tests.auth_fixtures import unique_email
from tests.clock import SuiteClock
from tests.site.conftest import ARTIFACTS, SiteServer
from tests.site.test_browser import chromium_path


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
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


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"admin_{name}.png"), full_page=True)


def test_a_superuser_adds_a_product_release_and_featured_version(
    site: SiteServer, chromium: Browser, clock: SuiteClock
) -> None:
    email = unique_email("release-manager")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRASHSTATS_", "DATABASE_"))}
    made = subprocess.run(
        [sys.executable, "-m", "pyapp.cli.main", "makesuperuser", email],
        cwd=ROOT,
        env={**env, "DATABASE_URL": site.data.url},
        capture_output=True,
        text=True,
        check=True,
    )
    password = made.stdout.strip().rsplit(": ", 1)[1]
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(site.base + "/admin/products/")
        assert "/login/" in page.url  # sent to sign in, and back afterwards
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        assert page.url.endswith("/admin/products/")
        assert email in page.locator("header").inner_text()

        page.fill("#product-form input[name=product]", "BrowserApp")
        page.fill("#product-form input[name=version]", "5.0")
        page.click("#product-form button[type=submit]")
        assert "Product BrowserApp added" in page.locator("#form-message").inner_text()
        shot(page, "products")
        page.fill("#product-form input[name=product]", "BrowserApp")
        page.fill("#product-form input[name=version]", "5.0")
        page.click("#product-form button[type=submit]")
        assert "BrowserApp" in page.locator("#form-error").inner_text()  # the SQL function's refusal

        page.goto(site.base + "/admin/releases/")
        page.select_option("#release-form select[name=product]", "BrowserApp")
        page.fill("#release-form input[name=version]", "6.0")
        page.select_option("#release-form select[name=update_channel]", "Release")
        build = (clock.now() - dt.timedelta(days=3)).strftime("%Y%m%d%H%M%S")
        page.fill("#release-form input[name=build_id]", build)
        page.fill("#release-form input[name=platform]", "Linux")
        page.click("#release-form button[type=submit]")
        assert "Release BrowserApp 6.0" in page.locator("#form-message").inner_text()
        assert "6.0" in page.locator("#releases").inner_text()
        shot(page, "releases")

        page.goto(site.base + "/admin/featured-versions/")
        form = page.locator("form.featured", has=page.locator("input[name=product][value=BrowserApp]"))
        for box in form.locator("input[name=versions]").all():
            box.set_checked(box.get_attribute("value") == "6.0")
        form.locator("button[type=submit]").click()
        assert "Featured versions of BrowserApp saved" in page.locator("#form-message").inner_text()
        shot(page, "featured")

        page.goto(site.base + "/home/products/BrowserApp")
        assert page.locator("h1").inner_text().strip()
        body = page.locator("main").inner_text()
        assert "BrowserApp" in body and "6.0" in body
        shot(page, "home")

        page.goto(site.base + "/admin/audit-log/")
        log = page.locator("#audit-log").inner_text()
        for action in ("product.add", "release.add", "featured.edit"):
            assert action in log
        page.goto(site.base + "/logout/")
        page.click("button[type=submit]")
        assert "Sign in" in page.locator("header").inner_text()
        page.goto(site.base + "/admin/products/")
        assert "/login/" in page.url
    finally:
        page.close()
    # the refused duplicate product is answered 400 (the form with its error), which Chromium
    # logs; nothing else may be
    expected = "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    assert problems.count(expected) == 1 and len(problems) == 1, problems
