"""Dependencies shared by the routers: the use-case context and the acting user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from orga_shared.http.auth import CurrentPrincipal, MaybePrincipal, Principal
from organisation.application.context import Context
from organisation.domain.team import Actor


async def get_context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


def actor_of(principal: Principal) -> Actor:
    return Actor(principal.user_id, principal.is_platform_admin)


async def current_actor(principal: CurrentPrincipal) -> Actor:
    return actor_of(principal)


async def maybe_actor(principal: MaybePrincipal) -> Actor | None:
    return actor_of(principal) if principal is not None else None


Ctx = Annotated[Context, Depends(get_context)]
CurrentActor = Annotated[Actor, Depends(current_actor)]
MaybeActor = Annotated[Actor | None, Depends(maybe_actor)]
