"""A periodic report as an official document (NĐ 30/2020): heading, "BÁO CÁO", the subject, a
lead-in naming the period, one headed section per narrative part, recipients and signature, and the
statistics as an annex table (with the per-child breakdown's reporting count for a summing level).

The fixed wording (issuer line, lead-in, closing sentence, recipients, signer) comes from the
province's template for "periodic_report" (`doctemplates.services.wording`) when that app provides
one (for a commune's report); `_default_wording` is the text of the other levels and fills any
key the template leaves empty.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from antq.doctemplates.services import wording as template_wording
from antq.documents import Annex, DocumentSection, OfficialDocument
from antq.documents.dates import vietnamese_date
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from antq.plans.services import place_of
from antq.reports.models import Report
from antq.reports.statistics import rows

REPORT = "BÁO CÁO"
WORDING_KIND = "periodic_report"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
ANNEX_TITLE = "SỐ LIỆU KẾT QUẢ THỰC HIỆN PHONG TRÀO"
ANNEX_COLUMNS = ("TT", "Chỉ số", "Số liệu")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _province_of(node: OrgNode) -> OrgNode | None:
    current: OrgNode | None = node
    while current is not None and current.kind != NodeKind.PROVINCE:
        current = current.parent
    return current


def _issuer(node: OrgNode) -> tuple[str, str, str]:
    """(issuer, parent body, symbol): the police of an administrative level, the unit itself."""
    if node.kind == NodeKind.NATION:
        return "BỘ CÔNG AN", "", "BC-BCA"
    if node.kind == NodeKind.PROVINCE:
        return f"CÔNG AN {node.name.upper()}", "BỘ CÔNG AN", "BC-CAT"
    if node.kind == NodeKind.COMMUNE:
        province = _province_of(node)
        parent = f"CÔNG AN {province.name.upper()}" if province is not None else ""
        return f"CÔNG AN {node.name.upper()}", parent, "BC-CAX"
    return node.name.upper(), "", "BC"


def _superior(node: OrgNode) -> str:
    parent = node.parent
    if node.kind == NodeKind.PROVINCE:
        return "Bộ Công an (qua Cục V05)"
    if parent is None:
        return ""
    if parent.kind in (NodeKind.PROVINCE, NodeKind.COMMUNE):
        return f"Công an {_lower_first(parent.name)}"
    return parent.name


def _subject_name(node: OrgNode) -> str:
    """Who speaks in the text: "Công an phường Quy Nhơn", "Bộ Công an", or the unit's name."""
    if node.kind == NodeKind.NATION:
        return "Bộ Công an"
    if node.kind in (NodeKind.PROVINCE, NodeKind.COMMUNE):
        return f"Công an {_lower_first(node.name)}"
    return node.name


def _signer_title(node: OrgNode) -> str:
    if node.kind == NodeKind.PROVINCE:
        return "GIÁM ĐỐC"
    if node.kind == NodeKind.COMMUNE:
        return "TRƯỞNG CÔNG AN"
    if node.kind == NodeKind.NATION:
        return "CỤC TRƯỞNG CỤC V05"
    return "THỦ TRƯỞNG ĐƠN VỊ"


def _default_wording(report: Report) -> dict[str, Any]:
    node = report.node
    issuer, parent, symbol = _issuer(node)
    speaker = _subject_name(node)
    superior = _superior(node)
    recipients = [f"{superior} (để báo cáo)"] if superior else []
    return {
        "issuer": issuer,
        "issuer_parent": parent,
        "symbol": symbol,
        "subject": f"{report.definition.title} năm {report.year}",
        "lead_in": (
            f"{speaker} báo cáo kết quả thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc "
            f"{_period(report)} như sau:"
        ),
        "closing": f"Trên đây là báo cáo của {speaker}./.",
        "recipients": [*recipients, "Lưu: VT"],
        "signer_title": _signer_title(node),
    }


def _period(report: Report) -> str:
    start, end = report.definition.period(report.year)
    return f"từ {vietnamese_date(start)} đến {vietnamese_date(end)}"


def wording(report: Report) -> dict[str, Any]:
    """The document's fixed words. A commune's report takes the province's "periodic_report"
    template (written for the commune police: "Công an $node", "CÔNG AN $PARENT"); the other levels
    keep the built-in wording, which the template's shape cannot express (a unit is not a police
    body; a province reports to the Ministry)."""
    words = _default_wording(report)
    node = report.node
    if node.kind != NodeKind.COMMUNE:
        return words
    province = _province_of(node)
    context = {
        "title": words["subject"],
        "period": _period(report),
        "year": report.year,
        "node": _lower_first(node.name),
        "NODE": node.name.upper(),
        "parent": _lower_first(province.name) if province is not None else "",
        "PARENT": province.name.upper() if province is not None else "",
    }
    found = template_wording(WORDING_KIND, province, context)
    words.update({key: value for key, value in found.items() if value not in (None, "", [])})
    return words


def report_document(report: Report) -> OfficialDocument:
    """The official document of a report (a draft prints dated today, without a number)."""
    words = wording(report)
    parts = []
    for index, item in enumerate(report.narrative_items()):
        label = ROMAN[index] if index < len(ROMAN) else str(index + 1)
        text = str(item.get("text", "")).strip()
        paragraphs = [line.strip() for line in text.splitlines() if line.strip()] or ["…"]
        parts.append((f"{label}. {str(item.get('heading', '')).upper()}", paragraphs))
    if parts and words.get("closing"):
        parts[-1][1].append(str(words["closing"]))
    sections = [DocumentSection(heading=heading, paragraphs=paragraphs) for heading, paragraphs in parts]
    table = rows(report.statistics, report.definition.statistics)
    subtitle = f"Năm {report.year}"
    if report.children_expected is not None:
        subtitle += (
            f" · tổng hợp báo cáo của {report.children_reported or 0}/{report.children_expected} cấp dưới"
        )
    annex = Annex(
        title=ANNEX_TITLE,
        subtitle=subtitle,
        columns=ANNEX_COLUMNS,
        rows=[(str(i), row.label, row.text) for i, row in enumerate(table, 1)],
        issued_by=_subject_name(report.node),
        widths=(8, 62, 30),
    )
    sent = report.last_submitted_at
    signer = report.submitted_by
    return OfficialDocument(
        kind=str(words.get("document_kind") or REPORT),
        issuer_parent=str(words.get("issuer_parent", "")),
        issuer=str(words["issuer"]),
        number="",
        symbol=str(words.get("symbol", "BC")),
        place=place_of(report.node),
        date=timezone.localtime(sent).date() if sent else timezone.localdate(),
        subject=str(words["subject"]),
        lead_in=str(words.get("lead_in", "")),
        sections=sections,
        recipients=list(words.get("recipients") or []),
        signer_prefix=str(words.get("signer_prefix", "")),
        signer_title=str(words.get("signer_title", "")),
        signer_name=signer.get_full_name() if signer is not None else "",
        annex=annex,
    )
