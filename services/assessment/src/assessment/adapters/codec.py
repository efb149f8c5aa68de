"""The snapshot's document form of a `ParticipantState`: compact, exact, and cheap to decode.

Times are integer microseconds since the epoch (BSON dates keep milliseconds only, and a
snapshot must give back exactly the state a fold gives). Knowledge elements are short lists,
answers small documents (the local database refuses arrays inside arrays).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any, cast

from assessment.domain.knowledge import KnowledgeElement
from assessment.domain.participant import Answer, Asked, Attempt, ParticipantState
from orga_shared.packing import pack, unpack

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
__all__ = ["decode_state", "encode_state", "pack", "unpack"]


def _us(at: datetime | None) -> int | None:
    if at is None:
        return None
    delta = at - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _at(us: int | None) -> datetime | None:
    if us is None:
        return None
    return EPOCH + timedelta(microseconds=us)


def _when(us: int) -> datetime:
    at = _at(us)
    assert at is not None
    return at


def _ke(ke: KnowledgeElement) -> list[Any]:
    return [
        ke.tube,
        ke.competence,
        ke.status,
        ke.source,
        ke.earned_pix,
        _us(ke.created_at),
        ke.answer_id,
        ke.assessment_id,
    ]


def _ke_back(sid: str, v: list[Any]) -> KnowledgeElement:
    return KnowledgeElement(
        skill_id=sid,
        tube=v[0],
        competence=v[1],
        status=v[2],
        source=v[3],
        earned_pix=float(v[4]),
        created_at=_when(v[5]),
        answer_id=v[6],
        assessment_id=v[7],
    )


def _answer(a: Answer) -> dict[str, Any]:
    # a document, not a list: the local database refuses arrays inside arrays
    return {
        "k": a.answer_id,
        "c": a.challenge_id,
        "s": a.skill_id,
        "v": a.value,
        "r": a.result,
        "t": a.timed,
        "at": _us(a.at),
        "d": dict(a.details),
    }


def _answer_back(number: int, v: dict[str, Any]) -> Answer:
    return Answer(
        answer_id=v["k"],
        number=number,
        challenge_id=v["c"],
        skill_id=v["s"],
        value=v["v"],
        result=v["r"],
        timed=bool(v["t"]),
        at=_when(v["at"]),
        details=v["d"],
    )


def _attempt(a: Attempt) -> dict[str, Any]:
    return {
        "id": a.participation_id,
        "n": a.number,
        "status": a.status,
        "created": _us(a.created_at),
        "learner": a.learner_id,
        "ext": a.has_external_id,
        "assessment": a.assessment_id,
        "assessment_started": _us(a.assessment_started_at),
        "answers": [_answer(x) for x in a.answers],
        "knowledge": {sid: _ke(ke) for sid, ke in a.knowledge.items()},
        "current": None
        if a.current is None
        else [a.current.challenge_id, a.current.skill_id, a.current.timed],
        "completed": a.completed,
        "shared": _us(a.shared_at),
        "mastery": a.mastery_rate,
        "validated": a.validated_skills,
        "improved": a.improved,
        "deleted": a.deleted,
    }


def _attempt_back(d: dict[str, Any]) -> Attempt:
    current = d["current"]
    return Attempt(
        participation_id=d["id"],
        number=d["n"],
        status=d["status"],
        created_at=_when(d["created"]),
        learner_id=d["learner"],
        has_external_id=d["ext"],
        assessment_id=d["assessment"],
        assessment_started_at=_at(d["assessment_started"]),
        answers=tuple(_answer_back(i, v) for i, v in enumerate(d["answers"], start=1)),
        knowledge=MappingProxyType({sid: _ke_back(sid, v) for sid, v in d["knowledge"].items()}),
        current=None if current is None else Asked(current[0], current[1], bool(current[2])),
        completed=d["completed"],
        shared_at=_at(d["shared"]),
        mastery_rate=d["mastery"],
        validated_skills=d["validated"],
        improved=d["improved"],
        deleted=d["deleted"],
    )


def encode_state(state: ParticipantState) -> dict[str, Any]:
    return {
        "campaign_id": state.campaign_id,
        "user_id": state.user_id,
        "organisation_id": state.organisation_id,
        "campaign_type": state.campaign_type,
        "attempts": [_attempt(a) for a in state.attempts],
    }


def decode_state(d: dict[str, Any]) -> ParticipantState:
    return ParticipantState(
        campaign_id=d["campaign_id"],
        user_id=d["user_id"],
        organisation_id=d["organisation_id"],
        campaign_type=cast(Any, d["campaign_type"]),
        attempts=tuple(_attempt_back(a) for a in d["attempts"]),
    )
