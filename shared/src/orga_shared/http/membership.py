"""FastAPI dependency: the caller is a member of the organisation named in the path.

Authorisation is checked per organisation on every route, from the service's own projection
of memberships (`orga_shared.membership`), never by asking organisation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Annotated

from fastapi import Depends, Request

from orga_shared.http.auth import Principal, require_principal
from orga_shared.http.errors import ApiError
from orga_shared.membership import ALL_ROLES, MembershipDirectory, Role


def require_member(
    organisation_id: str = "organisation_id",
    *,
    roles: Iterable[Role] = ALL_ROLES,
) -> Callable[..., Awaitable[Principal]]:
    """FastAPI dependency: the caller must hold one of `roles` in the organisation named by the
    path parameter `organisation_id` (its name, by default "organisation_id").

    The directory is read from `app.state.membership_directory`.
    """
    allowed = tuple(roles)

    async def dependency(
        request: Request, principal: Annotated[Principal, Depends(require_principal)]
    ) -> Principal:
        value = request.path_params.get(organisation_id)
        if not value:
            raise ApiError(404, "NOT_FOUND", "Organisation introuvable.")
        directory: MembershipDirectory = request.app.state.membership_directory
        await directory.check(principal, str(value), allowed)
        return principal

    return dependency
