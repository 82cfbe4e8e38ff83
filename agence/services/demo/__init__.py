"""The seed: reference data and the demonstration agency (outside the business areas)."""
