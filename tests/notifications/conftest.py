from __future__ import annotations

import pytest

from tests.notifications.helpers import PERSONAS


@pytest.fixture
def personas(
    admin, province_officer, province_leader, inspector, commune_police, commune_leader, unit_officer
):  # type: ignore[no-untyped-def]
    found = {
        "admin": admin,
        "province_officer": province_officer,
        "province_leader": province_leader,
        "inspector": inspector,
        "commune_police": commune_police,
        "commune_leader": commune_leader,
        "unit_officer": unit_officer,
    }
    assert list(found) == PERSONAS
    # Everyone has an address, so that e-mails can be counted.
    for name, user in found.items():
        user.email = f"{name}@antq.example"
        user.save(update_fields=["email"])
    return found
