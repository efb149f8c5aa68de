"""Orga identity service: comptes, connexion, SSO et jetons."""
