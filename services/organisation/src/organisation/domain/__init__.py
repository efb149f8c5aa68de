"""Pure domain of the organisation service: aggregates, rules and value objects; no I/O."""
