"""States of sign-in and administration."""
