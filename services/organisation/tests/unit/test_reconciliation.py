"""Matching a typed identity against imported learners (docs/domain/pix-orga.md §7.4)."""

from datetime import date

import pytest

from organisation.domain.errors import Conflict
from organisation.domain.reconciliation import (
    AccountHint,
    Candidate,
    LinkedLearner,
    already_linked,
    check_account_belongs_to_learner,
    find_matching_candidate,
)

pytestmark = pytest.mark.unit


def c(i, first, last, middle=None, third=None, preferred=None):
    return Candidate(i, first, last, middle, third, preferred)


def test_exact_match_after_normalisation():
    cands = [c("1", "Jean-Éric", "Dupont"), c("2", "Marie", "Curie")]
    assert find_matching_candidate(cands, " jean eric ", "DUPONT") == "1"


def test_tolerant_pass_accepts_a_typo_within_a_quarter():
    cands = [c("1", "Mathilde", "Lefebvre")]
    assert find_matching_candidate(cands, "Matilde", "Lefebre") == "1"


def test_too_many_typos_is_no_match():
    cands = [c("1", "Mathilde", "Lefebvre")]
    assert find_matching_candidate(cands, "Mat", "Lef") is None


def test_second_and_third_given_names_are_tried():
    cands = [c("1", "Marie", "Durand", middle="Louise"), c("2", "Paul", "Durand", third="Henri")]
    assert find_matching_candidate(cands, "Louise", "Durand") == "1"
    assert find_matching_candidate(cands, "Henri", "Durand") == "2"


def test_usage_name_matches_too():
    cands = [c("1", "Sophie", "Martin", preferred="Bernard")]
    assert find_matching_candidate(cands, "Sophie", "Bernard") == "1"


def test_two_identical_candidates_is_ambiguous():
    cands = [c("1", "Léa", "Roux"), c("2", "Lea", "Roux")]
    assert find_matching_candidate(cands, "Léa", "Roux") is None


def test_strict_pass_wins_over_tolerant_ambiguity():
    # "Lucas" matches 1 exactly and 2 tolerantly ("Lucas" vs "Lukas"): strict pass decides.
    cands = [c("1", "Lucas", "Petit"), c("2", "Lukas", "Petit")]
    assert find_matching_candidate(cands, "Lucas", "Petit") == "1"


def test_empty_typed_names_never_match():
    assert find_matching_candidate([c("1", "A", "B")], "  ", "B") is None


def test_already_linked_answers_by_login_method():
    same = already_linked(AccountHint("username", "j***1234"), same_organisation=True)
    assert isinstance(same, Conflict)
    assert same.code == "ACCOUNT_WITH_USERNAME_ALREADY_EXIST_FOR_THE_SAME_ORGANIZATION"
    assert same.details["short_code"] == "R32"
    other = already_linked(AccountHint("samlId"), same_organisation=False)
    assert other.details["short_code"] == "R13"
    assert already_linked(None, same_organisation=True).details["short_code"] == "R31"


def test_account_belonging_to_someone_else_r90():
    mine = [LinkedLearner("123456789AA", date(2010, 1, 1))]
    check_account_belongs_to_learner("123456789AA", date(2011, 2, 2), mine)  # same INE: fine
    check_account_belongs_to_learner("999999999ZZ", date(2010, 1, 1), mine)  # same date: fine
    with pytest.raises(Conflict) as refused:
        check_account_belongs_to_learner("999999999ZZ", date(2011, 2, 2), mine)
    assert refused.value.details["short_code"] == "R90"
