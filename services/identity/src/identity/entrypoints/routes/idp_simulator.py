"""The local ENT / GAR stand-in a pupil clicks through, for development only.

Served when `ORGA_IDENTITY_IDP_SIMULATOR_ENABLED` is true (otherwise these routes do not exist):
a form asks for the pupil's names, birth date and ENT id, then a page holds the assertion the
simulator signed in a form posted to `return_to`, as a real IdP's HTTP-POST binding does (a
button instead of a script). `return_to` must be a page of `web_base_url`, so the simulator
hands assertions to Pix only. The pages are plain, self-contained French HTML (no script, no
external asset) and are not part of the API's OpenAPI contract.
"""

from __future__ import annotations

import secrets
from datetime import date
from html import escape
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from identity.adapters.idp_simulator import IdpSimulator
from identity.domain.errors import InvalidInput
from identity.domain.person import clean_name, parse_birth_date

router = APIRouter(tags=["idp-simulator"])

TITLE = "ENT — simulateur de connexion (développement)"
MAX_RETURN_TO = 2048
MAX_ENT_ID = 255

_LABELS = {
    "first_name": "Prénom",
    "last_name": "Nom",
    "birth_date": "Date de naissance (facultative)",
    "saml_id": "Identifiant ENT",
}
_MISSING = {
    "first_name": "Indiquez votre prénom.",
    "last_name": "Indiquez votre nom.",
    "saml_id": "Indiquez votre identifiant ENT.",
}


def allowed_return(url: str, web_base_url: str) -> bool:
    """True for an absolute URL on `web_base_url`'s origin, under its path."""
    if not url or len(url) > MAX_RETURN_TO or any(c == "\\" or ord(c) < 0x21 for c in url):
        return False
    got, base = urlsplit(url), urlsplit(web_base_url.rstrip("/"))
    if not base.scheme or not base.netloc:
        return False
    if (got.scheme.lower(), got.netloc.lower()) != (base.scheme.lower(), base.netloc.lower()):
        return False
    prefix = base.path.rstrip("/")
    return got.path == prefix or got.path.startswith(prefix + "/")


def new_ent_id() -> str:
    return f"ent-{secrets.token_hex(4)}"


def _headers(web_base_url: str) -> dict[str, str]:
    base = urlsplit(web_base_url)
    origin = f"{base.scheme}://{base.netloc}"
    return {
        "Cache-Control": "no-store",
        "Content-Security-Policy": (
            f"default-src 'none'; form-action 'self' {origin}; base-uri 'none'; "
            "frame-ancestors 'none'"
        ),
        "Referrer-Policy": "no-referrer",
    }


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html>\n"
        '<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


def _field(name: str, kind: str, value: str, error: str | None, extra: str = "") -> str:
    attrs = f'id="{name}" name="{name}" type="{kind}" value="{escape(value)}"{extra}'
    message = ""
    if error:
        attrs += f' aria-invalid="true" aria-describedby="{name}-error"'
        message = f'\n<span id="{name}-error">{escape(error)}</span>'
    return f'<p>\n<label for="{name}">{_LABELS[name]}</label>\n<input {attrs}>{message}\n</p>\n'


def login_form(values: dict[str, str], errors: dict[str, str], return_to: str) -> str:
    summary = ""
    if errors:
        summary = (
            '<p role="alert">Le formulaire contient des erreurs : corrigez les champs '
            "signalés.</p>\n"
        )
    body = (
        f"<h1>{escape(TITLE)}</h1>\n"
        "<p>Cette page remplace l'ENT de l'établissement en développement : elle signe "
        "l'identité que le GAR transmettrait à Pix.</p>\n"
        f"{summary}"
        '<form method="post" novalidate>\n'
        f'<input type="hidden" name="return_to" value="{escape(return_to)}">\n'
        + _field(
            "first_name",
            "text",
            values.get("first_name", ""),
            errors.get("first_name"),
            ' autocomplete="given-name" required',
        )
        + _field(
            "last_name",
            "text",
            values.get("last_name", ""),
            errors.get("last_name"),
            ' autocomplete="family-name" required',
        )
        + _field(
            "birth_date",
            "date",
            values.get("birth_date", ""),
            errors.get("birth_date"),
            ' autocomplete="bday"',
        )
        + _field("saml_id", "text", values.get("saml_id", ""), errors.get("saml_id"), " required")
        + '<p>\n<button type="submit">Se connecter à l\'ENT</button>\n</p>\n</form>\n'
    )
    return _page(TITLE, body)


def connected_page(first_name: str, last_name: str, assertion: str, return_to: str) -> str:
    body = (
        "<h1>Vous êtes connecté à l'ENT</h1>\n"
        f"<p>Bonjour {escape(first_name)} {escape(last_name)}. Pour continuer, accédez à "
        "Pix : l'ENT lui transmet votre identité.</p>\n"
        f'<form method="post" action="{escape(return_to)}">\n'
        f'<input type="hidden" name="assertion" value="{escape(assertion)}">\n'
        '<p>\n<button type="submit">Accéder à Pix</button>\n</p>\n</form>\n'
    )
    return _page("Vous êtes connecté à l'ENT", body)


def refused_page(web_base_url: str) -> str:
    body = (
        "<h1>Adresse de retour refusée</h1>\n"
        "<p>Le simulateur d'ENT ne renvoie que vers Pix "
        f"(<code>{escape(web_base_url)}</code>) : l'adresse de retour demandée n'est pas "
        "autorisée.</p>\n"
    )
    return _page("Adresse de retour refusée — simulateur d'ENT", body)


def check_identity(values: dict[str, str], today: date) -> tuple[dict[str, str], date | None]:
    """The form's errors by field (French), and the birth date when one was given."""
    errors: dict[str, str] = {}
    for name in ("first_name", "last_name"):
        try:
            values[name] = clean_name(values.get(name, ""), name)
        except InvalidInput as exc:
            errors[name] = _MISSING[name] if not values.get(name, "").strip() else exc.message
    born: date | None = None
    if values.get("birth_date", "").strip():
        try:
            born = parse_birth_date(values["birth_date"], "birth_date", today=today)
        except InvalidInput as exc:
            errors["birth_date"] = exc.message
    values["saml_id"] = values.get("saml_id", "").strip()
    if not values["saml_id"]:
        errors["saml_id"] = _MISSING["saml_id"]
    elif len(values["saml_id"]) > MAX_ENT_ID:
        errors["saml_id"] = f"L'identifiant ENT ne doit pas dépasser {MAX_ENT_ID} caractères."
    return errors, born


def _web_base_url(request: Request) -> str:
    return str(request.app.state.settings.web_base_url)


@router.get("/idp-simulator", response_class=HTMLResponse, include_in_schema=False)
async def show(request: Request, return_to: str = "") -> HTMLResponse:
    base = _web_base_url(request)
    if not allowed_return(return_to, base):
        return HTMLResponse(refused_page(base), status_code=400, headers=_headers(base))
    page = login_form({"saml_id": new_ent_id()}, {}, return_to)
    return HTMLResponse(page, headers=_headers(base))


@router.post("/idp-simulator", response_class=HTMLResponse, include_in_schema=False)
async def sign_in(request: Request) -> HTMLResponse:
    base = _web_base_url(request)
    form = await request.form()
    values = {
        name: value
        for name in ("first_name", "last_name", "birth_date", "saml_id", "return_to")
        if isinstance(value := form.get(name), str)
    }
    return_to = values.pop("return_to", "")
    if not allowed_return(return_to, base):
        return HTMLResponse(refused_page(base), status_code=400, headers=_headers(base))
    errors, born = check_identity(values, today=date.today())
    if errors:
        page = login_form(values, errors, return_to)
        return HTMLResponse(page, status_code=422, headers=_headers(base))
    simulator: IdpSimulator = request.app.state.idp_simulator
    assertion = simulator.assertion(
        saml_id=values["saml_id"],
        first_name=values["first_name"],
        last_name=values["last_name"],
        birth_date=born,
    )
    page = connected_page(values["first_name"], values["last_name"], assertion, return_to)
    return HTMLResponse(page, headers=_headers(base))
