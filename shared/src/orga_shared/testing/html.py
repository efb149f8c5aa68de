"""HTML as a browser parses it, for tests that must prove what is an element and what is text."""

from __future__ import annotations

from html.parser import HTMLParser

Attrs = list[tuple[str, str | None]]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, Attrs]] = []

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        self.found.append((tag, attrs))


def elements(html: str) -> list[tuple[str, Attrs]]:
    """Every start tag with its attributes; escaped text yields none."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found


def unsafe(html: str) -> list[str]:
    """What could run in a browser: script-like elements, event attributes, javascript: URLs."""
    problems = []
    for tag, attrs in elements(html):
        if tag in {"script", "iframe", "object", "embed", "img", "svg", "style"}:
            problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"{tag}@{name}")
            if (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                problems.append(f"{tag}@{name}={value}")
    return problems
