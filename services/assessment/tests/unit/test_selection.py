"""Next-challenge selection, smart random (adaptive-engine.md §4.3-4.7)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assessment.domain.knowledge import KnowledgeElement
from assessment.domain.selection import (
    CAT_LEVELS,
    AskedChallenge,
    AssessmentEnded,
    NextChallenge,
    candidates,
    next_challenge,
    predicted_level,
    reward,
)

from .content import WORKED_EXAMPLE, index, ladder, simulate, skill

pytestmark = pytest.mark.unit

_T = datetime(2026, 1, 10, tzinfo=UTC)


def test_the_grid_has_15_levels_from_half_to_seven_and_a_half() -> None:
    assert CAT_LEVELS[0] == 0.5 and CAT_LEVELS[-1] == 7.5 and len(CAT_LEVELS) == 15


@pytest.mark.parametrize(
    ("direct", "level"),
    [([], 3.5), ([(1, 2)], 4.5), ([(1, 2), (0, 3)], 2.5), ([(1, 2), (1, 3), (1, 4)], 6.0)],
)
def test_predicted_levels_of_the_reference_table(
    direct: list[tuple[int, int]], level: float
) -> None:
    assert predicted_level(direct) == level


def test_the_worked_example_of_section_4_7() -> None:
    right = {"@url2", "@web3"}
    run = simulate(WORKED_EXAMPLE, lambda sid: sid in right)
    state = run.final
    assert [(p.skill_id, p.estimated_level) for p in run.picks] == [
        ("@url2", 2.0),
        ("@url3", 4.5),
        ("@web3", 2.5),
        ("@web4", 3.5),
    ]
    validated = sorted(sid for sid, ke in state.items() if ke.is_validated)
    assert validated == ["@url2", "@web1", "@web2", "@web3"]
    assert len(state) == 7


def test_the_rewards_of_question_3_in_the_worked_example() -> None:
    tube = WORKED_EXAMPLE.tubes["@web"]
    tested = {"@url2", "@url3"}
    rewards = [round(reward(2.5, s, tube, tested), 2) for s in tube]
    assert rewards[:4] == [1.73, 2.76, 3.0, 2.36]


def test_the_rewards_of_question_4_in_the_worked_example() -> None:
    tube = WORKED_EXAMPLE.tubes["@web"]
    tested = {"@url2", "@url3", "@web1", "@web2", "@web3"}
    assert [round(reward(3.5, s, tube, tested), 2) for s in tube[3:]] == [1.62, 1.18]


def test_web5_is_too_hard_at_level_2_5() -> None:
    state = {
        sid: KnowledgeElement(sid, "@url", "1.1", status, "direct", 0.0, _T, "a", "s")  # type: ignore[arg-type]
        for sid, status in (("@url2", "validated"), ("@url3", "invalidated"))
    }
    asked = [AskedChallenge("ch-url2-a"), AskedChallenge("ch-url3-a")]
    best, level, _ = candidates(WORKED_EXAMPLE, state, asked)
    assert level == 2.5 and [s.skill_id for s in best] == ["@web3"]


def test_the_first_question_prefers_easy_tubes_untimed_skills_and_level_2() -> None:
    target = index(
        *ladder("@hard", range(1, 6)),
        *ladder("@easy", range(1, 4), timed=True),
        *ladder("@calm", range(1, 4)),
    )
    first = next_challenge(target, {}, [], "seed")
    assert isinstance(first, NextChallenge)
    assert first.skill_id == "@calm2" and first.estimated_level == 2.0


def test_without_level_2_the_first_question_takes_the_lowest_level() -> None:
    first = next_challenge(index(*ladder("@web", (3, 5, 6))), {}, [], "seed")
    assert isinstance(first, NextChallenge) and first.skill_id == "@web3"


def test_no_timed_challenge_right_after_a_timed_one_unless_nothing_else() -> None:
    target = index(skill("@a", 1, timed=True), skill("@a", 2), skill("@b", 1, timed=True))
    asked = [AskedChallenge("ch-a1-a", timed=True)]
    best, _, _ = candidates(target, {}, asked)
    assert [s.skill_id for s in best] == ["@a2"]
    only_timed = index(skill("@b", 1, timed=True), skill("@b", 2, timed=True))
    best, _, _ = candidates(only_timed, {}, asked)
    assert best


def test_the_seed_chooses_among_the_best_and_the_same_seed_gives_the_same_pick() -> None:
    target = index(*ladder("@a", (1, 2)), *ladder("@b", (1, 2)), *ladder("@c", (1, 2)))
    picks = {next_challenge(target, {}, [], f"seed-{n}").skill_id for n in range(30)}  # type: ignore[union-attr]
    assert picks == {"@a2", "@b2", "@c2"}
    again = [next_challenge(target, {}, [], "seed-7") for _ in range(3)]
    assert len(set(again)) == 1


def test_the_test_ends_when_no_playable_untested_skill_is_left() -> None:
    target = index(*ladder("@a", (1, 2)))
    asked = [AskedChallenge(c.id) for s in ("@a1", "@a2") for c in target.challenges[s]]
    assert isinstance(next_challenge(target, {}, asked, "s"), AssessmentEnded)


def test_validated_challenges_are_preferred_over_archived_ones() -> None:
    from .content import challenge

    archived = skill("@a", 2).model_copy(
        update={"challenges": (challenge("@a2", "a", status="archivé"), challenge("@a2", "b"))}
    )
    target = index(skill("@a", 1), archived)
    picks = {next_challenge(target, {}, [], f"s{n}").challenge.id for n in range(20)}  # type: ignore[union-attr]
    assert picks == {"ch-a2-b"}
