"""ANTQ: the all-people movement to protect national security, digitized."""
