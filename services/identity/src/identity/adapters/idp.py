"""Trusted identity providers (GAR / ENT Médiacentre-like) and verification of their assertions.

An IdP posts a JWT it signed (`iss` its id, `aud` identity, `sub` the opaque SAML-like id,
`given_name`, `family_name`, optional `birthdate`, a short `exp` and a single-use `jti`).
Trust is configuration: a JSON file mapping each issuer to its provider name and public JWKS.
The file is re-read when it changes, so a newly trusted IdP needs no restart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt

from identity.application.ports import VerifiedAssertion
from identity.domain.errors import (
    AssertionExpired,
    AssertionRejected,
    InvalidInput,
    UntrustedIdentityProvider,
)
from identity.domain.person import clean_name, parse_birth_date

ALLOWED_ALGORITHMS = ["EdDSA", "ES256", "RS256"]
_REASONS: dict[type[Exception], str] = {
    jwt.InvalidAudienceError: "L'assertion d'identité n'est pas destinée à ce service.",
    jwt.InvalidIssuerError: "L'assertion d'identité ne vient pas de ce fournisseur.",
    jwt.ImmatureSignatureError: "L'assertion d'identité n'est pas encore valide.",
    jwt.InvalidIssuedAtError: "L'assertion d'identité a une date d'émission invalide.",
}


@dataclass(frozen=True)
class IdentityProvider:
    issuer: str
    provider: str
    keys: dict[str, jwt.PyJWK]


def parse_trust_file(data: dict[str, Any]) -> dict[str, IdentityProvider]:
    providers: dict[str, IdentityProvider] = {}
    for entry in data.get("identity_providers", []):
        keys: dict[str, jwt.PyJWK] = {}
        for raw in entry.get("jwks", {}).get("keys", []):
            jwk = jwt.PyJWK(raw)
            keys[raw.get("kid") or f"key-{len(keys)}"] = jwk
        providers[entry["issuer"]] = IdentityProvider(
            issuer=entry["issuer"], provider=entry.get("provider", "GAR"), keys=keys
        )
    return providers


class TrustedIdentityProviders:
    def __init__(self, path: Path, *, audience: str, max_lifetime_seconds: int) -> None:
        self.path = path
        self.audience = audience
        self.max_lifetime_seconds = max_lifetime_seconds
        self._providers: dict[str, IdentityProvider] = {}
        self._stamp: tuple[float, int] | None = None

    def providers(self) -> dict[str, IdentityProvider]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._providers, self._stamp = {}, None
            return self._providers
        stamp = (stat.st_mtime, stat.st_size)
        if stamp != self._stamp:
            self._providers = parse_trust_file(json.loads(self.path.read_text()))
            self._stamp = stamp
        return self._providers

    def verify(self, assertion: str) -> VerifiedAssertion:
        try:
            header = jwt.get_unverified_header(assertion)
            unverified = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise AssertionRejected() from None
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            raise AssertionRejected("L'assertion d'identité n'est pas signée correctement.")
        idp = self.providers().get(str(unverified.get("iss", "")))
        if idp is None:
            raise UntrustedIdentityProvider()
        kid = header.get("kid")
        if kid:
            candidates = [idp.keys[kid]] if kid in idp.keys else []
        else:
            candidates = list(idp.keys.values())
        if not candidates:
            raise UntrustedIdentityProvider(
                "La clé de ce fournisseur d'identité n'est pas reconnue."
            )
        claims = self._decode(assertion, idp, candidates)
        lifetime = int(claims["exp"]) - int(claims["iat"])
        if lifetime > self.max_lifetime_seconds or lifetime <= 0:
            raise AssertionRejected("L'assertion d'identité a une durée de validité trop longue.")
        try:
            first_name = clean_name(str(claims.get("given_name") or ""), "given_name")
            last_name = clean_name(str(claims.get("family_name") or ""), "family_name")
            birth = claims.get("birthdate")
            birth_date = parse_birth_date(str(birth), "birthdate") if birth else None
        except InvalidInput as exc:
            raise AssertionRejected(
                f"L'assertion d'identité est incomplète : {exc.message}", field=exc.field
            ) from None
        external_id = str(claims["sub"]).strip()
        if not external_id or len(external_id) > 255:
            raise AssertionRejected("L'identifiant de l'assertion est invalide.", field="sub")
        return VerifiedAssertion(
            issuer=idp.issuer,
            provider=idp.provider,
            external_id=external_id,
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            jti=str(claims["jti"]),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        )

    def _decode(
        self, assertion: str, idp: IdentityProvider, candidates: list[jwt.PyJWK]
    ) -> dict[str, Any]:
        for key in candidates:
            try:
                claims: dict[str, Any] = jwt.decode(
                    assertion,
                    key=key.key,
                    algorithms=ALLOWED_ALGORITHMS,
                    audience=self.audience,
                    issuer=idp.issuer,
                    options={"require": ["exp", "iat", "sub", "jti", "iss", "aud"]},
                )
                return claims
            except jwt.ExpiredSignatureError:
                raise AssertionExpired() from None
            except jwt.InvalidSignatureError:
                continue
            except jwt.MissingRequiredClaimError as exc:
                raise AssertionRejected(
                    f"L'assertion d'identité est incomplète : il manque « {exc.claim} ».",
                    field=exc.claim,
                ) from None
            except jwt.PyJWTError as exc:
                raise AssertionRejected(
                    _REASONS.get(type(exc), AssertionRejected.message)
                ) from None
        raise AssertionRejected("La signature de l'assertion d'identité est invalide.")
