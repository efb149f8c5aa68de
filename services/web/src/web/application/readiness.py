"""Is the UI ready? It can serve pages as long as identity answers (nobody signs in otherwise);
the other services are reported, a page that needs one says so itself."""

from __future__ import annotations

from web.application.context import Context


async def readiness(ctx: Context) -> tuple[bool, dict[str, str]]:
    checks = await ctx.upstreams.health()
    return checks.get("identity") == "ok", checks
