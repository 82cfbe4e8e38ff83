"""HTTP routes beside the Reflex app: authenticated file downloads, health."""
