"""Web's routers, one module per area; `ROUTERS` is what the app mounts."""

from web.entrypoints.routes import auth, ops, student

ROUTERS = [ops.router, auth.router, student.router]
