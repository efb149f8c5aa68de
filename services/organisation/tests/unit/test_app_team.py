"""Team use cases on in-memory adapters: creation, invitations, roles, removal, leaving."""

from __future__ import annotations

from datetime import timedelta

import pytest

from organisation.application import invitations, organisations, team
from organisation.domain.commands import Actor
from organisation.domain.errors import Conflict, DomainError, Forbidden, Gone, NotFound

from .memory import World

pytestmark = pytest.mark.unit
PLATFORM = Actor("staff", platform_admin=True)
ADMIN = Actor("admin-1")


async def school(world: World, *members: tuple[str, str]) -> str:
    created = await organisations.create_organisation(
        world.ctx,
        PLATFORM,
        name="Collège Pix",
        type="SCO",
        external_id="0751234a",
        is_managing_students=True,
    )
    for user_id, role in (("admin-1", "ADMIN"), *members):
        await organisations.add_member(world.ctx, created["id"], PLATFORM, user_id, role)  # type: ignore[arg-type]
    return str(created["id"])


async def test_a_platform_admin_creates_an_organisation_and_invites_its_first_admin():
    world = World()
    created = await organisations.create_organisation(
        world.ctx, PLATFORM, name=" Lycée Pix ", type="SUP", admin_email="Chef@Lycee.fr"
    )
    assert (created["name"], created["type"], created["member_count"]) == ("Lycée Pix", "SUP", 0)
    [mail] = world.mail.to("chef@lycee.fr")
    accepted = await invitations.accept_invitation(world.ctx, mail.invitation_id, mail.code, "u1")
    assert accepted["role"] == "ADMIN"
    assert await world.memberships.organisations_of("u1") == {created["id"]: "ADMIN"}
    assert [o["name"] for o in await organisations.my_organisations(world.ctx, "u1")] == [
        "Lycée Pix"
    ]


async def test_only_platform_admins_create_organisations():
    world = World()
    with pytest.raises(Forbidden):
        await organisations.create_organisation(world.ctx, ADMIN, name="X", type="SCO")
    assert world.store.events() == []


async def test_inviting_again_resends_the_same_link_with_a_new_expiry():
    world = World()
    org_id = await school(world)
    [first] = await invitations.send_invitations(world.ctx, org_id, ADMIN, "a@b.fr, A@B.fr", None)
    world.now += timedelta(days=3)
    [again] = await invitations.send_invitations(world.ctx, org_id, ADMIN, "a@b.fr", None)
    assert (first["resent"], again["resent"], again["id"]) == (False, True, first["id"])
    assert again["expires_at"] - first["expires_at"] == timedelta(days=3)
    codes = {m.code for m in world.mail.to("a@b.fr")}
    assert len(codes) == 1 and len(world.mail.to("a@b.fr")) == 2


async def test_a_bad_address_refuses_the_whole_batch_and_is_not_echoed_whole():
    world = World()
    org_id = await school(world)
    before = len(world.store.events())
    huge = "x" * 10_000 + "@example.fr"
    with pytest.raises(DomainError) as refused:
        await invitations.send_invitations(world.ctx, org_id, ADMIN, f"ok@b.fr, {huge}, nope", None)
    assert refused.value.code == "INVALID_EMAIL" and refused.value.field == "emails"
    assert len(refused.value.message) < 250
    assert all(len(v) <= 80 for v in refused.value.details["invalid"])
    assert len(world.store.events()) == before and world.invitations.docs == {}
    assert world.mail.sent == []


async def test_members_cannot_invite_and_a_mail_outage_keeps_the_invitation():
    world = World()
    org_id = await school(world, ("member-1", "MEMBER"))
    with pytest.raises(Forbidden):
        await invitations.send_invitations(world.ctx, org_id, Actor("member-1"), "a@b.fr", None)
    world.mail.refuse = True
    [sent] = await invitations.send_invitations(world.ctx, org_id, ADMIN, "a@b.fr", "MEMBER")
    assert sent["email_sent"] is False
    [listed] = await invitations.pending_invitations(world.ctx, org_id, ADMIN)
    assert (listed["id"], listed["email"], listed["role"]) == (sent["id"], "a@b.fr", "MEMBER")


async def test_accepting_checks_the_code_the_status_and_the_expiry():
    world = World()
    org_id = await school(world)
    [sent] = await invitations.send_invitations(world.ctx, org_id, ADMIN, "a@b.fr", None)
    code = world.mail.to("a@b.fr")[0].code
    with pytest.raises(NotFound):
        await invitations.read_invitation(world.ctx, sent["id"], "WRONGCODE0")
    read = await invitations.read_invitation(world.ctx, sent["id"], code.lower())
    assert (read["organisation_name"], read["status"]) == ("Collège Pix", "pending")
    world.now += timedelta(days=8)
    with pytest.raises(Gone) as expired:
        await invitations.accept_invitation(world.ctx, sent["id"], code, "u2")
    assert expired.value.code == "EXPIRED_INVITATION"
    await invitations.resend_invitation(world.ctx, org_id, sent["id"], ADMIN)
    joined = await invitations.accept_invitation(world.ctx, sent["id"], code, "u2")
    assert joined["role"] == "MEMBER"  # automatic role: the organisation already has an admin
    with pytest.raises(Conflict):
        await invitations.accept_invitation(world.ctx, sent["id"], code, "u3")


async def test_a_cancelled_invitation_is_gone():
    world = World()
    org_id = await school(world)
    [sent] = await invitations.send_invitations(world.ctx, org_id, ADMIN, "a@b.fr", None)
    await invitations.cancel_invitation(world.ctx, org_id, sent["id"], ADMIN)
    assert await invitations.pending_invitations(world.ctx, org_id, ADMIN) == []
    with pytest.raises(Gone):
        await invitations.read_invitation(world.ctx, sent["id"], world.mail.sent[0].code)
    with pytest.raises(Conflict):
        await invitations.cancel_invitation(world.ctx, org_id, sent["id"], ADMIN)


async def test_an_invitee_without_account_gets_one_on_the_invited_address():
    world = World()
    org_id = await school(world)
    [sent] = await invitations.send_invitations(world.ctx, org_id, ADMIN, "new@b.fr", "ADMIN")
    joined = await invitations.accept_with_new_account(
        world.ctx,
        sent["id"],
        world.mail.sent[0].code,
        first_name="Ana",
        last_name="Lys",
        password="x",
    )
    assert world.identity.accounts[joined["user_id"]]["email"] == "new@b.fr"
    assert joined["role"] == "ADMIN"


async def test_role_changes_and_removal_keep_an_admin_and_spare_ones_own_row():
    world = World()
    org_id = await school(world, ("member-1", "MEMBER"))
    listed = await team.members(world.ctx, org_id, Actor("member-1"))
    ids = {m["user_id"]: m["id"] for m in listed}
    assert [m["user_id"] for m in listed] == ["admin-1", "member-1"]
    with pytest.raises(Forbidden):
        await team.change_role(world.ctx, org_id, ids["admin-1"], "MEMBER", Actor("member-1"))
    with pytest.raises(Forbidden):
        await team.change_role(world.ctx, org_id, ids["admin-1"], "MEMBER", ADMIN)
    with pytest.raises(DomainError) as bad:
        await team.change_role(world.ctx, org_id, ids["member-1"], "OWNER", ADMIN)
    assert bad.value.code == "INVALID_ROLE"
    with pytest.raises(Conflict) as last:
        await team.leave(world.ctx, org_id, "admin-1")
    assert last.value.code == "LAST_ADMIN"
    promoted = await team.change_role(world.ctx, org_id, ids["member-1"], "ADMIN", ADMIN)
    assert promoted["role"] == "ADMIN"
    await team.leave(world.ctx, org_id, "admin-1")
    with pytest.raises(Forbidden):
        await team.remove_member(world.ctx, org_id, ids["member-1"], Actor("member-1"))
    assert await world.memberships.organisations_of("admin-1") == {}
    assert [m["user_id"] for m in await team.members(world.ctx, org_id, PLATFORM)] == ["member-1"]


async def test_a_removed_member_loses_access():
    world = World()
    org_id = await school(world, ("member-1", "MEMBER"))
    ids = {m["user_id"]: m["id"] for m in await team.members(world.ctx, org_id, ADMIN)}
    await team.remove_member(world.ctx, org_id, ids["member-1"], ADMIN)
    with pytest.raises(Forbidden) as refused:
        await team.members(world.ctx, org_id, Actor("member-1"))
    assert refused.value.code == "NOT_A_MEMBER"


async def test_a_concurrent_writer_is_retried_then_reported():
    world = World()
    org_id = await school(world, ("member-1", "MEMBER"))
    ids = {m["user_id"]: m["id"] for m in await team.members(world.ctx, org_id, ADMIN)}
    world.store.conflicts_to_raise = 2
    changed = await team.change_role(world.ctx, org_id, ids["member-1"], "ADMIN", ADMIN)
    assert changed["role"] == "ADMIN"
