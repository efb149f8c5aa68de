"""Use cases: one module per area, each function loads a stream, decides, appends, updates
the local views and does the side effects (e-mail, profile publication)."""
