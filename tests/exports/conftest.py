"""Fixtures of the exports app: the personas by name, files written under a temporary MEDIA_ROOT."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def personas(
    admin: User,
    province_officer: User,
    province_leader: User,
    inspector: User,
    commune_police: User,
    commune_leader: User,
    unit_officer: User,
) -> dict[str, User]:
    return {
        "admin": admin,
        "province_officer": province_officer,
        "province_leader": province_leader,
        "inspector": inspector,
        "commune_police": commune_police,
        "commune_leader": commune_leader,
        "unit_officer": unit_officer,
    }
