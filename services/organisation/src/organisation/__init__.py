"""Orga organisation service: organisations, équipes, invitations et élèves."""
