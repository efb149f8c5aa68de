"""Nothing published before sharing says how the learner did (docs/adr/0015,
`orga_shared.contracts.assessment`): neither the contracts' fields nor the events a whole
participation actually emits before `ResultsShared`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import BaseModel

from assessment.domain.participant import INITIAL, ask_next, decide_improve, fold
from assessment.domain.sealed import SEALED
from orga_shared.contracts import assessment as contracts
from orga_shared.events.envelope import DomainEvent
from orga_shared.events.registry import EVENTS

from .participants import T0, Kind, assessment, index_of, join, play, share

pytestmark = pytest.mark.unit

BEFORE_SHARING = (
    contracts.ParticipationStarted,
    contracts.AnswerRecorded,
    contracts.AssessmentCompleted,
    contracts.ImprovementStarted,
)
RESULT_WORDS = (
    "mastery",
    "pix",
    "validated",
    "result",
    "knowledge",
    "is_ok",
    "level",
    "score",
    "stage",
    "badge",
    "correct",
    "skill",
)


def telling(name: str) -> bool:
    return any(word in name.lower() for word in RESULT_WORDS)


def keys(value: Any) -> set[str]:
    """Every key of a dumped payload, nested ones included."""
    if isinstance(value, dict):
        return {k for k in value} | {n for v in value.values() for n in keys(v)}
    if isinstance(value, list | tuple):
        return {n for v in value for n in keys(v)}
    return set()


@pytest.mark.parametrize("model", BEFORE_SHARING, ids=lambda m: m.__name__)
def test_no_field_of_an_event_published_before_sharing_is_about_results(
    model: type[BaseModel],
) -> None:
    assert model.model_fields
    assert [name for name in model.model_fields if telling(name)] == []
    for info in model.model_fields.values():
        annotation = info.annotation
        assert not (isinstance(annotation, type) and issubclass(annotation, BaseModel))


def test_the_published_registry_holds_no_sealed_event() -> None:
    published = {m.event_type for m in EVENTS}
    sealed = {m.event_type for m in SEALED}
    assert sealed and not published & sealed
    assert {m.event_type for m in BEFORE_SHARING} <= published


def test_a_whole_participation_publishes_nothing_about_results_before_sharing() -> None:
    campaign = assessment("tp-1.1", multiple_sendings=True)

    def policy(n: int, _skill: str) -> Kind:
        return ("right", "wrong", "skip")[n % 3]

    state, _, events = join(INITIAL, campaign)
    state, answered = play(state, campaign, policy)
    events += answered
    later = T0 + timedelta(days=5)
    improving = decide_improve(state, later)
    state = fold(state, improving)
    first = ask_next(state, index_of(campaign))
    state, answered = play(fold(state, first), campaign, policy, start=later)
    events += [*improving, *first, *answered]
    state, sent = share(state, campaign, later + timedelta(hours=1))
    events += sent
    published: list[DomainEvent] = [e for e in events if type(e) in set(EVENTS)]
    kinds = [type(e) for e in published]
    assert kinds[-1] is contracts.ResultsShared
    assert set(kinds[:-1]) == set(BEFORE_SHARING)
    for event in published[:-1]:
        payload = event.model_dump(mode="json")
        assert [k for k in keys(payload) if telling(k)] == [], type(event).__name__
    # what is sealed is never among the published types
    assert all(type(e) not in set(EVENTS) for e in events if type(e) in set(SEALED))
