"""From a decision to the plain data the NĐ 30/2020 renderer lays out (`antq.documents.official`):
the Quyết định with its annex of units, and one Giấy công nhận per recognized unit.

Builders read only the decision, its items and the tree; they never render and never write.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from antq.decisions import texts
from antq.decisions.choices import DecisionKind
from antq.decisions.models import Decision, DecisionItem
from antq.decisions.selectors import DEFAULT_LEVELS
from antq.documents.official import Annex, Certificate, OfficialDocument
from antq.org.choices import NodeKind
from antq.org.models import OrgNode

RECOGNITION_COLUMNS = ("STT", "Tên đơn vị", "Loại", "Địa chỉ")
RECOGNITION_WIDTHS = (6, 44, 16, 34)
CLASSIFICATION_COLUMNS = ("STT", "Tên đơn vị", "Loại", "Điểm tự chấm", "Điểm cấp trên chấm", "Xếp loại")
CLASSIFICATION_WIDTHS = (6, 42, 14, 12, 12, 14)


def decision_items(decision: Decision) -> list[DecisionItem]:
    """The annex rows in order, with what the builders read (one query)."""
    return list(decision.items.select_related("node").order_by("position", "id"))


def points(value: Decimal | None) -> str:
    """Scores the Vietnamese way: "85", "85,5" (decimal comma), "" when there is none."""
    if value is None:
        return ""
    number = Decimal(value).normalize()
    text = f"{number:f}"
    return text.replace(".", ",")


def kind_label(node: OrgNode) -> str:
    if node.kind == NodeKind.COMMUNE:
        return node.division or str(NodeKind.COMMUNE.label)
    return str(NodeKind(node.kind).label)


def _what(items: list[DecisionItem]) -> str:
    return texts.kind_words({item.node.kind for item in items})


def level_summary(items: list[DecisionItem]) -> str:
    """ "2 Xuất sắc, 5 Khá, 1 Trung bình": the levels from the highest."""
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    for item in items:
        counts[item.level] = counts.get(item.level, 0) + 1
        labels[item.level] = item.level_label or item.level
    rank = {code: index for index, code in enumerate(DEFAULT_LEVELS)}
    ordered = sorted(counts, key=lambda code: (rank.get(code, len(rank)), code))
    return ", ".join(f"{counts[code]} {labels[code]}" for code in ordered)


def _date(decision: Decision) -> dt.date:
    # A draft has no date yet: it is printed with today's, and no number.
    return decision.issued_on or timezone.localdate()


def _authority(issuer: OrgNode) -> str:
    return f"CHỦ TỊCH {texts.committee_name(issuer)}"


def _issuer_parent(issuer: OrgNode) -> str:
    if issuer.kind == NodeKind.PROVINCE or issuer.parent is None:
        return ""
    return texts.committee_name(issuer.parent)


def wording(decision: Decision, items: list[DecisionItem]) -> dict[str, Any]:
    """What the decision says: the wording pinned when it was issued, or (a draft) the decision
    template in force for the issuer's province, filled in for these units."""
    if decision.wording and not decision.is_draft:
        return dict(decision.wording)
    return live_wording(decision, items)


def live_wording(decision: Decision, items: list[DecisionItem]) -> dict[str, Any]:
    """The decision template in force today, filled in for these units (pinned at issue)."""
    what = _what(items)
    context: dict[str, Any] = {
        "year": decision.cycle.year,
        "what": what,
        "WHAT": what.upper(),
        "count": len(items),
        "levels": level_summary(items) if decision.kind == DecisionKind.CLASSIFICATION else "",
        "proposal_by": decision.proposal_by,
        "proposal_ref": decision.proposal_ref,
    }
    fields = texts.decision_wording(decision.kind, decision.issuer, **context)
    if not decision.proposal_by:
        # Article 3 names the proposing body even when the draft leaves it blank.
        context["proposal_by"] = fields["proposal_by"][texts.level_key(decision.issuer)]
        fields = texts.decision_wording(decision.kind, decision.issuer, **context)
    return fields


def _bases(decision: Decision, fields: dict[str, Any]) -> list[str]:
    lines = decision.base_lines()
    if decision.proposal_by:
        lines.append(fields["proposal_with_ref"] if decision.proposal_ref else fields["proposal"])
    return lines


def _articles(decision: Decision, fields: dict[str, Any]) -> list[str]:
    return [fields["article_1"], fields["article_2"], fields["article_3"][texts.level_key(decision.issuer)]]


def subject(decision: Decision, items: list[DecisionItem]) -> str:
    return str(wording(decision, items)["subject"])


def annex(decision: Decision, items: list[DecisionItem], fields: dict[str, Any] | None = None) -> Annex:
    """The list of units: name, kind, address (recognition) or the two scores and the level."""
    fields = wording(decision, items) if fields is None else fields
    rows: list[tuple[str, ...]]
    columns: tuple[str, ...]
    widths: tuple[int, ...]
    if decision.kind == DecisionKind.CLASSIFICATION:
        rows = [
            (
                str(index),
                item.node.name,
                kind_label(item.node),
                points(item.self_total),
                points(item.total),
                item.level_label or item.level,
            )
            for index, item in enumerate(items, start=1)
        ]
        columns, widths = CLASSIFICATION_COLUMNS, CLASSIFICATION_WIDTHS
    else:
        rows = [
            (str(index), item.node.name, kind_label(item.node), item.node.address)
            for index, item in enumerate(items, start=1)
        ]
        columns, widths = RECOGNITION_COLUMNS, RECOGNITION_WIDTHS
    return Annex(
        title=fields["annex_title"],
        columns=columns,
        rows=rows,
        widths=widths,
        issued_by=f"Chủ tịch Ủy ban nhân dân {texts.lower_name(decision.issuer)}",
    )


def official_document(decision: Decision, items: list[DecisionItem] | None = None) -> OfficialDocument:
    """The Quyết định in NĐ 30 form, with its annex of units."""
    items = decision_items(decision) if items is None else items
    issuer = decision.issuer
    fields = wording(decision, items)
    return OfficialDocument(
        issuer=texts.committee_name(issuer),
        issuer_parent=_issuer_parent(issuer),
        number=decision.number,
        symbol=decision.symbol,
        place=decision.place or texts.place_name(issuer),
        date=_date(decision),
        subject=fields["subject"],
        authority=_authority(issuer),
        bases=_bases(decision, fields),
        articles=_articles(decision, fields),
        recipients=decision.recipient_lines(),
        signer_prefix=decision.signer_prefix,
        signer_title=decision.signer_title,
        signer_name=decision.signer_name,
        annex=annex(decision, items, fields),
    )


def certificate(
    decision: Decision, item: DecisionItem, reference: str | None = None, body: str | None = None
) -> Certificate:
    """One Giấy công nhận: the unit, the standard and year, the decision it rests on."""
    issuer = decision.issuer
    if reference is None:
        reference = official_document(decision, [item]).reference
    if body is None:
        body = str(wording(decision, [item])["certificate_body"])
    return Certificate(
        issuer=texts.committee_name(issuer),
        issuer_parent=_issuer_parent(issuer),
        authority=_authority(issuer),
        unit_name=item.node.name,
        year=decision.cycle.year,
        place=decision.place or texts.place_name(issuer),
        date=_date(decision),
        signer_prefix=decision.signer_prefix,
        signer_title=decision.signer_title,
        signer_name=decision.signer_name,
        body=(body,),
        decision_ref=reference,
    )


def certificates(decision: Decision, items: list[DecisionItem] | None = None) -> list[Certificate]:
    """One certificate per unit of a recognition decision."""
    items = decision_items(decision) if items is None else items
    reference = official_document(decision, items[:1]).reference
    body = str(wording(decision, items)["certificate_body"])
    return [certificate(decision, item, reference, body) for item in items]
