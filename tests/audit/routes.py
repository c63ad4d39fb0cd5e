"""Access-matrix expectations of the audit app's routes (see tests/test_access_matrix.py).

`audit:list` is declared in the matrix itself. The list's XLSX needs EXPORT (and AUDIT_VIEW, which
every role that may export holds): the unit officer, who reads the log but may not export, gets 403.
"""

from __future__ import annotations

from tests.matrix import Route

ROUTES: dict[str, Route] = {
    "audit:export": Route("export"),
}
