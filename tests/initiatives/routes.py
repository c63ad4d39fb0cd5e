"""Access-matrix expectations of the initiatives app's routes (see tests/test_access_matrix.py)."""

from __future__ import annotations

from tests.matrix import Route

ROUTES: dict[str, Route] = {}
