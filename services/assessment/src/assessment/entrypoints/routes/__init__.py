"""Assessment's routers, one module per resource; `ROUTERS` is what the app mounts."""

from assessment.entrypoints.routes import content

ROUTERS = [content.router]
