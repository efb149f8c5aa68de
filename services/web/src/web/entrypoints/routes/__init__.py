"""Web's routers, one module per resource; `ROUTERS` is what the app mounts."""

from web.entrypoints.routes import ops, pages

ROUTERS = [ops.router, pages.router]
