"""Analytics' routers, one module per resource; `ROUTERS` is what the app mounts."""

from analytics.entrypoints.routes import dashboards, exports, live

ROUTERS = [dashboards.router, exports.router, live.router]
