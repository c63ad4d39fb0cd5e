"""Reads of the evidence register; they own select_related / prefetch and the date warnings."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.evidence.criteria import Catalogue, DateRule, catalogue_for
from antq.evidence.models import EvidenceDocument, EvidenceLink
from antq.org.models import OrgNode


def _with_links(qs: QuerySet[EvidenceDocument]) -> QuerySet[EvidenceDocument]:
    return qs.select_related("node", "uploaded_by").prefetch_related(
        Prefetch("links", queryset=EvidenceLink.objects.order_by("criterion_id"))
    )


def evidence_search(
    *,
    scope: Scope,
    node: OrgNode | None = None,
    year: int | None = None,
    criterion_id: str | None = None,
    doc_type: str = "",
    include_withdrawn: bool = False,
) -> QuerySet[EvidenceDocument]:
    """Documents the reader may see, filtered; two queries whatever their number (rows + links)."""
    qs = EvidenceDocument.objects.filter(scope.q(Action.VIEW, field="node__path"))
    if node is not None:
        qs = qs.filter(node=node)
    if year is not None:
        qs = qs.filter(year=year)
    if not include_withdrawn:
        qs = qs.filter(is_active=True)
    if criterion_id:
        # (document, criterion_id) is unique: the join cannot repeat a document.
        qs = qs.filter(links__criterion_id=criterion_id)
    if doc_type:
        qs = qs.filter(doc_type=doc_type)
    return _with_links(qs)


def evidence_list(
    *,
    scope: Scope,
    node: OrgNode,
    year: int,
    criterion_id: str | None = None,
    doc_type: str = "",
    include_withdrawn: bool = False,
) -> QuerySet[EvidenceDocument]:
    """A node's documents for a cycle year, by date; links prefetched (no query per row)."""
    return evidence_search(
        scope=scope,
        node=node,
        year=year,
        criterion_id=criterion_id,
        doc_type=doc_type,
        include_withdrawn=include_withdrawn,
    ).order_by("issue_date", "id")


def evidence_by_criterion(*, node: OrgNode, year: int) -> dict[str, list[EvidenceDocument]]:
    """Documents in force of `node` for `year`, by linked criterion id (a document shared by two
    criteria is the same object in both lists); one query. No scope: callers (the self-assessment
    form) have already reached `node` through their own access getter."""
    links = (
        EvidenceLink.objects.filter(document__node=node, document__year=year, document__is_active=True)
        .select_related("document")
        .order_by("document__issue_date", "document_id", "criterion_id")
    )
    documents: dict[int, EvidenceDocument] = {}
    grouped: dict[str, list[EvidenceDocument]] = {}
    for link in links:
        document = documents.setdefault(link.document_id, link.document)
        grouped.setdefault(link.criterion_id, []).append(document)
    return grouped


def evidence_of_type(*, node: OrgNode, year: int, doc_type: str) -> QuerySet[EvidenceDocument]:
    """Documents in force of one type (e.g. the Party resolution) of `node` for `year`, by date.
    No scope, as `evidence_by_criterion`."""
    return EvidenceDocument.objects.filter(node=node, year=year, doc_type=doc_type, is_active=True).order_by(
        "issue_date", "id"
    )


def evidence_usable(*, node: OrgNode, year: int) -> QuerySet[EvidenceDocument]:
    """Documents a record of `node`'s `year` may cite: in force, of that node and of that year (a
    document filed for another year, or withdrawn, is not). By date. No scope, as
    `evidence_by_criterion`: the caller has already reached `node` through its access getter."""
    return EvidenceDocument.objects.filter(node=node, year=year, is_active=True).order_by("issue_date", "id")


def evidence_in_use(document: EvidenceDocument) -> str:
    """Why the document can no longer change ("" if it can): a registration or an assessment that
    cites it has been sent (any status but draft or returned), so its facts are part of what was
    sent. Names the record and its status, in Vietnamese. Two queries: the registrations citing the
    document (indexed foreign keys), and the node's assessments (one per cycle), read in Python."""
    # cycles imports evidence at import time, never the reverse (docs/architecture.md).
    from antq.cycles.choices import AssessmentStatus, RegistrationStatus
    from antq.cycles.models import Assessment, Registration

    fields = ("resolution", "plan", "form_document")
    registration = (
        Registration.objects.filter(
            Q(resolution_id=document.pk) | Q(plan_id=document.pk) | Q(form_document_id=document.pk)
        )
        .exclude(status__in=[RegistrationStatus.DRAFT, RegistrationStatus.RETURNED])
        .select_related("cycle", "node")
        .order_by("cycle__year", "pk")
        .first()
    )
    if registration is not None:
        role = next(
            str(getattr(Registration._meta.get_field(name), "verbose_name", name))
            for name in fields
            if getattr(registration, f"{name}_id") == document.pk
        )
        return _(
            "Tài liệu là %(role)s trong bản đăng ký phấn đấu năm %(year)s của %(node)s, đang ở trạng thái "
            "“%(status)s”: không sửa thông tin, đổi tiêu chí hay thu hồi được. Cần trả lại bản đăng ký "
            "trước khi thay đổi tài liệu."
        ) % {
            "role": role,
            "year": registration.cycle.year,
            "node": registration.node.name,
            "status": RegistrationStatus(registration.status).label,
        }
    assessments = (
        Assessment.objects.filter(node_id=document.node_id)
        .exclude(status__in=[AssessmentStatus.DRAFT, AssessmentStatus.RETURNED])
        .select_related("cycle", "node")
        .order_by("cycle__year", "pk")
    )
    for assessment in assessments:
        cited = sorted(
            str(item_id)
            for item_id, document_ids in (assessment.evidence or {}).items()
            if isinstance(document_ids, list | tuple) and str(document.pk) in {str(i) for i in document_ids}
        )
        if cited:
            return _(
                "Tài liệu là minh chứng (%(ids)s) trong bản đánh giá năm %(year)s của %(node)s, đang ở "
                "trạng thái “%(status)s”: không sửa thông tin, đổi tiêu chí hay thu hồi được. Cần trả lại "
                "bản đánh giá trước khi thay đổi tài liệu."
            ) % {
                "ids": ", ".join(cited),
                "year": assessment.cycle.year,
                "node": assessment.node.name,
                "status": AssessmentStatus(assessment.status).label,
            }
    return ""


@dataclass(frozen=True)
class EvidenceWarning:
    """A rule of the law the document may not meet; shown, never blocking."""

    message: str
    criterion_ids: tuple[str, ...]


def evidence_warnings(
    document: EvidenceDocument, *, catalogue: Catalogue | None = None
) -> list[EvidenceWarning]:
    """Date rules of the linked criteria the document's date does not meet (e.g. TT 124's
    "Quý I hằng năm" for criterion 1). Uses prefetched links; pass the node's catalogue when
    checking many documents (`catalogue_for` costs a few queries)."""
    if catalogue is None:
        catalogue = catalogue_for(document.node, document.year)
    ids = catalogue.sort_ids([link.criterion_id for link in document.links.all()])
    by_rule: dict[str, list[str]] = {}
    rules: dict[str, DateRule] = {}
    for cid in ids:
        option = catalogue.get(cid)
        for rule in option.date_rules if option is not None else ():
            if not rule.contains(document.issue_date, document.year):
                by_rule.setdefault(rule.suffix, []).append(cid)
                rules[rule.suffix] = rule
    return [
        EvidenceWarning(
            _(
                "Tài liệu ngày %(date)s ngoài %(period)s năm %(year)s: tiêu chí %(ids)s yêu cầu thực hiện "
                "trong %(period)s."
            )
            % {
                "date": f"{document.issue_date:%d/%m/%Y}",
                "period": rules[suffix].label,
                "year": document.year,
                "ids": ", ".join(cids),
            },
            tuple(cids),
        )
        for suffix, cids in by_rule.items()
    ]
