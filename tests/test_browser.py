"""A township clerk in a real browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    # Django's live server runs in this process; its ORM calls must not trip the async guard
    # that Playwright's event loop would otherwise set off.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def test_township_clerk_sees_only_own_subtree(browser, live_server, live_tree):
    ARTIFACTS.mkdir(exist_ok=True)
    # An English browser: the screens must still be Chinese.
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US")
    page.goto(f"{live_server.url}/admin/login/")
    expect(page.locator("body")).to_contain_text("登录")
    page.fill("input[name=username]", "town_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1.gh-dash-title")).to_contain_text("甲镇总工会")

    page.get_by_role("link", name="工会组织树").click()
    tree = page.locator(".gh-tree")
    expect(tree).to_contain_text("甲公司工会委员会")
    expect(tree).not_to_contain_text("乙镇总工会")
    expect(tree).not_to_contain_text("乙公司工会委员会")
    expect(tree).not_to_contain_text("青山县总工会")
    page.screenshot(path=str(ARTIFACTS / "township-tree.png"), full_page=True)

    tree.get_by_role("link", name="甲公司工会委员会").click()
    expect(page.locator("input[name=name]")).to_have_value("甲公司工会委员会")
    page.screenshot(path=str(ARTIFACTS / "township-org.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/orgs/org/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#result_list")).not_to_contain_text("乙")

    # Typing another township's record address by hand gives "does not exist".
    page.goto(f"{live_server.url}/admin/orgs/org/{live_tree.b1.pk}/change/")
    expect(page.locator("body")).not_to_contain_text("乙公司工会委员会")
    page.screenshot(path=str(ARTIFACTS / "township-forbidden.png"), full_page=True)
    page.close()
