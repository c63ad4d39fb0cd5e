"""Access-matrix expectations of the incident register's routes (see tests/test_access_matrix.py).

Object routes build an incident on the case's node (`where`): visibility is that node's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from antq.criteria import loader
from antq.incidents.choices import IncidentSource
from antq.incidents.models import Incident
from tests.matrix import Route

WHERE = ("unit", "sibling_unit", "other_unit")


def _incident(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    """An incident recorded (directly: a fixture, not a use case) against the case's unit."""
    incident = Incident.objects.create(
        node=getattr(tree, where),
        incident_type="INC_SERIOUS_CRIME",
        occurred_on=dt.date(2025, 5, 2),
        place="Đường Lê Lợi",
        summary="Cướp tài sản",
        source=IncidentSource.POLICE,
        recorded_by=personas["admin"],
    )
    return {"pk": incident.pk}


def _with_catalogue(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    """The same, with the TT 124 catalogue loaded (a correction re-checks the type against it)."""
    loader.apply(loader.read_files())
    return _incident(personas, tree, where)


def _effects(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    loader.apply(loader.read_files())
    _incident(personas, tree, where)
    return {"node_pk": getattr(tree, where).pk, "year": 2025}


CORRECTION = {
    "summary": "Cướp tài sản, đã bắt giữ đối tượng",
    "reason": "Bổ sung kết quả xử lý",
    "expected_revision": 1,
}
WITHDRAWAL = {"reason": "Ghi nhận nhầm", "expected_revision": 1}

ROUTES: dict[str, Route] = {
    "incidents:list": Route("view"),
    "incidents:create": Route("incident_record"),
    "incidents:detail": Route("view", target=_incident, where=WHERE),
    "incidents:correct": Route("incident_record", target=_incident, where=WHERE),
    "incidents:withdraw": Route(
        "incident_record", target=_incident, where=WHERE, method="post", data=WITHDRAWAL, ok=(302,)
    ),
    "incidents:effects": Route("view", target=_effects, where=WHERE),
    "api:incident-list": Route("view", api=True),
    # No body: whoever may record somewhere gets the field errors, the others 403.
    "api:incident-list POST": Route("incident_record", method="post", ok=(400,), api=True),
    "api:incident-detail": Route("view", target=_incident, where=WHERE, api=True),
    "api:incident-correct": Route(
        "incident_record", target=_with_catalogue, where=WHERE, method="post", data=CORRECTION, api=True
    ),
    "api:incident-withdraw": Route(
        "incident_record", target=_incident, where=WHERE, method="post", data=WITHDRAWAL, api=True
    ),
}
