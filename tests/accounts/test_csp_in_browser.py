"""The Content-Security-Policy in a real Chromium: the dashboard (Chart.js, Alpine, htmx) and the
forces round page (its counters script) run with no violation reported.

The browser's requests are answered in-process by Django's test client (Playwright routing), not by
a live server: the test keeps an ordinary rolled-back transaction, so it cannot flush the rows the
migrations seed from under later tests.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Page, Request, Route

from antq.accounts.scope import Scope
from antq.forces import services as forces

# As tests/browser/conftest.py: Playwright's event loop runs in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
BASE = "http://testserver"

# Collected before any page script runs (Playwright injects it outside the page's CSP).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = e.sourceFile + ":" + e.lineNumber;
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + where);
});
"""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make chromium` (the test command does).")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"],
    }


def _fulfil(route: Route, response: Any) -> None:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    route.fulfill(status=response.status_code, headers=dict(response.items()), body=body)


def _page_as(browser: Browser, user: Any, path: str) -> tuple[Page, list[str]]:
    """The page at `path` as `user` sees it, its CSP header included. The page is fetched here, in the
    test's own thread and transaction; Playwright's handlers run in another context (another database
    connection), so they serve only static files, which never touch the database."""
    client = Client()
    client.force_login(user)
    page_response = client.get(path)
    assert page_response.status_code == 200
    unserved: list[str] = []

    def handle(route: Route, request: Request) -> None:
        url = urlsplit(request.url)
        if url.path == path:
            _fulfil(route, page_response)
        elif url.path.startswith("/static/"):
            _fulfil(route, client.get(url.path))
        else:
            unserved.append(request.url)
            route.fulfill(status=404, body=b"")

    context = browser.new_context(locale="vi-VN")
    context.set_default_timeout(15_000)
    context.route("**/*", handle)
    context.add_init_script(WATCH)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(f"{BASE}{path}")
    page.wait_for_load_state("networkidle")
    assert unserved == []
    return page, console


def _violations(page: Page, console: list[str]) -> list[str]:
    reported: list[str] = page.evaluate("window.__csp")
    return reported + [m for m in console if "Content Security Policy" in m]


def test_dashboard_and_round_page_run_without_csp_violations(
    browser: Browser, tree: Any, admin: Any, commune_police: Any
) -> None:
    scope = Scope.for_user(commune_police)
    forces.team_create(
        by=commune_police,
        scope=scope,
        node=tree.unit,
        kind="grassroots_team",
        data={"name": "Tổ bảo vệ ANTT số 1", "founded_on": dt.date(2020, 1, 10)},
    )
    rnd = forces.round_open(
        by=commune_police, scope=scope, commune=tree.commune, year=2025, evaluated_on=dt.date(2025, 10, 10)
    )

    page, console = _page_as(browser, admin, reverse("dashboards:home"))
    assert page.locator("canvas.dash-chart").count() > 0
    # Chart.js drew on the canvases (a blocked script would leave them empty).
    assert page.evaluate("Boolean(window.Chart && Chart.getChart('chart-kind'))")
    # Alpine's CSP build runs the registered menu component: the toggle opens the menu on a phone.
    page.set_viewport_size({"width": 400, "height": 800})
    page.get_by_role("button", name="Danh mục").click()
    assert "open" in (page.locator("#mainnav").get_attribute("class") or "")
    assert _violations(page, console) == []

    page, console = _page_as(browser, commune_police, reverse("forces:round_detail", args=[rnd.pk]))
    select = page.locator('select[data-kind="team"]').first
    select.select_option(index=1)
    # The counters script (static/antq/round-counters.js) counted the choice.
    assert page.locator('[data-count^="team-"]').filter(has_text="1").count() >= 1
    assert _violations(page, console) == []

    # The watch is live: an inline script added now is refused and reported.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.__ran") is None
    assert any("script-src" in v for v in _violations(page, console))
