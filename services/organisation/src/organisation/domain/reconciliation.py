"""Linking a student account to an imported learner (docs/domain/pix-orga.md §7.4).

Matching: the candidates share the typed birth date exactly; each given-name field of a
candidate (first, second, third) is tried in turn against the typed first name, the family or
usage name against the typed last name; a pass accepts only a unique candidate. A strict pass
(identical after normalisation) comes first, then a tolerant one (ratio ≤ 0.25).

Refusals mirror the real service's codes (`STUDENT_RECONCILIATION_ERRORS`): the learner already
belongs to another account (R31/R32/R33 in this organisation, R11/R12/R13 through the same INE
elsewhere), the account already owns another learner here (R70), or the account's other
learners have another INE and another birth date (R90). A silent relink never happens.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from orga_shared.names import STRICT_RATIO, TOLERANT_RATIO, close_enough, normalise
from organisation.domain.errors import Conflict

LoginKind = Literal["email", "username", "samlId"]

SAME_ORGANISATION = {
    "email": ("R31", "ACCOUNT_WITH_EMAIL_ALREADY_EXIST_FOR_THE_SAME_ORGANIZATION"),
    "username": ("R32", "ACCOUNT_WITH_USERNAME_ALREADY_EXIST_FOR_THE_SAME_ORGANIZATION"),
    "samlId": ("R33", "ACCOUNT_WITH_GAR_ALREADY_EXIST_FOR_THE_SAME_ORGANIZATION"),
}
OTHER_ORGANISATION = {
    "email": ("R11", "ACCOUNT_WITH_EMAIL_ALREADY_EXIST_FOR_ANOTHER_ORGANIZATION"),
    "username": ("R12", "ACCOUNT_WITH_USERNAME_ALREADY_EXIST_FOR_ANOTHER_ORGANIZATION"),
    "samlId": ("R13", "ACCOUNT_WITH_GAR_ALREADY_EXIST_FOR_ANOTHER_ORGANIZATION"),
}
_LOGIN_TEXT = {
    "email": "avec l'adresse e-mail",
    "username": "avec l'identifiant",
    "samlId": "via le Médiacentre (GAR)",
}


@dataclass(frozen=True)
class Candidate:
    learner_id: str
    first_name: str | None
    last_name: str | None
    middle_name: str | None = None
    third_name: str | None = None
    preferred_last_name: str | None = None


@dataclass(frozen=True)
class AccountHint:
    """How the other account logs in, shown obfuscated ("j***@e***.fr") as the real service."""

    kind: LoginKind
    display: str | None = None


@dataclass(frozen=True)
class LinkedLearner:
    """A learner of another organisation already linked to the caller's account."""

    national_student_id: str | None
    birthdate: date | None


def find_matching_candidate(
    candidates: Sequence[Candidate], first_name: str, last_name: str
) -> str | None:
    typed_first, typed_last = normalise(first_name), normalise(last_name)
    if not typed_first or not typed_last:
        return None
    for ratio in (STRICT_RATIO, TOLERANT_RATIO):
        for given in ("first_name", "middle_name", "third_name"):
            found = [
                c
                for c in candidates
                if close_enough(typed_first, normalise(getattr(c, given)), ratio)
                and (
                    close_enough(typed_last, normalise(c.last_name), ratio)
                    or close_enough(typed_last, normalise(c.preferred_last_name), ratio)
                )
            ]
            if len(found) == 1:
                return found[0].learner_id
    return None


def already_linked(hint: AccountHint | None, *, same_organisation: bool) -> Conflict:
    """The real service's answer when the learner belongs to another account."""
    kind: LoginKind = hint.kind if hint is not None else "email"
    short, code = (SAME_ORGANISATION if same_organisation else OTHER_ORGANISATION)[kind]
    where = "dans cet établissement" if same_organisation else "dans un autre établissement"
    shown = f" {hint.display}" if hint is not None and hint.display else ""
    message = (
        f"Vous possédez déjà un compte Pix {_LOGIN_TEXT[kind]}{shown}, rattaché à cet élève "
        f"{where}. Connectez-vous avec ce compte ou demandez de l'aide à votre enseignant."
    )
    return Conflict(code, message, short_code=short, value=hint.display if hint else None)


def user_already_reconciled() -> Conflict:
    return Conflict(
        "USER_ALREADY_RECONCILED_IN_THIS_ORGANIZATION",
        "Votre compte est déjà rattaché à un autre élève de cet établissement.",
        short_code="R70",
    )


def check_account_belongs_to_learner(
    national_student_id: str | None,
    birthdate: date | None,
    linked_elsewhere: Iterable[LinkedLearner],
) -> None:
    """R90: the account already owns learners with another INE *and* another birth date."""
    for other in linked_elsewhere:
        other_ine = (other.national_student_id or "").upper()
        same_ine = bool(national_student_id) and other_ine == (national_student_id or "").upper()
        if not same_ine and other.birthdate != birthdate:
            raise Conflict(
                "ACCOUNT_SEEMS_TO_BELONGS_TO_ANOTHER_USER",
                "Ce compte semble appartenir à un autre élève. Déconnectez-vous et connectez-"
                "vous avec votre propre compte.",
                short_code="R90",
            )


def obfuscate_email(email: str) -> str:
    """ "jean.dupont@example.net" -> "j***@example.net", as the real service shows it."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else f"{email[:1]}***"


def obfuscate_username(username: str) -> str:
    return f"{username[:1]}***{username[-4:]}" if len(username) > 5 else f"{username[:1]}***"
