"""The answer value built from a question form is the one assessment corrects as right."""

from __future__ import annotations

import pytest
from starlette.datastructures import FormData

from assessment.domain.answers import validate
from orga_shared.content.loader import load_release
from web.application.answers import NO_ANSWER, NO_TEXT, build_value, screen
from web.entrypoints.rendering import safe_next

pytestmark = pytest.mark.unit

RELEASE = load_release()


def public(challenge_id: str) -> dict:
    c = RELEASE.challenges[challenge_id]
    return {
        "id": c.id,
        "type": c.type,
        "proposals": list(c.proposals) if isinstance(c.proposals, tuple) else c.proposals,
    }


def first_of(kind: str) -> str:
    return next(c.id for c in RELEASE.challenges.values() if c.type == kind)


def test_qcm_indexes_are_sorted_and_deduplicated() -> None:
    form = FormData([("reponse", "3"), ("reponse", "1"), ("reponse", "3")])
    assert build_value({"type": "QCM", "proposals": ["a", "b", "c"]}, form).value == "1,3"


def test_validating_without_an_answer_asks_to_choose_or_skip() -> None:
    assert build_value({"type": "QCU", "proposals": ["a"]}, FormData()).error == NO_ANSWER
    qroc = {"type": "QROC", "proposals": "Réponse : ${r}"}
    assert build_value(qroc, FormData([("champ_r", "  ")])).error == NO_TEXT


def test_fields_are_labelled_by_the_text_before_them_on_their_line() -> None:
    shown = screen({"type": "QROCM-ind", "proposals": "Protocole : ${p}\nNom de domaine : ${d}"})
    assert [(p.label, p.block.key) for p in shown.pieces if p.block] == [
        ("Protocole", "p"),
        ("Nom de domaine", "d"),
    ]
    numbered = screen({"type": "QROCM-dep", "proposals": "${a}\n${b}"})
    assert [p.label for p in numbered.pieces if p.block] == ["Réponse 1", "Réponse 2"]


@pytest.mark.parametrize("kind", ["QROCM-ind", "QROCM-dep"])
def test_a_qrocm_form_typed_with_the_solution_is_corrected_right(kind: str) -> None:
    import yaml

    from assessment.domain.answers import expected_answers

    challenge = RELEASE.challenges[first_of(kind)]
    expected = yaml.safe_load(next(expected_answers(challenge)))
    form = FormData([(f"champ_{k}", str(v)) for k, v in expected.items()])
    built = build_value(public(challenge.id), form)
    assert validate(challenge, built.value).status == "ok"


def test_a_value_with_yaml_characters_stays_one_text() -> None:
    built = build_value(
        {"type": "QROCM-ind", "proposals": "A : ${a}\nB : ${b}"},
        FormData([("champ_a", "x: y # z"), ("champ_b", "- 1")]),
    )
    assert yaml_load(built.value) == {"a": "x: y # z", "b": "- 1"}


def yaml_load(text: str | None) -> dict:
    import yaml

    assert text is not None
    return yaml.safe_load(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/campagnes/ABC", "/campagnes/ABC"),
        ("//evil.example/x", "/accueil"),
        ("https://evil.example", "/accueil"),
        ("/\\evil.example", "/accueil"),
        (None, "/accueil"),
    ],
)
def test_after_login_only_a_path_of_this_site_is_followed(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


def test_every_listed_error_goes_beside_its_field() -> None:
    from web.adapters.api import ApiRefusal

    refused = ApiRefusal(
        422,
        "INVALID_INPUT",
        "Veuillez donner un nom à votre campagne.",
        "name",
        errors=(
            ("name", "Veuillez donner un nom à votre campagne."),
            ("title", "Trop long."),
            (None, "Autre."),
        ),
    )
    assert refused.by_field() == (
        {"name": "Veuillez donner un nom à votre campagne.", "title": "Trop long."},
        "Autre.",
    )
