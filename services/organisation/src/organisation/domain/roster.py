"""Learner roster of one organisation: which learners exist, are active, and to whom they link.

One stream per organisation (`learners-<org>`), events holding learner ids only. An import's
events are chunks of at most `CHUNK_SIZE` ids, so each commit stays small (ADR 0007); `decide`
is re-run after every chunk or conflict and only returns what is still missing, so an import
interrupted half way finishes by running it again.

Import semantics (docs/domain/pix-orga.md §7.1, §7.2):
- SIECLE: learners of the file are added or re-activated; active learners absent from the file
  left the school and are disabled (their history stays);
- SUP "Ajouter / modifier" (ADD): add or update, nobody disabled;
- SUP "Remplacer" (REPLACE): learners absent from the file are deleted (soft delete).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from orga_shared.contracts.organisation import ImportMode, LearnerSource, ReconciliationMethod
from orga_shared.events.envelope import DomainEvent
from organisation.domain.errors import NotFound
from organisation.domain.events import (
    LearnerErased,
    LearnerReconciled,
    LearnersAdded,
    LearnersDeleted,
    LearnersDisabled,
    LearnersImported,
    LearnersReactivated,
)
from organisation.domain.reconciliation import AccountHint, already_linked, user_already_reconciled

CHUNK_SIZE = 500


@dataclass(frozen=True)
class LearnerStatus:
    active: bool = True
    deleted: bool = False
    erased: bool = False
    user_id: str | None = None

    @property
    def present(self) -> bool:
        """Listed by the organisation and open to reconciliation."""
        return self.active and not self.deleted and not self.erased


@dataclass(frozen=True)
class Roster:
    organisation_id: str | None = None
    learners: dict[str, LearnerStatus] = field(default_factory=dict)
    completed_imports: frozenset[str] = frozenset()

    def learner_of(self, user_id: str) -> str | None:
        for learner_id, status in self.learners.items():
            if status.user_id == user_id and status.present:
                return learner_id
        return None


@dataclass(frozen=True)
class ImportLearners:
    organisation_id: str
    import_id: str
    source: LearnerSource
    mode: ImportMode
    learner_ids: Sequence[str]
    """Every learner of the file, existing ones with their id, new ones with a fresh id."""
    imported_by: str | None
    chunk_size: int = CHUNK_SIZE


@dataclass(frozen=True)
class Reconcile:
    organisation_id: str
    learner_id: str
    user_id: str
    method: ReconciliationMethod = "MANUAL"
    other_account: AccountHint | None = None
    """How the account already linked to the learner logs in, if any (for the error shown)."""


@dataclass(frozen=True)
class EraseLearner:
    organisation_id: str
    learner_id: str
    erased_by: str | None


def evolve(state: Roster, event: DomainEvent) -> Roster:
    match event:
        case LearnersAdded():
            return _set(state, event.learner_ids, lambda _: LearnerStatus(), event.organisation_id)
        case LearnersReactivated():
            return _set(state, event.learner_ids, lambda s: replace(s, active=True))
        case LearnersDisabled():
            return _set(state, event.learner_ids, lambda s: replace(s, active=False))
        case LearnersDeleted():
            return _set(state, event.learner_ids, lambda s: replace(s, active=False, deleted=True))
        case LearnersImported():
            return replace(state, completed_imports=state.completed_imports | {event.import_id})
        case LearnerReconciled():
            return _set(state, [event.learner_id], lambda s: replace(s, user_id=event.user_id))
        case LearnerErased():
            return _set(state, [event.learner_id], lambda s: replace(s, active=False, erased=True))
    return state


def _set(
    state: Roster,
    ids: Iterable[str],
    change: Callable[[LearnerStatus], LearnerStatus],
    organisation_id: str | None = None,
) -> Roster:
    learners = dict(state.learners)
    for learner_id in ids:
        learners[learner_id] = change(learners.get(learner_id, LearnerStatus()))
    return replace(
        state, learners=learners, organisation_id=state.organisation_id or organisation_id
    )


def decide_import(state: Roster, cmd: ImportLearners) -> list[DomainEvent]:
    """The events still needed to complete the import (empty once it is complete)."""
    if cmd.import_id in state.completed_imports:
        return []
    in_file = set(cmd.learner_ids)
    added, reactivated = [], []
    for learner_id in cmd.learner_ids:
        status = state.learners.get(learner_id)
        if status is None:
            added.append(learner_id)
        elif status.deleted or status.erased:
            raise ValueError(f"learner {learner_id} was deleted: a new id is needed")
        elif not status.active:
            reactivated.append(learner_id)
    disabled: list[str] = []
    deleted: list[str] = []
    if cmd.source == "SIECLE":
        disabled = [i for i, s in state.learners.items() if s.present and i not in in_file]
    elif cmd.mode == "REPLACE":
        deleted = [
            i
            for i, s in state.learners.items()
            if not s.deleted and not s.erased and i not in in_file
        ]
    org, imp = cmd.organisation_id, cmd.import_id
    events: list[DomainEvent] = []
    for ids in _chunks(added, cmd.chunk_size):
        events.append(LearnersAdded(organisation_id=org, import_id=imp, learner_ids=ids))
    for ids in _chunks(reactivated, cmd.chunk_size):
        events.append(LearnersReactivated(organisation_id=org, import_id=imp, learner_ids=ids))
    for ids in _chunks(disabled, cmd.chunk_size):
        events.append(LearnersDisabled(organisation_id=org, import_id=imp, learner_ids=ids))
    for ids in _chunks(deleted, cmd.chunk_size):
        events.append(
            LearnersDeleted(
                organisation_id=org, import_id=imp, learner_ids=ids, deleted_by=cmd.imported_by
            )
        )
    events.append(
        LearnersImported(
            organisation_id=org,
            import_id=imp,
            source=cmd.source,
            mode=cmd.mode,
            learner_count=len(in_file),
            imported_by=cmd.imported_by,
        )
    )
    return events


def decide_reconcile(state: Roster, cmd: Reconcile) -> list[DomainEvent]:
    status = state.learners.get(cmd.learner_id)
    if status is None or not status.present:
        raise NotFound("LEARNER_NOT_FOUND", "Aucun élève ne correspond à ces informations.")
    if status.user_id == cmd.user_id:
        return []
    if status.user_id is not None:
        raise already_linked(cmd.other_account, same_organisation=True)
    if state.learner_of(cmd.user_id) is not None:
        raise user_already_reconciled()
    return [
        LearnerReconciled(
            organisation_id=cmd.organisation_id,
            learner_id=cmd.learner_id,
            user_id=cmd.user_id,
            method=cmd.method,
        )
    ]


def decide_erase(state: Roster, cmd: EraseLearner) -> list[DomainEvent]:
    status = state.learners.get(cmd.learner_id)
    if status is None:
        raise NotFound("LEARNER_NOT_FOUND", "Élève introuvable.")
    if status.erased:
        return []
    return [
        LearnerErased(
            organisation_id=cmd.organisation_id, learner_id=cmd.learner_id, erased_by=cmd.erased_by
        )
    ]


def _chunks(ids: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])
