"""The campaign aggregate's rules (docs/domain/pix-orga.md §1.3, §1.6, §1.8), pure."""

from __future__ import annotations

from dataclasses import replace

import pytest

from campaign.domain.access import can_delete_all
from campaign.domain.campaign import Campaign, decide, evolve
from campaign.domain.commands import (
    Actor,
    ArchiveCampaign,
    CreateCampaign,
    DeleteCampaign,
    UnarchiveCampaign,
    UpdateCampaign,
)
from campaign.domain.rules import CampaignRejected
from orga_shared.contracts.campaign import CampaignCreated, FrozenTarget, TargetSkill

pytestmark = pytest.mark.unit

ADMIN = Actor("admin-1", "ADMIN")
MEMBER = Actor("member-1", "MEMBER")
OTHER_MEMBER = Actor("member-2", "MEMBER")
OUTSIDER = Actor("outsider", None)
TARGET = FrozenTarget(
    target_profile_id="pc-1",
    target_profile_name="Parcours",
    content_version="2026.11.0",
    skills=(TargetSkill(skill_id="@web1", tube="web", competence="1.1", difficulty=1),),
)


def creation(**changes: object) -> CreateCampaign:
    base = CreateCampaign(
        campaign_id="c1",
        organisation_id="o1",
        code="QWERTY234",
        name="Rentrée 6e",
        type="ASSESSMENT",
        creator=MEMBER,
        owner_id=MEMBER.user_id,
        owner_is_member=True,
        target_profile_id="pc-1",
        target_profile_available=True,
        target=TARGET,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def codes_of(exc: pytest.ExceptionInfo[CampaignRejected]) -> list[str]:
    return [p.code for p in exc.value.problems]


def created(**changes: object) -> Campaign:
    state = Campaign()
    for event in decide(state, creation(**changes)):
        state = evolve(state, event)
    return state


def test_a_valid_assessment_campaign_freezes_its_target() -> None:
    [event] = decide(Campaign(), creation(title="  Mon parcours  ", external_id_label=""))
    assert isinstance(event, CampaignCreated)
    assert event.target == TARGET and event.title == "Mon parcours"
    assert event.external_id_label is None and event.owner_id == MEMBER.user_id


def test_every_broken_rule_of_one_request_is_reported_together() -> None:
    with pytest.raises(CampaignRejected) as exc:
        decide(
            Campaign(),
            creation(
                name="x" * 256,
                title="t" * 51,
                landing_text="l" * 5001,
                owner_is_member=False,
                external_id_label="Numéro",
                multiple_sendings=True,
                target_profile_id=None,
            ),
        )
    assert codes_of(exc) == [
        "CAMPAIGN_NAME_IS_TOO_LONG",
        "OWNER_NOT_IN_ORGANIZATION",
        "CAMPAIGN_TITLE_IS_TOO_LONG",
        "CUSTOM_LANDING_PAGE_TEXT_IS_TOO_LONG",
        "MISSING_ID_PIX_TYPE",
        "TARGET_PROFILE_IS_REQUIRED",
        "MULTIPLE_SENDINGS_NOT_ALLOWED",
    ]
    assert {p.field for p in exc.value.problems} >= {"name", "title", "landing_text", "owner_id"}
    assert exc.value.status == 422


def test_profiles_collection_refuses_a_target_profile_and_a_title() -> None:
    with pytest.raises(CampaignRejected) as exc:
        decide(Campaign(), creation(type="PROFILES_COLLECTION", title="Titre"))
    assert codes_of(exc) == [
        "TITLE_OF_PERSONALISED_TEST_IS_NOT_ALLOWED_FOR_PROFILES_COLLECTION_CAMPAIGN",
        "TARGET_PROFILE_NOT_ALLOWED_FOR_PROFILES_COLLECTION_CAMPAIGN",
    ]


def test_profiles_collection_may_always_be_multiple_sending() -> None:
    [event] = decide(
        Campaign(),
        creation(type="PROFILES_COLLECTION", target_profile_id=None, multiple_sendings=True),
    )
    assert isinstance(event, CampaignCreated) and event.multiple_sendings and event.target is None


def test_missing_purpose_name_and_unavailable_profile() -> None:
    with pytest.raises(CampaignRejected) as exc:
        decide(Campaign(), creation(type=None, name="   "))
    assert codes_of(exc)[:2] == ["CAMPAIGN_PURPOSE_IS_REQUIRED", "CAMPAIGN_NAME_IS_REQUIRED"]
    with pytest.raises(CampaignRejected) as exc:
        decide(Campaign(), creation(target_profile_available=False))
    assert codes_of(exc) == ["TARGET_PROFILE_NOT_AVAILABLE"]


def test_a_non_member_cannot_create() -> None:
    with pytest.raises(CampaignRejected) as exc:
        decide(Campaign(), creation(creator=OUTSIDER))
    assert exc.value.status == 403


def test_owner_or_admin_manage_a_campaign_other_members_do_not() -> None:
    state = created()
    assert decide(state, UpdateCampaign(MEMBER, name="Nouveau nom"))
    assert decide(state, UpdateCampaign(ADMIN, name="Nouveau nom"))
    with pytest.raises(CampaignRejected) as exc:
        decide(state, UpdateCampaign(OTHER_MEMBER, name="Nouveau nom"))
    assert (exc.value.status, codes_of(exc)) == (403, ["NOT_CAMPAIGN_MANAGER"])


def test_an_archived_campaign_cannot_be_edited_or_archived_twice() -> None:
    state = created()
    for event in decide(state, ArchiveCampaign(MEMBER)):
        state = evolve(state, event)
    assert state.archived
    with pytest.raises(CampaignRejected) as exc:
        decide(state, UpdateCampaign(MEMBER, name="Autre"))
    assert (exc.value.status, codes_of(exc)) == (409, ["CAMPAIGN_ARCHIVED"])
    with pytest.raises(CampaignRejected) as exc:
        decide(state, ArchiveCampaign(ADMIN))
    assert codes_of(exc) == ["CAMPAIGN_ALREADY_ARCHIVED"]
    for event in decide(state, UnarchiveCampaign(ADMIN)):
        state = evolve(state, event)
    assert not state.archived
    with pytest.raises(CampaignRejected) as exc:
        decide(state, UnarchiveCampaign(ADMIN))
    assert codes_of(exc) == ["CAMPAIGN_NOT_ARCHIVED"]


def test_editing_changes_only_what_changed() -> None:
    state = created(title="Ancien")
    assert decide(state, UpdateCampaign(MEMBER, name="Rentrée 6e")) == []
    [event] = decide(state, UpdateCampaign(MEMBER, clear_title=True, landing_text="Bonjour"))
    state = evolve(state, event)
    assert state.title is None and state.landing_text == "Bonjour"
    with pytest.raises(CampaignRejected) as exc:
        decide(state, UpdateCampaign(MEMBER, owner_id="someone", owner_is_member=False))
    assert codes_of(exc) == ["OWNER_NOT_IN_ORGANIZATION"]


def test_deleting_a_selection_needs_an_admin_or_the_owner_of_all() -> None:
    mine, theirs = created(), created(owner_id=OTHER_MEMBER.user_id)
    assert can_delete_all([mine], MEMBER)
    assert not can_delete_all([mine, theirs], MEMBER)
    assert can_delete_all([mine, theirs], ADMIN)
    with pytest.raises(CampaignRejected) as exc:
        decide(theirs, DeleteCampaign(MEMBER, may_delete=can_delete_all([mine, theirs], MEMBER)))
    assert exc.value.status == 403
    [event] = decide(mine, DeleteCampaign(MEMBER, may_delete=True))
    gone = evolve(mine, event)
    assert not gone.exists
    with pytest.raises(CampaignRejected) as exc:
        decide(gone, UpdateCampaign(ADMIN, name="x"))
    assert exc.value.status == 404
