"""The format of a challenge's `solution` (docs/content-format.md): readers, and the load check.

This is part of the content file format, so it stays in the kernel: every service that loads the
release gets challenges whose proposals and solution have the shape their type needs
(`solution_problems`, run by `Challenge` at load). Whether an *answer* is right (treatments,
tolerance, numeric mode, skip and timeout) is assessment's rule: `assessment.domain.answers`,
which reads solutions through these functions.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

import yaml

from .blocks import Block, BlockSyntaxError, parse_blocks
from .yamltext import load_failsafe


class SolutionFormatError(ValueError):
    """A solution that is not in the shape its challenge type needs."""


def pre_treat(value: str) -> str:
    """NFC and non-breaking spaces become spaces (adaptive-engine.md §2.4): applied to YAML
    solutions before they are read, and by assessment to what the learner typed."""
    return unicodedata.normalize("NFC", value).replace("\u00a0", " ")


def accepted_lines(solution: str) -> list[str]:
    """QROC: one accepted answer per line, empty lines dropped."""
    return [line for line in solution.split("\n") if line]


def parse_index_list(solution: str) -> list[str]:
    """QCM: the comma list, each part trimmed, sorted (order and spaces never matter)."""
    return sorted(part.strip() for part in solution.split(","))


@functools.lru_cache(maxsize=8192)
def parse_variants(solution: str) -> Mapping[str, tuple[str, ...]]:
    """QROCM-ind / QROCM-dep: `key: [variants]`, every value kept a string (failsafe YAML).

    Cached (read-only result): the same solution text is parsed at load and at each answer.
    """
    try:
        data = load_failsafe(pre_treat(solution))
    except yaml.YAMLError as exc:
        raise SolutionFormatError(f"solution is not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not data:
        raise SolutionFormatError("solution must map each key to a list of accepted variants")
    variants: dict[str, tuple[str, ...]] = {}
    for key, values in data.items():
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) and v for v in values)
        ):
            raise SolutionFormatError(f"solution key {key!r} must hold a non-empty list of texts")
        variants[str(key)] = tuple(values)
    return MappingProxyType(variants)


def _choice_problems(proposals: object, solution: str, several: bool) -> list[str]:
    if not isinstance(proposals, tuple) or len(proposals) < 2:
        return ["proposals must be a list of at least 2 choices"]
    parts = [p.strip() for p in solution.split(",")] if several else [solution]
    if not several and "," in solution:
        return ["a QCU solution is one index"]
    wrong = [p for p in parts if not p.isdigit() or not 1 <= int(p) <= len(proposals)]
    if wrong:
        return [f"solution index {', '.join(wrong)} is not a proposal number 1..{len(proposals)}"]
    if len(set(parts)) != len(parts):
        return ["solution repeats an index"]
    return []


def _independent_problems(
    blocks: tuple[Block, ...], variants: Mapping[str, tuple[str, ...]], solution: str
) -> list[str]:
    keys = [b.key for b in blocks]
    if "\n" not in solution:
        return ["QROCM-ind solution on one line: the real rule marks every answer ko"]
    if set(variants) != set(keys):
        return [f"solution keys {sorted(variants)} differ from proposal blocks {sorted(keys)}"]
    for block in blocks:
        if block.type == "select" and not set(variants[block.key]) <= set(block.options):
            return [f"select {block.key!r}: accepted values must be among its options"]
    return []


def _text_problems(type_: str, proposals: object, solution: str) -> list[str]:
    if not isinstance(proposals, str):
        return [f"{type_} proposals must be a text with ${{key}} blocks"]
    try:
        blocks = parse_blocks(proposals)
    except BlockSyntaxError as exc:
        return [str(exc)]
    keys = [b.key for b in blocks]
    if len(set(keys)) != len(keys):
        return ["proposals repeat a block key"]
    if type_ == "QROC":
        if len(blocks) != 1:
            return [f"QROC proposals need exactly one ${{key}} block, found {len(blocks)}"]
        lines = accepted_lines(solution)
        if not lines:
            return ["QROC solution has no accepted answer"]
        if blocks[0].type == "select" and not set(lines) <= set(blocks[0].options):
            return ["QROC select solution must be one of its options"]
        return []
    if len(blocks) < 2:
        return [f"{type_} proposals need at least 2 ${{key}} blocks, found {len(blocks)}"]
    try:
        variants = parse_variants(solution)
    except SolutionFormatError as exc:
        return [str(exc)]
    if type_ == "QROCM-ind":
        return _independent_problems(blocks, variants, solution)
    if type_ == "QROCM-dep" and len(variants) < len(keys):
        return [
            f"{len(variants)} solution groups for {len(keys)} fields: some field can never match"
        ]
    return []


def solution_problems(type_: str, proposals: object, solution: str) -> list[str]:
    """Why a challenge's proposals/solution cannot be corrected; empty when they can."""
    if not solution.strip():
        return ["solution is empty"]
    if type_ in ("QCU", "QCM"):
        return _choice_problems(proposals, solution, several=type_ == "QCM")
    return _text_problems(type_, proposals, solution)
