"""Orga web: the server-rendered French UI for teachers and students, over the services' APIs."""
