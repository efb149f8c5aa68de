"""Pix Orga's entry: which organisation to open, the terms of use, switching organisation."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.entrypoints.rendering import redirect, render, safe_next
from web.entrypoints.routes.deps import Csrf, SignedIn
from web.entrypoints.routes.orga_common import LAST_ORGANISATION, my_organisations

router = APIRouter(include_in_schema=False)


@router.get("/orga")
async def orga_home(request: Request, user: SignedIn) -> Response:
    me = await user.get("identity", "/users/me")
    if not me.get("pix_orga_terms_of_service_accepted"):
        return redirect("/orga/cgu")
    organisations = await my_organisations(user)
    if not organisations:
        return render(request, "orga/no_organisation.html", {"title": "Pix Orga"}, 403)
    last = request.session.get(LAST_ORGANISATION)
    chosen = next((o for o in organisations if o["id"] == last), organisations[0])
    return redirect(f"/orga/{chosen['id']}/campagnes")


@router.get("/orga/cgu")
async def terms_page(request: Request, user: SignedIn) -> Response:
    return render(request, "orga/terms.html", {"title": "Conditions d'utilisation de Pix Orga"})


@router.post("/orga/cgu", dependencies=[Csrf])
async def accept_terms(request: Request, user: SignedIn) -> Response:
    await user.call("identity", "PATCH", "/users/me/pix-orga-terms-of-service-acceptance")
    return redirect("/orga")


@router.get("/orga/changer")
async def switch(request: Request, user: SignedIn, organisation: str = "") -> Response:
    """The switcher's form (GET, no side effect): open another organisation of mine."""
    mine = {o["id"] for o in await my_organisations(user)}
    if organisation in mine:
        return redirect(safe_next(f"/orga/{organisation}/campagnes"))
    return redirect("/orga")
