"""Access-matrix expectations of the coordination app's routes (see tests/test_access_matrix.py).

Object routes build an agreement (or a campaign participation) on the case's node (`where`),
directly (a fixture, not a use case): visibility is that node's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from antq.coordination.choices import AgreementKind
from antq.coordination.models import CampaignParticipation, CoordinationAgreement
from tests.matrix import Route

WHERE = ("unit", "sibling_unit", "other_unit")


def _agreement(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    agreement = CoordinationAgreement.objects.create(
        node=getattr(tree, where),
        kind=AgreementKind.REGULATION,
        number_symbol="12/QC-PH",
        signed_on=dt.date(2025, 2, 10),
        police_party="Công an phường Quy Nhơn",
        term_start=dt.date(2025, 2, 10),
        recorded_by=personas["admin"],
    )
    return {"pk": agreement.pk}


def _campaign(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    row = CampaignParticipation.objects.create(
        node=getattr(tree, where),
        campaign="Ngày hội toàn dân bảo vệ an ninh Tổ quốc",
        organizer="UBND phường Quy Nhơn",
        took_part_on=dt.date(2025, 8, 19),
        recorded_by=personas["admin"],
    )
    return {"pk": row.pk}


END = {"end-ended_on": "2025-06-30", "end-reason": "Thay bằng quy chế mới", "end-version": 1}
EXECUTION = {"execution-occurred_on": "2025-03-15", "execution-content": "Phối hợp tuần tra"}
MEETING = {"meeting-held_on": "2025-07-08", "meeting-kind": "interim", "meeting-summary": "Sơ kết 6 tháng"}

ROUTES: dict[str, Route] = {
    "coordination:list": Route("view"),
    "coordination:agreement_create": Route("activity_record"),
    "coordination:campaign_create": Route("activity_record"),
    "coordination:agreement_detail": Route("view", target=_agreement, where=WHERE),
    "coordination:agreement_edit": Route("activity_record", target=_agreement, where=WHERE),
    "coordination:agreement_end": Route(
        "activity_record", target=_agreement, where=WHERE, method="post", data=END, ok=(302,)
    ),
    "coordination:execution_add": Route(
        "activity_record", target=_agreement, where=WHERE, method="post", data=EXECUTION, ok=(302,)
    ),
    "coordination:meeting_add": Route(
        "activity_record", target=_agreement, where=WHERE, method="post", data=MEETING, ok=(302,)
    ),
    "coordination:campaign_edit": Route("activity_record", target=_campaign, where=WHERE),
    "api:coordination-agreement-list": Route("view", api=True),
    # No body: whoever may record somewhere gets the field errors, the others 403.
    "api:coordination-agreement-list POST": Route("activity_record", method="post", ok=(400,), api=True),
    "api:coordination-agreement-detail": Route("view", target=_agreement, where=WHERE, api=True),
    "api:coordination-agreement-end": Route(
        "activity_record",
        target=_agreement,
        where=WHERE,
        method="post",
        data={"ended_on": "2025-06-30", "reason": "Thay bằng quy chế mới", "version": 1},
        api=True,
    ),
    "api:coordination-agreement-executions": Route(
        "activity_record",
        target=_agreement,
        where=WHERE,
        method="post",
        data={"occurred_on": "2025-03-15", "content": "Phối hợp tuần tra"},
        ok=(201,),
        api=True,
    ),
    "api:coordination-agreement-meetings": Route(
        "activity_record",
        target=_agreement,
        where=WHERE,
        method="post",
        data={"held_on": "2025-07-08", "kind": "interim", "summary": "Sơ kết 6 tháng"},
        ok=(201,),
        api=True,
    ),
    "api:coordination-campaign-list": Route("view", api=True),
    "api:coordination-campaign-list POST": Route("activity_record", method="post", ok=(400,), api=True),
    "api:coordination-campaign-detail": Route("view", target=_campaign, where=WHERE, api=True),
}
