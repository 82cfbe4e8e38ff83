"""Reusable UI pieces: the app shell, the data table, form fields, dialogs."""
