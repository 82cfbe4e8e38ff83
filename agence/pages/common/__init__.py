"""Pages every user reaches: home, page not found."""
