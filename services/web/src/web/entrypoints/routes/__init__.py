"""Web's routers, one module per area; `ROUTERS` is what the app mounts."""

from web.entrypoints.routes import auth, ops, orga_home, orga_learners, orga_team, student

ROUTERS = [ops.router, auth.router, orga_home.router, student.router]
ROUTERS += [orga_team.router, orga_learners.router]
