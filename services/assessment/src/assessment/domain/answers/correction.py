"""What the learner is shown of a challenge once answered: the checkpoint correction
(docs/domain/adaptive-engine.md §2.7, §6.3).

The challenge's part only: the right proposal(s), the accepted answer, the expected value per
field, and the author's `solution_to_display`. The skill's hint and tutorials come from the
release, and QROCM-dep's per-field evaluation from the answer's `AnswerResult` (`details`,
`solutions_without_good_answers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from orga_shared.content.blocks import parse_blocks
from orga_shared.content.framework import Challenge
from orga_shared.content.solutions import accepted_lines, parse_index_list, parse_variants


@dataclass(frozen=True)
class Correction:
    """`answers`: the right proposal texts (QCU: one, QCM: all, in proposal order) or the first
    accepted QROC answer; `fields`: QROCM field key -> expected value, in proposal order."""

    challenge_id: str
    solution_to_display: str | None
    answers: tuple[str, ...] = ()
    fields: Mapping[str, str] = field(default_factory=dict)

    @property
    def display(self) -> str:
        """The author's text when there is one, else the expected answers written out."""
        if self.solution_to_display:
            return self.solution_to_display
        if self.fields:
            return "\n".join(f"{key}: {value}" for key, value in self.fields.items())
        return ", ".join(self.answers)


def expected_fields(challenge: Challenge) -> dict[str, str]:
    """QROCM: each field's expected value, the first variant of its solution key (QROCM-ind) or
    of the groups taken in order, one a field (QROCM-dep); empty for the other types."""
    if challenge.type not in ("QROCM-ind", "QROCM-dep"):
        return {}
    variants = parse_variants(challenge.solution)
    keys = [b.key for b in parse_blocks(str(challenge.proposals))]
    if challenge.type == "QROCM-ind":
        return {key: variants[key][0] for key in keys}
    firsts = [values[0] for values in variants.values()]
    return dict(zip(keys, firsts, strict=False))


def _right_answers(challenge: Challenge) -> tuple[str, ...]:
    if challenge.type in ("QCU", "QCM"):
        indexes = sorted(int(i) for i in parse_index_list(challenge.solution))
        return tuple(challenge.proposals[i - 1] for i in indexes)
    if challenge.type == "QROC":
        return tuple(accepted_lines(challenge.solution)[:1])
    return ()


def correction(challenge: Challenge) -> Correction:
    """The correction of one challenge; its solution was checked at load, so this never fails."""
    return Correction(
        challenge_id=challenge.id,
        solution_to_display=challenge.solution_to_display,
        answers=_right_answers(challenge),
        fields=expected_fields(challenge),
    )
