"""States of the catalogue and costing pages."""
