"""The two documents of the review meeting: the submission (tờ trình) by which the police of the
deciding level propose the units, and the minutes (biên bản) of the meeting. Wording from the
province's templates (`review_submission`, `review_minutes`); the heading is the police of the
issuer under its governing body, as the decisions print the committee under its own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from antq.cycles.models import Registration
from antq.dashboards.figures import REGISTERED
from antq.decisions import builders, texts
from antq.decisions.meeting import meeting_of, proposal_date, proposal_number
from antq.decisions.models import Decision, DecisionItem, ReviewMeeting
from antq.doctemplates.choices import TemplateKind
from antq.doctemplates.services import wording
from antq.documents import DocumentSection, OfficialDocument, vietnamese_date
from antq.documents.official import MINUTES, SUBMISSION, Annex
from antq.org.choices import NodeKind
from antq.org.models import OrgNode, subtree_q

BLANK = "…"


def _time(value: dt.time | None) -> str:
    return f"{value.hour:02d} giờ {value.minute:02d} phút" if value else BLANK


def _criteria(item: DecisionItem) -> str:
    """ "5/5": the TT 124 criteria the unit met, from its assessment's last result."""
    criteria = ((item.assessment.result or {}).get("tt124") or {}).get("criteria") or []
    if not criteria:
        return ""
    passed = sum(1 for criterion in criteria if criterion.get("status") == "passed")
    return f"{passed}/{len(criteria)}"


def _scores(item: DecisionItem) -> tuple[str, str]:
    """(self, superior) totals as the unit's assessment stores them (what the item copied when the
    draft was made only when the assessment holds none); "—" for a unit whose kind has no QĐ 510
    sheet (no scores anywhere)."""
    assessment = item.assessment
    totals = ((assessment.result or {}).get("qd510") or {}).get("totals") or {}
    own = next((v for v in (totals.get("self"), item.self_total) if v is not None), None)
    superior = next(
        (v for v in (assessment.superior_total, totals.get("superior"), item.total) if v is not None), None
    )
    return (
        builders.points(Decimal(str(own))) if own is not None else "—",
        builders.points(Decimal(str(superior))) if superior is not None else "—",
    )


def submission_code(decision: Decision, meeting: ReviewMeeting | None) -> str:
    """The number typed on the meeting form, a bare "45" or a full "45/TTr-CAP" (kept as is), or
    the one the draft's proposal cites."""
    typed = (meeting.submission_number if meeting else "").strip()
    return typed or proposal_number(decision)


def submission_day(decision: Decision, meeting: ReviewMeeting | None) -> dt.date:
    """The date the decision cites: the form's, the one in the draft's proposal, the meeting's, today."""
    if meeting is not None and meeting.submission_date:
        return meeting.submission_date
    cited = proposal_date(decision)
    if cited is not None:
        return cited
    return meeting.held_on if meeting else timezone.localdate()


def _items(decision: Decision) -> list[DecisionItem]:
    return list(decision.items.select_related("node", "assessment").order_by("position", "id"))


def registered_count(decision: Decision, kinds: set[str]) -> int:
    """Units of the decision's kinds under the issuer that registered for the cycle, counted as the
    dashboards count them: registration sent or accepted, unit active and not excluded (TT 124);
    the issuer's own registration is not one of them."""
    return (
        Registration.objects.filter(
            subtree_q(decision.issuer.path, field="node__path"),
            cycle=decision.cycle,
            status__in=REGISTERED,
            node__is_active=True,
            node__exclusion_code="",
            node__kind__in=kinds,
        )
        .exclude(node=decision.issuer)
        .values("node")
        .distinct()
        .count()
    )


def governing_body(issuer: OrgNode) -> str:
    """The line above "CÔNG AN …": the Ministry for a province's police, the province's police for a
    commune's (NĐ 30: the governing body of the issuing body)."""
    if issuer.kind == NodeKind.PROVINCE or issuer.parent is None:
        return "BỘ CÔNG AN"
    return f"CÔNG AN {issuer.parent.name.strip().upper()}"


def _recorded(meeting: ReviewMeeting | None, item: DecisionItem) -> dict[str, Any] | None:
    return (meeting.results or {}).get(str(item.node_id)) if meeting else None


def context(decision: Decision, items: list[DecisionItem], meeting: ReviewMeeting | None) -> dict[str, Any]:
    issuer = decision.issuer
    parent = issuer.parent if issuer.kind != NodeKind.PROVINCE else None
    kinds = {item.node.kind for item in items}
    what = texts.kind_words(kinds)
    recorded = [found for item in items if (found := _recorded(meeting, item)) is not None]
    return {
        "year": decision.cycle.year,
        "what": what,
        "WHAT": what.upper(),
        "count": len(items),
        "agreed": sum(1 for found in recorded if found["agreed"]) if recorded else BLANK,
        "registered": registered_count(decision, kinds),
        "issuer": texts.lower_name(issuer),
        "ISSUER": issuer.name.upper(),
        "parent": texts.lower_name(parent) if parent is not None else "",
        "PARENT": parent.name.upper() if parent is not None else "",
        "BODY": governing_body(issuer),
        "meeting_date": vietnamese_date(meeting.held_on) if meeting else BLANK,
        "start": _time(meeting.start_time if meeting else None),
        "end": _time(meeting.end_time if meeting else None),
        "venue": (meeting.venue if meeting else "") or BLANK,
        "chair": (meeting.chair if meeting else "") or BLANK,
        "secretary": (meeting.secretary if meeting else "") or BLANK,
    }


def _frame(decision: Decision, fields: dict[str, Any], day: dt.date) -> dict[str, Any]:
    return {
        "issuer": fields["issuer"],
        "issuer_parent": fields["issuer_parent"],
        "symbol": fields["symbol"],
        "place": decision.place or texts.place_name(decision.issuer),
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
            *_scores(item),
            _criteria(item),
        )
        for index, item in enumerate(items, start=1)
    ]
    return OfficialDocument(
        **_frame(decision, fields, submission_day(decision, meeting)),
        number=submission_code(decision, meeting),
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
        signer_name=meeting.signer_name if meeting else "",
        annex=Annex(
            title=fields["annex_title"],
            columns=fields["columns"],
            rows=rows,
            widths=(8, 38, 14, 12, 14, 14),
            issued_by=f"Công an {values['issuer']}",
        ),
    )


def opinion(found: dict[str, Any] | None, fields: dict[str, Any]) -> str:
    """ "Thống nhất đề nghị công nhận (7 phiếu tán thành, 1 phiếu không tán thành)"; "…" when the
    meeting's opinion on the unit was not recorded."""
    if found is None:
        return BLANK
    word = str(fields["agreed_word"] if found["agreed"] else fields["not_agreed_word"])
    votes = []
    if found.get("votes_for") is not None:
        votes.append(f"{found['votes_for']} {fields['votes_for_word']}")
    if found.get("votes_against") is not None:
        votes.append(f"{found['votes_against']} {fields['votes_against_word']}")
    return f"{word} ({', '.join(votes)})" if votes else word


def minutes_document(decision: Decision) -> OfficialDocument:
    """The biên bản: time and place, attendance, content, the result per unit as recorded, the
    conclusion."""
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
            _scores(item)[1],
            opinion(_recorded(meeting, item), fields),
        )
        for index, item in enumerate(items, start=1)
    ]
    content = (meeting.content if meeting else "").strip() or fields["content_default"]
    conclusion = (meeting.conclusion if meeting else "").strip() or fields["conclusion_default"]
    return OfficialDocument(
        **_frame(decision, fields, meeting.held_on if meeting else timezone.localdate()),
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
        table=Annex(title="", columns=fields["columns"], rows=rows, widths=(8, 36, 14, 12, 12, 18)),
        after_table=[DocumentSection(heading=fields["conclusion_heading"], paragraphs=[conclusion])],
        closing=[fields["closing"]],
        second_signer_title=fields["second_signer_title"],
        second_signer_name=meeting.secretary if meeting else "",
        signer_name=meeting.chair if meeting else "",
    )
