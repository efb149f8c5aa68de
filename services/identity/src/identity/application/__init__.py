"""Use cases of identity, one module per flow; they touch adapters only through `Context`."""
