"""States of the parameters pages."""
