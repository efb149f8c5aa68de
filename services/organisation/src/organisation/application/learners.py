"""Learner lists, reconciliation of a student account, erasure of a learner's personal data."""

from __future__ import annotations

from datetime import date
from typing import Any

from orga_shared.contracts.organisation import (
    ReconciliationMethod,
    organisation_stream,
    roster_stream,
)
from organisation.application.context import Context
from organisation.application.streams import execute, load
from organisation.domain.errors import DomainError, Forbidden, NotFound
from organisation.domain.names import matches_search
from organisation.domain.organisation import Organisation, evolve
from organisation.domain.reconciliation import (
    Candidate,
    LinkedLearner,
    already_linked,
    check_account_belongs_to_learner,
    find_matching_candidate,
)
from organisation.domain.roster import (
    EraseLearner,
    Reconcile,
    Roster,
    decide_erase,
    decide_reconcile,
)
from organisation.domain.roster import evolve as evolve_roster
from organisation.domain.team import Actor, require_member

PAGE_SIZES = (10, 25, 50, 100)
CERTIFICABILITY = ("eligible", "non-eligible", "not-available")
LIST_FIELDS = (
    "first_name",
    "last_name",
    "preferred_last_name",
    "birthdate",
    "division",
    "group",
    "student_number",
    "certificability",
)


def _not_found() -> NotFound:
    return NotFound(
        "LEARNER_NOT_FOUND",
        "Nous n'avons trouvé aucun élève correspondant à ces informations. Vérifiez-les ou "
        "prévenez l'organisateur de votre parcours.",
    )


async def _org(ctx: Context, organisation_id: str) -> Organisation:
    state = await load(ctx, organisation_stream(organisation_id), Organisation(), evolve)
    if not state.exists:
        raise NotFound("ORGANISATION_NOT_FOUND", "Organisation introuvable.")
    return state


async def check_member(ctx: Context, organisation_id: str, actor: Actor) -> None:
    require_member(await _org(ctx, organisation_id), actor)


async def list_learners(
    ctx: Context,
    organisation_id: str,
    actor: Actor,
    *,
    search: str | None = None,
    divisions: list[str] | None = None,
    groups: list[str] | None = None,
    certificability: list[str] | None = None,
    page: int = 1,
    size: int = 25,
) -> dict[str, Any]:
    require_member(await _org(ctx, organisation_id), actor)
    if size not in PAGE_SIZES:
        raise DomainError("INVALID_PAGE_SIZE", "La taille de page doit être 10, 25, 50 ou 100.")
    if page < 1:
        raise DomainError("INVALID_PAGE", "Le numéro de page commence à 1.")
    unknown = [c for c in certificability or [] if c not in CERTIFICABILITY]
    if unknown:
        raise DomainError(
            "INVALID_CERTIFICABILITY",
            "La certificabilité doit être eligible, non-eligible ou not-available.",
        )
    docs = await ctx.learners.page(
        organisation_id,
        divisions=divisions or (),
        groups=groups or (),
        certificability=certificability or (),
    )
    if search and search.strip():
        docs = [d for d in docs if matches_search(search, d["first_name"], d["last_name"])]
    total = len(docs)
    shown = docs[(page - 1) * size : page * size]
    return {
        "data": [
            {"id": d["_id"], **{f: d.get(f) for f in LIST_FIELDS}, "linked": bool(d.get("user_id"))}
            for d in shown
        ],
        "meta": {
            "page": page,
            "size": size,
            "total": total,
            "page_count": max(1, -(-total // size)),
        },
        "filters": {
            "divisions": await ctx.learners.distinct_values(organisation_id, "division"),
            "groups": await ctx.learners.distinct_values(organisation_id, "group"),
        },
    }


async def reconcile(
    ctx: Context,
    organisation_id: str,
    user_id: str,
    *,
    first_name: str,
    last_name: str,
    birthdate: date,
    student_number: str | None = None,
) -> dict[str, Any]:
    """Manual reconciliation (SCO: names + birth date; SUP: also the student number)."""
    org = await _org(ctx, organisation_id)
    if not org.is_managing_students:
        raise Forbidden(
            "RECONCILIATION_NOT_AVAILABLE",
            "Cette organisation n'importe pas ses élèves : aucun rattachement n'est nécessaire.",
        )
    docs = await ctx.learners.candidates(organisation_id, birthdate)
    if org.type == "SUP":
        if not student_number or not student_number.strip():
            raise DomainError(
                "STUDENT_NUMBER_REQUIRED", "Le numéro étudiant est obligatoire.", "student_number"
            )
        typed = student_number.strip().lower()
        docs = [d for d in docs if (d.get("student_number") or "").lower() == typed]
    candidates = [
        Candidate(
            d["_id"],
            d.get("first_name"),
            d.get("last_name"),
            d.get("middle_name"),
            d.get("third_name"),
            d.get("preferred_last_name"),
        )
        for d in docs
    ]
    learner_id = find_matching_candidate(candidates, first_name, last_name)
    if learner_id is None:
        raise _not_found()
    doc = next(d for d in docs if d["_id"] == learner_id)
    return await _link(ctx, organisation_id, user_id, doc, "MANUAL")


async def reconcile_automatically(
    ctx: Context, organisation_id: str, user_id: str
) -> dict[str, Any]:
    """SCO: the INE of the user's most recently updated learner, looked up in this school."""
    linked = sorted(
        (d for d in await ctx.learners.linked_to(user_id) if d.get("national_student_id")),
        key=lambda d: d["updated_at"],
        reverse=True,
    )
    if not linked:
        raise _not_found()
    ine = linked[0]["national_student_id"]
    docs = await ctx.learners.learners.find(
        {"organisation_id": organisation_id, "national_student_id": ine, "state": "active"}
    ).to_list()
    if not docs:
        raise _not_found()
    return await _link(ctx, organisation_id, user_id, docs[0], "AUTOMATIC")


async def _link(
    ctx: Context,
    organisation_id: str,
    user_id: str,
    doc: dict[str, Any],
    method: ReconciliationMethod,
) -> dict[str, Any]:
    stream = roster_stream(organisation_id)
    hint = await ctx.accounts.hint(doc.get("user_id"))
    command = Reconcile(organisation_id, doc["_id"], user_id, method, hint)
    roster = await load(ctx, stream, Roster(), evolve_roster)
    decide_reconcile(roster, command)  # same-organisation refusals (R31-R33, R70) first
    ine = doc.get("national_student_id")
    if ine:
        for other in await ctx.learners.same_ine_elsewhere(ine, organisation_id):
            if other.get("user_id") and other["user_id"] != user_id:
                other_hint = await ctx.accounts.hint(other["user_id"])
                raise already_linked(other_hint, same_organisation=False)
    birthdate = date.fromisoformat(doc["birthdate"]) if doc.get("birthdate") else None
    elsewhere = [
        LinkedLearner(
            d.get("national_student_id"),
            date.fromisoformat(d["birthdate"]) if d.get("birthdate") else None,
        )
        for d in await ctx.learners.linked_to(user_id)
        if d["organisation_id"] != organisation_id
    ]
    check_account_belongs_to_learner(ine, birthdate, elsewhere)
    await execute(ctx, stream, Roster(), evolve_roster, lambda s: decide_reconcile(s, command))
    return _summary(doc, organisation_id)


def _summary(doc: dict[str, Any], organisation_id: str) -> dict[str, Any]:
    return {
        "id": doc["_id"],
        "organisation_id": organisation_id,
        "first_name": doc.get("first_name"),
        "last_name": doc.get("last_name"),
        "division": doc.get("division"),
        "group": doc.get("group"),
    }


async def my_learner(ctx: Context, organisation_id: str, user_id: str) -> dict[str, Any]:
    for doc in await ctx.learners.linked_to(user_id):
        if doc["organisation_id"] == organisation_id and doc["state"] == "active":
            return _summary(doc, organisation_id)
    raise NotFound("NOT_RECONCILED", "Votre compte n'est rattaché à aucun élève ici.")


async def erase_learner(ctx: Context, learner_id: str, actor: Actor) -> None:
    """Right to erasure: drop the personal data, publish a tombstone, keep ids-only history."""
    if not actor.platform_admin:
        raise Forbidden(
            "PLATFORM_ADMIN_ONLY", "Seule l'équipe de la plateforme peut effacer un élève."
        )
    doc = await ctx.learners.get(learner_id)
    if doc is None:
        raise NotFound("LEARNER_NOT_FOUND", "Élève introuvable.")
    organisation_id = doc["organisation_id"]
    command = EraseLearner(organisation_id, learner_id, actor.user_id)
    await execute(
        ctx,
        roster_stream(organisation_id),
        Roster(),
        evolve_roster,
        lambda s: decide_erase(s, command),
    )
    await ctx.profiles.publish_soon(organisation_id)
