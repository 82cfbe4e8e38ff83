"""Business logic: plain Python over SQLModel sessions. Never imports Reflex."""
