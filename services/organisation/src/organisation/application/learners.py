"""Learner lists (filters, name search, pages), a student's own learner, erasure (§7.5, §7.6)."""

from __future__ import annotations

from typing import Any

from orga_shared.contracts.organisation import roster_stream
from orga_shared.names import matches_search
from organisation.application.aggregates import organisation, run
from organisation.application.context import Context
from organisation.domain.access import require_member
from organisation.domain.commands import Actor
from organisation.domain.errors import DomainError, Forbidden, NotFound
from organisation.domain.roster import EraseLearner, Roster, decide_erase
from organisation.domain.roster import evolve as evolve_roster

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


async def check_member(ctx: Context, organisation_id: str, actor: Actor) -> None:
    require_member(await organisation(ctx, organisation_id), actor)


def check_listing(page: int, size: int, certificability: list[str]) -> None:
    if size not in PAGE_SIZES:
        raise DomainError(
            "INVALID_PAGE_SIZE", "La taille de page doit être 10, 25, 50 ou 100.", "size"
        )
    if page < 1:
        raise DomainError("INVALID_PAGE", "Le numéro de page commence à 1.", "page")
    if any(c not in CERTIFICABILITY for c in certificability):
        raise DomainError(
            "INVALID_CERTIFICABILITY",
            "La certificabilité doit être eligible, non-eligible ou not-available.",
            "certificability",
        )


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
    """Exact filters in the store, then the name search of §7.6 (case and accents ignored)."""
    require_member(await organisation(ctx, organisation_id), actor)
    check_listing(page, size, certificability or [])
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


def summary(doc: dict[str, Any], organisation_id: str) -> dict[str, Any]:
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
            return summary(doc, organisation_id)
    raise NotFound("NOT_RECONCILED", "Votre compte n'est rattaché à aucun élève ici.")


async def erase_user(ctx: Context, user_id: str) -> list[str]:
    """`UserErased` (identity): every learner linked to the erased account is erased like a
    platform admin's erasure, so a school's record of the pupil keeps no name, birth date or
    INE (docs/adr/0022-erasure-and-compaction.md). Idempotent; the erased learner ids."""
    erased = []
    for doc in await ctx.learners.linked_to(user_id):
        command = EraseLearner(doc["organisation_id"], doc["_id"], None)
        stream = roster_stream(doc["organisation_id"])
        await run(ctx, stream, Roster(), evolve_roster, lambda s, c=command: decide_erase(s, c))
        erased.append(str(doc["_id"]))
    await ctx.accounts.forget(user_id)
    if erased:
        await ctx.profiles.publish_quietly({"_id": {"$in": erased}})
    return erased


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
    stream = roster_stream(organisation_id)
    await run(ctx, stream, Roster(), evolve_roster, lambda s: decide_erase(s, command))
    await ctx.profiles.publish_quietly({"organisation_id": organisation_id})
