"""Logging in and out: password (e-mail or username), the school ENT (signed assertion),
« Mot de passe oublié », and the account recovery of a pupil leaving school."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from web.adapters.api import Api, ApiRefusal
from web.application.session import close_session, open_session
from web.entrypoints.rendering import SESSION_CLOSED, redirect, render, safe_next
from web.entrypoints.routes.deps import AppContext, Csrf

router = APIRouter(include_in_schema=False)

NEXT = "suite"  # session key: where to go after an ENT login
WRONG_CREDENTIALS = "L'adresse e-mail ou l'identifiant et/ou le mot de passe sont incorrects."
SESSION_CLOSED_MESSAGE = (
    "Votre session a été fermée (déconnexion de tous vos appareils ou mot de passe modifié) : "
    "reconnectez-vous."
)


def _errors(exc: ApiRefusal, default_field: str | None = None) -> tuple[dict[str, str], str | None]:
    """A service's refusals beside the fields they name, or above the form when none is named."""
    fields, general = exc.by_field()
    if not fields and default_field:
        return {default_field: exc.message}, None
    return fields, general


async def _open(request: Request, api: Api, tokens: dict[str, Any]) -> None:
    me = await api.call("identity", "GET", "/users/me", token=tokens["access_token"])
    open_session(request, tokens, me.body.get("first_name"))


@router.get("/connexion")
async def login_page(
    request: Request, ctx: AppContext, suite: str | None = None, motif: str | None = None
) -> Response:
    ent_url = None
    if ctx.settings.idp_simulator_url:
        back = f"{ctx.settings.public_url.rstrip('/')}/connexion/ent"
        ent_url = f"{ctx.settings.idp_simulator_url}?{urlencode({'return_to': back})}"
        request.session[NEXT] = safe_next(suite)
    closed = motif == SESSION_CLOSED
    return render(
        request,
        "auth/login.html",
        {
            "title": "Connexion",
            "suite": safe_next(suite),
            "ent_url": ent_url,
            "errors": {},
            "alert": SESSION_CLOSED_MESSAGE if closed else None,
            "alert_kind": "info",
        },
    )


@router.post("/connexion", dependencies=[Csrf])
async def login(
    request: Request,
    ctx: AppContext,
    login: str = Form(""),
    password: str = Form(""),
    suite: str = Form("/accueil"),
) -> Response:
    errors: dict[str, str] = {}
    if not login.strip():
        errors["login"] = "Veuillez saisir votre adresse e-mail ou votre identifiant."
    if not password:
        errors["password"] = "Veuillez saisir votre mot de passe."
    alert = None
    if not errors:
        try:
            reply = await ctx.api.call(
                "identity",
                "POST",
                "/auth/token",
                json={"login": login.strip(), "password": password},
            )
        except ApiRefusal as exc:
            if exc.status == 401:
                alert = WRONG_CREDENTIALS
            else:
                errors, alert = _errors(exc)
        else:
            await _open(request, ctx.api, reply.body)
            return redirect(safe_next(suite))
    context = {"title": "Connexion", "suite": safe_next(suite), "login": login, "errors": errors}
    return render(request, "auth/login.html", {**context, "alert": alert}, status=422)


@router.post("/connexion/ent")
async def ent_return(request: Request, ctx: AppContext, assertion: str = Form("")) -> Response:
    """Where the ENT posts its signed assertion. No CSRF token here: the assertion is signed,
    short-lived, single-use and bound to our audience, which is what protects this endpoint."""
    try:
        reply = await ctx.api.call(
            "identity", "POST", "/sso/assertion", json={"assertion": assertion}
        )
    except ApiRefusal as exc:
        return render(
            request,
            "auth/login.html",
            {"title": "Connexion", "suite": "/accueil", "errors": {}, "alert": exc.message},
            status=401,
        )
    next_path = safe_next(request.session.get(NEXT))
    await _open(request, ctx.api, reply.body)
    return redirect(next_path)


@router.post("/deconnexion", dependencies=[Csrf])
async def logout(request: Request, ctx: AppContext) -> Response:
    auth = close_session(request)
    if auth:
        try:
            await ctx.api.call(
                "identity", "POST", "/auth/logout", json={"refresh_token": auth["refresh"]}
            )
        except ApiRefusal:
            pass  # the cookie is gone either way; the refresh token expires on its own
    return redirect("/connexion")


# « Mot de passe oublié »


@router.get("/mot-de-passe-oublie")
async def forgotten_page(request: Request) -> Response:
    return render(request, "auth/forgotten.html", {"title": "Mot de passe oublié", "errors": {}})


@router.post("/mot-de-passe-oublie", dependencies=[Csrf])
async def forgotten(request: Request, ctx: AppContext, email: str = Form("")) -> Response:
    context: dict[str, Any] = {"title": "Mot de passe oublié", "email": email, "errors": {}}
    if not email.strip():
        context["errors"] = {"email": "Veuillez saisir votre adresse e-mail."}
        return render(request, "auth/forgotten.html", context, status=422)
    try:
        reply = await ctx.api.call(
            "identity", "POST", "/password-reset", json={"email": email.strip()}
        )
    except ApiRefusal as exc:
        context["errors"], context["alert"] = _errors(exc, "email")
        return render(request, "auth/forgotten.html", context, status=422)
    context["sent"] = (reply.body or {}).get("message") or (
        "Si un compte existe avec cette adresse, un e-mail vient de lui être envoyé."
    )
    return render(request, "auth/forgotten.html", context)


@router.get("/mot-de-passe-oublie/{token}")
async def new_password_page(request: Request, ctx: AppContext, token: str) -> Response:
    try:
        reply = await ctx.api.call("identity", "GET", f"/password-reset-demands/{token}")
    except ApiRefusal as exc:
        return render(
            request,
            "auth/new_password.html",
            {"title": "Nouveau mot de passe", "invalid": exc.message, "errors": {}},
            status=404 if exc.status == 404 else 400,
        )
    return render(
        request,
        "auth/new_password.html",
        {
            "title": "Nouveau mot de passe",
            "token": token,
            "email": reply.body.get("email"),
            "errors": {},
        },
    )


@router.post("/mot-de-passe-oublie/{token}", dependencies=[Csrf])
async def new_password(
    request: Request, ctx: AppContext, token: str, password: str = Form("")
) -> Response:
    context: dict[str, Any] = {"title": "Nouveau mot de passe", "token": token, "errors": {}}
    try:
        reply = await ctx.api.call(
            "identity",
            "POST",
            "/password-reset/confirm",
            json={"token": token, "password": password},
        )
    except ApiRefusal as exc:
        context["errors"], context["alert"] = _errors(exc, "password")
        return render(request, "auth/new_password.html", context, status=422)
    context["done"] = (reply.body or {}).get("message") or "Votre mot de passe a été modifié."
    return render(request, "auth/new_password.html", context)


# Récupération du compte (élève qui quitte son établissement)

RECOVERY_FIELDS = ("first_name", "last_name", "birth_date", "username", "email")


@router.get("/recuperer-mon-compte")
async def recovery_page(request: Request) -> Response:
    return render(
        request, "auth/recovery.html", {"title": "Récupérer mon compte", "errors": {}, "form": {}}
    )


@router.post("/recuperer-mon-compte", dependencies=[Csrf])
async def recovery(request: Request, ctx: AppContext) -> Response:
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in RECOVERY_FIELDS}
    context: dict[str, Any] = {"title": "Récupérer mon compte", "errors": {}, "form": values}
    body: dict[str, Any] = {k: v for k, v in values.items() if v or k != "username"}
    try:
        reply = await ctx.api.call("identity", "POST", "/account-recovery", json=body)
    except ApiRefusal as exc:
        context["errors"], context["alert"] = _errors(exc)
        return render(request, "auth/recovery.html", context, status=422)
    context["sent"] = reply.body["message"]
    return render(request, "auth/recovery.html", context)


@router.get("/recuperer-mon-compte/{token}")
async def recovery_confirm_page(request: Request, token: str) -> Response:
    context = {"title": "Récupérer mon compte", "token": token, "errors": {}}
    return render(request, "auth/recovery_confirm.html", context)


@router.post("/recuperer-mon-compte/{token}", dependencies=[Csrf])
async def recovery_confirm(
    request: Request, ctx: AppContext, token: str, password: str = Form("")
) -> Response:
    context: dict[str, Any] = {"title": "Récupérer mon compte", "token": token, "errors": {}}
    try:
        reply = await ctx.api.call(
            "identity",
            "POST",
            "/account-recovery/confirm",
            json={"token": token, "password": password},
        )
    except ApiRefusal as exc:
        context["errors"], context["alert"] = _errors(exc, "password")
        return render(request, "auth/recovery_confirm.html", context, status=422)
    context["done"] = reply.body["message"]
    return render(request, "auth/recovery_confirm.html", context)
