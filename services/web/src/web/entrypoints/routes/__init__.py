"""Web's routers, one module per area; `ROUTERS` is what the app mounts."""

from web.entrypoints.routes import (
    auth,
    ops,
    orga_campaigns,
    orga_dashboards,
    orga_home,
    orga_learners,
    orga_live,
    orga_team,
    student,
)

ROUTERS = [
    ops.router,
    auth.router,
    orga_home.router,
    orga_campaigns.router,
    orga_dashboards.router,
    orga_live.router,
    orga_team.router,
    orga_learners.router,
    student.router,
]
