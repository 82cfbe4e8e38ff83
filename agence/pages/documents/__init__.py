"""Correspondence and template pages."""
