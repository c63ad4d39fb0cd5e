"""A plan as an official document (NĐ 30/2020), in the structure of the seed plans:
I. Mục đích, yêu cầu; II. Chỉ tiêu; III. Nội dung, biện pháp; IV. Tổ chức thực hiện; nơi nhận and
signature; the task table as an annex. The document's words are fixed Vietnamese (not gettext):
the document is Vietnamese whatever the UI language."""

from __future__ import annotations

from django.utils import timezone

from antq.documents import Annex, DocumentSection, OfficialDocument, SectionItem
from antq.documents.official import PLAN
from antq.plans.choices import UnitType
from antq.plans.models import Plan, PlanTarget, PlanTask

PURPOSE = "I. MỤC ĐÍCH, YÊU CẦU"
TARGETS = "II. CHỈ TIÊU"
TASKS = "III. NỘI DUNG, BIỆN PHÁP"
ORGANISATION = "IV. TỔ CHỨC THỰC HIỆN"
ANNEX_TITLE = "BẢNG PHÂN CÔNG NHIỆM VỤ"
ANNEX_COLUMNS = (
    "TT",
    "Nội dung nhiệm vụ",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời hạn",
    "Kiểm tra, đánh giá",
)
STANDING = "Thường xuyên"


def _deadline(task: PlanTask) -> str:
    return f"{task.deadline:%d/%m/%Y}" if task.deadline else STANDING


def _target_text(target: PlanTarget) -> str:
    text = f"{target.label}: {target.display_value}"
    if target.unit_types:
        labels = {code: str(label) for code, label in UnitType.choices}
        kinds = ", ".join(labels.get(code, code).lower() for code in target.unit_types)
        text += f" (áp dụng: {kinds})"
    return text + "."


def _task_item(index: int, task: PlanTask) -> SectionItem:
    lines = []
    if task.measures.strip():
        lines.append(f"- Biện pháp: {task.measures.strip()}")
    lead = f"- Đơn vị chủ trì: {task.lead_unit}"
    if task.coordinating_units.strip():
        lead += f"; đơn vị phối hợp: {task.coordinating_units.strip()}"
    lines.append(lead + ".")
    lines.append(f"- Thời hạn: {_deadline(task)}.")
    if task.check_method.strip():
        lines.append(f"- Kiểm tra, đánh giá: {task.check_method.strip()}")
    return SectionItem(label=f"{index}.", title=task.content, lines=lines)


def plan_document(plan: Plan) -> OfficialDocument:
    """The official document of a plan (a draft prints without a number, dated today)."""
    targets = list(plan.targets.order_by("order", "id"))
    tasks = list(plan.tasks.order_by("order", "id"))
    sections = [DocumentSection(heading=PURPOSE, paragraphs=[plan.purpose])]
    if targets:
        sections.append(
            DocumentSection(
                heading=TARGETS,
                items=[SectionItem(label=f"{i}.", lines=[_target_text(t)]) for i, t in enumerate(targets, 1)],
            )
        )
    sections.append(DocumentSection(heading=TASKS, items=[_task_item(i, t) for i, t in enumerate(tasks, 1)]))
    sections.append(DocumentSection(heading=ORGANISATION, paragraphs=[plan.organisation]))
    annex = None
    if tasks:
        annex = Annex(
            title=ANNEX_TITLE,
            subtitle=f"Năm {plan.year}",
            columns=ANNEX_COLUMNS,
            rows=[
                (
                    str(i),
                    t.content,
                    t.lead_unit,
                    t.coordinating_units or "-",
                    _deadline(t),
                    t.check_method or "-",
                )
                for i, t in enumerate(tasks, 1)
            ],
            issued_by=plan.issuer_name,
            widths=(5, 35, 17, 17, 11, 15),
        )
    return OfficialDocument(
        kind=PLAN,
        issuer_parent=plan.issuer_parent.upper(),
        issuer=plan.issuer_name.upper(),
        number=plan.number,
        symbol=plan.symbol,
        place=plan.place,
        date=plan.issued_on or timezone.localdate(),
        subject=plan.title,
        bases=plan.base_lines(),
        lead_in=f"{plan.issuer_name} ban hành Kế hoạch thực hiện như sau:",
        sections=sections,
        recipients=plan.recipient_lines(),
        signer_prefix=plan.signer_prefix,
        signer_title=plan.signer_title,
        signer_name=plan.signer_name,
        annex=annex,
    )
