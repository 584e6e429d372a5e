"""Browser fixtures for tests/e2e: Debian's Chromium driven by playwright's sync API.

playwright's sync API runs an event loop in the test's thread, and Django refuses ORM calls from a thread
with a running loop; the tests' own ORM use is synchronous and safe, so allow it, but only while a browser
runs (one per module): the rest of the suite keeps Django's protection."""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        # CI installs Chromium (.ci/run): there a missing browser is a failure, never a skip.
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _csp_violations(page, violations: list[str] | None = None) -> list[str]:
    """Chromium reports each script or style the Content-Security-Policy blocked on the console."""
    violations = [] if violations is None else violations
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    return violations


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = _csp_violations(page)
    yield page
    context.close()
    assert not violations, violations


@pytest.fixture
def emulator_page(browser):
    """A page that also opens the emulator's pages. Chromium does not know the emulator's private CA (the
    back-office does, through SALESFORCE_CA_BUNDLE): only this test browser skips that check."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, ignore_https_errors=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    violations = _csp_violations(page)
    context.on("page", lambda popup: _csp_violations(popup, violations))  # the SALESFORCE LOGIN popup
    yield page
    context.close()
    assert not violations, violations


def login(page, live_server, username: str, password: str) -> None:
    """Log in through the real login form and wait for the landing page."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
