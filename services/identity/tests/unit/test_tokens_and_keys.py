"""Token signing and key identity: pure crypto, no I/O."""

from __future__ import annotations

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from identity.adapters.keys import public_jwk
from identity.adapters.tokens import TokenSigner

pytestmark = pytest.mark.unit


def test_kid_is_the_rfc7638_thumbprint_so_it_is_stable() -> None:
    key = Ed25519PrivateKey.generate()
    assert public_jwk(key.public_key())["kid"] == public_jwk(key.public_key())["kid"]
    assert (
        public_jwk(key.public_key())["kid"]
        != public_jwk(Ed25519PrivateKey.generate().public_key())["kid"]
    )


def test_rfc8037_thumbprint_example() -> None:
    """RFC 8037 appendix A.3: the thumbprint of its example Ed25519 key."""
    raw = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    jwk = public_jwk(Ed25519PublicKey.from_public_bytes(raw))
    assert jwk["x"] == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    assert jwk["kid"] == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_issued_token_has_the_claims_every_service_checks() -> None:
    previous = Ed25519PrivateKey.generate()
    signer = TokenSigner(
        Ed25519PrivateKey.generate(),
        issuer="orga-identity",
        audience="orga",
        ttl_seconds=900,
        previous=[previous.public_key()],
    )
    issued = signer.issue("u1", ["platform-admin"], now=1_700_000_000)
    header = jwt.get_unverified_header(issued.token)
    jwks = signer.jwks()
    key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == header["kid"]))

    claims = jwt.decode(
        issued.token,
        key.key,
        algorithms=["EdDSA"],
        audience="orga",
        issuer="orga-identity",
        options={"verify_exp": False},
    )

    assert header["alg"] == "EdDSA" and header["kid"] == signer.kid
    assert claims["sub"] == "u1" and claims["roles"] == ["platform-admin"]
    assert claims["exp"] - int(claims["iat"]) == 900
    assert [k["kid"] for k in jwks["keys"]][1] == public_jwk(previous.public_key())["kid"]
