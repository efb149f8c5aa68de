"""Web's routers, one module per area; `ROUTERS` is what the app mounts."""

from web.entrypoints.routes import auth, ops, orga_dashboards, orga_home, student

ROUTERS = [ops.router, auth.router, orga_home.router, student.router, orga_dashboards.router]
