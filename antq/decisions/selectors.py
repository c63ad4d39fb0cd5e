"""Reads of decisions: which units are recognized and classified by a decision in force, the
candidates for a new decision, and whether a unit may be proposed for an award.

"In force" means issued and not revoked (`DecisionItem.in_force`): revoking a decision drops its
units from `recognized_nodes` at once, and with them the commune's TT124.XA.4 ratio
(`antq.cycles.facts`) and award eligibility.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.criteria.models import FrameworkVersion
from antq.criteria.selectors import threshold_status
from antq.cycles.choices import AssessmentStatus
from antq.cycles.models import Assessment, Cycle
from antq.decisions.choices import DecisionKind
from antq.decisions.models import AwardProposal, Decision, DecisionItem
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import SEGMENT_WIDTH, OrgNode, subtree_q

DECIDED_KINDS = UNIT_KINDS | {NodeKind.COMMUNE}
PROVINCE_PATH = 2 * SEGMENT_WIDTH  # nation segment + province segment: a node's province
# Highest first, when the sheet does not list its levels (QĐ 510: four levels, rules.md §2.4).
DEFAULT_LEVELS = ("xuat_sac", "kha", "trung_binh", "yeu")
DEFAULT_LEVEL_LABELS = {"xuat_sac": "Xuất sắc", "kha": "Khá", "trung_binh": "Trung bình", "yeu": "Yếu"}


def in_force_items(cycle: Cycle, kind: str) -> QuerySet[DecisionItem]:
    return DecisionItem.objects.filter(cycle=cycle, kind=kind, in_force=True)


def recognized_nodes(cycle: Cycle) -> QuerySet[OrgNode]:
    """Units and communes with a recognition decision in force in the cycle."""
    return OrgNode.objects.filter(pk__in=in_force_items(cycle, DecisionKind.RECOGNITION).values("node_id"))


@dataclass(frozen=True)
class OfficialStatus:
    """What the decisions in force say about one unit in one cycle."""

    recognition: DecisionItem | None
    classification: DecisionItem | None

    @property
    def recognized(self) -> bool:
        return self.recognition is not None

    @property
    def level(self) -> str:
        return self.classification.level if self.classification is not None else ""

    @property
    def level_label(self) -> str:
        return self.classification.level_label if self.classification is not None else ""


def official_status(cycle: Cycle, node: OrgNode) -> OfficialStatus:
    """Recognized by which decision, classified at which level by which decision (one query)."""
    items = {
        item.kind: item
        for item in DecisionItem.objects.filter(cycle=cycle, node=node, in_force=True).select_related(
            "decision", "decision__issuer"
        )
    }
    return OfficialStatus(items.get(DecisionKind.RECOGNITION), items.get(DecisionKind.CLASSIFICATION))


def eligible_for_decision(cycle: Cycle, issuer: OrgNode, kind: str) -> QuerySet[Assessment]:
    """Approved assessments of units (and communes) under the issuer that no decision of this kind
    in force covers yet: the candidates of the batch form. The authority and result checks are
    the service's (`services.check_units`), shown beside each candidate."""
    covered = in_force_items(cycle, kind).filter(node_id=OuterRef("node_id"))
    return (
        Assessment.objects.filter(
            subtree_q(issuer.path, field="node__path"),
            cycle=cycle,
            status=AssessmentStatus.APPROVED,
            node__kind__in=sorted(DECIDED_KINDS),
        )
        .exclude(node_id=issuer.pk)
        .exclude(Exists(covered))
        .select_related("node")
        .order_by("node__path")
    )


# --- Sheets, thresholds and the award rule -------------------------------------------------------


class SheetVersions:
    """The QĐ 510 sheet versions frozen for a cycle, found by the engine result that used them.
    Reads them once (two queries) however many assessments ask."""

    def __init__(self, cycle: Cycle) -> None:
        self._by_key: dict[tuple[str, str], FrameworkVersion] = {}
        versions = cycle.frameworks.select_related("framework").prefetch_related("threshold_confirmations")
        for version in versions:
            content = version.content if isinstance(version.content, dict) else {}
            if content.get("framework") == "qd510":
                self._by_key[(str(content.get("sheet")), str(content.get("version")))] = version

    def for_result(self, result: dict[str, Any]) -> FrameworkVersion | None:
        qd510 = (result or {}).get("qd510") or {}
        return self._by_key.get((str(qd510.get("sheet")), str(qd510.get("version"))))


def thresholds_problem(assessment: Assessment, sheets: SheetVersions) -> str | None:
    """Why the assessment's classification cannot be decided yet (unverified thresholds), or None.

    The sheet version's current status decides (a confirmation recorded after the assessment was
    approved counts); the stored result's `provisional` flag only when the version is unknown."""
    result = assessment.result or {}
    qd510 = result.get("qd510") or {}
    version = sheets.for_result(result)
    if version is not None:
        status = threshold_status(version)
        if status.verified:
            return None
        title = str(version.content.get("title_vi") or version)
        return _(
            "Ngưỡng phân loại của bảng chấm điểm “%(sheet)s” (phiên bản %(version)s) chưa được xác nhận: "
            "quản trị hệ thống của tỉnh (quyền quản lý bộ tiêu chí) phải xác nhận ngưỡng theo văn bản "
            "tại màn hình Bộ tiêu chí trước khi ban hành quyết định phân loại."
        ) % {"sheet": title, "version": version.label}
    classification = qd510.get("classification") or {}
    if classification and classification.get("provisional") is False:
        return None
    return _(
        "Kết quả phân loại còn tạm tính (ngưỡng phân loại chưa được xác nhận): quản trị hệ thống của tỉnh "
        "(quyền quản lý bộ tiêu chí) phải xác nhận ngưỡng theo văn bản trước khi ban hành "
        "quyết định phân loại."
    )


@dataclass(frozen=True)
class AwardRule:
    """The sheet's award rule (QĐ 510, seed 001): recognized and at `min_level` or better."""

    min_level: str
    requires_recognized: bool
    levels: tuple[str, ...]
    labels: dict[str, str] = field(default_factory=dict)
    source: str = ""

    def label(self, level: str) -> str:
        return self.labels.get(level) or DEFAULT_LEVEL_LABELS.get(level, level)

    def reaches(self, level: str) -> bool:
        if level not in self.levels or self.min_level not in self.levels:
            return False
        return self.levels.index(level) <= self.levels.index(self.min_level)


DEFAULT_AWARD_RULE = AwardRule(min_level="kha", requires_recognized=True, levels=DEFAULT_LEVELS)


def award_rule(version: FrameworkVersion | None) -> AwardRule:
    """The award rule of the sheet version (default: recognized and Khá or better)."""
    content = version.content if version is not None and isinstance(version.content, dict) else {}
    raw = content.get("award_rule") or {}
    levels = [lv for lv in (content.get("classification") or {}).get("levels") or [] if isinstance(lv, dict)]
    if not raw:
        return DEFAULT_AWARD_RULE
    codes = tuple(str(lv.get("code")) for lv in levels) or DEFAULT_LEVELS
    return AwardRule(
        min_level=str(raw.get("min_level") or "kha"),
        requires_recognized=bool(raw.get("requires_recognized", True)),
        levels=codes,
        labels={str(lv.get("code")): str(lv.get("label_vi")) for lv in levels},
        source=str(raw.get("source_vi") or ""),
    )


@dataclass(frozen=True)
class AwardEligibility:
    eligible: bool
    reason: str
    status: OfficialStatus


def award_checks(cycle: Cycle, nodes: list[OrgNode]) -> dict[int, AwardEligibility]:
    """`award_check` for many units at once (three queries whatever their number)."""
    found: dict[int, dict[str, DecisionItem]] = {}
    items = DecisionItem.objects.filter(
        cycle=cycle, node__in=[n.pk for n in nodes], in_force=True
    ).select_related("decision", "decision__issuer", "assessment")
    for item in items:
        found.setdefault(item.node_id, {})[item.kind] = item
    sheets = SheetVersions(cycle) if any(DecisionKind.CLASSIFICATION in f for f in found.values()) else None
    checks = {}
    for node in nodes:
        mine = found.get(node.pk, {})
        status = OfficialStatus(mine.get(DecisionKind.RECOGNITION), mine.get(DecisionKind.CLASSIFICATION))
        checks[node.pk] = _eligibility(cycle, node, status, sheets)
    return checks


def award_check(cycle: Cycle, node: OrgNode) -> AwardEligibility:
    """Whether the unit may be proposed for an award, and why not (Vietnamese)."""
    return award_checks(cycle, [node])[node.pk]


def _eligibility(
    cycle: Cycle, node: OrgNode, status: OfficialStatus, sheets: SheetVersions | None
) -> AwardEligibility:
    year = cycle.year
    if status.recognition is None:
        return AwardEligibility(
            False,
            _(
                "Chưa có quyết định công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm %(year)s "
                "còn hiệu lực cho %(name)s."
            )
            % {"year": year, "name": node.name},
            status,
        )
    if status.classification is None or sheets is None:
        return AwardEligibility(
            False,
            _("Chưa có quyết định phân loại phong trào năm %(year)s cho %(name)s.")
            % {"year": year, "name": node.name},
            status,
        )
    rule = award_rule(sheets.for_result(status.classification.assessment.result))
    level = status.classification.level
    if not rule.reaches(level):
        return AwardEligibility(
            False,
            _(
                "Xếp loại %(level)s, dưới mức %(min)s: chỉ đề nghị khen thưởng đơn vị đạt tiêu chuẩn "
                "“An toàn về an ninh, trật tự” và xếp loại %(min)s trở lên."
            )
            % {
                "level": status.classification.level_label or rule.label(level),
                "min": rule.label(rule.min_level),
            },
            status,
        )
    return AwardEligibility(
        True,
        _(
            "Đủ điều kiện: công nhận theo Quyết định số %(rec)s, "
            "xếp loại %(level)s theo Quyết định số %(cls)s."
        )
        % {
            "rec": status.recognition.decision.code,
            "level": status.classification.level_label,
            "cls": status.classification.decision.code,
        },
        status,
    )


def award_eligibility(cycle: Cycle, node: OrgNode) -> tuple[bool, str]:
    """(eligible, reason in Vietnamese)."""
    check = award_check(cycle, node)
    return check.eligible, check.reason


# --- Lists -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionFilters:
    cycle: Cycle | None = None
    kind: str = ""
    status: str = ""


def decision_list(*, scope: Scope, filters: DecisionFilters | None = None) -> QuerySet[Decision]:
    """Decisions whose issuer the reader sees, newest first, with their unit count (one query)."""
    filters = filters or DecisionFilters()
    qs = Decision.objects.filter(scope.q(Action.VIEW, field="issuer__path"))
    if filters.cycle is not None:
        qs = qs.filter(cycle=filters.cycle)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return (
        qs.select_related("issuer", "cycle", "cycle__province")
        .annotate(unit_count=Count("items"))
        .order_by("-created_at", "-id")
    )


def award_list(*, scope: Scope, cycle: Cycle | None = None, status: str = "") -> QuerySet[AwardProposal]:
    """Award proposals for units the reader sees, newest first (one query)."""
    qs = AwardProposal.objects.filter(scope.q(Action.VIEW, field="node__path"))
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related(
        "node", "cycle", "proposer", "recognition__decision", "classification__decision"
    ).order_by("-created_at", "-id")
