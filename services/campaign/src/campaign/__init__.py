"""Orga campaign service: campagnes et profils cibles."""
