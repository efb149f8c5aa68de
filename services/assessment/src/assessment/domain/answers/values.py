"""Reading what the learner submitted, for comparison (docs/domain/adaptive-engine.md §2.4-2.5).

QROCM answers are YAML `key: value` (failsafe, every value a string); numeric mode compares the
numbers of `format: nombre` QROC answers. Solutions are read by the kernel's format readers
(`orga_shared.content.solutions`).
"""

from __future__ import annotations

import re

import yaml

from orga_shared.content.solutions import pre_treat
from orga_shared.content.yamltext import load_failsafe

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


class AnswerFormatError(ValueError):
    """A QROCM answer that is not `key: value` YAML or names a field the challenge lacks."""


def _clean_number(text: str) -> str:
    """First `,` becomes `.`, first space goes, as the real numeric comparison does."""
    return text.replace(",", ".", 1).strip().replace(" ", "", 1)


def is_numeric(text: str) -> bool:
    """Decimal number once cleaned (`3,5`, `1 000`); words and empty strings are not."""
    return _NUMBER.fullmatch(_clean_number(text)) is not None


def to_number(text: str) -> float:
    """The value compared in numeric mode; call only when `is_numeric(text)` holds."""
    return float(_clean_number(text))


def parse_answer_mapping(answer: str) -> dict[str, str]:
    """QROCM answers arrive as YAML `key: value`; values stay strings, a missing one is ''."""
    try:
        data = load_failsafe(pre_treat(answer))
    except yaml.YAMLError as exc:
        raise AnswerFormatError(f"answer is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise AnswerFormatError("answer must be a YAML mapping of field keys to values")
    if not all(isinstance(v, str) for v in data.values()):
        raise AnswerFormatError("every answer field must be a single text value")
    return {str(k): v for k, v in data.items()}
