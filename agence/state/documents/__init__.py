"""States of documents, correspondence and templates."""
