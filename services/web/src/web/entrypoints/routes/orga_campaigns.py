"""Pix Orga's « Campagnes »: the list (mine / all, active / archived, filters, counts, pages,
deleting a selection), the creation form with the landing text previewed, the header every
campaign tab shares, and the Paramètres tab (edit, duplicate, archive, unarchive, delete).

The campaign service owns the campaigns and judges every command (rules, permissions); the
list's counts (participants, results received) come from analytics' projection, which may lag a
campaign just created: its counts then read 0 until it catches up.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from web.adapters.api import ApiRefusal
from web.entrypoints.rendering import TEMPLATES, redirect, render
from web.entrypoints.routes.deps import Csrf
from web.entrypoints.routes.orga_common import NotAllowed, Orga, OrgaContext

router = APIRouter(include_in_schema=False)

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_SIZE = 25
TYPES = {
    "ASSESSMENT": "Campagne d'évaluation",
    "PROFILES_COLLECTION": "Campagne de collecte de profils",
}
EXTERNAL_ID_TYPES = {"STRING": "Texte", "EMAIL": "Adresse e-mail"}
CREATE_FIELDS = (
    "name",
    "type",
    "owner_id",
    "target_profile_id",
    "multiple_sendings",
    "external_id",
    "external_id_label",
    "external_id_type",
    "title",
    "landing_text",
)
EDIT_FIELDS = ("name", "owner_id", "title", "landing_text")
CONFIRM_MISSING = "Cochez la case pour confirmer la suppression."
NOTHING_SELECTED = "Sélectionnez au moins une campagne à supprimer."


def base_url(orga: OrgaContext) -> str:
    return f"/orga/{orga.id}/campagnes"


def day(value: Any) -> str:
    """An API timestamp as the list shows it: 24/07/2024."""
    if not value:
        return ""
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)[:10]


def text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def refusal_errors(exc: ApiRefusal, fields: tuple[str, ...]) -> tuple[dict[str, str], str | None]:
    """Every French message the service listed beside the field it names, else above the form."""
    named, general = exc.by_field()
    errors: dict[str, str] = {}
    for field, message in named.items():
        if field.startswith("external_id") and field != "external_id_label":
            field = "external_id_type"
        if field in fields:
            errors.setdefault(field, message)
        elif general is None:
            general = message
    return errors, general


def may_manage(orga: OrgaContext, campaign: dict[str, Any]) -> bool:
    """Edit, archive: an admin of the organisation or the campaign's owner (§1.8)."""
    return orga.is_admin or campaign["owner"]["user_id"] == orga.user.user_id


def require_manager(orga: OrgaContext, campaign: dict[str, Any]) -> None:
    """An edit or delete form is refused to a member who neither administers nor owns it."""
    if not may_manage(orga, campaign):
        raise NotAllowed(
            "Seuls les administrateurs et le propriétaire de la campagne peuvent la modifier."
        )


# The list


def list_query(
    tab: str, status: str, name: str, owner: str, size: int, page: int | None = None
) -> str:
    params: dict[str, Any] = {"onglet": tab, "statut": status}
    if name:
        params["nom"] = name
    if owner and tab == "toutes":
        params["proprietaire"] = owner
    if size != DEFAULT_SIZE:
        params["taille"] = size
    if page and page > 1:
        params["page"] = page
    return "?" + urlencode(params)


async def counts_by_campaign(orga: OrgaContext, params: dict[str, Any]) -> dict[str, Any] | None:
    """Participants and results received per campaign, or None when analytics does not answer."""
    try:
        body = await orga.user.get(
            "analytics", f"/organisations/{orga.id}/campaigns", params=params
        )
    except ApiRefusal:
        return None  # e.g. analytics not yet aware of a new member, or down: the list still shows
    return {row["id"]: row for row in body.get("items", [])}


@router.get("/orga/{organisation_id}/campagnes")
async def campaign_list(
    request: Request,
    orga: Orga,
    onglet: str = "mes",
    statut: str = "actives",
    nom: str = "",
    proprietaire: str = "",
    page: int = 1,
    taille: int = DEFAULT_SIZE,
    supprimees: int = 0,
) -> Response:
    tab = "toutes" if onglet == "toutes" else "mes"
    status = "archivees" if statut == "archivees" else "actives"
    size = taille if taille in PAGE_SIZES else DEFAULT_SIZE
    page = max(1, min(page, 100_000))
    name, owner = nom.strip()[:200], proprietaire.strip()[:200]
    params: dict[str, Any] = {
        "mine": "true" if tab == "mes" else "false",
        "status": "archived" if status == "archivees" else "active",
        "page": page,
        "size": size,
    }
    if name:
        params["name"] = name
    if owner and tab == "toutes":
        params["owner_name"] = owner
    listed, counts = await asyncio.gather(
        orga.user.get("campaign", f"/organisations/{orga.id}/campaigns", params=params),
        counts_by_campaign(orga, params),
    )
    rows = []
    for item in listed["items"]:
        count = (counts or {}).get(item["campaign_id"], {})
        known = counts is not None
        rows.append(
            {
                **item,
                "created_on": day(item["created_at"]),
                "type_label": TYPES.get(item["type"], item["type"]),
                "participants": count.get("participations_count", 0) if known else None,
                "shared": count.get("shared_participations_count", 0) if known else None,
            }
        )
    total = int(listed["total"])
    pages = max(1, (total + size - 1) // size)
    base = base_url(orga)

    def link(**change: Any) -> str:
        values = {"tab": tab, "status": status, "name": name, "owner": owner, "size": size}
        values.update(change)
        return base + list_query(**values)

    return render(
        request,
        "orga/campaigns/list.html",
        orga.page(
            title="Campagnes",
            tab=tab,
            status=status,
            name=name,
            owner=owner,
            size=size,
            sizes=PAGE_SIZES,
            rows=rows,
            total=total,
            page=page,
            pages=pages,
            has_campaigns=bool(listed.get("has_campaigns")),
            counts_known=counts is not None,
            filtered=bool(name or (owner and tab == "toutes")),
            link=link,
            may_delete=orga.is_admin or tab == "mes",
            deleted=max(0, supprimees),
        ),
    )


# Deleting campaigns (a selection of the list, or one from its Paramètres tab)


async def campaigns_named(orga: OrgaContext, ids: list[str]) -> list[dict[str, Any]]:
    found = await asyncio.gather(
        *(orga.user.get("campaign", f"/campaigns/{i}") for i in ids), return_exceptions=True
    )
    return [c for c in found if isinstance(c, dict) and c.get("organisation_id") == orga.id]


def delete_page(
    request: Request,
    orga: OrgaContext,
    campaigns: list[dict[str, Any]],
    back: str,
    error: str | None = None,
    alert: str | None = None,
    status: int = 200,
) -> Response:
    title = "Supprimer la campagne" if len(campaigns) == 1 else "Supprimer les campagnes"
    return render(
        request,
        "orga/campaigns/delete.html",
        orga.page(
            title=title,
            campaigns=campaigns,
            back=back,
            errors={"confirme": error} if error else {},
            alert=alert,
        ),
        status,
    )


@router.get("/orga/{organisation_id}/campagnes/{campaign_id}/supprimer")
async def delete_one(request: Request, orga: Orga, campaign_id: str) -> Response:
    campaign = await campaign_of(orga, campaign_id)
    require_manager(orga, campaign)
    return delete_page(request, orga, [campaign], f"{base_url(orga)}/{campaign_id}/parametres")


@router.post("/orga/{organisation_id}/campagnes/supprimer", dependencies=[Csrf])
async def delete_selected(request: Request, orga: Orga) -> Response:
    form = await request.form()
    ids = list(dict.fromkeys(str(v) for v in form.getlist("campagne") if str(v).strip()))[:500]
    back = text(form, "retour")
    if not back.startswith(base_url(orga)) or "//" in back:
        back = base_url(orga)
    if not ids:
        return delete_page(request, orga, [], back, alert=NOTHING_SELECTED, status=422)
    campaigns = await campaigns_named(orga, ids)
    if text(form, "etape") != "confirmer":
        return delete_page(request, orga, campaigns, back)
    if form.get("confirme") != "oui":
        return delete_page(request, orga, campaigns, back, CONFIRM_MISSING, status=422)
    try:
        body = await orga.user.call(
            "campaign",
            "DELETE",
            f"/organisations/{orga.id}/campaigns",
            json={"campaign_ids": ids},
        )
    except ApiRefusal as exc:
        if exc.status in (403, 404, 409, 422):
            return delete_page(request, orga, campaigns, back, alert=exc.message, status=409)
        raise
    deleted = int((body.body or {}).get("deleted", len(ids)))
    return redirect(f"{base_url(orga)}?supprimees={deleted}")


# Creating a campaign


async def form_choices(orga: OrgaContext) -> dict[str, Any]:
    profiles, members = await asyncio.gather(
        orga.user.get("campaign", f"/organisations/{orga.id}/target-profiles"),
        orga.user.get("campaign", f"/organisations/{orga.id}/members"),
    )
    categories: dict[str, list[dict[str, Any]]] = {}
    for p in profiles:
        categories.setdefault(p["category_label"], []).append(p)
    return {"categories": categories, "members": members}


def creation_page(
    request: Request,
    orga: OrgaContext,
    choices: dict[str, Any],
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    alert: str | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "orga/campaigns/new.html",
        orga.page(
            title="Création d'une campagne",
            values=values,
            errors=errors or {},
            alert=alert,
            id_types=EXTERNAL_ID_TYPES,
            **choices,
        ),
        status,
    )


def creation_body(values: dict[str, str]) -> dict[str, Any]:
    """The form as the campaign service reads it; the service judges every rule itself."""
    body: dict[str, Any] = {
        "name": values["name"] or None,
        "type": values["type"] if values["type"] in TYPES else None,
        "owner_id": values["owner_id"] or None,
        "multiple_sendings": values["multiple_sendings"] == "oui",
        "landing_text": values["landing_text"] or None,
    }
    if body["type"] != "PROFILES_COLLECTION":
        body["target_profile_id"] = values["target_profile_id"] or None
        body["title"] = values["title"] or None
    if values["external_id"] == "oui":
        body["external_id_label"] = values["external_id_label"] or None
        kind = values["external_id_type"]
        body["external_id_type"] = kind if kind in EXTERNAL_ID_TYPES else None
    return body


@router.get("/orga/{organisation_id}/campagnes/nouvelle")
async def new_campaign(request: Request, orga: Orga) -> Response:
    values = dict.fromkeys(CREATE_FIELDS, "")
    values.update(owner_id=orga.user.user_id, multiple_sendings="non", external_id="non")
    return creation_page(request, orga, await form_choices(orga), values)


@router.post("/orga/{organisation_id}/campagnes/nouvelle", dependencies=[Csrf])
async def create_campaign(request: Request, orga: Orga) -> Response:
    form = await request.form()
    values = {name: text(form, name) for name in CREATE_FIELDS}
    values["landing_text"] = str(form.get("landing_text") or "")
    try:
        created = await orga.user.post(
            "campaign", f"/organisations/{orga.id}/campaigns", json=creation_body(values)
        )
    except ApiRefusal as exc:
        if exc.status not in (403, 409, 422):
            raise
        errors, alert = refusal_errors(exc, CREATE_FIELDS)
        return creation_page(request, orga, await form_choices(orga), values, errors, alert, 422)
    return redirect(f"{base_url(orga)}/{created['campaign_id']}/parametres?fait=creee")


@router.post("/orga/{organisation_id}/campagnes/apercu", dependencies=[Csrf])
async def landing_preview(request: Request, orga: Orga) -> HTMLResponse:
    """The landing text as participants will read it (htmx, on each pause in typing)."""
    form = await request.form()
    source = str(form.get("landing_text") or "")[:5000]
    return TEMPLATES.TemplateResponse(
        request, "orga/campaigns/preview.html", {"landing_text": source}
    )


# One campaign: the header every tab shares, the Paramètres tab and its actions


async def campaign_of(orga: OrgaContext, campaign_id: str) -> dict[str, Any]:
    campaign: dict[str, Any] = await orga.user.get("campaign", f"/campaigns/{campaign_id}")
    if campaign.get("organisation_id") != orga.id:
        raise ApiRefusal(404, "CAMPAIGN_NOT_FOUND", "Cette campagne est introuvable.")
    return campaign


def described(campaign: dict[str, Any]) -> dict[str, Any]:
    return {
        **campaign,
        "created_on": day(campaign.get("created_at")),
        "archived_on": day(campaign.get("archived_at")),
        "type_label": TYPES.get(campaign["type"], campaign["type"]),
        "external_id_type_label": EXTERNAL_ID_TYPES.get(campaign.get("external_id_type") or ""),
    }


@router.get("/orga/{organisation_id}/campagnes/{campaign_id}")
async def campaign_home(orga: Orga, campaign_id: str) -> Response:
    return redirect(f"{base_url(orga)}/{campaign_id}/activite")


def settings_page(
    request: Request,
    orga: OrgaContext,
    campaign: dict[str, Any],
    alert: str | None = None,
    alert_kind: str = "error",
    status: int = 200,
) -> Response:
    return render(
        request,
        "orga/campaigns/settings.html",
        orga.page(
            title=f"Paramètres — {campaign['name']}",
            campaign=described(campaign),
            active="parametres",
            may_manage=may_manage(orga, campaign),
            may_delete=orga.is_admin or campaign["owner"]["user_id"] == orga.user.user_id,
            alert=alert,
            alert_kind=alert_kind,
        ),
        status,
    )


@router.get("/orga/{organisation_id}/campagnes/{campaign_id}/parametres")
async def campaign_settings(
    request: Request, orga: Orga, campaign_id: str, fait: str = ""
) -> Response:
    campaign = await campaign_of(orga, campaign_id)
    done = {
        "archivee": "La campagne a été archivée.",
        "desarchivee": "La campagne a été désarchivée.",
        "modifiee": "Les modifications ont été enregistrées.",
        "dupliquee": "La campagne a été dupliquée : voici la copie, avec son propre code.",
        "creee": "La campagne est créée : communiquez son code ou son lien aux participants.",
    }.get(fait)
    return settings_page(request, orga, campaign, done, "success")


async def _action(
    request: Request, orga: OrgaContext, campaign_id: str, method: str, path: str, done: str
) -> Response:
    campaign = await campaign_of(orga, campaign_id)
    try:
        reply = await orga.user.call("campaign", method, path)
    except ApiRefusal as exc:
        if exc.status not in (403, 409, 422):
            raise
        return settings_page(request, orga, campaign, exc.message, status=409)
    target = reply.body["campaign_id"] if isinstance(reply.body, dict) else campaign_id
    return redirect(f"{base_url(orga)}/{target}/parametres?fait={done}")


@router.post("/orga/{organisation_id}/campagnes/{campaign_id}/archiver", dependencies=[Csrf])
async def archive(request: Request, orga: Orga, campaign_id: str) -> Response:
    path = f"/campaigns/{campaign_id}/archive"
    return await _action(request, orga, campaign_id, "PUT", path, "archivee")


@router.post("/orga/{organisation_id}/campagnes/{campaign_id}/desarchiver", dependencies=[Csrf])
async def unarchive(request: Request, orga: Orga, campaign_id: str) -> Response:
    path = f"/campaigns/{campaign_id}/archive"
    return await _action(request, orga, campaign_id, "DELETE", path, "desarchivee")


@router.post("/orga/{organisation_id}/campagnes/{campaign_id}/dupliquer", dependencies=[Csrf])
async def duplicate(request: Request, orga: Orga, campaign_id: str) -> Response:
    path = f"/campaigns/{campaign_id}/duplicate"
    return await _action(request, orga, campaign_id, "POST", path, "dupliquee")


# Editing (what Orga may change after creation: name, owner, title, landing text — §1.6)


def edit_page(
    request: Request,
    orga: OrgaContext,
    campaign: dict[str, Any],
    members: list[dict[str, Any]],
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    alert: str | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "orga/campaigns/edit.html",
        orga.page(
            title=f"Modifier — {campaign['name']}",
            campaign=described(campaign),
            active="parametres",
            members=members,
            values=values,
            errors=errors or {},
            alert=alert,
        ),
        status,
    )


@router.get("/orga/{organisation_id}/campagnes/{campaign_id}/modifier")
async def edit_campaign(request: Request, orga: Orga, campaign_id: str) -> Response:
    campaign, members = await asyncio.gather(
        campaign_of(orga, campaign_id),
        orga.user.get("campaign", f"/organisations/{orga.id}/members"),
    )
    require_manager(orga, campaign)
    values = {
        "name": campaign["name"],
        "owner_id": campaign["owner"]["user_id"],
        "title": campaign.get("title") or "",
        "landing_text": campaign.get("landing_text") or "",
    }
    return edit_page(request, orga, campaign, members, values)


@router.post("/orga/{organisation_id}/campagnes/{campaign_id}/modifier", dependencies=[Csrf])
async def save_campaign(request: Request, orga: Orga, campaign_id: str) -> Response:
    form = await request.form()
    campaign = await campaign_of(orga, campaign_id)
    values = {name: text(form, name) for name in EDIT_FIELDS}
    values["landing_text"] = str(form.get("landing_text") or "")
    body: dict[str, Any] = {
        "name": values["name"],
        "landing_text": values["landing_text"] or None,
    }
    if values["owner_id"]:
        body["owner_id"] = values["owner_id"]
    if campaign["type"] == "ASSESSMENT":
        body["title"] = values["title"] or None
    try:
        await orga.user.call("campaign", "PATCH", f"/campaigns/{campaign_id}", json=body)
    except ApiRefusal as exc:
        if exc.status not in (403, 409, 422):
            raise
        members = await orga.user.get("campaign", f"/organisations/{orga.id}/members")
        errors, alert = refusal_errors(exc, EDIT_FIELDS)
        return edit_page(request, orga, campaign, members, values, errors, alert, 422)
    return redirect(f"{base_url(orga)}/{campaign_id}/parametres?fait=modifiee")
