"""States every page shares: the session root, the list, form and child-record machinery, home."""
