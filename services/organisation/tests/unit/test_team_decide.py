"""Organisation aggregate: creation, invitations, roles, removal and leaving rules."""

from datetime import UTC, datetime, timedelta
from functools import reduce

import pytest

from organisation.domain.errors import Conflict, DomainError, Forbidden, Gone, NotFound
from organisation.domain.events import (
    InvitationAccepted,
    MemberInvited,
    MembershipCreated,
    MembershipRevoked,
    MembershipRoleChanged,
)
from organisation.domain.organisation import Organisation, evolve
from organisation.domain.team import (
    AcceptInvitation,
    Actor,
    AddMember,
    CancelInvitation,
    ChangeRole,
    CreateOrganisation,
    InvitationToSend,
    LeaveOrganisation,
    RemoveMember,
    SendInvitations,
    decide,
)

pytestmark = pytest.mark.unit
PLATFORM = Actor("staff", platform_admin=True)
NOW = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)


def run(state, command):
    return reduce(evolve, decide(state, command), state)


def org_with(*members):
    state = run(
        Organisation(), CreateOrganisation("o1", "Lycée Pix", "SCO", "0751234a", True, PLATFORM)
    )
    for user, role in members:
        state = run(state, AddMember(user, f"m-{user}", role, PLATFORM))
    return state


def test_creation_is_for_platform_admins_and_validates():
    with pytest.raises(Forbidden):
        decide(Organisation(), CreateOrganisation("o", "X", "SCO", None, False, Actor("u")))
    with pytest.raises(DomainError) as bad:
        decide(Organisation(), CreateOrganisation("o", "  ", "SCO", None, False, PLATFORM))
    assert bad.value.code == "INVALID_NAME"
    with pytest.raises(DomainError):
        decide(Organisation(), CreateOrganisation("o", "X", "XYZ", None, False, PLATFORM))
    state = org_with()
    assert (state.name, state.type, state.external_id) == ("Lycée Pix", "SCO", "0751234A")


def invite(state, actor, *ids, role=None, resend=False, now=NOW, ttl=timedelta(days=7)):
    items = [InvitationToSend(i, resend) for i in ids]
    return decide(state, SendInvitations(items, role, actor, now, ttl))


def test_only_admins_invite():
    state = org_with(("admin", "ADMIN"), ("member", "MEMBER"))
    with pytest.raises(Forbidden):
        invite(state, Actor("member"), "i1")
    with pytest.raises(Forbidden):
        invite(state, Actor("stranger"), "i1")
    (event,) = invite(state, Actor("admin"), "i1")
    assert isinstance(event, MemberInvited)
    assert event.expires_at == NOW + timedelta(days=7)


def test_accept_gives_the_automatic_role():
    empty = org_with()
    state = reduce(evolve, invite(empty, PLATFORM, "i1", "i2"), empty)
    state = run(state, AcceptInvitation("i1", "first", "m1", NOW))
    state = run(state, AcceptInvitation("i2", "second", "m2", NOW))
    assert state.member("first").role == "ADMIN"  # first member of the organisation
    assert state.member("second").role == "MEMBER"


def test_accept_refusals_expired_cancelled_accepted():
    base = org_with(("admin", "ADMIN"))
    state = reduce(evolve, invite(base, Actor("admin"), "i1", "i2", "i3"), base)
    with pytest.raises(Gone) as expired:
        decide(state, AcceptInvitation("i1", "u", "m", NOW + timedelta(days=7, seconds=1)))
    assert expired.value.code == "EXPIRED_INVITATION"
    state = run(state, CancelInvitation("i2", Actor("admin")))
    with pytest.raises(Gone) as cancelled:
        decide(state, AcceptInvitation("i2", "u", "m", NOW))
    assert cancelled.value.code == "CANCELLED_INVITATION"
    state = run(state, AcceptInvitation("i3", "u", "m", NOW))
    with pytest.raises(Conflict):
        decide(state, AcceptInvitation("i3", "other", "m2", NOW))
    with pytest.raises(Conflict):
        decide(state, CancelInvitation("i3", Actor("admin")))
    with pytest.raises(NotFound):
        decide(state, AcceptInvitation("nope", "u", "m", NOW))


def test_resend_extends_the_link():
    base = org_with(("admin", "ADMIN"))
    state = reduce(evolve, invite(base, Actor("admin"), "i1"), base)
    later = NOW + timedelta(days=6)
    state = reduce(evolve, invite(state, Actor("admin"), "i1", resend=True, now=later), state)
    assert state.invitations["i1"].expires_at == later + timedelta(days=7)
    decide(state, AcceptInvitation("i1", "u", "m", NOW + timedelta(days=10)))


def test_existing_member_accepting_a_roleless_invitation_only_uses_it():
    base = org_with(("admin", "ADMIN"), ("member", "MEMBER"))
    state = reduce(evolve, invite(base, Actor("admin"), "i1"), base)
    events = decide(state, AcceptInvitation("i1", "member", "m-new", NOW))
    assert [type(e) for e in events] == [InvitationAccepted]
    state = reduce(evolve, invite(base, Actor("admin"), "i2", role="ADMIN"), base)
    events = decide(state, AcceptInvitation("i2", "member", "m-new", NOW))
    assert [type(e) for e in events] == [InvitationAccepted, MembershipRoleChanged]


def test_roles_removal_and_leaving_keep_an_admin():
    state = org_with(("a1", "ADMIN"), ("m1", "MEMBER"))
    with pytest.raises(Forbidden):
        decide(state, ChangeRole("m-a1", "MEMBER", Actor("m1")))
    with pytest.raises(Forbidden):  # an admin does not manage their own row
        decide(state, ChangeRole("m-a1", "MEMBER", Actor("a1")))
    with pytest.raises(Forbidden):
        decide(state, RemoveMember("m-a1", Actor("a1")))
    with pytest.raises(DomainError):
        decide(state, ChangeRole("m-m1", "OWNER", Actor("a1")))
    with pytest.raises(Conflict) as last:
        decide(state, LeaveOrganisation("a1"))
    assert last.value.code == "LAST_ADMIN"
    with pytest.raises(Conflict):  # a platform admin cannot remove the last admin either
        decide(state, RemoveMember("m-a1", PLATFORM))
    state = run(state, ChangeRole("m-m1", "ADMIN", Actor("a1")))
    (left,) = decide(state, LeaveOrganisation("a1"))
    assert isinstance(left, MembershipRevoked) and left.reason == "left"
    (removed,) = decide(state, RemoveMember("m-a1", Actor("m1")))
    assert removed.reason == "removed"
    state = run(state, RemoveMember("m-a1", Actor("m1")))
    assert state.member("a1") is None
    with pytest.raises(Forbidden):  # removed: no more rights
        decide(state, RemoveMember("m-m1", Actor("a1")))


def test_a_user_can_join_again_after_leaving():
    state = org_with(("a1", "ADMIN"), ("m1", "MEMBER"))
    state = run(state, LeaveOrganisation("m1"))
    events = decide(state, AddMember("m1", "m-again", "MEMBER", PLATFORM))
    assert isinstance(events[0], MembershipCreated)
