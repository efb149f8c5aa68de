"""Stages reached over a campaign's frozen stages (docs/domain/adaptive-engine.md §7.2,
pix-orga.md §3.2): what assessment freezes at a participation's end and analytics averages.
"""

from __future__ import annotations

from collections.abc import Sequence

from orga_shared.contracts.campaign import FrozenStage


def _display_order(stages: Sequence[FrozenStage]) -> list[FrozenStage]:
    """§7.2: sorted by threshold, the first-skill stage placed second."""
    ranked = sorted((s for s in stages if not s.is_first_skill), key=lambda s: s.threshold)
    first_skill = [s for s in stages if s.is_first_skill]
    return ranked[:1] + first_skill + ranked[1:]


def acquired_stages(
    stages: Sequence[FrozenStage], validated: int, mastery_percent: int
) -> list[FrozenStage]:
    """§7.2: the zero stage always; the first-skill stage once a skill is validated; any other
    stage once its threshold ≤ the rounded mastery %. In display order."""
    return [
        s
        for s in _display_order(stages)
        if (
            validated >= 1
            if s.is_first_skill
            else s.threshold == 0 or s.threshold <= mastery_percent
        )
    ]


def reached_stage(
    stages: Sequence[FrozenStage], validated: int, mastery_percent: int
) -> FrozenStage | None:
    """The last acquired stage in display order (the zero stage when nothing is validated)."""
    acquired = acquired_stages(stages, validated, mastery_percent)
    return acquired[-1] if acquired else None
