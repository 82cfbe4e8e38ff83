"""Parameters pages."""
