"""HTTP routers of identity, one module per flow."""
