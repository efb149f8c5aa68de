"""The `${key}` blocks of QROC/QROCM proposals: which fields a learner fills in, and how.

Part of the content file format (docs/content-format.md), read at load by the solution check;
assessment's answer validation reads the same blocks (select fields are compared exactly).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

BlockType = Literal["input", "select"]

_KEY_END = re.compile(r"[#§\s]")


@dataclass(frozen=True)
class Block:
    """One answer field: its key, its widget, and the select options when it is a select."""

    key: str
    type: BlockType
    placeholder: str | None = None
    options: tuple[str, ...] = ()


class BlockSyntaxError(ValueError):
    """A `${...}` block that cannot be read; raised at load so it never reaches a learner."""


def block_spans(proposals: str) -> list[tuple[int, int]]:
    """`(start, end)` of every `${...}` (end is the index of its `}`); a `}` inside a quoted
    select option does not close a block. A page cuts the text around them (web)."""
    spans: list[tuple[int, int]] = []
    start = proposals.find("${")
    while start != -1:
        in_quotes = False
        i = start + 2
        while i < len(proposals):
            char = proposals[i]
            if char == '"' and "options=" in proposals[start:i]:
                in_quotes = not in_quotes
            elif char == "}" and not in_quotes:
                break
            i += 1
        else:
            raise BlockSyntaxError(f"unclosed block starting at {proposals[start : start + 20]!r}")
        spans.append((start, i))
        start = proposals.find("${", i + 1)
    return spans


def _block_bodies(proposals: str) -> list[str]:
    return [proposals[start + 2 : end] for start, end in block_spans(proposals)]


def _parse_body(body: str) -> Block:
    match = _KEY_END.search(body)
    key = body[: match.start()] if match else body
    if not key:
        raise BlockSyntaxError(f"block ${{{body}}} has no key")
    rest = body[len(key) :]
    if "options=" not in rest:
        placeholder = rest[1:].split("§")[0] if rest.startswith("#") else None
        return Block(key=key, type="input", placeholder=placeholder or None)
    raw = rest.split("options=", 1)[1].strip()
    try:
        options = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BlockSyntaxError(f"block {key!r}: options are not a JSON list ({exc.msg})") from exc
    if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
        raise BlockSyntaxError(f"block {key!r}: options must be a list of strings")
    return Block(key=key, type="select", options=tuple(options))


def parse_blocks(proposals: str) -> tuple[Block, ...]:
    """All blocks of a proposal text, in order; a block is a select iff it contains `options=`."""
    return tuple(_parse_body(body) for body in _block_bodies(proposals))
