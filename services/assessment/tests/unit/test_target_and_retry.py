"""The target index (§4.1, §4.2), a participation's results (§7), retry and reset (§6.4-6.6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assessment.domain.knowledge import KnowledgeElement, latest_per_skill
from assessment.domain.results import participation_result
from assessment.domain.retry import (
    can_improve,
    can_retry,
    days_before_competence_reset,
    reset_competence,
    seconds_before_retrying,
)
from assessment.domain.target import TargetIndex, locale_chain, target_skill
from orga_shared.content.loader import load_release
from orga_shared.contracts.campaign import FrozenStage, FrozenTarget

from .content import challenge, index, skill

pytestmark = pytest.mark.unit

T = datetime(2026, 1, 10, tzinfo=UTC)


def test_the_locale_chain_falls_back_to_the_language() -> None:
    assert locale_chain("fr-FR") == {"fr-fr", "fr"}
    assert locale_chain("fr") == {"fr"}


def test_only_operative_challenges_in_the_locale_are_playable() -> None:
    web1 = skill("@web", 1).model_copy(
        update={
            "challenges": (
                challenge("@web1", "a", status="périmé"),
                challenge("@web1", "b", locales=("en",)),
            )
        }
    )
    web2 = skill("@web", 2).model_copy(
        update={"challenges": (challenge("@web2", "a", status="archivé"), challenge("@web2", "b"))}
    )
    target = index(web1, web2)
    assert target.challenges["@web1"] == ()
    assert [c.id for c in target.challenges["@web2"]] == ["ch-web2-a", "ch-web2-b"]
    assert [s.skill_id for s in target.tubes["@web"]] == ["@web2"]
    assert [s.skill_id for s in target.same_tube("@web2")] == ["@web1", "@web2"]
    assert target.skill_of("ch-web2-b") == "@web2" and target.skill_of("nope") is None
    english = TargetIndex.from_skills([web1, web2], locale="en")
    assert [c.id for c in english.challenges["@web1"]] == ["ch-web1-b"]


def test_a_frozen_target_indexes_against_the_release_with_its_pix_values() -> None:
    release = load_release()
    skills = release.campaign_skills(release.target_profiles[0])
    target = TargetIndex.build([target_skill(s) for s in skills], release.skills)
    assert set(target.skills) == {s.name for s in skills}
    assert all(target.pix[s.name] == s.pix_value > 0 for s in skills)


def ke(sid: str, status: str, at: datetime = T, competence: str = "1.1") -> KnowledgeElement:
    pix = 1.0 if status == "validated" else 0.0
    return KnowledgeElement(sid, sid[:-1], competence, status, "direct", pix, at, "a", "s")  # type: ignore[arg-type]


def test_a_participation_result_gathers_mastery_stage_and_badges() -> None:
    skills = index(*(skill("@web", n) for n in range(1, 5)))
    frozen = FrozenTarget(
        target_profile_id="tp",
        target_profile_name="TP",
        content_version="1.0.0",
        skills=tuple(skills.skills.values()),
        stages=(
            FrozenStage(threshold=0, title="Zéro", message="m"),
            FrozenStage(threshold=50, title="Moitié", message="m"),
        ),
    )
    result = participation_result(frozen, {s: ke(s, "validated") for s in ("@web1", "@web2")})
    assert (result.validated_skills, result.mastery_rate, result.mastery_percentage) == (2, 0.5, 50)
    assert result.stage is not None and result.stage.title == "Moitié" and result.badges == ()


def test_retry_needs_sharing_multiple_sendings_mastery_below_100_and_4_days() -> None:
    shared = T
    ok = {"shared_at": shared, "mastery_rate": 0.5, "multiple_sendings": True}
    assert can_retry(now=shared + timedelta(days=4), **ok)  # type: ignore[arg-type]
    assert not can_retry(now=shared + timedelta(days=3, hours=23), **ok)  # type: ignore[arg-type]
    assert seconds_before_retrying(shared, shared + timedelta(days=3, hours=23)) == 3600
    assert not can_retry(now=shared + timedelta(days=5), **(ok | {"mastery_rate": 1.0}))  # type: ignore[arg-type]
    assert not can_retry(now=shared + timedelta(days=5), **(ok | {"multiple_sendings": False}))  # type: ignore[arg-type]
    assert not can_retry(now=shared + timedelta(days=5), **(ok | {"shared_at": None}))  # type: ignore[arg-type]


def test_improving_needs_an_old_enough_failure_before_sharing() -> None:
    old = {"@web1": ke("@web1", "invalidated", T - timedelta(days=4))}
    assert can_improve(shared=False, knowledge=old, assessment_started_at=T)
    assert not can_improve(shared=True, knowledge=old, assessment_started_at=T)
    fresh = {"@web1": ke("@web1", "invalidated", T - timedelta(days=3))}
    assert not can_improve(shared=False, knowledge=fresh, assessment_started_at=T)


def test_a_competence_reset_waits_7_days_and_writes_reset_kes() -> None:
    elements = [ke("@web1", "validated", T), ke("@url1", "validated", T, competence="2.1")]
    assert days_before_competence_reset(elements, "1.1", T + timedelta(days=6, hours=1)) == 1
    assert days_before_competence_reset(elements, "1.1", T + timedelta(days=7)) == 0
    resets = reset_competence(latest_per_skill(elements), "1.1", T + timedelta(days=7))
    assert [(r.skill_id, r.status, r.earned_pix) for r in resets] == [("@web1", "reset", 0.0)]
    assert set(latest_per_skill([*elements, *resets])) == {"@url1"}
