"""Assessment's routers, one module per resource; `ROUTERS` is what the app mounts."""

from assessment.entrypoints.routes import content, participations, profile, teacher

ROUTERS = [content.router, participations.router, profile.router, teacher.router]
