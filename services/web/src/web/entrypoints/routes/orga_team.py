"""Pix Orga's « Équipe »: the members and their roles, removing one (after a confirmation),
leaving the organisation, the pending invitations (resend, cancel), inviting by e-mail; and the
invitee's side, `/rejoindre?invitationId=…&code=…`, the link organisation puts in its e-mail.

Members are organisation's (`/organisations/{id}/memberships`, user ids only); their names come
from campaign's projection of the members (`/organisations/{id}/members`, the owner picker).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from web.adapters.api import ApiRefusal
from web.entrypoints.rendering import login_url, redirect, render
from web.entrypoints.routes.deps import Csrf, SignedIn
from web.entrypoints.routes.orga_common import LAST_ORGANISATION, Orga, OrgaContext

router = APIRouter(include_in_schema=False)

ROLES = {"ADMIN": "Administrateur", "MEMBER": "Membre"}
DONE = {
    "invitation": "L'invitation a été envoyée.",
    "invitations": "Les invitations ont été envoyées.",
    "role": "Le rôle a été modifié.",
    "retrait": "Le membre a été retiré de l'équipe.",
    "renvoi": "L'invitation a été renvoyée.",
    "annulation": "L'invitation a été supprimée.",
}
SEPARATORS = re.compile(r"[,;\r\n]+")


def _team(orga: OrgaContext) -> str:
    return f"/orga/{orga.id}/equipe"


async def _names(orga: OrgaContext) -> dict[str, str]:
    """Full names by user id; an empty map when campaign does not answer (ids are shown)."""
    try:
        members = await orga.user.get("campaign", f"/organisations/{orga.id}/members")
    except ApiRefusal:
        return {}
    return {m["user_id"]: m["full_name"] for m in members if m.get("full_name") != m["user_id"]}


async def _members(orga: OrgaContext) -> list[dict[str, Any]]:
    listed, names = await asyncio.gather(
        orga.user.get("organisation", f"/organisations/{orga.id}/memberships"), _names(orga)
    )
    members = list(listed["data"])
    for m in members:
        m["name"] = names.get(m["user_id"]) or ("Vous" if m["is_me"] else "Membre de l'équipe")
        m["role_label"] = ROLES.get(m["role"], m["role"])
    return members


async def _member(orga: OrgaContext, membership_id: str) -> dict[str, Any]:
    found = next((m for m in await _members(orga) if m["id"] == membership_id), None)
    if found is None:
        raise HTTPException(404, "Ce membre ne fait plus partie de l'équipe.")
    return found


async def _team_page(
    request: Request, orga: OrgaContext, alert: str | None = None, status: int = 200
) -> Response:
    members = await _members(orga)
    invitations: list[dict[str, Any]] = []
    if orga.is_admin:
        pending = await orga.user.get("organisation", f"/organisations/{orga.id}/invitations")
        invitations = list(pending["data"])
        for i in invitations:
            i["role_label"] = ROLES.get(i.get("role") or "", "—")
            sent = str(i.get("last_sent_at") or "")
            i["sent_fr"] = f"{sent[8:10]}/{sent[5:7]}/{sent[0:4]}" if len(sent) >= 10 else ""
    done = DONE.get(request.query_params.get("fait", ""))
    context = orga.page(
        title="Équipe",
        members=members,
        invitations=invitations,
        roles=ROLES,
        alert=alert,
        done=done,
        admins=sum(1 for m in members if m["role"] == "ADMIN"),
    )
    return render(request, "orga/team/team.html", context, status)


@router.get("/orga/{organisation_id}/equipe")
async def team_page(request: Request, orga: Orga) -> Response:
    return await _team_page(request, orga)


@router.post("/orga/{organisation_id}/equipe/membres/{membership_id}/role", dependencies=[Csrf])
async def change_role(
    request: Request, orga: Orga, membership_id: str, role: str = Form("")
) -> Response:
    try:
        await orga.user.call(
            "organisation",
            "PATCH",
            f"/organisations/{orga.id}/memberships/{membership_id}",
            json={"role": role},
        )
    except ApiRefusal as exc:
        if exc.status not in (403, 404, 409, 422):
            raise
        return await _team_page(request, orga, exc.message, 409 if exc.status == 409 else 422)
    return redirect(f"{_team(orga)}?fait=role")


@router.get("/orga/{organisation_id}/equipe/membres/{membership_id}/retirer")
async def confirm_removal(request: Request, orga: Orga, membership_id: str) -> Response:
    orga.require_admin()
    member = await _member(orga, membership_id)
    context = orga.page(title="Retirer un membre", member=member)
    return render(request, "orga/team/remove.html", context)


@router.post("/orga/{organisation_id}/equipe/membres/{membership_id}/retirer", dependencies=[Csrf])
async def remove(request: Request, orga: Orga, membership_id: str) -> Response:
    try:
        await orga.user.call(
            "organisation", "DELETE", f"/organisations/{orga.id}/memberships/{membership_id}"
        )
    except ApiRefusal as exc:
        if exc.status not in (403, 404, 409):
            raise
        return await _team_page(request, orga, exc.message, 409)
    return redirect(f"{_team(orga)}?fait=retrait")


@router.get("/orga/{organisation_id}/equipe/quitter")
async def confirm_leaving(request: Request, orga: Orga) -> Response:
    return render(request, "orga/team/leave.html", orga.page(title="Quitter l'espace Pix Orga"))


@router.post("/orga/{organisation_id}/equipe/quitter", dependencies=[Csrf])
async def leave(request: Request, orga: Orga) -> Response:
    try:
        await orga.user.call("organisation", "POST", f"/organisations/{orga.id}/leave")
    except ApiRefusal as exc:
        if exc.status not in (403, 409):
            raise
        context = orga.page(title="Quitter l'espace Pix Orga", alert=exc.message)
        return render(request, "orga/team/leave.html", context, 409)
    if request.session.get(LAST_ORGANISATION) == orga.id:
        request.session.pop(LAST_ORGANISATION, None)
    return redirect("/orga")


@router.post(
    "/orga/{organisation_id}/equipe/invitations/{invitation_id}/renvoyer", dependencies=[Csrf]
)
async def resend(request: Request, orga: Orga, invitation_id: str) -> Response:
    try:
        await orga.user.post(
            "organisation", f"/organisations/{orga.id}/invitations/{invitation_id}/resend"
        )
    except ApiRefusal as exc:
        if exc.status not in (403, 404, 409):
            raise
        return await _team_page(request, orga, exc.message, 409)
    return redirect(f"{_team(orga)}?fait=renvoi")


@router.post(
    "/orga/{organisation_id}/equipe/invitations/{invitation_id}/supprimer", dependencies=[Csrf]
)
async def cancel(request: Request, orga: Orga, invitation_id: str) -> Response:
    try:
        await orga.user.call(
            "organisation", "DELETE", f"/organisations/{orga.id}/invitations/{invitation_id}"
        )
    except ApiRefusal as exc:
        if exc.status not in (403, 404, 409):
            raise
        return await _team_page(request, orga, exc.message, 409)
    return redirect(f"{_team(orga)}?fait=annulation")


# Inviting


def _invite_page(
    request: Request, orga: OrgaContext, form: dict[str, str], errors: dict[str, Any], status: int
) -> Response:
    context = orga.page(
        title="Inviter un membre", form=form, errors=errors, roles=ROLES, invalid=[]
    )
    context["invalid"] = errors.pop("invalid", [])
    context["alert"] = errors.pop("alert", None)
    return render(request, "orga/team/invite.html", context, status)


@router.get("/orga/{organisation_id}/equipe/inviter")
async def invite_page(request: Request, orga: Orga) -> Response:
    orga.require_admin()
    return _invite_page(request, orga, {"emails": "", "role": "MEMBER"}, {}, 200)


@router.post("/orga/{organisation_id}/equipe/inviter", dependencies=[Csrf])
async def invite(
    request: Request, orga: Orga, emails: str = Form(""), role: str = Form("MEMBER")
) -> Response:
    form = {"emails": emails, "role": role}
    typed = [e.strip() for e in SEPARATORS.split(emails) if e.strip()]
    if not typed:
        missing: dict[str, Any] = {"emails": "Saisissez au moins une adresse e-mail."}
        return _invite_page(request, orga, form, missing, 422)
    try:
        sent = await orga.user.post(
            "organisation",
            f"/organisations/{orga.id}/invitations",
            json={"emails": ", ".join(typed), "role": role if role in ROLES else None},
        )
    except ApiRefusal as exc:
        if exc.status not in (403, 404, 409, 422):
            raise exc from None
        errors: dict[str, Any] = {}
        if exc.field in ("emails", "role"):
            errors[exc.field] = exc.message
        else:
            errors["alert"] = exc.message
        invalid = exc.detail("invalid")
        if isinstance(invalid, list):
            errors["invalid"] = [str(i) for i in invalid]
        return _invite_page(request, orga, form, errors, 409 if exc.status == 409 else 422)
    done = "invitations" if len(sent["data"]) > 1 else "invitation"
    return redirect(f"{_team(orga)}?fait={done}")


# The invitee: the link of the e-mail


def _join_path(invitation_id: str, code: str) -> str:
    return "/rejoindre?" + urlencode({"invitationId": invitation_id, "code": code})


async def _invitation(request: Request, invitation_id: str, code: str) -> dict[str, Any]:
    api = request.app.state.context.api
    reply = await api.call(
        "organisation", "GET", f"/invitations/{invitation_id}", params={"code": code}
    )
    found: dict[str, Any] = reply.body
    return found


def _refused_invitation(request: Request, exc: ApiRefusal) -> Response:
    if exc.status not in (404, 409, 410, 422):
        raise exc
    context = {"title": "Invitation", "alert": exc.message, "invitation": None}
    return render(request, "orga/team/join.html", context, 404 if exc.status == 404 else 409)


@router.get("/rejoindre")
async def join_page(request: Request, invitationId: str = "", code: str = "") -> Response:
    """`invitationId`: the e-mail's query parameter, spelled as organisation writes it."""
    if not invitationId or not code:
        raise HTTPException(404, "Ce lien d'invitation est incomplet.")
    try:
        invitation = await _invitation(request, invitationId, code)
    except ApiRefusal as exc:
        return _refused_invitation(request, exc)
    return _join(request, invitation, code, {}, {}, 200)


def _join(
    request: Request,
    invitation: dict[str, Any],
    code: str,
    form: dict[str, str],
    errors: dict[str, str],
    status: int,
) -> Response:
    context = {
        "title": "Rejoindre une organisation",
        "invitation": invitation,
        "code": code,
        "login": login_url(_join_path(invitation["id"], code)),
        "signed_in": isinstance(request.session.get("auth"), dict),
        "form": form,
        "errors": errors,
        "alert": errors.pop("alert", None),
    }
    return render(request, "orga/team/join.html", context, status)


ACCOUNT_FIELDS = {"first_name": "Prénom", "last_name": "Nom", "password": "Mot de passe"}


@router.post("/rejoindre/compte", dependencies=[Csrf])
async def accept_with_new_account(
    request: Request,
    invitation_id: str = Form(max_length=64),
    code: str = Form(max_length=64),
    first_name: str = Form("", max_length=255),
    last_name: str = Form("", max_length=255),
    password: str = Form("", max_length=1024),
) -> Response:
    """No account yet: organisation creates it with identity on the invited e-mail, then the
    invitee logs in (and comes back to Pix Orga)."""
    try:
        invitation = await _invitation(request, invitation_id, code)
    except ApiRefusal as exc:
        return _refused_invitation(request, exc)
    form = {"first_name": first_name.strip(), "last_name": last_name.strip()}
    errors = {
        name: f"Le champ « {label} » est obligatoire."
        for name, label in ACCOUNT_FIELDS.items()
        if not (password if name == "password" else form[name])
    }
    if errors:
        return _join(request, invitation, code, form, errors, 422)
    api = request.app.state.context.api
    account = {**form, "password": password}
    try:
        reply = await api.call(
            "organisation",
            "POST",
            f"/invitations/{invitation_id}/accept",
            json={"code": code, "account": account},
        )
    except ApiRefusal as exc:
        if exc.status not in (409, 422, 429):
            raise
        field = exc.field.rsplit(".", 1)[-1] if exc.field else None
        errors = {field if field in ACCOUNT_FIELDS else "alert": exc.message}
        return _join(request, invitation, code, form, errors, 409 if exc.status == 409 else 422)
    accepted = reply.body
    context = {
        "title": "Invitation acceptée",
        "accepted": accepted,
        "role_label": ROLES.get(accepted["role"], accepted["role"]),
        "login": login_url("/orga"),
        "email": invitation["email"],
    }
    return render(request, "orga/team/joined.html", context)


@router.post("/rejoindre", dependencies=[Csrf])
async def accept(
    request: Request,
    user: SignedIn,
    invitation_id: str = Form(max_length=64),
    code: str = Form(max_length=64),
) -> Response:
    try:
        accepted = await user.post(
            "organisation", f"/invitations/{invitation_id}/accept", json={"code": code}
        )
    except ApiRefusal as exc:
        return _refused_invitation(request, exc)
    request.session[LAST_ORGANISATION] = accepted["organisation_id"]
    context = {
        "title": "Invitation acceptée",
        "accepted": accepted,
        "role_label": ROLES.get(accepted["role"], accepted["role"]),
    }
    return render(request, "orga/team/joined.html", context)
