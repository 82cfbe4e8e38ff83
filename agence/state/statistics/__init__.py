"""The « Statistiques » module: page states."""
