"""The account aggregate (decide/evolve) and the identity check of account recovery."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import reduce

import pytest

from identity.domain.errors import AlreadyRegistered, NotRecoverable, UserIsErased, UserNotFound
from identity.domain.recovery import Candidate, match_candidate
from identity.domain.user import (
    PLATFORM_ADMIN,
    AcceptOrgaTerms,
    ChangeProfile,
    Command,
    Erase,
    GrantRole,
    LinkExternalIdentity,
    RecordLock,
    Recover,
    Register,
    User,
    decide,
    evolve,
)

pytestmark = pytest.mark.unit


def run(*commands: Command) -> tuple[User, list[str]]:
    state, types = User(), []
    for command in commands:
        events = decide(state, command)
        types += [e.event_type for e in events]
        state = reduce(evolve, events, state)
    return state, types


def test_sso_account_then_recovery_adds_email_and_password() -> None:
    state, types = run(
        Register("u1", "sso", with_password=False, provider="GAR"),
        LinkExternalIdentity("GAR"),
        Recover(profile_version=2),
    )
    assert types == [
        "UserRegistered",
        "ExternalIdentityLinked",
        "AccountRecovered",
        "PasswordChanged",
        "UserProfileChanged",
    ]
    assert state.methods == {"sso", "email"} and state.has_password


def test_events_never_carry_personal_data_fields() -> None:
    events = decide(User(), Register("u1", "email", with_password=True))
    events += decide(User(user_id="u1", methods=frozenset({"email"})), ChangeProfile(("email",), 2))
    for event in events:
        assert set(event.model_dump()) <= {"user_id", "method", "fields", "profile_version"}


def test_an_email_account_cannot_be_recovered() -> None:
    state, _ = run(Register("u1", "email", with_password=True))
    with pytest.raises(NotRecoverable):
        decide(state, Recover(profile_version=2))


def test_terms_and_roles_are_recorded_once() -> None:
    state, types = run(
        Register("u1", "email", with_password=True),
        AcceptOrgaTerms(),
        AcceptOrgaTerms(),
        GrantRole(PLATFORM_ADMIN),
        GrantRole(PLATFORM_ADMIN),
    )
    assert types.count("TermsOfServiceAccepted") == 1 and types.count("RoleGranted") == 1
    assert state.orga_terms_accepted and state.roles == {PLATFORM_ADMIN}


def test_commands_on_missing_registered_twice_or_erased_accounts_fail() -> None:
    with pytest.raises(UserNotFound):
        decide(User(), AcceptOrgaTerms())
    state, _ = run(Register("u1", "email", with_password=True))
    with pytest.raises(AlreadyRegistered):
        decide(state, Register("u1", "email", with_password=True))
    erased, _ = run(Register("u1", "email", with_password=True), Erase())
    assert not erased.exists
    with pytest.raises(UserIsErased):
        decide(erased, AcceptOrgaTerms())


def test_a_lock_is_an_event_with_its_end_and_level() -> None:
    until = datetime(2026, 1, 1, 10, 2, tzinfo=UTC)
    state, types = run(Register("u1", "email", with_password=True), RecordLock(until, 1))
    assert types[-1] == "UserLocked" and state.locked_until == until


def candidates() -> list[Candidate]:
    born = date(2008, 9, 14)
    return [
        Candidate("a", "Noémie", "Le Gall", born),
        Candidate("b", "Noémie", "Le Goff", born),
        Candidate("c", "Hugo", "Le Gall", date(2009, 1, 2)),
        Candidate("d", "Noé", "Le Gall", None),
    ]


def test_recovery_matches_one_candidate_exactly_or_tolerantly() -> None:
    born = date(2008, 9, 14)
    assert match_candidate(candidates(), "noemie", "LEGALL", born) == "a"
    assert match_candidate(candidates(), "Noemie", "Le Gal", born) == "a"


def test_recovery_refuses_wrong_birth_date_unknown_names_and_ambiguity() -> None:
    born = date(2008, 9, 14)
    assert match_candidate(candidates(), "Hugo", "Le Gall", born) is None
    assert match_candidate(candidates(), "Noémie", "Le Gall", date(2008, 9, 15)) is None
    twins = [*candidates(), Candidate("e", "Noemie", "Le Gall", born)]
    assert match_candidate(twins, "Noémie", "Le Gall", born) is None
