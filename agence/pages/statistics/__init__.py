"""The « Statistiques » module: pages."""
