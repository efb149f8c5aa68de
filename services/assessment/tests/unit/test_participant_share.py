"""Sending the results (docs/domain/pix-orga.md §2.3, §2.4), improving before sending (§2.6,
adaptive-engine.md §6.5) and deleting a participation (§2.9)."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime, timedelta

import pytest

from assessment.domain.knowledge import KnowledgeElement
from assessment.domain.participant import (
    INITIAL,
    CampaignFacts,
    ParticipantState,
    Refused,
    ask_next,
    decide_delete,
    decide_improve,
    decide_share,
    fold,
)
from assessment.domain.sealed import AssessmentOpened, ChallengeAsked
from orga_shared.content.stages import acquired_stages
from orga_shared.contracts.assessment import (
    ImprovementStarted,
    ParticipationDeleted,
    ProfileShared,
    ResultsShared,
)

from .participants import (
    MAX_LEVEL,
    T0,
    Kind,
    assessment,
    collection,
    index_of,
    is_french,
    join,
    play,
    right,
    share,
    wrong,
)

pytestmark = pytest.mark.unit

DONE = T0 + timedelta(hours=1)
PROFILE = "tp-cybersecurite"  # 41 skills over 5 competences, 4 stages, 2 badges


def deleted(state: ParticipantState) -> ParticipantState:
    return fold(state, decide_delete(state, "teacher-1"))


def refused(
    state: ParticipantState, campaign: CampaignFacts, code: str, status: int = 403
) -> Refused:
    with pytest.raises(Refused) as caught:
        decide_share(state, campaign, DONE, max_level=MAX_LEVEL, profile={})
    assert caught.value.code == code and caught.value.status == status
    assert is_french(caught.value.message), caught.value.message
    return caught.value


def completed(campaign: CampaignFacts, policy: object = wrong) -> ParticipantState:
    state, _, _ = join(INITIAL, campaign)
    state, _ = play(state, campaign, policy)
    return state


# --- §2.3 refusals, in order -----------------------------------------------------------------


def test_no_participation_cannot_be_shared() -> None:
    refused(INITIAL, assessment(), "NO_PARTICIPATION", 404)


def test_1_already_shared_results_are_refused_before_anything_else() -> None:
    campaign = assessment()
    sent, _ = share(completed(campaign), campaign, DONE)
    refused(sent, campaign, "ALREADY_SHARED", 409)
    refused(deleted(sent), assessment(archived=True), "ALREADY_SHARED", 409)


@pytest.mark.parametrize("change", [{"archived": True}, {"deleted": True}])
def test_2_results_cannot_be_shared_on_an_archived_campaign(change: dict[str, bool]) -> None:
    campaign = assessment()
    state, _, _ = join(INITIAL, campaign)  # not completed, deleted: archived comes first
    refused(deleted(state), assessment(**change), "CAMPAIGN_ARCHIVED")
    refused(completed(campaign), assessment(**change), "CAMPAIGN_ARCHIVED")


def test_3_a_deleted_participation_cannot_be_shared() -> None:
    campaign = assessment()
    state, _, _ = join(INITIAL, campaign)  # not completed either: deleted comes first
    refused(deleted(state), campaign, "PARTICIPATION_DELETED")
    refused(deleted(completed(campaign)), campaign, "PARTICIPATION_DELETED")


def test_4_an_assessment_not_completed_cannot_be_shared() -> None:
    campaign = assessment()
    state, _, _ = join(INITIAL, campaign)
    refused(state, campaign, "ASSESSMENT_NOT_COMPLETED", 409)
    assert state.current is not None and state.current.status == "STARTED"


# --- the ResultsShared snapshot (§2.4) -------------------------------------------------------


def alternate(n: int, _skill: str) -> Kind:
    return "right" if n % 3 else ("skip" if n % 2 else "wrong")


def expected_pix(knowledge: dict[str, KnowledgeElement], skills: set[str]) -> int:
    earned: dict[str, float] = defaultdict(float)
    for sid, ke in knowledge.items():
        if sid in skills and ke.is_validated:
            earned[ke.competence] += ke.earned_pix
    return sum(min(math.floor(v), 8 * MAX_LEVEL) for v in earned.values())


@pytest.mark.parametrize("policy", [right, wrong, alternate])
def test_the_snapshot_has_every_target_skill_and_consistent_counts(policy: object) -> None:
    campaign = assessment(PROFILE)
    assert campaign.target is not None
    state = completed(campaign, policy)
    [event] = decide_share(state, campaign, DONE, max_level=MAX_LEVEL)
    assert isinstance(event, ResultsShared)
    attempt = state.current
    assert attempt is not None
    knowledge = attempt.results_knowledge()
    assert [s.skill_id for s in event.skills] == list(campaign.skill_ids)
    for s in event.skills:
        ke = knowledge.get(s.skill_id)
        expected = "untested" if ke is None else ("validated" if ke.is_validated else "invalidated")
        assert s.status == expected
    validated = sum(s.status == "validated" for s in event.skills)
    total = len(campaign.skill_ids)
    assert event.validated_skills_count == validated
    assert event.mastery_rate == round(validated / total, 2)
    assert event.pix_score == expected_pix(dict(knowledge), set(campaign.skill_ids))
    assert sum(c.total for c in event.competences) == total
    assert sum(t.total for t in event.tubes) == total
    assert sum(c.validated for c in event.competences) == validated
    assert sum(t.validated for t in event.tubes) == validated
    assert {c.id for c in event.competences} == {s.competence for s in campaign.target.skills}
    assert {t.id for t in event.tubes} == {s.tube for s in campaign.target.skills}
    # the stage reached: the highest threshold at most the rounded mastery %
    assert event.stage is not None
    percent = math.floor(100 * validated / total + 0.5)
    reachable = [s.threshold for s in campaign.target.stages if s.threshold <= percent]
    assert event.stage.threshold == max(reachable)
    assert event.stage.total == len(campaign.target.stages)
    reached = acquired_stages(campaign.target.stages, validated, percent)
    assert event.stage.reached == len(reached)
    assert event.shared_at == DONE and event.learner_id == attempt.learner_id
    assert event.participation_id == attempt.participation_id


def test_every_skill_right_reaches_the_last_stage_and_wins_every_badge() -> None:
    campaign = assessment(PROFILE)
    assert campaign.target is not None and campaign.target.badges
    [event] = decide_share(completed(campaign, right), campaign, DONE, max_level=MAX_LEVEL)
    assert isinstance(event, ResultsShared)
    assert event.mastery_rate == 1.0 and event.validated_skills_count == len(campaign.skill_ids)
    assert event.stage is not None and event.stage.reached == event.stage.total
    assert event.stage.threshold == max(s.threshold for s in campaign.target.stages)
    assert event.badges == tuple(b.key for b in campaign.target.badges)


def test_every_skill_wrong_stays_at_the_first_stage_and_wins_no_badge() -> None:
    campaign = assessment(PROFILE)
    [event] = decide_share(completed(campaign, wrong), campaign, DONE, max_level=MAX_LEVEL)
    assert isinstance(event, ResultsShared)
    assert event.mastery_rate == 0.0 and event.validated_skills_count == 0
    assert event.pix_score == 0
    assert event.stage is not None and event.stage.threshold == 0 and event.stage.reached == 1
    assert event.badges == ()
    assert {s.status for s in event.skills} <= {"invalidated", "untested"}


def test_the_mastery_rate_is_rounded_to_2_decimals() -> None:
    campaign = assessment(PROFILE)
    [event] = decide_share(completed(campaign, alternate), campaign, DONE, max_level=MAX_LEVEL)
    assert isinstance(event, ResultsShared)
    assert event.mastery_rate == round(event.mastery_rate, 2)
    assert 0 < event.mastery_rate < 1


def test_a_profile_without_stages_shares_no_stage() -> None:
    campaign = assessment("tp-initiation-programmation")
    [event] = decide_share(completed(campaign, right), campaign, DONE, max_level=MAX_LEVEL)
    assert isinstance(event, ResultsShared) and event.stage is None and event.badges == ()


def test_sharing_freezes_the_results_in_the_state() -> None:
    campaign = assessment(PROFILE)
    state = completed(campaign, alternate)
    after, [event] = share(state, campaign, DONE)
    assert isinstance(event, ResultsShared)
    attempt = after.current
    assert attempt is not None and attempt.status == "SHARED" and attempt.shared_at == DONE
    assert attempt.mastery_rate == event.mastery_rate
    assert attempt.validated_skills == event.validated_skills_count


# --- ProfileShared (§2.4, §5.5) --------------------------------------------------------------


def profile(
    levels: dict[str, float], at: datetime = T0 - timedelta(days=10)
) -> dict[str, KnowledgeElement]:
    """One validated KE worth `pix` in each competence."""
    return {
        f"@skill{c}": KnowledgeElement(
            f"@skill{c}", f"@tube{c}", c, "validated", "direct", pix, at, "a", "old"
        )
        for c, pix in levels.items()
    }


def shared_profile(levels: dict[str, float]) -> ProfileShared:
    campaign = collection()
    state, _, _ = join(INITIAL, campaign)
    [event] = decide_share(state, campaign, DONE, max_level=MAX_LEVEL, profile=profile(levels))
    assert isinstance(event, ProfileShared)
    return event


def test_a_profile_with_5_competences_at_level_1_is_certifiable() -> None:
    event = shared_profile({"1.1": 8, "1.2": 9.5, "2.1": 12, "3.1": 16, "4.1": 8, "5.1": 7.9})
    assert event.is_certifiable and event.certifiable_competences == 5
    assert event.pix_score == 8 + 9 + 12 + 16 + 8 + 7
    levels = {c.competence: c.level for c in event.competences}
    assert levels == {"1.1": 1, "1.2": 1, "2.1": 1, "3.1": 2, "4.1": 1, "5.1": 0}


def test_a_profile_with_4_competences_at_level_1_is_not_certifiable() -> None:
    event = shared_profile({"1.1": 8, "1.2": 40, "2.1": 12, "3.1": 7.99, "4.1": 16})
    assert not event.is_certifiable and event.certifiable_competences == 4


def test_an_empty_profile_is_shared_as_nothing() -> None:
    event = shared_profile({})
    assert event.pix_score == 0 and event.competences == () and not event.is_certifiable


def test_a_profile_pix_is_capped_at_the_max_level() -> None:
    event = shared_profile({"1.1": 100})
    [level] = event.competences
    assert level.pix == 8 * MAX_LEVEL and level.level == MAX_LEVEL


def test_a_profiles_collection_is_shared_without_any_assessment() -> None:
    campaign = collection()
    state, _, _ = join(INITIAL, campaign)
    after, [event] = share(state, campaign, DONE)
    assert isinstance(event, ProfileShared)
    assert after.current is not None and after.current.status == "SHARED"
    assert after.current.shared_at == DONE


# --- improve before sending (§2.6, §6.5) ------------------------------------------------------


def improve_refused(state: ParticipantState, now: datetime, code: str, status: int) -> None:
    with pytest.raises(Refused) as caught:
        decide_improve(state, now)
    assert caught.value.code == code and caught.value.status == status
    assert is_french(caught.value.message), caught.value.message


def test_improving_shared_results_is_refused() -> None:
    campaign = assessment()
    sent, _ = share(completed(campaign), campaign, DONE)
    improve_refused(sent, DONE + timedelta(days=10), "ALREADY_SHARED", 409)


def test_improving_is_refused_when_nothing_failed_4_days_ago() -> None:
    campaign = assessment()
    failed = completed(campaign, wrong)  # answers at T0 + n minutes
    improve_refused(failed, T0 + timedelta(days=3, hours=23), "NOTHING_TO_IMPROVE", 403)
    perfect = completed(campaign, right)
    improve_refused(perfect, T0 + timedelta(days=30), "NOTHING_TO_IMPROVE", 403)


def test_improving_a_profiles_collection_is_refused() -> None:
    campaign = collection()
    state, _, _ = join(INITIAL, campaign)
    improve_refused(state, T0 + timedelta(days=10), "CANNOT_IMPROVE", 409)


def test_improving_a_deleted_participation_is_refused() -> None:
    improve_refused(
        deleted(completed(assessment())), T0 + timedelta(days=10), "NO_PARTICIPATION", 404
    )


def test_improving_4_days_after_a_failure_opens_a_new_assessment_on_the_same_participation() -> (
    None
):
    campaign = assessment()
    state = completed(campaign, wrong)
    old = state.current
    assert old is not None and old.status == "TO_SHARE"
    failed = {sid for sid, ke in old.knowledge.items() if ke.status == "invalidated"}
    later = T0 + timedelta(days=4, hours=1)
    events = decide_improve(state, later)
    assert [type(e) for e in events] == [ImprovementStarted, AssessmentOpened]
    opened = events[1]
    assert isinstance(opened, AssessmentOpened)
    assert opened.assessment_id != old.assessment_id and opened.started_at == later
    after = fold(state, events)
    attempt = after.current
    assert attempt is not None and len(after.attempts) == 1
    assert attempt.participation_id == old.participation_id
    assert attempt.status == "STARTED" and not attempt.completed
    assert attempt.assessment_id == opened.assessment_id
    [asked] = ask_next(after, index_of(campaign))
    assert isinstance(asked, ChallengeAsked) and asked.skill_id in failed
    # the failures are asked again, until the new assessment completes
    again, _ = play(fold(after, [asked]), campaign, right, start=later)
    attempt = again.current
    assert attempt is not None and attempt.status == "TO_SHARE" and attempt.completed
    assert any(ke.is_validated for ke in attempt.knowledge.values())


# --- delete (§2.9) ---------------------------------------------------------------------------


def test_deleting_marks_every_attempt_deleted_once() -> None:
    campaign = assessment(multiple_sendings=True)
    state, _ = share(completed(campaign), campaign, DONE)
    state, _, _ = join(state, campaign, now=DONE + timedelta(days=5), retry=True)
    assert len(state.attempts) == 2
    [event] = decide_delete(state, "teacher-1")
    assert isinstance(event, ParticipationDeleted)
    assert event.deleted_by == "teacher-1"
    assert event.participation_id == state.attempts[-1].participation_id
    after = fold(state, [event])
    assert all(a.deleted for a in after.attempts)
    assert decide_delete(after, "teacher-1") == []
    assert decide_delete(INITIAL, "teacher-1") == []
