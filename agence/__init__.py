"""Agence: commercial management for group-travel agencies."""
