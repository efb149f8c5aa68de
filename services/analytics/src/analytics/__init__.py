"""Orga analytics service: tableaux de bord, analyses et exports CSV (lecture seule)."""
