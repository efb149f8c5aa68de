"""Roster aggregate: import semantics, chunking, resumption, reconciliation refusals."""

from functools import reduce

import pytest

from organisation.domain.errors import Conflict, NotFound
from organisation.domain.events import (
    LearnerReconciled,
    LearnersAdded,
    LearnersDeleted,
    LearnersDisabled,
    LearnersImported,
    LearnersReactivated,
)
from organisation.domain.roster import (
    ImportLearners,
    Reconcile,
    Roster,
    decide_import,
    decide_reconcile,
    evolve,
)

pytestmark = pytest.mark.unit


def imported(state, ids, import_id, source="SIECLE", mode="REPLACE", chunk=500):
    cmd = ImportLearners("o1", import_id, source, mode, ids, "admin", chunk)
    return reduce(evolve, decide_import(state, cmd), state)


def test_import_is_chunked_and_closed_by_a_summary():
    ids = [f"l{i}" for i in range(1203)]
    events = decide_import(Roster(), ImportLearners("o1", "imp", "SIECLE", "REPLACE", ids, "a"))
    assert [type(e) for e in events] == [LearnersAdded] * 3 + [LearnersImported]
    assert [len(e.learner_ids) for e in events[:3]] == [500, 500, 203]
    assert events[-1].learner_count == 1203


def test_an_interrupted_import_finishes_where_it_stopped():
    ids = [f"l{i}" for i in range(1200)]
    cmd = ImportLearners("o1", "imp", "SIECLE", "REPLACE", ids, "a")
    first_chunk = decide_import(Roster(), cmd)[0]
    state = evolve(Roster(), first_chunk)  # crash after the first commit
    rest = decide_import(state, cmd)
    assert [len(getattr(e, "learner_ids", [])) for e in rest] == [500, 200, 0]
    state = reduce(evolve, rest, state)
    assert decide_import(state, cmd) == []  # complete: running it again does nothing


def test_siecle_disables_pupils_who_left_and_reactivates_returning_ones():
    state = imported(Roster(), ["a", "b", "c"], "1")
    state = imported(state, ["a", "b"], "2")
    assert not state.learners["c"].active
    events = decide_import(state, ImportLearners("o1", "3", "SIECLE", "REPLACE", ["a", "c"], "x"))
    assert {
        type(e): getattr(e, "learner_ids", None)
        for e in events
        if not isinstance(e, LearnersImported)
    } == {
        LearnersReactivated: ["c"],
        LearnersDisabled: ["b"],
    }


def test_sup_add_keeps_others_and_replace_deletes_them():
    state = imported(Roster(), ["a", "b"], "1", "SUP_CSV", "ADD")
    add = decide_import(state, ImportLearners("o1", "2", "SUP_CSV", "ADD", ["c"], "x"))
    assert [type(e) for e in add] == [LearnersAdded, LearnersImported]
    replace = decide_import(state, ImportLearners("o1", "3", "SUP_CSV", "REPLACE", ["a"], "x"))
    deleted = next(e for e in replace if isinstance(e, LearnersDeleted))
    assert deleted.learner_ids == ["b"]


def test_reconciliation_refusals():
    state = imported(Roster(), ["a", "b"], "1")
    (event,) = decide_reconcile(state, Reconcile("o1", "a", "u1"))
    assert isinstance(event, LearnerReconciled)
    state = evolve(state, event)
    assert decide_reconcile(state, Reconcile("o1", "a", "u1")) == []  # same account: no-op
    with pytest.raises(Conflict) as taken:
        decide_reconcile(state, Reconcile("o1", "a", "u2"))
    assert taken.value.details["short_code"] == "R31"
    with pytest.raises(Conflict) as twice:
        decide_reconcile(state, Reconcile("o1", "b", "u1"))
    assert twice.value.details["short_code"] == "R70"
    state = imported(state, ["a"], "2")  # b left the school
    with pytest.raises(NotFound):
        decide_reconcile(state, Reconcile("o1", "b", "u3"))
