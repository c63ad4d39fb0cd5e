"""Access-matrix expectations of the initiatives app's routes (see tests/test_access_matrix.py).

Object routes build an initiative on the case's node (`where`): visibility is that node's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from antq.initiatives.models import Initiative, InitiativeMember, InitiativeType
from tests.matrix import Route

WHERE = ("unit", "sibling_unit", "other_unit")
# The yearly evaluation is the superior's: on a commune's initiative only the province (and the
# administrator) may evaluate, which the commune target checks.
EVAL_WHERE = ("unit", "commune", "sibling_unit", "other_unit")


def _initiative(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    """An initiative (directly: a fixture, not a use case) of the case's node."""
    kind = InitiativeType.objects.get(code="camera_an_ninh")
    initiative = Initiative.objects.create(
        node=getattr(tree, where),
        initiative_type=kind,
        name="Camera an ninh tổ dân phố",
        indicators=kind.indicators,
        started_on=dt.date(2024, 3, 1),
        created_by=personas["admin"],
    )
    return {"pk": initiative.pk}


def _member(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    kwargs = _initiative(personas, tree, where)
    member = InitiativeMember.objects.create(initiative_id=kwargs["pk"], name="Trần Thị Lan")
    return {**kwargs, "member_pk": member.pk}


ROUTES: dict[str, Route] = {
    "initiatives:list": Route("view"),
    "initiatives:create": Route("activity_record"),
    "initiatives:detail": Route("view", target=_initiative, where=WHERE),
    "initiatives:edit": Route("activity_record", target=_initiative, where=WHERE),
    "initiatives:member_add": Route("activity_record", target=_initiative, where=WHERE),
    "initiatives:member_remove": Route(
        "activity_record", target=_member, where=WHERE, method="post", ok=(302,)
    ),
    "initiatives:activity_add": Route("activity_record", target=_initiative, where=WHERE),
    "initiatives:evaluate": Route("assessment_review", target=_initiative, where=EVAL_WHERE),
    # Retiring is allowed with ACTIVITY_RECORD *or* ASSESSMENT_REVIEW: the matrix names one action
    # per route, so it checks scope (404) and login here; tests/initiatives/test_views.py checks
    # each persona's answer exactly.
    "initiatives:retire": Route("view", target=_initiative, where=WHERE, ok=(200, 403)),
    "initiatives:replicate": Route("activity_record", target=_initiative, where=WHERE),
    "initiatives:types": Route("view"),
    "initiatives:type_create": Route("framework_manage"),
    "initiatives:type_toggle": Route("framework_manage", method="post", data={"type": "0"}, ok=(302,)),
    "initiatives:type_delete": Route("framework_manage", method="post", data={"type": "0"}, ok=(302,)),
    "api:initiative-list": Route("view", api=True),
    # No body: whoever may record somewhere gets the field errors, the others 403.
    "api:initiative-list POST": Route("activity_record", method="post", ok=(400,), api=True),
    "api:initiative-detail": Route("view", target=_initiative, where=WHERE, api=True),
    "api:initiative-type-list": Route("view", api=True),
    "api:initiative-activities": Route(
        "activity_record",
        target=_initiative,
        where=WHERE,
        method="post",
        data={"occurred_on": "2025-06-01", "content": "Tuần tra đêm"},
        ok=(201,),
        api=True,
    ),
    "api:initiative-evaluate": Route(
        "assessment_review",
        target=_initiative,
        where=EVAL_WHERE,
        method="post",
        data={"year": 2025, "rating": "kha"},
        api=True,
    ),
}
