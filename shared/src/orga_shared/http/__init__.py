"""HTTP pieces every service shares: app factory, errors, correlation ids, auth, health."""
