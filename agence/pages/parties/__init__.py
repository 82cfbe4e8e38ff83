"""Third-party pages."""
