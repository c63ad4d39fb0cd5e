"""The review meeting of a draft decision: what was said about each unit, recorded and audited.
Its two documents (the submission and the minutes) are built by `decisions.meeting_documents`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import diff, record
from antq.core.errors import ConcurrentEditError, DomainError
from antq.decisions.choices import DecisionStatus
from antq.decisions.models import Decision, ReviewMeeting

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
    "submission_date",
    "signer_name",
)
AGREED, NOT_AGREED = "agreed", "not_agreed"


# "Tờ trình số 45/TTr-CAP ngày 10/11/2026" as the draft's proposal_ref cites it.
PROPOSAL_NUMBER = re.compile(r"tờ\s+trình\s+số\s*:?\s*([^\s,;]+)", re.IGNORECASE)
PROPOSAL_DATE = re.compile(
    r"ngày\s+(\d{1,2})\s*(?:/|-|\s+tháng\s+)(\d{1,2})\s*(?:/|-|\s+năm\s+)(\d{4})", re.IGNORECASE
)


def meeting_of(decision: Decision) -> ReviewMeeting | None:
    return ReviewMeeting.objects.filter(decision=decision).first()


def proposal_number(decision: Decision) -> str:
    """The submission's number as the draft cites it ("45/TTr-CAP"), or ""."""
    found = PROPOSAL_NUMBER.search(decision.proposal_ref or "")
    return found.group(1).rstrip(".") if found else ""


def proposal_date(decision: Decision) -> dt.date | None:
    """The submission's date as the draft cites it ("ngày 10/11/2026", "ngày 10 tháng 11 năm 2026")."""
    found = PROPOSAL_DATE.search(decision.proposal_ref or "")
    if found is None:
        return None
    day, month, year = (int(part) for part in found.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def clean_results(raw: dict[Any, Any], node_ids: Iterable[int]) -> dict[str, dict[str, Any]]:
    """{node id: {"agreed": bool, "votes_for": int | None, "votes_against": int | None}} for units
    of the decision only; a unit without an opinion is left out (the minutes print "…")."""
    allowed = {str(pk) for pk in node_ids}
    results: dict[str, dict[str, Any]] = {}
    for key, value in raw.items():
        if str(key) not in allowed:
            raise DomainError(_("Kết quả xét ghi cho một đơn vị không có trong quyết định."))
        agreed = value.get("agreed")
        if agreed is None:
            continue
        votes = {name: value.get(name) for name in ("votes_for", "votes_against")}
        for count in votes.values():
            if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
                raise DomainError(_("Số phiếu phải là số nguyên không âm."))
        results[str(key)] = {"agreed": bool(agreed), **votes}
    return results


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _snapshot(meeting: ReviewMeeting) -> dict[str, Any]:
    return {name: _plain(getattr(meeting, name)) for name in (*FIELDS, "results")}


def meeting_save(
    *, by: User, scope: Scope, decision: Decision, data: dict[str, Any], expected_version: int | None
) -> ReviewMeeting:
    """Record (or correct) the meeting of a draft decision; audited (old → new), optimistic locking.
    `data` holds FIELDS and "results" (see `clean_results`)."""
    if not scope.allows(Action.DECISION_DRAFT, decision.issuer):
        raise PermissionDenied(_("Bạn không có quyền ghi cuộc họp xét của quyết định này."))
    if decision.status != DecisionStatus.DRAFT:
        raise DomainError(_("Chỉ ghi cuộc họp xét khi quyết định còn là dự thảo."))
    values = {name: data[name] for name in FIELDS if name in data}
    if "results" in data:
        node_ids = decision.items.values_list("node_id", flat=True)
        values["results"] = clean_results(data["results"] or {}, node_ids)
    with transaction.atomic():
        meeting = ReviewMeeting.objects.select_for_update().filter(decision=decision).first()
        if meeting is None:
            meeting = ReviewMeeting.objects.create(decision=decision, recorded_by=by, **values)
            action, changes = AuditAction.CREATE, diff({}, _snapshot(meeting))
        else:
            if expected_version is not None and meeting.version != expected_version:
                raise ConcurrentEditError(
                    _("Người khác vừa sửa cuộc họp này; hãy tải lại trang để xem bản mới.")
                )
            before = _snapshot(meeting)
            for name, value in values.items():
                setattr(meeting, name, value)
            changes = diff(before, _snapshot(meeting))
            if not changes:
                return meeting
            meeting.recorded_by = by
            meeting.version += 1
            meeting.save(update_fields=[*values, "recorded_by", "version", "updated_at"])
            action = AuditAction.UPDATE
        record(actor=by, action=action, obj=meeting, node_path=decision.issuer.path, changes=changes)
    return meeting
