"""Access-matrix expectations of the dashboards app's routes (see tests/test_access_matrix.py).

A dashboard is read by whoever sees the node (VIEW); its XLSX needs EXPORT. The home page opens the
user's current node: a unit officer's is a unit, whose "dashboard" is its year page (a redirect).
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Route

WHERE = ("commune", "sibling_commune", "other_province")


def _list(personas: dict[str, Any], tree: Any, where: str) -> dict[str, Any]:
    return {"pk": getattr(tree, where).pk, "which": "unregistered"}


ROUTES: dict[str, Route] = {
    "dashboards:home": Route("view", ok=(200, 302)),
    "dashboards:node": Route("view", target="commune"),
    "dashboards:xlsx": Route("export", target="commune"),
    "dashboards:list": Route("view", target=_list, where=WHERE),
    "dashboards:list_xlsx": Route("export", target=_list, where=WHERE),
    "api:dashboard-detail": Route("view", target="commune", api=True),
}
