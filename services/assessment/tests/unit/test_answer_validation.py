"""Answer validation per challenge type, with the cases of docs/domain/adaptive-engine.md §2."""

from __future__ import annotations

from typing import Any

import pytest

from assessment.domain.answers import AnswerFormatError, validate
from assessment.domain.answers.treatments import t1, t2
from orga_shared.content.framework import Challenge

pytestmark = pytest.mark.unit


def challenge(type_: str, proposals: Any, solution: str, **extra: Any) -> Challenge:
    return Challenge(
        id="ch", type=type_, instruction="?", proposals=proposals, solution=solution, **extra
    )


QCU = challenge("QCU", ["Lyon", "Paris", "Nice"], "2")
QCM = challenge("QCM", ["a", "b", "c", "d"], "1,3")
QROC = challenge("QROC", "Réponse : ${reponse}", "Paris\n\nLutèce\n")


def status(ch: Challenge, answer: object, **kwargs: Any) -> str:
    return validate(ch, answer, **kwargs).status


@pytest.mark.parametrize("ch", [QCU, QCM, QROC])
def test_skip_value_is_aband_whatever_the_type(ch: Challenge) -> None:
    assert status(ch, "#ABAND#") == "aband"


def test_qcu_is_strict_equality_with_the_index() -> None:
    assert status(QCU, "2") == "ok"
    assert status(QCU, "3") == "ko"
    assert status(QCU, " 2") == "ko"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("1,3", "ok"), ("3, 1", "ok"), (" 1 ,3 ", "ok"), ("1", "ko"), ("1,2,3", "ko"), ("", "ko")],
)
def test_qcm_needs_exactly_the_right_set_in_any_order(answer: str, expected: str) -> None:
    assert status(QCM, answer) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Paris", "ok"),
        ("  pARis ", "ok"),  # t1: trim and case
        ("P a r i s", "ok"),  # t1 removes every space, inside the word too
        ("Paris !", "ok"),  # t2: punctuation
        ("lutece", "ok"),  # t1: accents
        ("Pariss", "ok"),  # t3: 1 edit / 6 letters <= 0.25
        ("Pqris", "ok"),  # t3: 1 / 5 = 0.2
        ("Prs", "ko"),  # 2 / 3 > 0.25
        ("Marseille", "ko"),
        ("", "ko"),
    ],
)
def test_qroc_string_mode_with_all_treatments(answer: str, expected: str) -> None:
    assert status(QROC, answer) == expected


def test_tolerance_ratio_divides_by_the_answer_length_not_the_solution() -> None:
    ch = challenge("QROC", "${r}", "abcd")
    assert status(ch, "abcde") == "ok"  # 1 / 5 = 0.2
    assert status(ch, "abc") == "ko"  # 1 / 3 > 0.25
    assert status(challenge("QROC", "${r}", "abcdefgh"), "abcdef") == "ko"  # 2 / 6
    assert status(challenge("QROC", "${r}", "abcdefgh"), "abcdefghij") == "ok"  # 2 / 8


def test_minimum_ratio_over_all_accepted_answers_counts() -> None:
    ch = challenge("QROC", "${r}", "ordinateur\nPC")
    assert status(ch, "pcc") == "ko"  # 1 / 3 against PC, far from ordinateur
    assert status(ch, "ordinatuer") == "ok"  # 2 / 10 against ordinateur


def test_deactivated_treatments_are_not_applied() -> None:
    assert status(challenge("QROC", "${r}", "Paris", t3=False), "Pariss") == "ko"
    assert status(challenge("QROC", "${r}", "Paris", t1=False, t3=False), "paris") == "ko"
    assert status(challenge("QROC", "${r}", "Paris", t2=False, t3=False), "Paris !") == "ko"
    assert status(challenge("QROC", "${r}", "Paris", t2=False), "Paris!") == "ok"  # 1 / 6 via t3


def test_answer_empty_after_treatment_only_matches_exactly() -> None:
    assert status(QROC, "?!") == "ko"
    assert status(challenge("QROC", "${r}", "..."), "!!") == "ok"  # both treat to ''


def test_pre_treatment_nfc_and_non_breaking_spaces() -> None:
    no_treatment = {"t1": False, "t2": False, "t3": False}
    assert status(challenge("QROC", "${r}", "Café", **no_treatment), "Cafe\u0301") == "ok"
    assert status(challenge("QROC", "${r}", "1 000 €", **no_treatment), "1\u00a0000 €") == "ok"


def test_treatments_exactly_as_specified() -> None:
    assert t1("  Élève  Modèle ") == "elevemodele"
    assert t2("Hello,   wörld !!  ok") == "Hello wrld ok"
    assert t2(t1("L'été, c'est bien.")) == "lete" + "cestbien"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("3,5", "ok"), ("3.50", "ok"), ("3.6", "ko"), ("3 ,5", "ok"), ("trois", "ko")],
)
def test_qroc_numeric_mode_for_format_nombre(answer: str, expected: str) -> None:
    assert status(challenge("QROC", "${r}", "3.5", format="nombre"), answer) == expected


def test_numeric_mode_drops_a_thousands_space() -> None:
    assert status(challenge("QROC", "${r}", "1000", format="nombre", t3=False), "1 000") == "ok"
    assert status(challenge("QROC", "${r}", "10", format="nombre", t3=False), "10.0") == "ok"
    # without format nombre, "10.0" is a string: t2 drops the dot, "100" != "10"
    assert status(challenge("QROC", "${r}", "10", t3=False), "10.0") == "ko"


def test_qroc_select_compares_exactly_without_treatment() -> None:
    ch = challenge("QROC", '${choix options=["Vrai","Faux"]}', "Vrai")
    assert status(ch, "Vrai") == "ok"
    assert status(ch, "vrai") == "ko"
    assert status(ch, "Vrai ") == "ko"


IND = challenge(
    "QROCM-ind",
    "Prénom : ${prenom}\nVille : ${ville}",
    "prenom:\n  - Marie\nville:\n  - Paris\n  - Lutèce\n",
)


def test_qrocm_ind_every_field_must_be_right_with_details_per_key() -> None:
    result = validate(IND, "prenom: marie\nville: lutece")
    assert (result.status, dict(result.details)) == ("ok", {"prenom": True, "ville": True})
    result = validate(IND, "prenom: Marie\nville: Lyon")
    assert (result.status, dict(result.details)) == ("ko", {"prenom": True, "ville": False})


def test_qrocm_ind_applies_tolerance_per_field_and_keeps_values_as_strings() -> None:
    assert status(IND, "prenom: Mari\nville: Pariss") == "ok"  # 1 / 4 = 0.25 and 1 / 6
    assert status(IND, "prenom: Mar\nville: Paris") == "ko"  # 2 / 3
    numbers = challenge("QROCM-ind", "${a} ${b}", "a:\n  - 007\nb:\n  - yes\n", t3=False)
    assert status(numbers, "a: '007'\nb: 'yes'") == "ok"
    assert status(numbers, "a: 007\nb: yes") == "ok"  # failsafe: never 7 or True


def test_qrocm_ind_missing_field_fails_and_unknown_field_is_an_error() -> None:
    assert status(IND, "prenom: Marie") == "ko"
    with pytest.raises(AnswerFormatError):
        validate(IND, "prenom: Marie\nville: Paris\npays: France")
    with pytest.raises(AnswerFormatError):
        validate(IND, "[not, a, mapping]")


def test_qrocm_ind_select_fields_are_exact() -> None:
    ch = challenge(
        "QROCM-ind",
        '${nom} ${oui options=["Oui","Non"]}',
        "nom:\n  - Dupont\noui:\n  - Oui\n",
    )
    assert status(ch, "nom: dupond\noui: Oui") == "ok"
    assert status(ch, "nom: Dupont\noui: oui") == "ko"


DEP = challenge(
    "QROCM-dep",
    "Navigateur 1 : ${n1}\nNavigateur 2 : ${n2}",
    "g1:\n  - Firefox\ng2:\n  - Chrome\n  - Google Chrome\ng3:\n  - Safari\n",
)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("n1: Firefox\nn2: Safari", "ok"),
        ("n1: safari\nn2: google chrome", "ok"),  # any order, treatments apply
        ("n1: Firefox\nn2: firefox", "ko"),  # a group serves one answer only
        ("n1: Firefox\nn2: ''", "ko"),  # an empty field fails
        ("n1: Firefox", "ko"),  # a missing field counts as empty
        ("n1: Firefox\nn2: Opera", "ko"),
    ],
)
def test_qrocm_dep_each_answer_consumes_a_distinct_group(answer: str, expected: str) -> None:
    assert status(DEP, answer) == expected


def test_qrocm_dep_reports_groups_without_good_answer() -> None:
    result = validate(DEP, "n1: Chrome\nn2: Opera")
    assert result.details == {"n1": True, "n2": False}
    assert result.solutions_without_good_answers == ("Firefox", "Safari")


def test_correct_answer_after_the_timer_is_timedout_a_wrong_one_stays_ko() -> None:
    timed = challenge("QCU", ["a", "b"], "1", timer=60)
    assert status(timed, "1", timed_out=True) == "timedout"
    assert status(timed, "2", timed_out=True) == "ko"
    assert status(timed, "#ABAND#", timed_out=True) == "aband"


def test_non_text_answer_is_ko() -> None:
    assert status(QROC, None) == "ko"
    assert status(QCU, 2) == "ko"
