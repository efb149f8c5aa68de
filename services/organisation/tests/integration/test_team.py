"""Team flows on the real stack: invitations by e-mail, acceptance, roles, removal, leaving."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from organisation.application.context import utcnow

pytestmark = pytest.mark.integration


def link_of(text: str) -> tuple[str, str]:
    url = re.search(r"http://orga\.test/rejoindre\?\S+", text)
    assert url is not None, text
    query = parse_qs(urlparse(url.group(0)).query)
    return query["invitationId"][0], query["code"][0]


async def test_organisation_creation_is_for_platform_admins(org):
    body = {"name": "Lycée Pix", "type": "SCO", "external_id": "0751234a"}
    assert (await org.client.post("/organisations", json=body)).status_code == 401
    r = await org.client.post("/organisations", json=body, headers=org.auth("teacher"))
    assert r.status_code == 403
    assert r.json()["message"].startswith("Cette action est réservée")
    r = await org.client.post("/organisations", json={**body, "type": "XYZ"}, headers=org.staff)
    assert r.status_code == 422
    r = await org.client.post(
        "/organisations",
        json={**body, "is_managing_students": True, "admin_email": "Cheffe@Lycee.fr"},
        headers=org.staff,
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["external_id"] == "0751234A" and created["is_managing_students"] is True
    (mail,) = org.mails("cheffe@lycee.fr")
    assert mail["subject"] == "Invitation à rejoindre Pix Orga"
    invitation_id, code = link_of(org.mail_text(mail))
    r = await org.client.post(
        f"/invitations/{invitation_id}/accept", json={"code": code}, headers=org.auth("boss")
    )
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "ADMIN"
    listing = await org.client.get("/organisations", headers=org.staff)
    assert [o["name"] for o in listing.json()["data"]] == ["Lycée Pix"]


async def test_invite_several_accept_resend_cancel(org):
    org_id = await org.create_org(admin="admin-1")
    admin = org.auth("admin-1")
    r = await org.client.post(
        f"/organisations/{org_id}/invitations",
        json={"emails": " Ana@exemple.fr, bob@exemple.fr ,ana@exemple.fr,, "},
        headers=admin,
    )
    assert r.status_code == 201, r.text
    sent = r.json()["data"]
    assert [s["email"] for s in sent] == ["ana@exemple.fr", "bob@exemple.fr"]
    assert all(s["email_sent"] for s in sent)
    assert len(org.mails()) == 2

    pending = (await org.client.get(f"/organisations/{org_id}/invitations", headers=admin)).json()
    assert sorted(p["email"] for p in pending["data"]) == ["ana@exemple.fr", "bob@exemple.fr"]

    # resend: same invitation, same code, a new e-mail
    ana_id = next(s["id"] for s in sent if s["email"] == "ana@exemple.fr")
    r = await org.client.post(f"/organisations/{org_id}/invitations/{ana_id}/resend", headers=admin)
    assert r.status_code == 200 and r.json()["id"] == ana_id
    first, second = org.mails("ana@exemple.fr")
    assert link_of(org.mail_text(first)) == link_of(org.mail_text(second))

    # cancel Bob's; his link is now refused
    bob_id = next(s["id"] for s in sent if s["email"] == "bob@exemple.fr")
    _, bob_code = link_of(org.mail_text(org.mails("bob@exemple.fr")[0]))
    r = await org.client.delete(f"/organisations/{org_id}/invitations/{bob_id}", headers=admin)
    assert r.status_code == 204
    r = await org.client.post(
        f"/invitations/{bob_id}/accept", json={"code": bob_code}, headers=org.auth("bob")
    )
    assert r.status_code == 410 and r.json()["code"] == "CANCELLED_INVITATION"
    again = await org.client.delete(f"/organisations/{org_id}/invitations/{bob_id}", headers=admin)
    assert again.status_code == 409

    # Ana reads her invitation without being logged in, then accepts with her account
    _, ana_code = link_of(org.mail_text(first))
    r = await org.client.get(f"/invitations/{ana_id}", params={"code": ana_code})
    assert r.status_code == 200 and r.json()["email"] == "ana@exemple.fr"
    r = await org.client.get(f"/invitations/{ana_id}", params={"code": "WRONGCODE1"})
    assert r.status_code == 404
    r = await org.client.post(
        f"/invitations/{ana_id}/accept", json={"code": ana_code}, headers=org.auth("ana")
    )
    assert r.status_code == 200 and r.json()["role"] == "MEMBER"
    # single use
    r = await org.client.post(
        f"/invitations/{ana_id}/accept", json={"code": ana_code}, headers=org.auth("eve")
    )
    assert r.status_code == 409 and r.json()["code"] == "ALREADY_ACCEPTED_INVITATION"

    members = (await org.client.get(f"/organisations/{org_id}/memberships", headers=admin)).json()
    assert sorted((m["user_id"], m["role"]) for m in members["data"]) == [
        ("admin-1", "ADMIN"),
        ("ana", "MEMBER"),
    ]
    pending = (await org.client.get(f"/organisations/{org_id}/invitations", headers=admin)).json()
    assert pending["data"] == []


async def test_invalid_emails_write_nothing(org):
    org_id = await org.create_org(admin="admin-1")
    before = await org.snapshot()
    r = await org.client.post(
        f"/organisations/{org_id}/invitations",
        json={"emails": "ok@exemple.fr, pas-une-adresse, @x.fr"},
        headers=org.auth("admin-1"),
    )
    assert r.status_code == 422
    assert r.json()["code"] == "INVALID_EMAIL" and "pas-une-adresse" in r.json()["message"]
    assert await org.snapshot() == before
    assert org.mails() == []


async def test_expired_invitation_is_refused_and_resend_renews_it(org):
    org_id = await org.create_org(admin="admin-1")
    r = await org.client.post(
        f"/organisations/{org_id}/invitations",
        json={"emails": "late@exemple.fr"},
        headers=org.auth("admin-1"),
    )
    invitation_id = r.json()["data"][0]["id"]
    _, code = link_of(org.mail_text(org.mails()[0]))
    org.ctx.clock = lambda: utcnow() + timedelta(days=8)
    before = await org.snapshot()
    r = await org.client.post(
        f"/invitations/{invitation_id}/accept", json={"code": code}, headers=org.auth("late")
    )
    assert r.status_code == 410 and r.json()["code"] == "EXPIRED_INVITATION"
    assert "expiré" in r.json()["message"]
    assert await org.snapshot() == before
    # the admin sends it again: the same link works for 7 more days
    r = await org.client.post(
        f"/organisations/{org_id}/invitations/{invitation_id}/resend", headers=org.auth("admin-1")
    )
    assert r.status_code == 200
    r = await org.client.post(
        f"/invitations/{invitation_id}/accept", json={"code": code}, headers=org.auth("late")
    )
    assert r.status_code == 200


async def test_roles_removal_leaving_and_several_organisations(org):
    lycee = await org.create_org(admin="alice", members=("bob",))
    college = await org.create_org(admin="bob")
    alice, bob = org.auth("alice"), org.auth("bob")

    mine = (await org.client.get("/me/organisations", headers=bob)).json()["data"]
    assert sorted((o["id"], o["role"]) for o in mine) == sorted(
        [(lycee, "MEMBER"), (college, "ADMIN")]
    )
    members = (await org.client.get(f"/organisations/{lycee}/memberships", headers=alice)).json()
    ids = {m["user_id"]: m["id"] for m in members["data"]}

    # a member cannot change roles; an admin cannot manage their own row
    r = await org.client.patch(
        f"/organisations/{lycee}/memberships/{ids['alice']}", json={"role": "MEMBER"}, headers=bob
    )
    assert r.status_code == 403
    r = await org.client.delete(f"/organisations/{lycee}/memberships/{ids['alice']}", headers=alice)
    assert r.status_code == 403 and r.json()["code"] == "CANNOT_REMOVE_SELF"
    r = await org.client.patch(
        f"/organisations/{lycee}/memberships/{ids['bob']}", json={"role": "OWNER"}, headers=alice
    )
    assert r.status_code == 422
    # the only admin cannot leave
    r = await org.client.post(f"/organisations/{lycee}/leave", headers=alice)
    assert r.status_code == 409 and r.json()["code"] == "LAST_ADMIN"

    r = await org.client.patch(
        f"/organisations/{lycee}/memberships/{ids['bob']}", json={"role": "ADMIN"}, headers=alice
    )
    assert r.status_code == 200 and r.json()["role"] == "ADMIN"
    r = await org.client.post(f"/organisations/{lycee}/leave", headers=alice)
    assert r.status_code == 204
    r = await org.client.get(f"/organisations/{lycee}", headers=alice)
    assert r.status_code == 403

    # bob, now the admin, removes a member
    carol_membership = await org.add_member(lycee, "carol", "MEMBER")
    r = await org.client.delete(
        f"/organisations/{lycee}/memberships/{carol_membership}", headers=bob
    )
    assert r.status_code == 204
    assert (
        await org.client.get(f"/organisations/{lycee}", headers=org.auth("carol"))
    ).status_code == 403
    mine = (await org.client.get("/me/organisations", headers=bob)).json()["data"]
    assert {o["role"] for o in mine} == {"ADMIN"}


async def test_events_carry_no_email(org):
    org_id = await org.create_org(admin="admin-1")
    await org.client.post(
        f"/organisations/{org_id}/invitations",
        json={"emails": "secret.person@exemple.fr"},
        headers=org.auth("admin-1"),
    )
    events = await org.events()
    assert "MemberInvited" in [e.event_type for e in events]
    records = await org.published(org.settings.events_topic, len(events))
    assert len(records) == len(events)
    assert all(b"secret.person" not in r.value and b"@" not in r.value for r in records)
