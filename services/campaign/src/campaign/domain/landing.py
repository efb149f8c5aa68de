"""The landing-page text: Markdown source in, sanitised HTML out (the UI never renders user HTML).

The guides show bold, italic, line breaks, bulleted and numbered lists and links. markdown-it
renders CommonMark with raw HTML switched off (`<script>` stays text), then nh3 (ammonia) keeps
only the tags and attributes that formatting needs and only http, https and mailto links: no
script, no event attribute, no `javascript:` link survives, whatever the source holds.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})
TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "h3", "h4"}
ATTRIBUTES = {"a": {"href", "title"}}
SCHEMES = {"http", "https", "mailto"}


def render(source: str | None) -> str | None:
    if not source:
        return None
    html = _MARKDOWN.render(source)
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()
