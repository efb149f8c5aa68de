"""Importing learners: SIECLE for schools, CSV for higher education (docs/domain/pix-orga.md
§7.1, §7.2).

Order of work, chosen so that a bad file writes nothing and a crash never shows half a file:
1. parse and validate the whole file (any rejected line: nothing is written);
2. take the organisation's import lock (one import at a time);
3. write personal data to the learners collection (new learners stay `pending`, invisible);
4. append the roster events in chunks (`LearnersAdded`, ..., then `LearnersImported`), each
   chunk its own small commit; the views turn learners `active` as chunks land;
5. publish the profiles on the compacted topic.
Running the same file again after a crash reuses the same learner ids and finishes the job.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any, cast

from orga_shared.contracts.organisation import (
    ImportMode,
    LearnerSource,
    roster_stream,
)
from organisation.application.aggregates import organisation, run
from organisation.application.context import Context
from organisation.domain import siecle, sup
from organisation.domain.access import require_admin
from organisation.domain.commands import Actor
from organisation.domain.errors import Conflict, DomainError
from organisation.domain.learners import FileRejected, ImportResult, LearnerRecord, LineError
from organisation.domain.organisation import Organisation
from organisation.domain.roster import ImportLearners, Roster, decide_import
from organisation.domain.roster import evolve as evolve_roster

LOCK_SECONDS = 15 * 60


class ImportRejected(DomainError):
    """The file was refused; `errors` lists every rejected line (number, code, reason)."""

    def __init__(self, code: str, message: str, errors: list[LineError]) -> None:
        super().__init__(code, message, "file", errors=[e.__dict__ for e in errors])
        self.errors = errors


async def import_siecle(
    ctx: Context, organisation_id: str, actor: Actor, data: bytes
) -> dict[str, Any]:
    org = await _organisation(ctx, organisation_id, actor, "SCO")

    def parse() -> ImportResult:
        parsed = ctx.files.siecle(data, ctx.settings.max_uncompressed_bytes)
        return siecle.validate(parsed, org.external_id)

    return await _import(ctx, organisation_id, actor, parse, "SIECLE", "REPLACE")


async def import_sup(
    ctx: Context, organisation_id: str, actor: Actor, data: bytes, mode: str
) -> dict[str, Any]:
    if mode not in ("ADD", "REPLACE"):
        raise DomainError("INVALID_MODE", "Le mode doit être ADD ou REPLACE.", "mode")
    await _organisation(ctx, organisation_id, actor, "SUP")

    def parse() -> ImportResult:
        return sup.validate(ctx.files.sup_csv(data, ctx.settings.max_uncompressed_bytes))

    return await _import(ctx, organisation_id, actor, parse, "SUP_CSV", cast(ImportMode, mode))


async def _organisation(
    ctx: Context, organisation_id: str, actor: Actor, expected_type: str
) -> Organisation:
    org = await organisation(ctx, organisation_id)
    require_admin(org, actor)
    if org.type != expected_type or not org.is_managing_students:
        kind = (
            "un établissement scolaire (SCO)"
            if expected_type == "SCO"
            else ("un établissement d'enseignement supérieur (SUP)")
        )
        raise DomainError(
            "IMPORT_NOT_ALLOWED",
            f"Cet import est réservé à {kind} dont les apprenants sont importés.",
        )
    return org


async def _import(
    ctx: Context,
    organisation_id: str,
    actor: Actor,
    parse: Callable[[], ImportResult],
    source: LearnerSource,
    mode: ImportMode,
) -> dict[str, Any]:
    try:
        result = parse()
    except FileRejected as rejected:
        raise ImportRejected(rejected.code, rejected.message, rejected.errors) from None
    if not result.ok:
        count = len(result.errors)
        raise ImportRejected(
            "INVALID_LINES",
            f"Le fichier comporte {count} erreur{'s' if count > 1 else ''} : aucun élève "
            "n'a été importé. Corrigez-le puis importez-le de nouveau.",
            result.errors,
        )
    import_id = str(uuid.uuid4())
    if not await ctx.locks.lock(organisation_id, import_id, LOCK_SECONDS):
        raise Conflict("IMPORT_IN_PROGRESS", "Un import est déjà en cours pour cette organisation.")
    try:
        known = await ctx.learners.ids_by_key(organisation_id)
        ids = assign_ids(result.learners, known)
        await ctx.learners.write_profiles(organisation_id, import_id, result.learners, ids)
        command = ImportLearners(
            organisation_id,
            import_id,
            source,
            mode,
            ids,
            actor.user_id,
            ctx.settings.import_chunk_size,
        )
        counts = await _append_in_chunks(ctx, organisation_id, command)
    finally:
        await ctx.locks.unlock(organisation_id, import_id)
    await ctx.profiles.publish_quietly({"organisation_id": organisation_id})
    return {
        "import_id": import_id,
        "learner_count": len(ids),
        **counts,
        "warnings": [w.__dict__ for w in result.warnings],
    }


def assign_ids(records: Sequence[LearnerRecord], known: dict[str, str]) -> list[str]:
    """A learner already known (by natural key) keeps its id; a new one gets a fresh id."""
    return [known.get(r.key) or str(uuid.uuid4()) for r in records]


async def _append_in_chunks(
    ctx: Context, organisation_id: str, command: ImportLearners
) -> dict[str, int]:
    """One commit per chunk (the next event `decide_import` still needs), each run by the
    kernel's `execute`: after a conflict the plan is re-decided from a fresh load."""
    stream = roster_stream(organisation_id)
    counts = {"added": 0, "reactivated": 0, "disabled": 0, "deleted": 0}
    while True:
        outcome = await run(
            ctx, stream, Roster(), evolve_roster, lambda s: decide_import(s, command)[:1]
        )
        if not outcome.events:
            return counts
        event = outcome.events[0]
        kind = event.event_type.removeprefix("Learners").lower()
        if kind in counts:
            counts[kind] += len(getattr(event, "learner_ids", []))
