"""Orga assessment service: contenu, participations, test adaptatif et résultats."""
