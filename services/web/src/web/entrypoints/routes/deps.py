"""What web's routes receive: the application `Context`, the signed-in `User`, and the check
that a form was sent by one of our pages (its CSRF token matches the session's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from web.application.context import Context
from web.application.session import User, csrf_matches


async def _context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


AppContext = Annotated[Context, Depends(_context)]


async def _user(request: Request, ctx: AppContext) -> User:
    user = User(request, ctx.api)
    _ = user.auth  # raises LoginRequired without a session
    return user


SignedIn = Annotated[User, Depends(_user)]


class CsrfRefused(HTTPException):
    def __init__(self) -> None:
        super().__init__(
            403,
            "Ce formulaire a expiré (ou ne vient pas de ce site) : "
            "rechargez la page et recommencez.",
        )


async def _csrf(request: Request) -> None:
    sent = request.headers.get("X-CSRF-Token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not csrf_matches(request, sent):
        raise CsrfRefused


Csrf = Depends(_csrf)
