"""Challenge instructions and texts are Markdown: rendered, then cleaned to a safe subset."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote", "h3", "h4"}


@lru_cache(maxsize=4096)
def markdown_html(text: str) -> str:
    return nh3.clean(
        _MD.render(text),
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        link_rel="noopener noreferrer",
    )
