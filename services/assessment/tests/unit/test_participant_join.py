"""Joining a campaign (docs/domain/pix-orga.md §2.5, §2.6): the ordered refusals of
`decide_join`, resuming, re-sending a profile, retry and reset."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assessment.domain.participant import (
    INITIAL,
    LearnerFacts,
    ParticipantState,
    Refused,
    decide_delete,
    fold,
)
from assessment.domain.sealed import AssessmentOpened
from orga_shared.contracts.assessment import ParticipationStarted

from .participants import (
    LEARNER,
    T0,
    assessment,
    collection,
    is_french,
    join,
    known,
    play,
    right,
    share,
    shared_participation,
    wrong,
)

pytestmark = pytest.mark.unit

SHARED_AT = T0 + timedelta(hours=1)
LATER = SHARED_AT + timedelta(days=5)


def refused(
    state: ParticipantState, campaign: object, code: str, status: int = 403, **options: object
) -> Refused:
    with pytest.raises(Refused) as caught:
        join(state, campaign, **options)
    error = caught.value
    assert error.code == code
    assert error.status == status
    assert is_french(error.message), error.message
    return error


def started(events: list[object]) -> ParticipationStarted:
    [event] = [e for e in events if isinstance(e, ParticipationStarted)]
    return event


def opened(events: list[object]) -> AssessmentOpened:
    [event] = [e for e in events if isinstance(e, AssessmentOpened)]
    return event


def deleted(state: ParticipantState) -> ParticipantState:
    return fold(state, decide_delete(state, "teacher-1"))


# --- rule 1: the learner is disabled ---------------------------------------------------------


def test_1_a_disabled_learner_is_refused() -> None:
    refused(
        INITIAL,
        assessment(),
        "LEARNER_DISABLED",
        learner=LearnerFacts(learner_id="learner-1", disabled=True),
    )


def test_a_disabled_learner_is_refused_even_with_a_participation_to_resume() -> None:
    state, _, _ = join(INITIAL, assessment())
    refused(
        state,
        assessment(),
        "LEARNER_DISABLED",
        learner=LearnerFacts(learner_id="learner-1", disabled=True),
    )


# --- rule 2: the campaign is archived or deleted ---------------------------------------------


@pytest.mark.parametrize("change", [{"archived": True}, {"deleted": True}])
def test_2_an_archived_or_deleted_campaign_cannot_be_joined(change: dict[str, bool]) -> None:
    refused(INITIAL, assessment(**change), "CAMPAIGN_ARCHIVED")


def test_an_archived_campaign_with_a_participation_resumes_it() -> None:
    state, _, _ = join(INITIAL, assessment())
    after, decision, events = join(state, assessment(archived=True))
    assert decision.resume and events == [] and after == state


def test_an_archived_campaign_with_a_retry_asked_still_only_resumes() -> None:
    campaign = assessment(multiple_sendings=True)
    state = shared_participation(campaign, shared_at=SHARED_AT)
    _, decision, events = join(state, assessment(multiple_sendings=True, archived=True), retry=True)
    assert decision.resume and events == []


def test_an_archived_campaign_whose_participation_was_deleted_is_refused() -> None:
    state, _, _ = join(INITIAL, assessment())
    refused(deleted(state), assessment(archived=True), "CAMPAIGN_ARCHIVED")


# --- rule 3: restricted organisation, no learner linked --------------------------------------


def test_3_a_restricted_campaign_needs_a_reconciled_learner() -> None:
    refused(
        INITIAL, assessment(), "RECONCILIATION_REQUIRED", learner=LearnerFacts(), restricted=True
    )


def test_a_restricted_campaign_with_a_linked_learner_is_joined() -> None:
    _, decision, events = join(INITIAL, assessment(), restricted=True)
    assert not decision.resume and started(events).learner_id == LEARNER.learner_id


def test_an_open_campaign_needs_no_learner() -> None:
    _, decision, events = join(INITIAL, assessment(), learner=LearnerFacts())
    assert not decision.resume and started(events).learner_id is None


# --- rule 4: already participated, no multiple sendings --------------------------------------


@pytest.mark.parametrize("again", [{"retry": True}, {"reset": True}])
def test_4_a_retry_on_a_campaign_without_multiple_sendings_is_refused(
    again: dict[str, bool],
) -> None:
    campaign = assessment(resettable=True)
    state = shared_participation(campaign, shared_at=SHARED_AT)
    refused(state, campaign, "ALREADY_PARTICIPATED", 409, now=LATER, **again)


def test_a_deleted_participation_without_multiple_sendings_is_already_participated() -> None:
    state, _, _ = join(INITIAL, assessment())
    refused(deleted(state), assessment(), "ALREADY_PARTICIPATED", 409)


# --- rule 5: the previous participation was deleted ------------------------------------------


@pytest.mark.parametrize("again", [{}, {"retry": True}])
def test_5_a_deleted_participation_cannot_be_taken_again(again: dict[str, bool]) -> None:
    campaign = assessment(multiple_sendings=True)
    state = deleted(shared_participation(campaign, shared_at=SHARED_AT))
    refused(state, campaign, "PARTICIPATION_DELETED", now=LATER, **again)


# --- rule 6: the previous participation is not shared ----------------------------------------


def test_6_a_retry_before_sending_the_results_is_refused() -> None:
    campaign = assessment(multiple_sendings=True)
    state, _, _ = join(INITIAL, campaign)
    refused(state, campaign, "RESULTS_NOT_SENT", now=LATER, retry=True)
    completed, _ = play(state, campaign, wrong)
    assert completed.current is not None and completed.current.status == "TO_SHARE"
    refused(completed, campaign, "RESULTS_NOT_SENT", now=LATER, retry=True)


# --- rule 7: nothing left to improve ---------------------------------------------------------


def test_7_a_retry_after_validating_every_skill_is_refused() -> None:
    campaign = assessment(multiple_sendings=True, resettable=True)
    state = shared_participation(campaign, right, shared_at=SHARED_AT)
    assert state.current is not None and state.current.mastery_rate == 1.0
    refused(state, campaign, "NOTHING_TO_IMPROVE", now=LATER, retry=True)
    # a reset is not bound by the 100 % rule
    _, decision, events = join(state, campaign, now=LATER, reset=True)
    assert not decision.resume and started(events).is_reset


# --- the 4-day delay of a retry (§2.6) -------------------------------------------------------


def test_a_retry_less_than_4_days_after_sending_is_refused() -> None:
    campaign = assessment(multiple_sendings=True)
    state = shared_participation(campaign, shared_at=SHARED_AT)
    error = refused(
        state, campaign, "RETRY_TOO_EARLY", now=SHARED_AT + timedelta(days=3, hours=23), retry=True
    )
    assert "1 jour" in error.message
    error = refused(state, campaign, "RETRY_TOO_EARLY", now=SHARED_AT, retry=True)
    assert "4 jour" in error.message


def test_a_retry_4_days_after_sending_is_allowed() -> None:
    campaign = assessment(multiple_sendings=True)
    state = shared_participation(campaign, shared_at=SHARED_AT)
    _, decision, events = join(state, campaign, now=SHARED_AT + timedelta(days=4), retry=True)
    assert not decision.resume and started(events).attempt == 2


# --- rule 8: reset ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "after"),
    [
        ({"resettable": False}, timedelta(days=5)),  # the target does not allow it
        ({}, timedelta(days=3, hours=23)),  # less than 4 days after sending
    ],
)
def test_8_a_reset_is_refused_without_its_conditions(
    change: dict[str, bool], after: timedelta
) -> None:
    campaign = assessment(**{"multiple_sendings": True, "resettable": True, **change})
    state = shared_participation(campaign, shared_at=SHARED_AT)
    refused(state, campaign, "RESET_NOT_ALLOWED", now=SHARED_AT + after, reset=True)


def test_a_profiles_collection_cannot_be_reset() -> None:
    campaign = collection(multiple_sendings=True, resettable=True)
    state = shared_participation(campaign, shared_at=SHARED_AT)
    refused(state, campaign, "RESET_NOT_ALLOWED", now=LATER, reset=True)


def test_a_reset_4_days_after_sending_is_allowed() -> None:
    campaign = assessment(multiple_sendings=True, resettable=True)
    state = shared_participation(campaign, shared_at=SHARED_AT)
    _, decision, events = join(state, campaign, now=SHARED_AT + timedelta(days=4), reset=True)
    assert not decision.resume and started(events).is_reset


def test_a_reset_start_carries_no_prior_knowledge_on_the_campaign_skills() -> None:
    campaign = assessment(multiple_sendings=True, resettable=True)
    state = shared_participation(campaign, shared_at=SHARED_AT)
    prior = known(campaign, campaign.skill_ids[:5])
    after, _, events = join(state, campaign, now=LATER, reset=True, prior=prior)
    assert opened(events).prior == ()
    assert after.current is not None and after.current.knowledge == {}
    # the same knowledge is carried on a retry
    _, _, events = join(state, campaign, now=LATER, retry=True, prior=prior)
    assert {k.skill_id for k in opened(events).prior} == set(campaign.skill_ids[:5])


# --- rules 9, 10: the external id ------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   "])
def test_9_a_missing_external_id_is_refused(value: str | None) -> None:
    campaign = assessment(external_id_label="numéro d'élève")
    error = refused(INITIAL, campaign, "MISSING_EXTERNAL_ID", 422, participant_external_id=value)
    assert error.field == "participant_external_id"
    assert "numéro d'élève" in error.message


def test_an_external_id_is_trimmed() -> None:
    campaign = assessment(external_id_label="numéro d'élève")
    _, decision, events = join(INITIAL, campaign, participant_external_id="  E-42 ")
    assert decision.external_id == "E-42" and started(events).has_external_id


def test_no_external_id_is_kept_when_the_campaign_asks_none() -> None:
    _, decision, events = join(INITIAL, assessment(), participant_external_id="E-42")
    assert decision.external_id is None and not started(events).has_external_id


def test_an_external_id_longer_than_255_characters_is_refused() -> None:
    campaign = assessment(external_id_label="identifiant")
    error = refused(
        INITIAL, campaign, "EXTERNAL_ID_TOO_LONG", 422, participant_external_id="x" * 256
    )
    assert error.field == "participant_external_id"
    _, decision, _ = join(INITIAL, campaign, participant_external_id="x" * 255)
    assert decision.external_id == "x" * 255


@pytest.mark.parametrize("value", ["pas-un-email", "nom@exemple", "nom prenom@exemple.fr", "@a.fr"])
def test_10_an_invalid_email_is_refused(value: str) -> None:
    campaign = assessment(external_id_label="e-mail", external_id_type="EMAIL")
    error = refused(INITIAL, campaign, "INVALID_EMAIL", 422, participant_external_id=value)
    assert error.field == "participant_external_id"


def test_a_valid_email_is_accepted() -> None:
    campaign = assessment(external_id_label="e-mail", external_id_type="EMAIL")
    _, decision, _ = join(INITIAL, campaign, participant_external_id=" nom@exemple.fr ")
    assert decision.external_id == "nom@exemple.fr"


# --- the order of the checks -----------------------------------------------------------------


def test_a_disabled_learner_on_an_archived_restricted_campaign_gets_learner_disabled() -> None:
    refused(
        INITIAL,
        assessment(archived=True, external_id_label="identifiant"),
        "LEARNER_DISABLED",
        learner=LearnerFacts(disabled=True),
        restricted=True,
    )


def test_an_archived_restricted_campaign_gets_campaign_archived_first() -> None:
    refused(
        INITIAL,
        assessment(archived=True, external_id_label="identifiant"),
        "CAMPAIGN_ARCHIVED",
        learner=LearnerFacts(),
        restricted=True,
    )


def test_reconciliation_comes_before_the_external_id() -> None:
    refused(
        INITIAL,
        assessment(external_id_label="identifiant"),
        "RECONCILIATION_REQUIRED",
        learner=LearnerFacts(),
        restricted=True,
    )


def test_a_deleted_participation_comes_before_results_not_sent() -> None:
    campaign = assessment(multiple_sendings=True)
    state, _, _ = join(INITIAL, campaign)
    refused(deleted(state), campaign, "PARTICIPATION_DELETED", retry=True)


def test_results_not_sent_comes_before_the_reset_conditions() -> None:
    campaign = assessment(multiple_sendings=True)  # not resettable either
    state, _, _ = join(INITIAL, campaign)
    refused(state, campaign, "RESULTS_NOT_SENT", now=LATER, reset=True)


def test_nothing_to_improve_comes_before_the_retry_delay() -> None:
    campaign = assessment(multiple_sendings=True)
    state = shared_participation(campaign, right, shared_at=SHARED_AT)
    refused(state, campaign, "NOTHING_TO_IMPROVE", now=SHARED_AT, retry=True)


# --- resuming --------------------------------------------------------------------------------


def test_the_same_join_twice_resumes_the_participation() -> None:
    campaign = assessment(external_id_label="identifiant")
    state, first, events = join(INITIAL, campaign, participant_external_id="E-1")
    assert not first.resume and len(events) == 3  # started, opened, first challenge
    again, second, more = join(state, campaign, participant_external_id="E-1")
    assert second.resume and second.events == [] and more == [] and again == state
    # a resume checks no external id: the participation already has it
    _, third, _ = join(state, campaign)
    assert third.resume


@pytest.mark.parametrize("policy", [wrong, right])
def test_a_completed_or_shared_participation_resumes_without_retry(policy: object) -> None:
    campaign = assessment(multiple_sendings=True)
    state, _, _ = join(INITIAL, campaign)
    completed, _ = play(state, campaign, policy)
    _, decision, events = join(completed, campaign, now=LATER)
    assert decision.resume and events == []
    sent, _ = share(completed, campaign, SHARED_AT)
    _, decision, events = join(sent, campaign, now=LATER)
    assert decision.resume and events == []


def test_a_profiles_collection_resumes_until_it_is_sent() -> None:
    campaign = collection(multiple_sendings=True)
    state, first, events = join(INITIAL, campaign)
    assert not first.resume and [type(e) for e in events] == [ParticipationStarted]
    assert started(events).status == "TO_SHARE"
    _, decision, _ = join(state, campaign)
    assert decision.resume


def test_a_profiles_collection_with_multiple_sendings_is_sent_again_by_its_code() -> None:
    campaign = collection(multiple_sendings=True)
    state = shared_participation(campaign, shared_at=SHARED_AT)
    old = state.current
    assert old is not None and old.status == "SHARED"
    after, decision, events = join(state, campaign, now=SHARED_AT + timedelta(minutes=5))
    assert not decision.resume
    new = started(events)
    assert new.replaces == old.participation_id and new.attempt == 2
    assert new.status == "TO_SHARE" and not new.is_reset
    assert after.attempts[0].improved and after.current is not None
    assert after.current.participation_id == new.participation_id


def test_a_profiles_collection_without_multiple_sendings_only_resumes_once_sent() -> None:
    campaign = collection()
    state = shared_participation(campaign, shared_at=SHARED_AT)
    _, decision, events = join(state, campaign, now=LATER)
    assert decision.resume and events == []
    refused(state, campaign, "ALREADY_PARTICIPATED", 409, now=LATER, retry=True)


# --- retry -----------------------------------------------------------------------------------


def test_a_retry_marks_the_old_attempt_improved_and_reuses_its_external_id() -> None:
    campaign = assessment(multiple_sendings=True, external_id_label="identifiant")
    state = shared_participation(campaign, shared_at=SHARED_AT, participant_external_id="E-42")
    old = state.current
    assert old is not None and old.has_external_id
    after, decision, events = join(state, campaign, now=LATER, retry=True)  # no external id
    assert decision.external_id is None
    assert decision.reuse_external_id_of == old.participation_id
    new = started(events)
    assert new.replaces == old.participation_id and new.has_external_id and new.attempt == 2
    assert new.status == "STARTED" and not new.is_reset
    assert new.participation_id != old.participation_id
    assert opened(events).assessment_id != old.assessment_id
    assert [a.improved for a in after.attempts] == [True, False]
    assert after.current is not None and after.current.current is not None  # first challenge


def test_a_retry_carries_only_the_live_knowledge_of_the_campaign_skills() -> None:
    campaign = assessment(multiple_sendings=True)
    state = shared_participation(campaign, shared_at=SHARED_AT)
    skills = campaign.skill_ids
    outside = known(assessment("tp-2.1"), assessment("tp-2.1").skill_ids[:2])
    prior = [
        *known(campaign, skills[:2]),
        *known(campaign, skills[2:3], status="reset"),
        *outside,
    ]
    after, _, events = join(state, campaign, now=LATER, retry=True, prior=prior)
    assert {k.skill_id for k in opened(events).prior} == set(skills[:2])
    assert after.current is not None and set(after.current.knowledge) >= set(skills[:2])
