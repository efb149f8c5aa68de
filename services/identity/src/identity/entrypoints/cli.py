"""Command line of the identity service.

- `orga-identity serve`: the HTTP API and its background relays;
- `orga-identity create-admin --email ... --password ...`: a platform administrator;
- `orga-identity idp-simulate --first-name ... --last-name ... --saml-id ... [--post URL]`:
  a signed assertion from the local GAR-like IdP simulator (trusted on first use).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

import httpx

from identity.adapters.idp_simulator import DEFAULT_ISSUER, DEFAULT_KEY_PATH, IdpSimulator
from identity.config import Settings
from orga_shared.cli import serve_main


async def _create_admin(settings: Settings, email: str, password: str) -> int:
    from identity.application.admin import create_platform_admin
    from identity.bootstrap import Lifecycle
    from identity.domain.errors import DomainError

    lifecycle = Lifecycle.build(settings)
    runtime = lifecycle.runtime
    await runtime.start()
    await lifecycle.on_startup(runtime)
    try:
        user_id, created = await create_platform_admin(
            ctx=lifecycle.context, email=email, password=password
        )
    except DomainError as exc:
        print(f"erreur : {exc.message}", file=sys.stderr)
        return 1
    finally:
        await lifecycle.on_shutdown(runtime)
        await runtime.stop()
    print(json.dumps({"user_id": user_id, "created": created, "role": "platform-admin"}))
    return 0


def _idp_simulate(settings: Settings, args: argparse.Namespace) -> int:
    simulator = IdpSimulator.from_files(
        Path(args.key_file),
        Path(args.trust_file or settings.trusted_idp_keys_file),
        issuer=args.issuer,
        audience=settings.sso_audience,
    )
    assertion = simulator.assertion(
        saml_id=args.saml_id,
        first_name=args.first_name,
        last_name=args.last_name,
        birth_date=args.birth_date,
        ttl=args.ttl,
    )
    if not args.post:
        print(assertion)
        return 0
    response = httpx.post(args.post, data={"assertion": assertion}, timeout=10.0)
    print(json.dumps({"status": response.status_code, "body": response.json()}, indent=2))
    return 0 if response.is_success else 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] == "serve":
        return serve_main("identity.entrypoints.http:create_app", Settings, argv or ["serve"])
    parser = argparse.ArgumentParser(prog="orga-identity")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve HTTP")
    admin = sub.add_parser("create-admin", help="create (or promote) a platform administrator")
    admin.add_argument("--email", required=True)
    admin.add_argument("--password", required=True)
    idp = sub.add_parser("idp-simulate", help="sign an assertion with the local IdP simulator")
    idp.add_argument("--first-name", required=True)
    idp.add_argument("--last-name", required=True)
    idp.add_argument("--saml-id", required=True)
    idp.add_argument("--birth-date", help="AAAA-MM-JJ, sent as the `birthdate` claim")
    idp.add_argument("--issuer", default=DEFAULT_ISSUER)
    idp.add_argument("--key-file", default=str(DEFAULT_KEY_PATH))
    idp.add_argument("--trust-file", help="trust file to update (default: the service setting)")
    idp.add_argument("--ttl", type=int, default=120)
    idp.add_argument("--post", metavar="URL", help="e.g. http://127.0.0.1:8101/sso/assertion")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "create-admin":
        return asyncio.run(_create_admin(settings, args.email, args.password))
    return _idp_simulate(settings, args)


if __name__ == "__main__":
    raise SystemExit(main())
