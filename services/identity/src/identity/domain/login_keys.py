"""The keys a person logs in with (e-mail, username, SSO id), as reserved in the login-key index.

One namespace per kind, so an e-mail can never collide with a username or an external id.
"""

from __future__ import annotations

from identity.domain.usernames import normalize_username


def email_key(email: str) -> str:
    return f"email:{email}"


def username_key(username: str) -> str:
    return f"username:{username}"


def sso_key(provider: str, issuer: str, external_id: str) -> str:
    return f"sso:{provider}:{issuer}:{external_id}"


def login_key(login: str) -> str:
    """What a login form's "e-mail or username" field designates."""
    value = normalize_username(login)
    return email_key(value) if "@" in value else username_key(value)
