"""The review meeting of a draft decision, and the two documents it yields: the submission (tờ
trình) by which the police of the deciding level propose the units, and the minutes (biên bản) of
the meeting. Wording from the province's templates (`review_submission`, `review_minutes`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import record
from antq.core.errors import ConcurrentEditError, DomainError
from antq.cycles.choices import RegistrationStatus
from antq.cycles.models import Registration
from antq.decisions import builders, texts
from antq.decisions.choices import DecisionStatus
from antq.decisions.models import Decision, DecisionItem, ReviewMeeting
from antq.doctemplates.choices import TemplateKind
from antq.doctemplates.services import wording
from antq.documents import DocumentSection, OfficialDocument, vietnamese_date
from antq.documents.official import MINUTES, SUBMISSION, Annex
from antq.org.choices import NodeKind
from antq.org.models import subtree_q

FIELDS = (
    "held_on",
    "start_time",
    "end_time",
    "venue",
    "chair",
    "secretary",
    "participants",
    "content",
    "conclusion",
    "submission_number",
)
BLANK = "…"


def meeting_of(decision: Decision) -> ReviewMeeting | None:
    return ReviewMeeting.objects.filter(decision=decision).first()


def meeting_save(
    *, by: User, scope: Scope, decision: Decision, data: dict[str, Any], expected_version: int | None
) -> ReviewMeeting:
    """Record (or correct) the meeting of a draft decision; audited, optimistic locking."""
    if not scope.allows(Action.DECISION_DRAFT, decision.issuer):
        raise DomainError(_("Bạn không có quyền ghi cuộc họp xét của quyết định này."))
    if decision.status != DecisionStatus.DRAFT:
        raise DomainError(_("Chỉ ghi cuộc họp xét khi quyết định còn là dự thảo."))
    values = {name: data[name] for name in FIELDS if name in data}
    with transaction.atomic():
        meeting = ReviewMeeting.objects.select_for_update().filter(decision=decision).first()
        if meeting is None:
            meeting = ReviewMeeting.objects.create(decision=decision, recorded_by=by, **values)
            action = AuditAction.CREATE
        else:
            if expected_version is not None and meeting.version != expected_version:
                raise ConcurrentEditError(
                    _("Người khác vừa sửa cuộc họp này; hãy tải lại trang để xem bản mới.")
                )
            for name, value in values.items():
                setattr(meeting, name, value)
            meeting.recorded_by = by
            meeting.version += 1
            meeting.save(update_fields=[*values, "recorded_by", "version", "updated_at"])
            action = AuditAction.UPDATE
        record(
            actor=by,
            action=action,
            obj=meeting,
            node_path=decision.issuer.path,
            changes={name: str(value) for name, value in values.items()},
        )
    return meeting


# ---- documents ----------------------------------------------------------------------------------


def _time(value: dt.time | None) -> str:
    return f"{value.hour:02d} giờ {value.minute:02d} phút" if value else BLANK


def _criteria(item: DecisionItem) -> str:
    """ "5/5": the TT 124 criteria the unit met, from its assessment's last result."""
    criteria = ((item.assessment.result or {}).get("tt124") or {}).get("criteria") or []
    if not criteria:
        return ""
    passed = sum(1 for criterion in criteria if criterion.get("status") == "passed")
    return f"{passed}/{len(criteria)}"


def _items(decision: Decision) -> list[DecisionItem]:
    return list(decision.items.select_related("node", "assessment").order_by("position", "id"))


def _registered(decision: Decision) -> int:
    return (
        Registration.objects.filter(cycle=decision.cycle, node__is_active=True)
        .filter(subtree_q(decision.issuer.path, field="node__path"))
        .exclude(status=RegistrationStatus.DRAFT)
        .count()
    )


def context(decision: Decision, items: list[DecisionItem], meeting: ReviewMeeting | None) -> dict[str, Any]:
    issuer = decision.issuer
    parent = issuer.parent if issuer.kind != NodeKind.PROVINCE else None
    what = texts.kind_words({item.node.kind for item in items})
    return {
        "year": decision.cycle.year,
        "what": what,
        "WHAT": what.upper(),
        "count": len(items),
        "agreed": len(items),
        "registered": _registered(decision),
        "issuer": texts.lower_name(issuer),
        "ISSUER": issuer.name.upper(),
        "parent": texts.lower_name(parent) if parent is not None else "",
        "PARENT": parent.name.upper() if parent is not None else "",
        "meeting_date": vietnamese_date(meeting.held_on) if meeting else BLANK,
        "start": _time(meeting.start_time if meeting else None),
        "end": _time(meeting.end_time if meeting else None),
        "venue": (meeting.venue if meeting else "") or BLANK,
        "chair": (meeting.chair if meeting else "") or BLANK,
        "secretary": (meeting.secretary if meeting else "") or BLANK,
    }


def _frame(
    decision: Decision, fields: dict[str, Any], values: dict[str, Any], day: dt.date
) -> dict[str, Any]:
    issuer = decision.issuer
    return {
        "issuer": fields["issuer"],
        "issuer_parent": fields["issuer_parent"] if values["parent"] else "",
        "symbol": fields["symbol"],
        "place": decision.place or texts.place_name(issuer),
        "date": day,
        "subject": fields["subject"],
        "signer_title": fields["signer_title"],
    }


def submission_document(decision: Decision) -> OfficialDocument:
    """The tờ trình proposing the units of the decision, with their list as its annex."""
    items = _items(decision)
    meeting = meeting_of(decision)
    values = context(decision, items, meeting)
    fields = wording(TemplateKind.REVIEW_SUBMISSION, decision.issuer, values)
    rows = [
        (
            str(index),
            item.node.name,
            builders.kind_label(item.node),
            builders.points(item.self_total),
            builders.points(item.total),
            _criteria(item),
        )
        for index, item in enumerate(items, start=1)
    ]
    return OfficialDocument(
        **_frame(decision, fields, values, meeting.held_on if meeting else timezone.localdate()),
        number=meeting.submission_number if meeting else "",
        kind=fields["document_kind"] or SUBMISSION,
        addressee=fields["addressee"],
        bases=fields["bases"],
        sections=[
            DocumentSection(
                heading="",
                paragraphs=[fields["situation"] if meeting else fields["no_meeting"], fields["proposal"]],
            )
        ],
        closing=[fields["closing"]],
        recipients=fields["recipients"],
        signer_prefix=fields["signer_prefix"],
        signer_name="",
        annex=Annex(
            title=fields["annex_title"],
            columns=fields["columns"],
            rows=rows,
            widths=(6, 40, 14, 12, 14, 14),
            issued_by=f"Công an {values['issuer']}",
        ),
    )


def minutes_document(decision: Decision) -> OfficialDocument:
    """The biên bản: time and place, attendance, content, the result per unit, the conclusion."""
    items = _items(decision)
    meeting = meeting_of(decision)
    values = context(decision, items, meeting)
    fields = wording(TemplateKind.REVIEW_MINUTES, decision.issuer, values)
    participants = [f"- {line}" for line in meeting.participant_lines()] if meeting else []
    rows = [
        (
            str(index),
            item.node.name,
            builders.kind_label(item.node),
            _criteria(item),
            builders.points(item.total),
            fields["agreed_word"],
        )
        for index, item in enumerate(items, start=1)
    ]
    content = (meeting.content if meeting else "").strip() or fields["content_default"]
    conclusion = (meeting.conclusion if meeting else "").strip() or fields["conclusion_default"]
    return OfficialDocument(
        **_frame(decision, fields, values, meeting.held_on if meeting else timezone.localdate()),
        number="",
        kind=fields["document_kind"] or MINUTES,
        lead_in=fields["opening"],
        sections=[
            DocumentSection(
                heading=fields["attendance_heading"],
                paragraphs=[
                    f"- {fields['chair_line']}",
                    f"- {fields['secretary_line']}",
                    f"- {fields['participants_line']}",
                    *participants,
                ],
            ),
            DocumentSection(heading=fields["content_heading"], paragraphs=[content]),
            DocumentSection(heading=fields["result_heading"], paragraphs=[fields["result_lead"]]),
        ],
        table=Annex(title="", columns=fields["columns"], rows=rows, widths=(6, 38, 14, 12, 12, 18)),
        closing=[fields["conclusion_heading"], conclusion, fields["closing"]],
        second_signer_title=fields["second_signer_title"],
        second_signer_name=meeting.secretary if meeting else "",
        signer_name=meeting.chair if meeting else "",
    )
