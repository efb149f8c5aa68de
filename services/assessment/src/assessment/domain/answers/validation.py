"""Answer validation, type by type, as the reference Examiner does it
(docs/domain/adaptive-engine.md §2).

Pure functions: a challenge and a submitted value in, an `AnswerResult` out. Only `ok` counts as
a success for knowledge elements; every other status is a failure.

Assessment's rule, not the kernel's: the kernel only guarantees at load that a challenge's
proposals and solution have their format (`orga_shared.content.solutions`), which this reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from orga_shared.content.blocks import Block, parse_blocks
from orga_shared.content.framework import Challenge
from orga_shared.content.solutions import accepted_lines, parse_index_list, parse_variants

from .treatments import apply_treatments, enabled_treatments, is_answer_valid, pre_treat
from .values import AnswerFormatError, is_numeric, parse_answer_mapping, to_number

AnswerStatus = Literal["ok", "ko", "aband", "timedout", "focusedOut", "partially", "unimplemented"]
SKIPPED_VALUE = "#ABAND#"


@dataclass(frozen=True)
class AnswerResult:
    """The correction of one answer; `details` has one boolean per field for QROCM types."""

    status: AnswerStatus
    details: Mapping[str, bool] = field(default_factory=dict)
    solutions_without_good_answers: tuple[str, ...] = ()

    @property
    def is_ok(self) -> bool:
        return self.status == "ok"


OK = AnswerResult("ok")
KO = AnswerResult("ko")


def _treatments(challenge: Challenge) -> frozenset[str]:
    return enabled_treatments(challenge.t1, challenge.t2, challenge.t3)


def _blocks(challenge: Challenge) -> tuple[Block, ...]:
    return parse_blocks(challenge.proposals) if isinstance(challenge.proposals, str) else ()


def validate_qcu(challenge: Challenge, answer: str) -> AnswerResult:
    """Strict equality with the index of the right proposal."""
    return OK if answer == challenge.solution else KO


def validate_qcm(challenge: Challenge, answer: str) -> AnswerResult:
    """Same set of indexes; order and spaces ignored, no partial credit."""
    return OK if parse_index_list(answer) == parse_index_list(challenge.solution) else KO


def validate_qroc(challenge: Challenge, answer: str) -> AnswerResult:
    """One field: numeric equality for `nombre`, else treated texts with optional tolerance."""
    accepted = accepted_lines(challenge.solution)
    if not accepted:
        return KO
    numeric = challenge.format == "nombre" and is_numeric(answer)
    if numeric and all(is_numeric(a) for a in accepted):
        return OK if to_number(answer) in {to_number(a) for a in accepted} else KO
    blocks = _blocks(challenge)
    enabled = frozenset() if blocks and blocks[0].type == "select" else _treatments(challenge)
    treated = apply_treatments(pre_treat(answer), enabled)
    variants = [apply_treatments(a, enabled) for a in accepted]
    return OK if is_answer_valid(treated, variants, enabled) else KO


def validate_qrocm_ind(challenge: Challenge, answer: str) -> AnswerResult:
    """Several independent fields: each checked against its own variants; all must be right."""
    if "\n" not in challenge.solution:
        return KO
    solution = parse_variants(challenge.solution)
    answers = parse_answer_mapping(answer)
    unknown = sorted(set(answers) - set(solution))
    if unknown:
        raise AnswerFormatError(f"answer fields {unknown} are not in the solution")
    selects = {b.key for b in _blocks(challenge) if b.type == "select"}
    details: dict[str, bool] = {}
    for key, variants in solution.items():
        enabled = frozenset() if key in selects else _treatments(challenge)
        treated = apply_treatments(answers.get(key, ""), enabled)
        details[key] = key in answers and is_answer_valid(
            treated, [apply_treatments(v, enabled) for v in variants], enabled
        )
    return AnswerResult("ok" if all(details.values()) else "ko", details)


def validate_qrocm_dep(challenge: Challenge, answer: str) -> AnswerResult:
    """Fields in any order: each answer must match a distinct, not yet used, solution group."""
    enabled = _treatments(challenge)
    solution = parse_variants(challenge.solution)
    unmatched = {
        key: [apply_treatments(v, enabled) for v in variants] for key, variants in solution.items()
    }
    answers = parse_answer_mapping(answer)
    for block in _blocks(challenge):
        answers.setdefault(block.key, "")
    details: dict[str, bool] = {}
    for key, value in answers.items():
        treated = apply_treatments(value, enabled)
        matching = (g for g, v in unmatched.items() if is_answer_valid(treated, v, enabled))
        group = next(matching, None)
        details[key] = group is not None
        if group is not None:
            del unmatched[group]
    missed = tuple(solution[g][0] for g in solution if g in unmatched)
    status: AnswerStatus = "ok" if all(details.values()) else "ko"
    return AnswerResult(status, details, missed)


_VALIDATORS: dict[str, Callable[[Challenge, str], AnswerResult]] = {
    "QCU": validate_qcu,
    "QCM": validate_qcm,
    "QROC": validate_qroc,
    "QROCM-ind": validate_qrocm_ind,
    "QROCM-dep": validate_qrocm_dep,
}


def validate(
    challenge: Challenge, answer_value: object, *, timed_out: bool = False
) -> AnswerResult:
    """Correct one answer: skip, then the type's rule, then a late correct answer is `timedout`.

    Raises AnswerFormatError for QROCM answers that are not `key: value` YAML of known fields.
    """
    if answer_value == SKIPPED_VALUE:
        return AnswerResult("aband")
    validator = _VALIDATORS.get(challenge.type)
    if validator is None:
        return AnswerResult("unimplemented")
    if not isinstance(answer_value, str):
        return KO
    result = validator(challenge, answer_value)
    if result.status == "ok" and timed_out:
        return replace(result, status="timedout")
    return result


__all__ = [
    "SKIPPED_VALUE",
    "AnswerFormatError",
    "AnswerResult",
    "AnswerStatus",
    "validate",
]
