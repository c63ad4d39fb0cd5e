"""Fixtures of the initiatives app: a helper that registers an initiative through the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from antq.accounts.scope import Scope
from antq.initiatives import services
from antq.initiatives.models import Initiative, InitiativeType
from antq.org.models import OrgNode

CreateFn = Callable[..., Initiative]


def kind(code: str = "camera_an_ninh") -> InitiativeType:
    return InitiativeType.objects.get(code=code)


@pytest.fixture
def create(commune_police: User) -> CreateFn:
    """Register an initiative as the commune police (or `by`) on `node`."""

    def _create(node: OrgNode, *, by: User | None = None, **overrides: Any) -> Initiative:
        actor = by or commune_police
        data: dict[str, Any] = {
            "initiative_type": kind(overrides.pop("code", "camera_an_ninh")),
            "name": "Camera an ninh tổ dân phố 1",
            "lead_name": "Nguyễn Văn Hùng",
            "lead_position": "Trưởng ban",
            "started_on": dt.date(2025, 3, 1),
        }
        data.update(overrides)
        return services.initiative_create(by=actor, scope=Scope.for_user(actor), node=node, data=data)

    return _create
