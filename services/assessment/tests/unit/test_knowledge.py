"""Knowledge elements: from answers, latest per skill, stale failures (§3, §4.1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assessment.domain.knowledge import (
    KnowledgeElement,
    current_knowledge,
    knowledge_for_answer,
    latest_per_skill,
)

from .content import index, ladder

pytestmark = pytest.mark.unit

T0 = datetime(2026, 1, 10, tzinfo=UTC)
WEB = index(*ladder("@web", range(1, 6), pix=2.0), *ladder("@url", range(1, 3)))


def answer(
    skill: str, ok: bool, assessed: tuple[str, ...] = (), at: datetime = T0
) -> dict[str, str]:
    kes = knowledge_for_answer(
        WEB, skill, ok, already_assessed=assessed, at=at, answer_id="a1", assessment_id="as1"
    )
    return {ke.skill_id: f"{ke.status}/{ke.source}" for ke in kes}


def test_a_right_answer_validates_the_skill_and_every_easier_skill_of_its_tube() -> None:
    assert answer("@web3", True) == {
        "@web3": "validated/direct",
        "@web1": "validated/inferred",
        "@web2": "validated/inferred",
    }


def test_a_wrong_answer_invalidates_the_skill_and_every_harder_skill_of_its_tube() -> None:
    assert answer("@web3", False) == {
        "@web3": "invalidated/direct",
        "@web4": "invalidated/inferred",
        "@web5": "invalidated/inferred",
    }


def test_skills_already_assessed_and_skills_outside_the_target_are_left_alone() -> None:
    assert answer("@web3", True, assessed=("@web1",)) == {
        "@web3": "validated/direct",
        "@web2": "validated/inferred",
    }
    assert answer("@web3", True, assessed=("@web3",)) == {}
    assert answer("@other2", True) == {}


def test_earned_pix_is_the_skill_pix_value_only_when_validated() -> None:
    ok = knowledge_for_answer(
        WEB, "@web2", True, already_assessed=(), at=T0, answer_id="a", assessment_id="s"
    )
    ko = knowledge_for_answer(
        WEB, "@web2", False, already_assessed=(), at=T0, answer_id="a", assessment_id="s"
    )
    assert [k.earned_pix for k in ok] == [2.0, 2.0]
    assert {k.earned_pix for k in ko} == {0.0}


def ke(skill: str, status: str, at: datetime) -> KnowledgeElement:
    return KnowledgeElement(skill, "@web", "1.1", status, "direct", 0.0, at, "a", "s")  # type: ignore[arg-type]


def test_the_latest_ke_per_skill_wins_and_a_reset_forgets_the_skill() -> None:
    elements = [
        ke("@web1", "invalidated", T0),
        ke("@web1", "validated", T0 + timedelta(hours=1)),
        ke("@web2", "validated", T0),
        ke("@web2", "reset", T0 + timedelta(days=1)),
    ]
    latest = latest_per_skill(elements)
    assert {sid: k.status for sid, k in latest.items()} == {"@web1": "validated"}
    assert latest_per_skill(elements, until=T0)["@web2"].status == "validated"


def test_validated_skills_stay_known_but_failures_older_than_4_days_are_asked_again() -> None:
    start = T0 + timedelta(days=10)
    elements = [
        ke("@web1", "validated", T0),
        ke("@web2", "invalidated", start - timedelta(days=4, seconds=1)),
        ke("@web3", "invalidated", start - timedelta(days=3, hours=23)),
        ke("@web4", "invalidated", start + timedelta(minutes=5)),
    ]
    assert set(current_knowledge(elements, started_at=start)) == {"@web1", "@web3", "@web4"}
