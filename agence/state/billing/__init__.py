"""States of invoicing, payments and Chorus Pro."""
