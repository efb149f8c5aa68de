"""Scores (§5.2-5.5), progression (§6.2), stages (§7.2), badges (§7.3), checkpoints (§6.3)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assessment.domain.checkpoint import (
    answers_since_last_checkpoint,
    is_checkpoint_due,
    progress_step,
)
from assessment.domain.knowledge import KnowledgeElement
from assessment.domain.results import badge_result, criterion_skills, obtained_badges
from assessment.domain.scoring import (
    MAX_REACHABLE_LEVEL_IN_PRODUCTION,
    competence_score,
    competence_scores,
    is_certifiable,
    mastery_percentage,
    mastery_rate,
    progression,
    total_pix,
)
from orga_shared.content.stages import acquired_stages, reached_stage
from orga_shared.contracts.campaign import (
    FrozenBadge,
    FrozenBadgeCriterion,
    FrozenStage,
    TargetSkill,
)

pytestmark = pytest.mark.unit

T = datetime(2026, 1, 10, tzinfo=UTC)


def ke(sid: str, ok: bool, pix: float = 1.0, competence: str = "1.1") -> KnowledgeElement:
    status = "validated" if ok else "invalidated"
    return KnowledgeElement(
        sid, sid[:-1], competence, status, "direct", pix if ok else 0.0, T, "a", "s"
    )


def state(*elements: KnowledgeElement) -> dict[str, KnowledgeElement]:
    return {e.skill_id: e for e in elements}


def test_competence_pix_and_level_are_floored_and_capped() -> None:
    assert competence_score("1.1", [4.0, 4.0, 2.7]) == competence_score("1.1", [10.7])
    score = competence_score("1.1", [10.7])
    assert (score.pix, score.level, score.pix_ahead_for_next_level) == (10, 1, 2)
    assert competence_score("1.1", [100.0]).pix == 40
    assert competence_score("1.1", [100.0]).level == 5
    high = competence_score("1.1", [100.0], max_level=MAX_REACHABLE_LEVEL_IN_PRODUCTION)
    assert (high.pix, high.level) == (56, 7)


def test_scores_per_competence_count_only_validated_kes_and_total_sums_them() -> None:
    scores = competence_scores(
        state(
            ke("@a1", True, 4.0),
            ke("@a2", True, 4.0),
            ke("@a3", False),
            ke("@b1", True, 3.5, "2.1"),
        )
    )
    assert {c: (s.pix, s.level) for c, s in scores.items()} == {"1.1": (8, 1), "2.1": (3, 0)}
    assert total_pix(scores) == 11
    assert not is_certifiable(scores)


def test_certifiable_needs_five_competences_at_level_one() -> None:
    scores = {f"{n}.1": competence_score(f"{n}.1", [8.0]) for n in range(1, 6)}
    assert is_certifiable(scores)
    scores["5.1"] = competence_score("5.1", [7.9])
    assert not is_certifiable(scores)


def test_mastery_and_progression_of_the_worked_example() -> None:
    skills = ["@url2", "@url3", "@web1", "@web2", "@web3", "@web4", "@web5"]
    known = state(*(ke(s, s in {"@url2", "@web1", "@web2", "@web3"}) for s in skills[:5]))
    assert mastery_rate(skills, known) == pytest.approx(4 / 7)
    assert mastery_percentage(skills, known) == 57
    assert progression(skills, known, completed=False) == pytest.approx(5 / 7)
    assert progression(skills, known, completed=True) == 1.0
    assert mastery_rate([], known) == 0.0


STAGES = (
    FrozenStage(threshold=50, title="Moitié", message="m"),
    FrozenStage(threshold=0, title="Zéro", message="m"),
    FrozenStage(threshold=0, title="Premier acquis", message="m", is_first_skill=True),
    FrozenStage(threshold=80, title="Presque", message="m"),
)


def titles(stages: list[FrozenStage]) -> list[str]:
    return [s.title for s in stages]


def test_stages_in_display_order_and_the_one_reached() -> None:
    assert titles(acquired_stages(STAGES, 0, 0)) == ["Zéro"]
    assert titles(acquired_stages(STAGES, 1, 10)) == ["Zéro", "Premier acquis"]
    assert titles(acquired_stages(STAGES, 3, 50)) == ["Zéro", "Premier acquis", "Moitié"]
    reached = reached_stage(STAGES, 6, 85)
    assert reached is not None and reached.title == "Presque"
    assert reached_stage((), 6, 85) is None


SKILLS = tuple(
    TargetSkill(skill_id=f"{tube}{level}", tube=tube, competence="1.1", difficulty=level)
    for tube, top in (("@web", 4), ("@url", 2))
    for level in range(1, top + 1)
)


def test_badges_need_every_criterion_and_report_their_mean_progress() -> None:
    everything = FrozenBadgeCriterion(scope="CampaignParticipation", threshold=50)
    web_low = FrozenBadgeCriterion(scope="CappedTubes", threshold=100, capped_tubes=(("@web", 2),))
    assert criterion_skills(web_low, SKILLS) == ("@web1", "@web2")
    badge = FrozenBadge(
        key="WEB", title="t", message="m", image_url="https://x/y", criteria=(everything, web_low)
    )
    known = state(ke("@web1", True), ke("@web2", True), ke("@url1", True))
    result = badge_result(badge, SKILLS, known)
    assert result.obtained and result.progress == 100
    half = state(ke("@web1", True), ke("@url1", True))
    result = badge_result(badge, SKILLS, half)
    # 2 of 6 -> 33 % of 50 -> 66; 1 of 2 -> 50 % of 100 -> 50
    assert not result.obtained and result.progress == 58
    assert obtained_badges((badge,), SKILLS, known) == ["WEB"]


def test_checkpoints_every_five_answers_and_at_the_end() -> None:
    answers = list(range(12))
    assert [n for n in range(1, 13) if is_checkpoint_due(n, ended=False)] == [5, 10]
    assert is_checkpoint_due(12, ended=True) and not is_checkpoint_due(0, ended=True)
    assert answers_since_last_checkpoint(answers[:10]) == [5, 6, 7, 8, 9]
    assert answers_since_last_checkpoint(answers) == [10, 11]
    assert [progress_step(n) for n in (0, 4, 5, 6)] == [1, 5, 1, 2]
