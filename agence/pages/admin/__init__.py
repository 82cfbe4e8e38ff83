"""Sign-in and administration pages."""
