"""Browser tests of the web service: the whole system (tests/system.py) and a headless Chromium.

Fixtures:
- `system` (module): every service as a real process, `system.urls["web"]`, `system.mails`;
- `browser` (module): Debian's Chromium, launched once per test module;
- `browser_page` (test): `browser_page(mobile=False, **context_options) -> Tab`, a new context
  and page (1280×900, or 360×740 with `mobile=True`, locale fr-FR, `base_url` = the web URL
  when the test also uses `system`); `tab.errors` collects console errors, uncaught exceptions
  and CSP violations, and a test that passes with errors left fails at teardown (pass
  `allow_errors=True` to check them yourself). A failed test leaves a screenshot of every page;
- `shots` (test): `shots(page, "step")` saves `.local/artifacts/browser/<test>/<NN>-step.png`.

Helpers (tests/browser/harness.py): `axe_check(page, label)`, `tab_to(page, locator)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from tests.system import System, system

from .harness import LAUNCH, SHOTS, Shots, Tab, open_tab, safe_name

__all__ = ["system"]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


CALL_FAILED = pytest.StashKey[bool]()


# Module scope, not session: while Playwright's sync driver lives, its event loop stays marked as
# running on the main thread, and every asyncio test after it would fail ("Runner.run() cannot be
# called from a running event loop"); stopped at the module's end, the async tests that follow
# run normally. Launching Chromium again per module costs about a second.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(**LAUNCH)
    yield chromium
    chromium.close()


@pytest.fixture
def browser_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Tab]]:
    tabs: list[tuple[Tab, bool]] = []
    base_url = None
    if "system" in request.fixturenames:
        running: System = request.getfixturevalue("system")
        base_url = running.urls["web"]

    def make(mobile: bool = False, allow_errors: bool = False, **options: Any) -> Tab:
        if base_url and "base_url" not in options:
            options["base_url"] = base_url
        tab = open_tab(browser, mobile=mobile, **options)
        tabs.append((tab, allow_errors))
        return tab

    yield make
    failed = request.node.stash.get(CALL_FAILED, False)
    unexpected = []
    for number, (tab, allow_errors) in enumerate(tabs, 1):
        if failed:
            folder = SHOTS / safe_name(request.node.name)
            folder.mkdir(parents=True, exist_ok=True)
            try:
                tab.page.screenshot(path=str(folder / f"failure-{number}.png"), full_page=True)
            except Exception as exc:  # a crashed page: the failure itself matters more
                print(f"no failure screenshot of tab {number}: {exc}")
        elif not allow_errors:
            unexpected += tab.errors
        tab.context.close()
    if unexpected:
        pytest.fail(
            "the pages reported errors (assert on tab.errors and pass allow_errors=True if "
            "they are expected):\n  " + "\n  ".join(unexpected),
            pytrace=False,
        )


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    return Shots(request.node.name)
