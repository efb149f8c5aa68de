"""Pure domain of identity: account aggregate, password policy, usernames, lockout, recovery."""
