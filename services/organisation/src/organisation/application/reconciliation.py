"""A student links their account to an imported learner (docs/domain/pix-orga.md §7.4).

Manual: SCO by names and birth date, SUP also by student number; automatic (SCO): by the INE
of the user's most recently updated learner elsewhere. The refusals of the real service
(R31-R33 taken here, R11-R13 taken elsewhere, R70, R90) come from the domain.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from orga_shared.contracts.organisation import ReconciliationMethod, roster_stream
from organisation.application.aggregates import load, organisation, run
from organisation.application.context import Context
from organisation.application.learners import summary
from organisation.domain.errors import DomainError, Forbidden, NotFound
from organisation.domain.reconciliation import (
    Candidate,
    LinkedLearner,
    already_linked,
    check_account_belongs_to_learner,
    find_matching_candidate,
)
from organisation.domain.roster import Reconcile, Roster, decide_reconcile
from organisation.domain.roster import evolve as evolve_roster


def _not_found() -> NotFound:
    return NotFound(
        "LEARNER_NOT_FOUND",
        "Nous n'avons trouvé aucun élève correspondant à ces informations. Vérifiez-les ou "
        "prévenez l'organisateur de votre parcours.",
    )


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
    org = await organisation(ctx, organisation_id)
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
    docs = await ctx.learners.with_ine(organisation_id, linked[0]["national_student_id"])
    if not docs:
        raise _not_found()
    return await _link(ctx, organisation_id, user_id, docs[0], "AUTOMATIC")


def _birthdate(doc: dict[str, Any]) -> date | None:
    return date.fromisoformat(doc["birthdate"]) if doc.get("birthdate") else None


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
    elsewhere = [
        LinkedLearner(d.get("national_student_id"), _birthdate(d))
        for d in await ctx.learners.linked_to(user_id)
        if d["organisation_id"] != organisation_id
    ]
    check_account_belongs_to_learner(ine, _birthdate(doc), elsewhere)
    await run(ctx, stream, Roster(), evolve_roster, lambda s: decide_reconcile(s, command))
    return summary(doc, organisation_id)
