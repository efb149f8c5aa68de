"""What every Pix Orga page needs: the signed-in member, the organisation of the URL (checked
against their memberships, as every service checks it again), their other organisations for
the switcher, and the terms of use accepted on first login.

    @router.get("/orga/{organisation_id}/…")
    async def page(request: Request, orga: Orga) -> Response:
        … orga.user.get("campaign", …) … render(request, "orga/….html", orga.page(...))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from web.application.session import User
from web.entrypoints.routes.deps import SignedIn

LAST_ORGANISATION = "organisation"  # session: the organisation last opened
KIND_OF_LEARNERS = {"SCO": "Élèves", "SCO-1D": "Élèves", "SUP": "Étudiants"}


class TermsNotAccepted(Exception):
    """First login to Pix Orga: the terms of use come first (`/orga/cgu`)."""


class NotMember(HTTPException):
    def __init__(self) -> None:
        super().__init__(403, "Vous n'êtes pas membre de cette organisation.")


class NotAllowed(NotMember):
    """A member on an admin's form (invite, remove a member, import learners; edit or delete a
    campaign they do not own): the services refuse the action, so the page is refused too."""

    def __init__(
        self,
        message: str = "Seuls les administrateurs de l'organisation peuvent faire cette action.",
    ) -> None:
        HTTPException.__init__(self, 403, message)


@dataclass
class OrgaContext:
    request: Request
    user: User
    organisation: dict[str, Any]
    organisations: list[dict[str, Any]]

    @property
    def id(self) -> str:
        return str(self.organisation["id"])

    @property
    def role(self) -> str:
        return str(self.organisation["role"])

    @property
    def is_admin(self) -> bool:
        return self.role == "ADMIN"

    def require_admin(self) -> None:
        if not self.is_admin:
            raise NotAllowed

    @property
    def learners_label(self) -> str | None:
        """« Élèves » (SCO) or « Étudiants » (SUP) when the organisation imports its learners."""
        if not self.organisation.get("is_managing_students"):
            return None
        return KIND_OF_LEARNERS.get(str(self.organisation["type"]), "Participants")

    def page(self, **context: Any) -> dict[str, Any]:
        """What `templates/orga/base.html` reads, plus the page's own context."""
        return {"orga": self, **context}


async def my_organisations(user: User) -> list[dict[str, Any]]:
    body = await user.get("organisation", "/me/organisations")
    return list(body["data"])


async def _orga(request: Request, user: SignedIn, organisation_id: str) -> OrgaContext:
    me = await user.get("identity", "/users/me")
    if not me.get("pix_orga_terms_of_service_accepted"):
        raise TermsNotAccepted
    organisations = await my_organisations(user)
    current = next((o for o in organisations if o["id"] == organisation_id), None)
    if current is None:
        raise NotMember
    request.session[LAST_ORGANISATION] = organisation_id
    return OrgaContext(request, user, current, organisations)


Orga = Annotated[OrgaContext, Depends(_orga)]
