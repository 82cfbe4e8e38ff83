"""States of the dossier pages."""
