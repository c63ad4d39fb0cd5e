"""Domain errors raised by services; views turn them into messages or HTTP answers."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the operation; the message is for the user (Vietnamese)."""


class ConcurrentEditError(DomainError):
    """Someone saved the same record after this user opened it."""
