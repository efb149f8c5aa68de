"""Checkpoints: every 5th answer and at the end, which answers to correct (adaptive-engine.md §6.3).

Also the progress-bar step within the current block of 5 (§6.2).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

NUMBER_OF_CHALLENGES_BETWEEN_TWO_CHECKPOINTS = 5

A = TypeVar("A")


def is_checkpoint_due(answer_count: int, *, ended: bool) -> bool:
    """A checkpoint after every 5th answer, and a final one when the engine says "ended"
    (one checkpoint, not two, when the end falls on a 5th answer)."""
    if answer_count == 0:
        return False
    if ended:
        return True
    return answer_count % NUMBER_OF_CHALLENGES_BETWEEN_TWO_CHECKPOINTS == 0


def answers_since_last_checkpoint(answers: Sequence[A]) -> list[A]:
    """The last block of answers: the last 5, or the remainder for a final checkpoint."""
    rest = len(answers) % NUMBER_OF_CHALLENGES_BETWEEN_TWO_CHECKPOINTS
    return list(answers[-(rest or NUMBER_OF_CHALLENGES_BETWEEN_TWO_CHECKPOINTS) :])


def progress_step(answer_count: int) -> int:
    """§6.2: the position shown in the progress bar, answers mod 5, + 1."""
    return answer_count % NUMBER_OF_CHALLENGES_BETWEEN_TWO_CHECKPOINTS + 1
