"""Helpers of the browser tests: Debian's Chromium driven by Playwright, a page that records its
errors, numbered screenshots, axe-core accessibility checks and keyboard navigation.

    from .harness import axe_check, tab_to
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Locator, Page

from tests.system import ARTIFACTS, REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
# Playwright's own browser download does not work here: Debian's Chromium, headless
LAUNCH: dict[str, Any] = {
    "executable_path": CHROMIUM,
    "headless": True,
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
    ],
}
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 360, "height": 740}
AXE_JS = REPO_ROOT / "services" / "web" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ARTIFACTS / "browser"
BLOCKING = ("serious", "critical")

# Reported by the page itself (a `securitypolicyviolation` event), through a binding: neither the
# init script nor the binding is subject to the page's CSP (both are injected over CDP).
_CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.__orgaCspViolation(
    `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} ` +
    `(${e.sourceFile || document.location.href}:${e.lineNumber})`);
});
"""


def safe_name(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]+", "_", text).strip("_") or "page"


@dataclass
class Tab:
    """A page in its own browser context, and every error it reported."""

    context: BrowserContext
    page: Page
    errors: list[str] = field(default_factory=list)

    def assert_no_errors(self) -> None:
        """Fail with the list of console errors, uncaught exceptions and CSP violations."""
        if self.errors:
            pytest.fail(
                f"the page reported {len(self.errors)} error(s):\n  " + "\n  ".join(self.errors),
                pytrace=False,
            )


def open_tab(browser: Browser, mobile: bool = False, **options: Any) -> Tab:
    """A new context and page: 1280×900 (or 360×740 with `mobile=True`), French locale.

    `options` go to `browser.new_context` (base_url, viewport, storage_state, ...).
    """
    settings: dict[str, Any] = {
        "viewport": MOBILE if mobile else DESKTOP,
        "locale": "fr-FR",
        "timezone_id": "Europe/Paris",
        "is_mobile": mobile,
        "has_touch": mobile,
        **options,
    }
    context = browser.new_context(**settings)
    tab = Tab(context=context, page=context.new_page())
    context.expose_binding(
        "__orgaCspViolation", lambda _source, text: tab.errors.append(f"CSP: {text}")
    )
    context.add_init_script(_CSP_LISTENER)

    def console(message: ConsoleMessage) -> None:
        where = message.location.get("url", "")
        # Chromium asks for /favicon.ico by itself, only sometimes (not a page's error)
        if message.type == "error" and not where.endswith("/favicon.ico"):
            tab.errors.append(f"console: {message.text} ({where})")

    tab.page.on("console", console)
    tab.page.on("pageerror", lambda error: tab.errors.append(f"page error: {error}"))
    return tab


class Shots:
    """Numbered full-page screenshots: `.local/artifacts/browser/<test>/<NN>-<step>.png`."""

    def __init__(self, test_name: str) -> None:
        self.directory = SHOTS / safe_name(test_name)
        shutil.rmtree(self.directory, ignore_errors=True)  # only this run's shots
        self.count = 0

    def __call__(self, page: Page, step: str) -> Path:
        self.count += 1
        path = self.directory / f"{self.count:02d}-{safe_name(step)}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path


@cache
def axe_source() -> str:
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `npm ci` in services/web (make web-assets)")
    # a statement list evaluated as a script; `void 0` keeps Playwright from serialising its value
    return AXE_JS.read_text(encoding="utf-8") + "\n;void 0;"


def axe_check(
    page: Page, context_label: str, *, disable: tuple[str, ...] = (), include: str | None = None
) -> list[dict[str, Any]]:
    """Run axe-core on the page; fail on any "serious" or "critical" violation.

    axe is evaluated over CDP (`page.evaluate`), which Chromium does not submit to the page's
    Content-Security-Policy: the page keeps its strict CSP (no bypass_csp) during the check.
    `disable` turns rules off by id (say why at the call); `include` limits the check to a
    selector. Returns every violation (minor and moderate ones included) for further asserts.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    options: dict[str, Any] = {"rules": {rule: {"enabled": False} for rule in disable}}
    results = page.evaluate(
        "([include, options]) => axe.run(include ? {include: [include]} : document, options)",
        [include, options],
    )
    violations: list[dict[str, Any]] = results["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING]
    if blocking:
        lines = []
        for v in blocking:
            lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"][:5]:
                summary = (node.get("failureSummary") or "").replace("\n", " ")
                lines.append(f"    at {json.dumps(node['target'])}: {summary}")
            if len(v["nodes"]) > 5:
                lines.append(f"    ... and {len(v['nodes']) - 5} more element(s)")
        pytest.fail(
            f"axe on {context_label} ({page.url}): {len(blocking)} serious or critical "
            "violation(s):\n" + "\n".join(lines),
            pytrace=False,
        )
    return violations


_DESCRIBE_FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return '<body>';
  const text = (e.innerText || e.value || e.getAttribute('aria-label') || '').trim();
  return `<${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}` +
    `${e.getAttribute('name') ? ' name=' + e.getAttribute('name') : ''}>` +
    `${text ? ' "' + text.slice(0, 40) + '"' : ''}`;
}"""


def tab_to(page: Page, target: Locator, max_presses: int = 40, backwards: bool = False) -> int:
    """Press Tab (Shift+Tab with `backwards`) until `target` has the focus; the presses it took.

    Fails with the trail of what got the focus when `target` is not reached in `max_presses`.
    """
    if target.count() != 1:
        pytest.fail(f"tab_to: {target} matches {target.count()} elements, not 1", pytrace=False)
    key = "Shift+Tab" if backwards else "Tab"
    trail = []
    for presses in range(1, max_presses + 1):
        page.keyboard.press(key)
        if target.evaluate("e => e === document.activeElement"):
            return presses
        trail.append(page.evaluate(_DESCRIBE_FOCUS))
    pytest.fail(
        f"tab_to: {target} not focused after {max_presses} presses of {key}; the focus went "
        "to:\n  " + "\n  ".join(f"{i:2d}. {t}" for i, t in enumerate(trail, 1)),
        pytrace=False,
    )
