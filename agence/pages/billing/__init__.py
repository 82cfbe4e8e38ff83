"""Invoicing pages."""
