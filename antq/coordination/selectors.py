"""Reads of the coordination app; they own select_related / annotations (no query per row), and
`coordination_facts`, which tells the score sheet what the records say about QĐ 510 item 4."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.coordination.choices import AgreementKind, MeetingKind
from antq.coordination.models import (
    CampaignParticipation,
    CoordinationAgreement,
    ExecutionEntry,
    ReviewMeeting,
)
from antq.coordination.rules import rules
from antq.core.facts import RecordFact
from antq.org.models import OrgNode, subtree_q


@dataclass(frozen=True)
class CoordinationFilters:
    """`within`: a node whose subtree is listed; `node`: one node only."""

    within: OrgNode | None = None
    node: OrgNode | None = None


def _filtered(qs: QuerySet, scope: Scope, filters: CoordinationFilters) -> QuerySet:  # type: ignore[type-arg]
    qs = qs.filter(scope.q(Action.VIEW, field="node__path"))
    if filters.node is not None:
        qs = qs.filter(node=filters.node)
    elif filters.within is not None:
        qs = qs.filter(subtree_q(filters.within.path, field="node__path"))
    return qs


def _count(qs: QuerySet, field: str) -> Coalesce:  # type: ignore[type-arg]
    """The number of rows of `qs` per `field` (a correlated COUNT subquery, no join fan-out)."""
    return Coalesce(
        Subquery(
            qs.order_by().values(field).annotate(n=Count("pk")).values("n"), output_field=IntegerField()
        ),
        Value(0),
    )


def agreement_list(*, scope: Scope, filters: CoordinationFilters) -> QuerySet[CoordinationAgreement]:
    """Agreements the reader sees, newest first, with their number of executions and meetings."""
    qs = _filtered(CoordinationAgreement.objects.all(), scope, filters)
    return (
        qs.select_related("node", "node__parent")
        .annotate(
            execution_count=_count(ExecutionEntry.objects.filter(agreement=OuterRef("pk")), "agreement"),
            meeting_count=_count(ReviewMeeting.objects.filter(agreement=OuterRef("pk")), "agreement"),
        )
        .order_by("-signed_on", "-id")
    )


def campaign_list(*, scope: Scope, filters: CoordinationFilters) -> QuerySet[CampaignParticipation]:
    """Participations in local campaigns the reader sees, newest first."""
    qs = _filtered(CampaignParticipation.objects.all(), scope, filters)
    return qs.select_related("node", "node__parent", "document").order_by("-took_part_on", "-id")


def agreement_executions(agreement: CoordinationAgreement) -> QuerySet[ExecutionEntry]:
    return agreement.executions.select_related("recorded_by").order_by("-occurred_on", "-id")


def agreement_meetings(agreement: CoordinationAgreement) -> QuerySet[ReviewMeeting]:
    return agreement.meetings.select_related("minutes", "recorded_by").order_by("-held_on", "-id")


# --- Facts for the score sheet (QĐ 510 item 4) ------------------------------------------------


def _d(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def agreement_label(row: CoordinationAgreement) -> str:
    """ "Quy chế phối hợp số 12/QC-PH ký ngày 10/02/2026 với Công an phường Quy Nhơn"."""
    kind = str(AgreementKind(row.kind).label)
    if row.number_symbol:
        return _("%(kind)s số %(number)s ký ngày %(date)s với %(police)s") % {
            "kind": kind,
            "number": row.number_symbol,
            "date": _d(row.signed_on),
            "police": row.police_party,
        }
    return _("%(kind)s ký ngày %(date)s với %(police)s") % {
        "kind": kind,
        "date": _d(row.signed_on),
        "police": row.police_party,
    }


def node_url(node: OrgNode) -> str:
    return f"{reverse('coordination:list')}?{urlencode({'node': node.pk})}"


def coordination_facts(node: OrgNode, start: dt.date, end: dt.date) -> dict[str, RecordFact]:
    """What the records of `node` say about QĐ 510 item 4 a–d in the window [start, end].

    * `coordination_agreement`: a quy chế or kế hoạch phối hợp in force at some time in the window;
    * `coordination_executed`: at least `min_executions` executions logged in the window;
    * `coordination_reviewed`: at least `min_reviews` review meetings held in the window;
    * `local_campaigns_joined`: at least `min_campaigns` participations in the window.

    Minimums from `data/rules.yaml`. Two queries whatever the number of records: the agreements in
    force in the window with their counts in the window (correlated subqueries), and the latest
    participation with the window's total (a window function)."""
    limits = rules()
    in_force = (
        Q(term_start__lte=end)
        & (Q(term_end__isnull=True) | Q(term_end__gte=start))
        & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    )
    executions = ExecutionEntry.objects.filter(
        agreement=OuterRef("pk"), occurred_on__gte=start, occurred_on__lte=end
    )
    meetings = ReviewMeeting.objects.filter(agreement=OuterRef("pk"), held_on__gte=start, held_on__lte=end)
    latest_meeting = meetings.order_by("-held_on", "-id")
    agreements = list(
        CoordinationAgreement.objects.filter(in_force, node=node)
        .annotate(
            window_executions=_count(executions, "agreement"),
            window_meetings=_count(meetings, "agreement"),
            last_meeting_on=Subquery(latest_meeting.values("held_on")[:1]),
            last_meeting_kind=Subquery(latest_meeting.values("kind")[:1]),
        )
        .order_by("-signed_on", "-id")
        .only("id", "kind", "number_symbol", "signed_on", "police_party")
    )
    campaign = (
        CampaignParticipation.objects.filter(node=node, took_part_on__gte=start, took_part_on__lte=end)
        .annotate(window_total=Window(expression=Count("pk")))
        .order_by("-took_part_on", "-id")
        .only("id", "campaign", "took_part_on")
        .first()
    )
    list_url = node_url(node)
    return {
        "coordination_agreement": _agreement_fact(agreements, limits.min_agreements, list_url),
        "coordination_executed": _executed_fact(agreements, limits.min_executions, list_url),
        "coordination_reviewed": _reviewed_fact(agreements, limits.min_reviews, list_url),
        "local_campaigns_joined": _campaign_fact(campaign, limits.min_campaigns, list_url),
    }


def _detail(row: CoordinationAgreement) -> str:
    return reverse("coordination:agreement_detail", args=[row.pk])


def _agreement_fact(rows: Sequence[CoordinationAgreement], minimum: int, list_url: str) -> RecordFact:
    if not rows:
        return RecordFact(
            False, _("Chưa có quy chế hoặc kế hoạch phối hợp với Công an có hiệu lực trong năm"), list_url
        )
    text = "; ".join(agreement_label(row) for row in rows)
    if len(rows) < minimum:
        text = _("%(text)s (yêu cầu từ %(min)s văn bản)") % {"text": text, "min": minimum}
    return RecordFact(len(rows) >= minimum, text, _detail(rows[0]))


def _executed_fact(rows: Sequence[CoordinationAgreement], minimum: int, list_url: str) -> RecordFact:
    total = sum(row.window_executions for row in rows)  # type: ignore[attr-defined]
    text = _("%(n)s lần thực hiện trong năm") % {"n": total}
    if total < minimum:
        text = _("%(text)s (yêu cầu từ %(min)s lần)") % {"text": text, "min": minimum}
    busiest = max(rows, key=lambda row: row.window_executions, default=None)  # type: ignore[attr-defined]
    return RecordFact(total >= minimum, text, _detail(busiest) if busiest is not None else list_url)


def _reviewed_fact(rows: Sequence[CoordinationAgreement], minimum: int, list_url: str) -> RecordFact:
    total = sum(row.window_meetings for row in rows)  # type: ignore[attr-defined]
    held = [row for row in rows if row.last_meeting_on is not None]  # type: ignore[attr-defined]
    if not held:
        text = _("Chưa có cuộc họp định kỳ, sơ kết, tổng kết nào trong năm")
        return RecordFact(total >= minimum, text, _detail(rows[0]) if rows else list_url)
    latest = max(held, key=lambda row: row.last_meeting_on)  # type: ignore[attr-defined]
    text = _("%(n)s cuộc họp định kỳ, sơ kết, tổng kết trong năm (gần nhất: %(kind)s ngày %(date)s)") % {
        "n": total,
        "kind": str(MeetingKind(latest.last_meeting_kind).label).lower(),  # type: ignore[attr-defined]
        "date": _d(latest.last_meeting_on),  # type: ignore[attr-defined]
    }
    if total < minimum:
        text = _("%(text)s (yêu cầu từ %(min)s cuộc)") % {"text": text, "min": minimum}
    return RecordFact(total >= minimum, text, _detail(latest))


def _campaign_fact(row: CampaignParticipation | None, minimum: int, list_url: str) -> RecordFact:
    if row is None:
        return RecordFact(
            False, _("Chưa ghi nhận tham gia phong trào, cuộc vận động nào của địa phương"), list_url
        )
    total: int = row.window_total  # type: ignore[attr-defined]
    text = _(
        "%(n)s lần tham gia phong trào, cuộc vận động của địa phương trong năm "
        "(gần nhất: «%(name)s» ngày %(date)s)"
    ) % {
        "n": total,
        "name": row.campaign,
        "date": _d(row.took_part_on),
    }
    if total < minimum:
        text = _("%(text)s (yêu cầu từ %(min)s lần)") % {"text": text, "min": minimum}
    return RecordFact(total >= minimum, text, list_url)
