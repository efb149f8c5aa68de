"""Password policy of the real service: 8 characters or more, upper case, lower case, a digit.

The upper bound is ours: argon2 cost grows with input length, so an unbounded password is a
cheap way to burn CPU.
"""

from __future__ import annotations

from identity.domain.errors import WeakPassword

MIN_LENGTH = 8
MAX_LENGTH = 256
PASSWORD_PATTERN = r"^(?=[\s\S]*[A-ZÀ-ÖØ-Þ])(?=[\s\S]*[a-zß-öø-ÿ])(?=[\s\S]*[0-9])"
"""The policy for Latin letters as a JSON Schema pattern (the API's contract); the check below
also counts capitals and small letters of other scripts."""


def check_password(password: str) -> None:
    """Raise `WeakPassword` unless the password satisfies the policy (letters in any script)."""
    if not (MIN_LENGTH <= len(password) <= MAX_LENGTH):
        raise WeakPassword(field="password")
    if not any(c.isupper() for c in password):
        raise WeakPassword(field="password")
    if not any(c.islower() for c in password):
        raise WeakPassword(field="password")
    if not any(c.isdigit() for c in password):
        raise WeakPassword(field="password")
