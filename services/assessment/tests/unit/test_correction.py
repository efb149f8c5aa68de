"""The checkpoint correction of a challenge (docs/domain/adaptive-engine.md §2.7)."""

from __future__ import annotations

from typing import Any

import pytest

from assessment.domain.answers import correction, validate
from orga_shared.content.framework import Challenge

pytestmark = pytest.mark.unit


def challenge(type_: str, proposals: Any, solution: str, **extra: Any) -> Challenge:
    return Challenge(
        id="ch", type=type_, instruction="?", proposals=proposals, solution=solution, **extra
    )


def test_qcu_shows_the_right_proposal() -> None:
    shown = correction(challenge("QCU", ["Lyon", "Paris", "Nice"], "2"))
    assert (shown.challenge_id, shown.answers, dict(shown.fields)) == ("ch", ("Paris",), {})
    assert shown.display == "Paris"


def test_qcm_shows_every_right_proposal_in_proposal_order() -> None:
    proposals = [f"p{i}" for i in range(1, 12)]
    shown = correction(challenge("QCM", proposals, "11, 3,1"))
    assert shown.answers == ("p1", "p3", "p11")
    assert shown.display == "p1, p3, p11"


def test_qroc_shows_the_first_accepted_answer() -> None:
    shown = correction(challenge("QROC", "Réponse : ${reponse}", "Paris\n\nLutèce\n"))
    assert shown.answers == ("Paris",)


def test_qrocm_ind_shows_the_first_variant_of_each_field_in_proposal_order() -> None:
    ch = challenge(
        "QROCM-ind",
        "Ville : ${ville}\nPrénom : ${prenom}",
        "prenom:\n  - Marie\nville:\n  - Paris\n  - Lutèce\n",
    )
    shown = correction(ch)
    assert list(shown.fields.items()) == [("ville", "Paris"), ("prenom", "Marie")]
    assert shown.answers == ()
    assert shown.display == "ville: Paris\nprenom: Marie"


def test_qrocm_dep_shows_one_group_per_field_and_the_expected_answer_is_accepted() -> None:
    ch = challenge(
        "QROCM-dep",
        "Navigateur 1 : ${n1}\nNavigateur 2 : ${n2}",
        "g1:\n  - Firefox\ng2:\n  - Chrome\n  - Google Chrome\ng3:\n  - Safari\n",
    )
    shown = correction(ch)
    assert dict(shown.fields) == {"n1": "Firefox", "n2": "Chrome"}
    answer = "\n".join(f"{key}: {value}" for key, value in shown.fields.items())
    assert validate(ch, answer).is_ok


def test_the_authors_solution_to_display_wins() -> None:
    shown = correction(challenge("QCU", ["a", "b"], "1", solution_to_display="a, bien sûr"))
    assert shown.solution_to_display == shown.display == "a, bien sûr"
    assert shown.answers == ("a",)
