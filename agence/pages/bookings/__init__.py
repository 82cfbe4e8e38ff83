"""Dossier pages."""
