"""What assessment's routes receive: the application `Context`, and the statuses every route
that reads a principal can answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assessment.application.context import Context

AUTHENTICATED = (401, 503)
"""No or a bad token (401), identity's keys out of reach to check an unknown one (503)."""


async def _context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


AppContext = Annotated[Context, Depends(_context)]
