"""Fixtures of the incident register: the frameworks loaded, an agency and a school in the commune,
and a helper that records an incident through the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from antq.accounts.scope import Scope
from antq.criteria import loader
from antq.incidents import services
from antq.incidents.choices import IncidentSource
from antq.incidents.models import Incident
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from tests import factories as f
from tests.conftest import Tree


@pytest.fixture
def frameworks(db: None) -> None:
    loader.apply(loader.read_files())


@pytest.fixture
def agency(tree: Tree) -> OrgNode:
    return f.unit(tree.commune, "Sở Kế hoạch và Đầu tư", "X21583-CQ01", kind=NodeKind.AGENCY)


def facts(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "incident_type": "INC_SERIOUS_CRIME",
        "occurred_on": dt.date(2025, 5, 2),
        "place": "Đường Lê Lợi",
        "summary": "Cướp tài sản, đã khởi tố vụ án.",
        "force_majeure": False,
        "timely_handled": False,
        "source": IncidentSource.POLICE,
    }
    data.update(overrides)
    return data


RecordFn = Callable[..., Incident]


@pytest.fixture
def record(frameworks: None, commune_police: User) -> RecordFn:
    """Record an incident as the commune police (or `by`), with `facts()` overridden by kwargs."""

    def _record(node: OrgNode, *, by: User | None = None, **overrides: Any) -> Incident:
        actor = by or commune_police
        return services.incident_record(
            by=actor, scope=Scope.for_user(actor), node=node, data=facts(**overrides)
        )

    return _record
