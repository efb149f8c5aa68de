"""Every route × every kind of caller, in one table: only the allowed ones succeed.

Callers: admin of the organisation, member of it, admin of another organisation, a student
(an account without membership), anonymous, and a platform admin. Each case runs on a fresh
world (its own organisations, invitation and learners), so state-changing routes are tested
for real; the expected status is the one a user would see.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from organisation.demo import Pupil, siecle_xml, student, sup_csv

pytestmark = pytest.mark.integration
ROLES = ("admin", "member", "other", "student", "anonymous", "platform")
UAI = "0751234A"
LEA = Pupil("1111111111A", "Martin", "Léa", "14/03/2009", "3A")
NEXT = Pupil("2222222222B", "Bernard", "Hugo", "02/11/2009", "3A")
"""Every world imports the same pupils; worlds never overlap since each starts empty."""


@dataclass
class World:
    sco: str
    sup: str
    users: dict[str, str]
    target_membership: str
    invitation_id: str
    code: str
    learner_id: str


@pytest.fixture(scope="module")
async def harness(
    infra: Any, launcher: Any, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Any]:
    h, stop = await launcher(infra, tmp_path_factory.mktemp("matrix"))
    yield h
    await stop()


async def build_world(h: Any) -> World:
    """A fresh world; the previous case's documents are cleared first (FerretDB scans whole
    collections, so a database growing over 138 cases would slow every request down)."""
    for name in await h.db.list_collection_names():
        await h.db[name].delete_many({})
    n = uuid.uuid4().hex[:8]
    users = {
        "admin": f"admin-{n}",
        "member": f"member-{n}",
        "other": f"other-{n}",
        "student": f"student-{n}",
    }
    sco = await h.create_org(admin=users["admin"], members=(users["member"],))
    sup = await h.create_org(
        "SUP", external_id=None, admin=users["admin"], members=(users["member"],)
    )
    await h.create_org(admin=users["other"])
    target = await h.add_member(sco, f"target-{n}", "MEMBER")
    r = await h.client.post(
        f"/organisations/{sco}/invitations",
        json={"emails": f"invitee-{n}@exemple.fr"},
        headers=h.auth(users["admin"]),
    )
    invitation_id = r.json()["data"][0]["id"]
    code = (await h.db["invitations"].find_one({"_id": invitation_id}))["code"]
    r = await h.client.post(
        f"/organisations/{sco}/learners/import-siecle",
        content=siecle_xml(UAI, [LEA]),
        headers=h.auth(users["admin"]),
    )
    assert r.status_code == 200, r.text
    learner = await h.db["learners"].find_one({"organisation_id": sco})
    return World(sco, sup, users, target, invitation_id, code, learner["_id"])


Request = Callable[[World], tuple[str, str, dict[str, Any]]]
ALL_OK = dict.fromkeys(("admin", "member", "other", "student", "platform"), 200)


def only(status: int, *roles: str, deny: int = 403, **overrides: int) -> dict[str, int]:
    """`status` for the given roles, `deny` for the other accounts, 401 for anonymous."""
    table = {r: (status if r in roles else deny) for r in ROLES}
    table["anonymous"] = 401
    table.update(overrides)
    return table


ROUTES: dict[str, tuple[Request, dict[str, int]]] = {
    "create organisation": (
        lambda w: ("POST", "/organisations", {"json": {"name": "X", "type": "PRO"}}),
        only(201, "platform"),
    ),
    "list all organisations": (lambda w: ("GET", "/organisations", {}), only(200, "platform")),
    "add member directly": (
        lambda w: ("POST", f"/organisations/{w.sco}/members", {"json": {"user_id": "new"}}),
        only(201, "platform"),
    ),
    "read organisation": (
        lambda w: ("GET", f"/organisations/{w.sco}", {}),
        only(200, "admin", "member", "platform"),
    ),
    "my organisations": (lambda w: ("GET", "/me/organisations", {}), {**ALL_OK, "anonymous": 401}),
    "list members": (
        lambda w: ("GET", f"/organisations/{w.sco}/memberships", {}),
        only(200, "admin", "member", "platform"),
    ),
    "change role": (
        lambda w: (
            "PATCH",
            f"/organisations/{w.sco}/memberships/{w.target_membership}",
            {"json": {"role": "ADMIN"}},
        ),
        only(200, "admin", "platform"),
    ),
    "remove member": (
        lambda w: ("DELETE", f"/organisations/{w.sco}/memberships/{w.target_membership}", {}),
        only(204, "admin", "platform"),
    ),
    "leave": (
        lambda w: ("POST", f"/organisations/{w.sco}/leave", {}),
        # the only admin may not leave (409); a platform admin is not a member (403)
        only(204, "member", admin=409),
    ),
    "invite": (
        lambda w: (
            "POST",
            f"/organisations/{w.sco}/invitations",
            {"json": {"emails": "someone@exemple.fr"}},
        ),
        only(201, "admin", "platform"),
    ),
    "pending invitations": (
        lambda w: ("GET", f"/organisations/{w.sco}/invitations", {}),
        only(200, "admin", "platform"),
    ),
    "resend invitation": (
        lambda w: ("POST", f"/organisations/{w.sco}/invitations/{w.invitation_id}/resend", {}),
        only(200, "admin", "platform"),
    ),
    "cancel invitation": (
        lambda w: ("DELETE", f"/organisations/{w.sco}/invitations/{w.invitation_id}", {}),
        only(204, "admin", "platform"),
    ),
    "read invitation (public link)": (
        lambda w: ("GET", f"/invitations/{w.invitation_id}", {"params": {"code": w.code}}),
        {**ALL_OK, "anonymous": 200},
    ),
    "accept invitation": (
        lambda w: ("POST", f"/invitations/{w.invitation_id}/accept", {"json": {"code": w.code}}),
        # any account joins with the code; members already are (409); no account: 401
        {**ALL_OK, "admin": 409, "member": 409, "anonymous": 401},
    ),
    "import SIECLE": (
        lambda w: (
            "POST",
            f"/organisations/{w.sco}/learners/import-siecle",
            {"content": siecle_xml(UAI, [LEA, NEXT])},
        ),
        only(200, "admin", "platform"),
    ),
    "import SUP CSV": (
        lambda w: (
            "POST",
            f"/organisations/{w.sup}/learners/import-csv",
            {"content": sup_csv([student("E1", "Ana", "Silva", "01/01/2000")])},
        ),
        only(200, "admin", "platform"),
    ),
    "import template": (
        lambda w: ("GET", f"/organisations/{w.sup}/learners/import-template.csv", {}),
        only(200, "admin", "member", "platform"),
    ),
    "list learners": (
        lambda w: ("GET", f"/organisations/{w.sco}/learners", {}),
        only(200, "admin", "member", "platform"),
    ),
    "reconcile my account": (
        lambda w: (
            "POST",
            f"/organisations/{w.sco}/learners/reconcile",
            {"json": {"first_name": "Léa", "last_name": "Martin", "birthdate": "2009-03-14"}},
        ),
        {**ALL_OK, "anonymous": 401},
    ),
    "automatic reconciliation": (
        lambda w: ("POST", f"/organisations/{w.sco}/learners/reconcile-auto", {}),
        {**dict.fromkeys(ALL_OK, 404), "anonymous": 401},  # no INE known for these accounts
    ),
    "my learner": (
        lambda w: ("GET", f"/organisations/{w.sco}/learners/me", {}),
        {**dict.fromkeys(ALL_OK, 404), "anonymous": 401},
    ),
    "erase learner": (
        lambda w: ("DELETE", f"/learners/{w.learner_id}/personal-data", {}),
        only(204, "platform"),
    ),
}


def headers_for(h: Any, world: World, role: str) -> dict[str, str]:
    if role == "anonymous":
        return {}
    if role == "platform":
        return h.auth(f"staff-{world.sco[:6]}", platform=True)
    return h.auth(world.users[role])


CASES = [(route, role) for route in ROUTES for role in ROLES]


@pytest.mark.parametrize(("route", "role"), CASES, ids=[f"{r}-{c}" for r, c in CASES])
async def test_authorisation(harness: Any, route: str, role: str) -> None:
    world = await build_world(harness)
    request, expected = ROUTES[route]
    method, url, kwargs = request(world)
    response = await harness.client.request(
        method, url, headers=headers_for(harness, world, role), **kwargs
    )
    assert response.status_code == expected[role], response.text
    if response.status_code in (401, 403):
        assert response.json()["message"]  # a French sentence for the UI
