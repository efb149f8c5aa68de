"""Which failures are dead-lettered, and the replay progress kept in a commit's metadata
(docs/adr/0020-dead-letters-and-replay.md)."""

import pytest
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
from pydantic import BaseModel, ValidationError
from pymongo.errors import (
    AutoReconnect,
    DocumentTooLarge,
    DuplicateKeyError,
    NetworkTimeout,
    NotPrimaryError,
    OperationFailure,
    ServerSelectionTimeoutError,
    WriteError,
)

from orga_shared.events.registry import UnknownEventType
from orga_shared.messaging.consumer import is_infrastructure_error
from orga_shared.messaging.dlq import ReplayState, decode_offsets, encode_offsets

pytestmark = pytest.mark.unit


class _Model(BaseModel):
    n: int


def _validation_error() -> ValidationError:
    try:
        _Model.model_validate({"n": "x"})
    except ValidationError as exc:
        return exc
    raise AssertionError("no error")


@pytest.mark.parametrize(
    "exc",
    [
        AutoReconnect("gone"),
        NetworkTimeout("slow"),
        ServerSelectionTimeoutError("no server"),
        NotPrimaryError("stepped down"),
        OperationFailure("shutting down", code=11600),
        KafkaConnectionError("broker down"),
        KafkaTimeoutError(),
        ConnectionRefusedError(),
        TimeoutError(),
    ],
)
def test_infrastructure_errors_are_retried_never_dead_lettered(exc: BaseException) -> None:
    assert is_infrastructure_error(exc)


@pytest.mark.parametrize(
    "exc",
    [
        KeyError("code"),
        ValueError("raison inattendue"),
        TypeError("None"),
        _validation_error(),
        UnknownEventType("x v9"),
        WriteError("bad document", code=2),
        DuplicateKeyError("unique index"),
        DocumentTooLarge("16 MB"),
        OperationFailure("bad query", code=2),
    ],
)
def test_errors_the_same_bytes_raise_again_are_poison(exc: BaseException) -> None:
    assert not is_infrastructure_error(exc)


def test_replayed_offsets_round_trip_as_ranges() -> None:
    assert encode_offsets([9, 3, 4, 5, 12, 13]) == "3-5,9,12-13"
    assert decode_offsets("3-5,9,12-13") == {3, 4, 5, 9, 12, 13}
    assert decode_offsets("") == set() and decode_offsets(None) == set()


def test_replay_state_advances_over_contiguous_replays_and_keeps_holes() -> None:
    state = ReplayState(0, set())
    for offset in (1, 3):
        state.mark(offset)
    assert (state.next_offset, state.commit_value().metadata) == (0, "1,3")
    state.mark(0)
    assert (state.next_offset, state.commit_value().metadata) == (2, "3")
    assert state.replayed(1) and state.replayed(3) and not state.replayed(2)
    state.mark(2)
    assert (state.next_offset, state.commit_value().metadata) == (4, "")
