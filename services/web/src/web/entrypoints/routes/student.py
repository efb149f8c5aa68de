"""The student's pages (Pix App): dashboard, « J'ai un code », the landing page, the external id
prompt, « Un tout petit détail ! » (reconciliation), the rules, the questions, the checkpoints
every 5 answers, the results and their sending, retrying, the profile and « Mes tutos ».

Every page reads the services as the signed-in student; nothing is stored here but two markers
in the session cookie: which checkpoint was already seen, and when a timed question appeared.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from web.adapters.api import ApiRefusal
from web.application.answers import FIELD_PREFIX, build_value, screen
from web.application.session import User
from web.application.shown import ShownQuestions
from web.entrypoints.rendering import redirect, render
from web.entrypoints.routes.deps import Csrf, SignedIn

router = APIRouter(include_in_schema=False)

SEEN = "checkpoints"  # session: campaign id → answer count whose checkpoint was shown
TIMER = "timer"  # session: {"challenge": id, "at": epoch seconds} of the timed question shown
TIMER_GRACE_SECONDS = 2
EXTERNAL = "external_ids"  # session: code → participantExternalId from the direct link
RECONCILE_WAIT_SECONDS = 10.0
EXTERNAL_ID_FIELDS = ("MISSING_EXTERNAL_ID", "EXTERNAL_ID_TOO_LONG", "INVALID_EMAIL")
SHOWN = ShownQuestions()
NOT_SENT = (
    "Votre réponse n'a pas pu être enregistrée : le service est momentanément indisponible. "
    "Vérifiez-la et réessayez dans quelques instants."
)


def _code(code: str) -> str:
    return code.strip().upper()


async def _campaign(user: User, code: str) -> dict[str, Any]:
    campaign: dict[str, Any] = await user.get(
        "campaign", f"/campaigns/by-code/{quote(_code(code))}"
    )
    return campaign


async def _participation(user: User, campaign_id: str) -> dict[str, Any] | None:
    try:
        mine: dict[str, Any] = await user.get(
            "assessment", f"/campaigns/{campaign_id}/participation"
        )
    except ApiRefusal as exc:
        if exc.status == 404:
            return None
        raise
    return mine


def _base(code: str) -> str:
    return f"/campagnes/{_code(code)}"


# Dashboard and « J'ai un code »


@router.get("/")
async def home(request: Request) -> Response:
    if isinstance(request.session.get("auth"), dict):
        return redirect("/accueil")
    return render(request, "home.html", {"title": "Accueil"})


@router.get("/accueil")
async def dashboard(request: Request, user: SignedIn) -> Response:
    mine: list[dict[str, Any]] = await user.get("assessment", "/me/participations")
    codes = {p["campaign_code"] for p in mine if p.get("campaign_code")}
    found = await asyncio.gather(*(_campaign(user, c) for c in codes), return_exceptions=True)
    campaigns = {c: f for c, f in zip(codes, found, strict=True) if isinstance(f, dict)}
    for p in mine:
        p["campaign"] = campaigns.get(p.get("campaign_code") or "")
    started = [p for p in mine if p["status"] == "STARTED" and p["campaign"]]
    return render(
        request,
        "student/dashboard.html",
        {"title": "Accueil", "participations": mine, "unfinished": started},
    )


@router.get("/campagnes")
async def code_page(request: Request, user: SignedIn) -> Response:
    return render(request, "student/code.html", {"title": "J'ai un code", "errors": {}})


@router.post("/campagnes", dependencies=[Csrf])
async def enter_code(request: Request, user: SignedIn, code: str = Form("")) -> Response:
    typed = _code(code)
    if not typed:
        errors = {"code": "Merci de renseigner le code du parcours."}
        return render(
            request, "student/code.html", {"title": "J'ai un code", "errors": errors}, 422
        )
    try:
        await _campaign(user, typed)
    except ApiRefusal as exc:
        if exc.status != 404:
            raise
        errors = {
            "code": "Votre code est erroné, veuillez vérifier ou contacter la personne "
            "organisant le parcours."
        }
        context = {"title": "J'ai un code", "errors": errors, "code": code}
        return render(request, "student/code.html", context, 422)
    return redirect(_base(typed))


# The landing page and joining


@router.get("/campagnes/{code}")
async def landing(
    request: Request, user: SignedIn, code: str, participantExternalId: str | None = None
) -> Response:
    campaign = await _campaign(user, code)
    if participantExternalId:
        kept = dict(request.session.get(EXTERNAL) or {})
        kept[campaign["code"]] = participantExternalId[:255]
        request.session[EXTERNAL] = dict(list(kept.items())[-5:])
    mine = await _participation(user, campaign["campaign_id"])
    return render(
        request,
        "student/landing.html",
        {"title": campaign.get("title") or campaign["name"], "campaign": campaign, "mine": mine},
    )


async def _join(
    request: Request, user: SignedIn, code: str, body: dict[str, Any], linked: bool = False
) -> Response:
    """Join (or resume), then the page that follows. `linked`: the account was just linked to
    a learner; the link reaches assessment as an event, so a refusal for want of it is retried
    for a few seconds before the student is asked again."""
    campaign = await _campaign(user, code)
    external = (request.session.get(EXTERNAL) or {}).get(campaign["code"])
    if body.get("participant_external_id") is None and external:
        body["participant_external_id"] = external
    payload = {"code": campaign["code"], **body}
    deadline = time.monotonic() + RECONCILE_WAIT_SECONDS
    while True:
        try:
            reply = await user.call("assessment", "POST", "/participations", json=payload)
            break
        except ApiRefusal as exc:
            if exc.code == "RECONCILIATION_REQUIRED":
                if not linked and await _reconcile_automatically(user, campaign):
                    linked = True
                if linked and time.monotonic() < deadline:
                    await asyncio.sleep(0.3)
                    continue
                return redirect(f"{_base(code)}/rattachement")
            return await _join_refused(request, user, campaign, body, exc)
    if campaign["type"] == "PROFILES_COLLECTION":
        return redirect(f"{_base(code)}/resultats")
    if reply.status == 201 and not body.get("retry") and not body.get("reset"):
        return redirect(f"{_base(code)}/consignes")
    return redirect(f"{_base(code)}/evaluation")


async def _join_refused(
    request: Request, user: User, campaign: dict[str, Any], body: dict[str, Any], exc: ApiRefusal
) -> Response:
    if exc.code in EXTERNAL_ID_FIELDS:
        typed = body.get("participant_external_id")
        errors = {"participant_external_id": exc.message} if typed else {}
        context = {
            "title": campaign["name"],
            "campaign": campaign,
            "errors": errors,
            "value": typed,
        }
        return render(request, "student/external_id.html", context, 422 if errors else 200)
    mine = await _participation(user, campaign["campaign_id"])
    context = {"title": campaign["name"], "campaign": campaign, "mine": mine, "alert": exc.message}
    return render(request, "student/landing.html", context, 409)


async def _reconcile_automatically(user: User, campaign: dict[str, Any]) -> bool:
    """ENT accounts are linked by their INE when the school imported it (no form to fill)."""
    try:
        await user.post(
            "organisation", f"/organisations/{campaign['organisation_id']}/learners/reconcile-auto"
        )
    except ApiRefusal:
        return False
    return True


@router.post("/campagnes/{code}/rejoindre", dependencies=[Csrf])
async def join(
    request: Request,
    user: SignedIn,
    code: str,
    participant_external_id: str | None = Form(None),
    mode: str = Form("start"),
) -> Response:
    body: dict[str, Any] = {"retry": mode == "retry", "reset": mode == "reset"}
    if participant_external_id is not None:
        body["participant_external_id"] = participant_external_id.strip()
    return await _join(request, user, code, body)


@router.get("/campagnes/{code}/rattachement")
async def reconcile_page(request: Request, user: SignedIn, code: str) -> Response:
    campaign = await _campaign(user, code)
    me = await user.get("identity", "/users/me")
    form = {
        "first_name": me.get("first_name") or "",
        "last_name": me.get("last_name") or "",
        "birthdate": me.get("birth_date") or "",
    }
    context = {"title": "Un tout petit détail !", "campaign": campaign, "form": form, "errors": {}}
    return render(request, "student/reconcile.html", context)


@router.post("/campagnes/{code}/rattachement", dependencies=[Csrf])
async def reconcile(request: Request, user: SignedIn, code: str) -> Response:
    campaign = await _campaign(user, code)
    data = await request.form()
    form = {
        k: str(data.get(k) or "").strip()
        for k in ("first_name", "last_name", "birthdate", "student_number")
    }
    errors: dict[str, str] = {}
    for key, message in (
        ("first_name", "Votre prénom n'est pas renseigné."),
        ("last_name", "Votre nom n'est pas renseigné."),
        ("birthdate", "Votre date de naissance n'est pas renseignée."),
    ):
        if not form[key]:
            errors[key] = message
    alert = None
    if not errors:
        body = {k: v for k, v in form.items() if v or k != "student_number"}
        try:
            await user.post(
                "organisation",
                f"/organisations/{campaign['organisation_id']}/learners/reconcile",
                json=body,
            )
        except ApiRefusal as exc:
            if exc.field in form:
                errors[exc.field] = exc.message
            else:
                alert = exc.message
        else:
            return await _join(request, user, code, {}, linked=True)
    context = {
        "title": "Un tout petit détail !",
        "campaign": campaign,
        "form": form,
        "errors": errors,
        "alert": alert,
        "ask_student_number": "student_number" in errors or bool(form["student_number"]),
    }
    return render(request, "student/reconcile.html", context, 422)


@router.get("/campagnes/{code}/consignes")
async def rules(request: Request, user: SignedIn, code: str) -> Response:
    campaign = await _campaign(user, code)
    return render(request, "student/rules.html", {"title": "Consignes", "campaign": campaign})


# Questions and checkpoints


def _seen(request: Request) -> dict[str, int]:
    seen = request.session.get(SEEN)
    return dict(seen) if isinstance(seen, dict) else {}


def _mark_seen(request: Request, campaign_id: str, count: int) -> None:
    seen = _seen(request)
    seen.pop(campaign_id, None)
    seen[campaign_id] = count
    request.session[SEEN] = dict(list(seen.items())[-5:])


@router.get("/campagnes/{code}/evaluation")
async def question(
    request: Request, user: SignedIn, code: str, chrono: str | None = None
) -> Response:
    campaign = await _campaign(user, code)
    mine = await _participation(user, campaign["campaign_id"])
    if mine is None:
        return redirect(_base(code))
    if campaign["type"] == "PROFILES_COLLECTION" or mine["ended"] or mine["challenge"] is None:
        return redirect(f"{_base(code)}/resultats")
    if (
        mine["checkpoint_due"]
        and _seen(request).get(campaign["campaign_id"]) != mine["answer_count"]
    ):
        return redirect(f"{_base(code)}/checkpoint")
    SHOWN.keep(user.user_id, _code(code), campaign, mine)
    return _question_page(request, campaign, mine, start_timer=chrono == "demarrer")


def _question_page(
    request: Request,
    campaign: dict[str, Any],
    mine: dict[str, Any],
    *,
    start_timer: bool = False,
    error: str | None = None,
    kept: dict[str, Any] | None = None,
    status: int = 200,
    alert: str | None = None,
    idempotency_key: str | None = None,
) -> Response:
    challenge = mine["challenge"]
    timer = request.session.get(TIMER) or {}
    started_at = timer.get("at") if timer.get("challenge") == challenge["id"] else None
    if challenge.get("timer") and started_at is None and start_timer:
        started_at = time.time()
        request.session[TIMER] = {"challenge": challenge["id"], "at": started_at}
    left = None
    if challenge.get("timer") and started_at is not None:
        left = max(0, int(challenge["timer"] - (time.time() - started_at)))
    context = {
        "title": f"Question {mine['answer_count'] + 1}",
        "campaign": campaign,
        "mine": mine,
        "screen": screen(challenge),
        "timed_notice": bool(challenge.get("timer")) and started_at is None,
        "seconds_left": left,
        "idempotency_key": idempotency_key or uuid.uuid4().hex,
        "error": error,
        "alert": alert,
        "kept": kept or {},
        "field_prefix": FIELD_PREFIX,
    }
    return render(request, "student/question.html", context, status)


@router.post("/campagnes/{code}/evaluation", dependencies=[Csrf])
async def answer(request: Request, user: SignedIn, code: str) -> Response:
    form = await request.form()
    try:
        return await _answer(request, user, code, form)
    except ApiRefusal as exc:
        # a service or its database out of reach: the same question again, with what was
        # chosen and the same key (if the answer was recorded after all, resending it finds it)
        sent_id = str(form.get("challenge_id") or "")
        shown = SHOWN.get(user.user_id, _code(code), sent_id) if exc.status == 503 else None
        if shown is None:
            raise
        campaign, mine = shown
        return _question_page(
            request,
            campaign,
            mine,
            kept={
                "chosen": [str(v) for v in form.getlist("reponse")],
                **build_value(mine["challenge"], form).kept,
            },
            status=503,
            alert=NOT_SENT,
            idempotency_key=str(form.get("idempotency_key") or "") or None,
        )


async def _answer(request: Request, user: User, code: str, form: FormData) -> Response:
    campaign = await _campaign(user, code)
    mine = await _participation(user, campaign["campaign_id"])
    if mine is None:
        return redirect(_base(code))
    challenge = mine.get("challenge")
    sent_id = str(form.get("challenge_id") or "")
    key = str(form.get("idempotency_key") or uuid.uuid4().hex)
    if challenge is None or challenge["id"] != sent_id:
        # answered already (a resent form): the same key finds the recorded answer
        return redirect(f"{_base(code)}/evaluation")
    body: dict[str, Any] = {"challenge_id": sent_id}
    if form.get("action") == "passer":
        body["skipped"] = True
    else:
        built = build_value(challenge, form)
        if built.error:
            return _question_page(
                request, campaign, mine, error=built.error, kept=built.kept, status=422
            )
        body["value"] = built.value
    timer = request.session.get(TIMER) or {}
    late = form.get("timed_out") == "true"
    if challenge.get("timer") and timer.get("challenge") == sent_id:
        late = late or time.time() - float(timer["at"]) > challenge["timer"] + TIMER_GRACE_SECONDS
    body["timed_out"] = bool(challenge.get("timer")) and late
    try:
        outcome = await user.post(
            "assessment",
            f"/campaigns/{campaign['campaign_id']}/participation/answers",
            json=body,
            headers={"Idempotency-Key": key},
        )
    except ApiRefusal as exc:
        if exc.code in ("NOT_CURRENT_CHALLENGE", "ASSESSMENT_ENDED"):
            return redirect(f"{_base(code)}/evaluation")
        return _question_page(request, campaign, mine, error=exc.message, status=422)
    request.session.pop(TIMER, None)
    if outcome["checkpoint"] or outcome["ended"]:
        return redirect(f"{_base(code)}/checkpoint")
    return redirect(f"{_base(code)}/evaluation")


@router.get("/campagnes/{code}/checkpoint")
async def checkpoint(request: Request, user: SignedIn, code: str) -> Response:
    campaign = await _campaign(user, code)
    mine = await _participation(user, campaign["campaign_id"])
    if mine is None:
        return redirect(_base(code))
    if not mine["answer_count"]:
        return redirect(f"{_base(code)}/evaluation")
    corrected = await user.get(
        "assessment", f"/campaigns/{campaign['campaign_id']}/participation/checkpoint"
    )
    _mark_seen(request, campaign["campaign_id"], mine["answer_count"])
    for item in corrected["answers"]:
        item["screen"] = screen(item["challenge"])
    context = {"title": "Vos réponses", "campaign": campaign, "mine": mine, "checkpoint": corrected}
    return render(request, "student/checkpoint.html", context)


# Results, sending, retrying


@router.get("/campagnes/{code}/resultats")
async def results(
    request: Request, user: SignedIn, code: str, envoye: str | None = None
) -> Response:
    campaign = await _campaign(user, code)
    return await _results_page(request, user, campaign, just_sent=envoye == "1")


async def _results_page(
    request: Request,
    user: User,
    campaign: dict[str, Any],
    *,
    just_sent: bool = False,
    alert: str | None = None,
    status: int = 200,
) -> Response:
    mine = await _participation(user, campaign["campaign_id"])
    code = campaign["code"]
    if mine is None:
        return redirect(_base(code))
    if campaign["type"] == "ASSESSMENT" and not mine["ended"] and mine["status"] == "STARTED":
        return redirect(f"{_base(code)}/evaluation")
    profile = None
    if campaign["type"] == "PROFILES_COLLECTION":
        profile = await user.get("assessment", "/me/profile")
    context = {
        "title": "Mes résultats",
        "campaign": campaign,
        "mine": mine,
        "profile": profile,
        "just_sent": just_sent,
        "alert": alert,
    }
    return render(request, "student/results.html", context, status)


@router.post("/campagnes/{code}/envoyer", dependencies=[Csrf])
async def share(request: Request, user: SignedIn, code: str) -> Response:
    campaign = await _campaign(user, code)
    try:
        await user.post("assessment", f"/campaigns/{campaign['campaign_id']}/participation/share")
    except ApiRefusal as exc:
        if exc.code != "ALREADY_SHARED":
            return await _results_page(request, user, campaign, alert=exc.message, status=409)
    return redirect(f"{_base(code)}/resultats?envoye=1")


@router.post("/campagnes/{code}/ameliorer", dependencies=[Csrf])
async def improve(request: Request, user: SignedIn, code: str) -> Response:
    campaign = await _campaign(user, code)
    try:
        await user.post("assessment", f"/campaigns/{campaign['campaign_id']}/participation/improve")
    except ApiRefusal as exc:
        return await _results_page(request, user, campaign, alert=exc.message, status=409)
    return redirect(f"{_base(code)}/evaluation")


# Profile and tutorials


@router.get("/profil")
async def profile(request: Request, user: SignedIn) -> Response:
    mine = await user.get("assessment", "/me/profile")
    return render(request, "student/profile.html", {"title": "Mon profil", "profile": mine})


@router.post("/profil/competences/{competence}/remise-a-zero", dependencies=[Csrf])
async def reset_competence(request: Request, user: SignedIn, competence: str) -> Response:
    try:
        await user.post("assessment", f"/me/competences/{quote(competence)}/reset")
    except ApiRefusal as exc:
        mine = await user.get("assessment", "/me/profile")
        return render(
            request,
            "student/profile.html",
            {"title": "Mon profil", "profile": mine, "alert": exc.message},
            409,
        )
    return redirect("/profil")


@router.get("/mes-tutos")
async def tutorials(request: Request, user: SignedIn) -> Response:
    mine = await user.get("assessment", "/me/tutorials")
    return render(request, "student/tutorials.html", {"title": "Mes tutos", "tutorials": mine})
