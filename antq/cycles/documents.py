"""The unit's documents of one year, as DOCX and PDF in the NĐ 30/2020 layout: its report on meeting
the TT 124 criteria (like the reports units send with their file) and the QĐ 510 score sheet with
the self and the superior columns.

Built from the assessment as the read-only sheet shows it (`AssessmentSheet` in READ mode), with the
wording of the province's template (`antq.doctemplates`). The view is `cycles.document_views`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from antq.core.text import fold
from antq.cycles import facts
from antq.cycles.choices import AssessmentStatus
from antq.cycles.models import Assessment, Registration
from antq.cycles.sheet import READ, AssessmentSheet, DocOption
from antq.decisions.texts import lower_name, place_name
from antq.doctemplates.choices import TemplateKind
from antq.doctemplates.services import wording
from antq.documents import DocumentSection, OfficialDocument, SectionItem
from antq.documents.official import Annex
from antq.evidence.models import DocType, EvidenceDocument
from antq.org.choices import NodeKind
from antq.org.models import OrgNode

DOCS = {"report": TemplateKind.UNIT_CRITERIA_REPORT, "score-sheet": TemplateKind.SCORE_SHEET}
# How the unit's kind reads inside a sentence ("xây dựng cơ quan đạt tiêu chuẩn …").
KIND_WORDS = {
    NodeKind.RESIDENTIAL_AREA: "khu dân cư",
    NodeKind.AGENCY: "cơ quan",
    NodeKind.ENTERPRISE: "doanh nghiệp",
    NodeKind.SCHOOL: "cơ sở giáo dục",
}
SCORE_WIDTHS = (8, 38, 10, 10, 10, 24)


def points(value: Any) -> str:
    """Points the Vietnamese way: "8", "7,5"; "" when there are none."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).normalize()
    return f"{number:f}".replace(".", ",")


def item_number(item_id: str) -> str:
    """ "QD510.CQ.4.c" → "4.c": the item's number on the printed sheet."""
    parts = item_id.split(".")
    return ".".join(parts[2:]) if len(parts) > 2 else item_id


def kind_word(node: OrgNode) -> str:
    if node.kind == NodeKind.COMMUNE:
        return (node.division or "xã").lower()
    return KIND_WORDS.get(NodeKind(node.kind), "đơn vị")


def context(assessment: Assessment, registration: Registration | None) -> dict[str, Any]:
    """The placeholders both documents share: the unit, its commune (or province), the year."""
    node = assessment.node
    parent = node.parent
    above = lower_name(parent) if parent is not None else ""
    return {
        "unit": node.name,
        "UNIT": node.name.upper(),
        "unit_kind": kind_word(node),
        "year": assessment.cycle.year,
        "commune": above,
        "COMMUNE": above.upper(),
        "superior": f"Công an {above}" if above else "",
        "registered_on": registration.registered_on.strftime("%d/%m/%Y") if registration else "",
    }


def cite(document: DocOption, by_id: dict[int, EvidenceDocument]) -> str:
    """ "Quyết định số 295/QĐ-SKHĐT ngày 08/8/2022 của Sở X: Về việc …"."""
    record = by_id.get(document.id)
    if record is None:
        return document.label
    kind = str(DocType(record.doc_type).label) if record.doc_type in DocType.values else ""
    words = [kind]
    if record.number_symbol:
        words.append(f"số {record.number_symbol}")
    day = record.issue_date
    words.append(f"ngày {day.day:02d}/{day.month:02d}/{day.year}")
    if record.issuer:
        words.append(f"của {record.issuer}")
    return f"- {' '.join(word for word in words if word)}: {record.title}"


# The engine's sentences cite where a fact is stored ("answers.TT124.1.a", "incidents[0]"): for
# the officer on screen, not for a printed report.
INTERNAL = (
    re.compile(r"\s*—\s*theo\s+answers\.[\w.:\-]*\w"),
    re.compile(r"\s*\((?:answers|incidents)[^)]*\)"),
    re.compile(r"incidents\[\d+\],?\s*"),
)
INCIDENT_WORDS = {"counted": "tính vào kết quả", "excused": "không tính vì có lý do chính đáng"}


def plain(sentence: str) -> str:
    for pattern in INTERNAL:
        sentence = pattern.sub("", sentence)
    return sentence.strip()


def _day(value: Any) -> str:
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return ""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def record_lines(result: dict[str, Any] | None, incidents: list[dict[str, Any]]) -> list[str]:
    """What the assessment shows for one criterion, as sentences: each check with its answer, each
    incident of the year with its date."""
    lines = []
    for check in (result or {}).get("checks") or []:
        if check.get("status") == "not_applicable":
            continue
        text = plain(str(check.get("reason") or ""))
        if not text and check.get("label_vi"):
            text = f"{check['label_vi']}: {STATUS_WORDS.get(check.get('status'), 'chưa có câu trả lời')}."
        if text:
            lines.append(f"- {text}")
    for incident in incidents:
        status = INCIDENT_WORDS.get(str(incident.get("status")))
        if status is None:
            continue
        day = _day(incident.get("date"))
        when = f"Ngày {day}: " if day else ""
        lines.append(f"- {when}{incident.get('label_vi') or 'sự việc'} ({status}).")
    return lines


STATUS_WORDS = {"passed": "đạt", "failed": "chưa đạt", "missing": "chưa có câu trả lời"}


def _cited(label: str, document: EvidenceDocument | None) -> str:
    if document is None:
        return ""
    number = f" số {document.number_symbol}" if document.number_symbol else ""
    return f"{label}{number} ngày {_day(document.issue_date)}: {document.title}"


def registration_lines(registration: Registration | None) -> list[str]:
    """The registration's resolution, plan and commitments, as the first criterion's record."""
    if registration is None:
        return []
    lines = [
        f"- Đơn vị đã ban hành {text}."
        for text in (
            _cited("Nghị quyết", registration.resolution),
            _cited("Kế hoạch", registration.plan),
        )
        if text
    ]
    if registration.commitment_total:
        lines.append(
            f"- Đã có {registration.commitment_count}/{registration.commitment_total} hộ, bộ phận ký cam kết."
        )
    return lines


def _frame(assessment: Assessment, fields: dict[str, Any]) -> dict[str, Any]:
    """What every document of the unit shares: heading, date, signer, recipients."""
    node = assessment.node
    return {
        "issuer": fields["issuer"],
        "issuer_parent": fields["issuer_parent"],
        "number": "",
        "symbol": fields["symbol"],
        "place": place_name(node.parent) if node.parent is not None else "",
        "date": document_date(assessment),
        "kind": fields["document_kind"],
        "subject": fields["subject"],
        "recipients": fields["recipients"],
        "signer_prefix": fields["signer_prefix"],
        "signer_title": fields["signer_title"],
        "signer_name": node.contact_name,
    }


def report_document(
    sheet: AssessmentSheet, registration: Registration | None, records: list[EvidenceDocument]
) -> OfficialDocument:
    """ "1. Tiêu chí 1: …" per criterion with the unit's notes and evidence, then the conclusion."""
    assessment = sheet.assessment
    by_id = {record.pk: record for record in records}
    passed = sum(1 for s in sheet.sections if (s.result or {}).get("status") == "passed")
    total = len(sheet.sections)
    values = {**context(assessment, registration), "passed": f"{passed:02d}", "total": f"{total:02d}"}
    fields = wording(TemplateKind.UNIT_CRITERIA_REPORT, assessment.node, values)
    items = []
    for index, section in enumerate(sheet.sections, start=1):
        known = [section.note_raw.strip()] if section.note_raw.strip() else []
        known += record_lines(section.result, section.incidents)
        if index == 1:
            known += registration_lines(registration)
        lines = known or [fields["no_notes"]]
        chosen = section.chosen_documents
        if chosen:
            lines.append(fields["evidence"])
            lines.extend(cite(document, by_id) for document in chosen)
        status = (section.result or {}).get("status")
        if status == "passed":
            lines.append(fields["passed_word"])
        elif status == "failed":
            lines.append(fields["failed_word"])
        items.append(
            SectionItem(
                label=f"{index}.", title=f"{fields['criterion']} {index}: {section.text}", lines=lines
            )
        )
    opening = fields["registered"] if registration is not None else fields["not_registered"]
    all_met = total > 0 and passed == total
    return OfficialDocument(
        **_frame(assessment, fields),
        lead_in=f"{fields['lead_in']}\n{opening}",
        sections=[DocumentSection(heading="", items=items)],
        closing=[
            fields["conclusion"],
            fields["proposal"] if all_met else fields["proposal_not_met"],
            fields["closing"],
        ],
    )


def score_sheet_document(sheet: AssessmentSheet, registration: Registration | None) -> OfficialDocument:
    """The QĐ 510 sheet: one row per item and sub-item, both columns, the reasons for deductions."""
    assessment = sheet.assessment
    qd510 = sheet.result.get("qd510") or {}
    totals = qd510.get("totals") or {}
    classification = qd510.get("classification") or {}
    values = {
        **context(assessment, registration),
        "self_total": points(totals.get("self")) or "—",
        "total": points(totals.get("superior")) or "—",
        "max_total": points(totals.get("max")),
        "level": classification.get("label_vi") or "",
    }
    fields = wording(TemplateKind.SCORE_SHEET, assessment.node, values)
    if not qd510:
        # Residential areas and communes have no verified QĐ 510 sheet until one is created or
        # imported (domain README): say so rather than print an empty table with "—/ điểm".
        return OfficialDocument(
            **_frame(assessment, fields), lead_in=fields["lead_in"], closing=[fields["no_sheet"]]
        )
    rows = []
    for row in sheet.rows:
        label = f"- {row.label}" if row.level else row.label
        reason = row.reason_raw if row.is_leaf else ""
        rows.append(
            (
                item_number(row.id),
                label,
                str(row.max_points),
                points(row.self_value),
                points(row.superior_value),
                reason,
            )
        )
    rows.append(
        (
            "",
            fields["total_row"],
            points(totals.get("max")),
            points(totals.get("self")),
            points(totals.get("superior")),
            "",
        )
    )
    closing = [fields["totals"]]
    if totals.get("superior") is None:
        closing.append(fields["not_reviewed"])
    if classification:
        closing.append(fields["classification"])
        if classification.get("provisional") or not qd510.get("verified", True):
            closing.append(fields["provisional"])
    return OfficialDocument(
        **_frame(assessment, fields),
        lead_in=fields["lead_in"],
        table=Annex(title="", columns=fields["columns"], rows=rows, widths=SCORE_WIDTHS),
        closing=closing,
    )


def filename(assessment: Assessment, doc: str, fmt: str) -> str:
    stem = "bao-cao-tieu-chi" if doc == "report" else "bang-cham-diem"
    return f"{slugify(fold(f'{stem}-{assessment.node.name}-{assessment.cycle.year}'))}.{fmt}"


def frozen(assessment: Assessment) -> bool:
    """Sent to the superior (or approved): the documents print what was sent and judged."""
    return not assessment.self_editable


def document_date(assessment: Assessment) -> dt.date:
    """Approved: the approval's day; sent: the submission's; a draft is printed today."""
    moment = assessment.approved_at if assessment.status == AssessmentStatus.APPROVED else None
    moment = moment or (assessment.submitted_at if frozen(assessment) else None)
    return timezone.localdate(moment) if moment is not None else timezone.localdate()


def sheet_of(
    assessment: Assessment, registration: Registration | None, records: list[EvidenceDocument]
) -> AssessmentSheet:
    """The read-only sheet the documents are built from: a draft evaluated on today's records; a
    sent or approved assessment with the result stored when it was sent, reviewed or approved (and
    the suggestions frozen at submission), so a later incident changes nothing on paper."""
    if frozen(assessment):
        result = assessment.result or {}
    else:
        result = facts.evaluate(assessment, registration).result or assessment.result or {}
    return AssessmentSheet(
        assessment=assessment, registration=registration, documents=records, result=result, mode=READ
    )


def build(
    assessment: Assessment, doc: str, registration: Registration | None, records: list[EvidenceDocument]
) -> OfficialDocument:
    """`doc` ("report" or "score-sheet") of the assessment."""
    sheet = sheet_of(assessment, registration, records)
    if doc == "report":
        return report_document(sheet, registration, records)
    return score_sheet_document(sheet, registration)
