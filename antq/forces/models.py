"""Models of the forces app."""
