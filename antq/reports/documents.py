"""A periodic report as an official document (NĐ 30/2020): heading, "BÁO CÁO", the subject, a
lead-in naming the period, one headed section per narrative part, recipients and signature, and the
statistics as an annex table (with the reporting count of the children for a summing level).

Every fixed word (issuer lines, symbol, lead-in, closing sentence, recipients, signer) comes from
the "periodic_report" template in force for the report's province (`doctemplates.services.wording`),
from the group of the report's level: the top-level fields for a commune, `unit`, `province`,
`nation` for the others; the national report takes the default file's `nation`.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from antq.core.numbers import count_text
from antq.doctemplates.services import wording as template_wording
from antq.documents import Annex, DocumentSection, OfficialDocument
from antq.documents.dates import vietnamese_date
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from antq.plans.services import place_of
from antq.reports.choices import ReportLevel
from antq.reports.models import Report

REPORT = "BÁO CÁO"
WORDING_KIND = "periodic_report"
# The levels whose wording sits in a group of the template (a commune's is at the top).
LEVEL_GROUPS = (ReportLevel.UNIT, ReportLevel.PROVINCE, ReportLevel.NATION)
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
ANNEX_TITLE = "SỐ LIỆU KẾT QUẢ THỰC HIỆN PHONG TRÀO"
ANNEX_COLUMNS = ("TT", "Chỉ số", "Số liệu")
# The kind line already reads "BÁO CÁO": the subject must not say it again.
LEADING_REPORT = re.compile(r"^\s*báo\s+cáo\s*[:,\-–]?\s*", re.IGNORECASE)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _province_of(node: OrgNode) -> OrgNode | None:
    current: OrgNode | None = node
    while current is not None and current.kind != NodeKind.PROVINCE:
        current = current.parent
    return current


def subject_of(title: str, year: int) -> str:
    """The trích yếu: "Sơ kết 6 tháng phong trào … năm 2026" from "Báo cáo sơ kết 6 tháng …"."""
    text = _upper_first(LEADING_REPORT.sub("", title.strip(), count=1)) or title.strip()
    return text if str(year) in text else f"{text} năm {year}"


def _period(report: Report) -> str:
    start, end = report.definition.period(report.year)
    return f"từ {vietnamese_date(start)} đến {vietnamese_date(end)}"


def figures_as_of(report: Report) -> str:
    """What the figures count: the records of the year up to the day they were taken, not those
    of the period alone (the data carry no per-period figures)."""
    taken = timezone.localtime(report.computed_at).date() if report.computed_at else timezone.localdate()
    return (
        f"Số liệu tính đến ngày {taken:%d/%m/%Y} (cộng dồn từ đầu năm {report.year} "
        "đến thời điểm lập báo cáo)"
    )


def wording(report: Report) -> dict[str, Any]:
    """The document's fixed words, from the template of the report's province and level."""
    node = report.node
    level = report.level or ReportLevel.NATION
    province = _province_of(node)
    parent = node.parent if node.parent is not None and node.parent.kind != NodeKind.NATION else None
    context = {
        "title": subject_of(report.definition.title, report.year),
        "period": _period(report),
        "year": report.year,
        "node": _lower_first(node.name),
        "name": node.name,
        "NODE": node.name.upper(),
        "parent": _lower_first(parent.name) if parent is not None else "",
        "PARENT": province.name.upper() if province is not None else "",
    }
    found = template_wording(WORDING_KIND, province, context)
    words = {key: value for key, value in found.items() if key not in LEVEL_GROUPS}
    if level in LEVEL_GROUPS:
        words.update(found.get(str(level)) or {})
    if not words.get("issuer"):
        words["issuer"] = node.name.upper()
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
    table = report.statistic_rows()
    subtitle = f"Kỳ báo cáo {report.period_text} · {figures_as_of(report)}"
    if report.children_expected is not None:
        subtitle += (
            f" · tổng hợp báo cáo của {count_text(report.children_reported or 0)}/"
            f"{count_text(report.children_expected)} cấp dưới"
        )
    annex = Annex(
        title=ANNEX_TITLE,
        subtitle=subtitle,
        columns=ANNEX_COLUMNS,
        rows=[
            (str(i), row.label, f"{row.text} ({row.note})" if row.note else row.text)
            for i, row in enumerate(table, 1)
        ],
        issued_by=str(words.get("speaker") or report.node.name),
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
