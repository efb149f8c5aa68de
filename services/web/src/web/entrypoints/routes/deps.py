"""What web's routes receive: the application `Context`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from web.application.context import Context


async def _context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


AppContext = Annotated[Context, Depends(_context)]
