"""HTTP routers of the organisation service, one per area."""
