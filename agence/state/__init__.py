"""Reflex State classes: thin adapters between the pages and the services."""
