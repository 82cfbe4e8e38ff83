"""Catalogue and costing pages."""
