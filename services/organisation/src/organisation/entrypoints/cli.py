"""Command line of the organisation service.

    orga-organisation serve [--host H] [--port P]
    orga-organisation create --name "Lycée Pix" --type SCO --external-id 0751234A \
        --managing-students --admin-email cheffe@lycee.fr
    orga-organisation seed [--admin-user-id ID]... [--admin-email E] [--member-user-id ID]...

`create` is the platform-admin command (the CLI acts as the platform); it runs the same use
case as `POST /organisations` against the configured database and Kafka, and e-mails the ADMIN
invitation. `seed` creates the demo organisations and imports their demo learners; it is
idempotent, so `make run` can call it on every start.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from typing import Any

from orga_shared.cli import serve_main
from orga_shared.contracts.organisation import Role
from organisation.application import imports
from organisation.application.organisations import add_member, create_organisation, describe
from organisation.bootstrap import build_lifecycle
from organisation.config import Settings
from organisation.demo import DEMO_PUPILS, DEMO_STUDENTS, siecle_xml, sup_csv
from organisation.domain.errors import Conflict, DomainError, NotFound
from organisation.domain.team import Actor

PLATFORM = Actor(None, platform_admin=True)
DEMO_NAMESPACE = uuid.UUID("6f1c1d52-2b7a-4c8e-9d0e-0a7e5b0c4d11")
DEMO_ORGANISATIONS = (
    ("Lycée Pix Démo", "SCO", "0750000A", True),
    ("Université Pix Démo", "SUP", None, True),
    ("Pix Pro Démo", "PRO", None, False),
)


def demo_id(name: str) -> str:
    """Stable ids, so seeding twice finds what the first run created."""
    return str(uuid.uuid5(DEMO_NAMESPACE, name))


async def _create(args: argparse.Namespace) -> dict[str, Any]:
    lifecycle = build_lifecycle(Settings(), consumers=False)
    await lifecycle.start()
    try:
        created = await create_organisation(
            lifecycle.context,
            PLATFORM,
            name=args.name,
            type=args.type,
            external_id=args.external_id,
            is_managing_students=args.managing_students,
            admin_email=args.admin_email,
        )
        if args.admin_user_id:
            await add_member(
                lifecycle.context, created["id"], PLATFORM, args.admin_user_id, "ADMIN"
            )
        return created
    finally:
        await lifecycle.stop()


async def _seed(args: argparse.Namespace) -> list[dict[str, Any]]:
    lifecycle = build_lifecycle(Settings(), consumers=False)
    await lifecycle.start()
    ctx = lifecycle.context
    out = []
    try:
        for name, type_, uai, managing in DEMO_ORGANISATIONS:
            org_id = demo_id(name)
            try:
                await describe(ctx, org_id)
            except NotFound:
                await create_organisation(
                    ctx,
                    PLATFORM,
                    name=name,
                    type=type_,
                    external_id=uai,
                    is_managing_students=managing,
                    admin_email=args.admin_email,
                    organisation_id=org_id,
                )
            team: list[tuple[str, Role]] = [(u, "ADMIN") for u in args.admin_user_id]
            team += [(u, "MEMBER") for u in args.member_user_id]
            for user_id, role in team:
                try:
                    await add_member(ctx, org_id, PLATFORM, user_id, role)
                except Conflict:
                    pass  # already a member
            if type_ == "SCO" and uai:
                await imports.import_siecle(ctx, org_id, PLATFORM, siecle_xml(uai, DEMO_PUPILS))
            elif type_ == "SUP":
                await imports.import_sup(ctx, org_id, PLATFORM, sup_csv(DEMO_STUDENTS), "ADD")
            out.append(await describe(ctx, org_id))
    finally:
        await lifecycle.stop()
    return out


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] == "serve":
        return serve_main("organisation.entrypoints.http:create_app", Settings, argv)
    parser = argparse.ArgumentParser(prog="orga-organisation")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="create an organisation (platform admin)")
    create.add_argument("--name", required=True)
    create.add_argument("--type", required=True, choices=["SCO", "SUP", "PRO", "SCO-1D"])
    create.add_argument("--external-id", default=None, help="UAI/RNE for a school")
    create.add_argument("--managing-students", action="store_true")
    create.add_argument("--admin-email", default=None, help="send it an ADMIN invitation")
    create.add_argument("--admin-user-id", default=None, help="make this account ADMIN now")
    seed = sub.add_parser("seed", help="demo organisations and learners (idempotent)")
    seed.add_argument("--admin-user-id", action="append", default=[])
    seed.add_argument("--member-user-id", action="append", default=[])
    seed.add_argument("--admin-email", default=None)
    args = parser.parse_args(argv)
    try:
        result: Any = asyncio.run(_create(args) if args.command == "create" else _seed(args))
    except DomainError as refused:
        print(f"refusé : {refused.message} ({refused.code})", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
