"""Reads of the initiatives app, and what its records feed into the score sheet.

`effective_initiative_fact` is the contract with `cycles.derived` (docs/movement.md, QĐ 510 item 7).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.core.facts import RecordFact
from antq.initiatives.catalogue import ratings
from antq.initiatives.choices import InitiativeStatus
from antq.initiatives.models import (
    Initiative,
    InitiativeActivity,
    InitiativeEvaluation,
    InitiativeMember,
    InitiativeType,
)
from antq.org.models import OrgNode, subtree_q

# --- The registry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class InitiativeFilters:
    within: OrgNode | None = None  # the user's current node: initiatives of its subtree
    node: OrgNode | None = None  # a unit or a commune chosen in the filter (its subtree)
    initiative_type: InitiativeType | None = None
    status: str = ""
    # Initiatives started in `year`; with `rated` == "good", those rated effective (Tốt, Khá:
    # data/ratings.yaml) in that year's evaluation instead (the dashboards' numbers lead here).
    year: int | None = None
    rated: str = ""


RATED_GOOD = "good"


def _latest_rating() -> Subquery:
    return Subquery(
        InitiativeEvaluation.objects.filter(initiative=OuterRef("pk")).order_by("-year").values("rating")[:1]
    )


def _latest_year() -> Subquery:
    return Subquery(
        InitiativeEvaluation.objects.filter(initiative=OuterRef("pk")).order_by("-year").values("year")[:1]
    )


def _count_of(model: type[InitiativeMember] | type[InitiativeActivity]) -> Coalesce:
    rows = (
        model.objects.filter(initiative=OuterRef("pk"))
        .order_by()
        .values("initiative")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def initiative_list(*, scope: Scope, filters: InitiativeFilters) -> QuerySet[Initiative]:
    """Initiatives the user sees, filtered, with their latest rating, member and activity counts;
    ordered by node (each commune, then its units) and name. One query."""
    qs = Initiative.objects.filter(scope.q(Action.VIEW, field="node__path"))
    for node in (filters.within, filters.node):
        if node is not None:
            qs = qs.filter(subtree_q(node.path, field="node__path"))
    if filters.initiative_type is not None:
        qs = qs.filter(initiative_type=filters.initiative_type)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.rated == RATED_GOOD:
        good = sorted(ratings().effective_codes)
        if filters.year is not None:
            qs = qs.filter(
                Exists(
                    InitiativeEvaluation.objects.filter(
                        initiative=OuterRef("pk"), year=filters.year, rating__in=good
                    )
                )
            )
        else:  # rated so in its latest evaluation
            qs = qs.alias(rated_now=_latest_rating()).filter(rated_now__in=good)
    elif filters.year is not None:
        qs = qs.filter(started_on__year=filters.year)
    return (
        qs.select_related("node", "node__parent", "initiative_type")
        .annotate(
            latest_year=_latest_year(),
            latest_rating=_latest_rating(),
            member_count=_count_of(InitiativeMember),
            activity_count=_count_of(InitiativeActivity),
        )
        .order_by("node__path", "name", "id")
    )


@dataclass(frozen=True)
class Counts:
    total: int
    active: int
    retired: int
    by_type: list[tuple[str, int]]


def initiative_counts(qs: QuerySet[Initiative]) -> Counts:
    """Totals of a filtered list: by status and by type. Two queries."""
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    by_type = list(
        qs.order_by()
        .values_list("initiative_type__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "initiative_type__name")
    )
    active = by_status.get(InitiativeStatus.ACTIVE, 0)
    retired = by_status.get(InitiativeStatus.RETIRED, 0)
    return Counts(active + retired, active, retired, [(str(name), n) for name, n in by_type])


def initiative_members(initiative: Initiative) -> list[InitiativeMember]:
    return list(initiative.members.order_by("name", "id"))


def initiative_activities(initiative: Initiative, limit: int = 100) -> list[InitiativeActivity]:
    """The newest entries of the activity log first."""
    return list(initiative.activities.select_related("recorded_by").order_by("-occurred_on", "-id")[:limit])


def initiative_evaluations(initiative: Initiative) -> list[InitiativeEvaluation]:
    """The yearly evaluations, newest year first."""
    return list(initiative.evaluations.select_related("evaluated_by").order_by("-year"))


def initiative_replicas(initiative: Initiative, scope: Scope) -> list[Initiative]:
    """The copies made from this initiative, on nodes the user sees."""
    return list(
        Initiative.objects.filter(replicated_from=initiative)
        .filter(scope.q(Action.VIEW, field="node__path"))
        .select_related("node", "node__parent")
        .order_by("node__path", "id")
    )


def type_list(*, active_only: bool = False) -> QuerySet[InitiativeType]:
    """The catalogue, with how many initiatives use each type."""
    qs = InitiativeType.objects.annotate(in_use=Count("initiatives"))
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("order", "name", "id")


def indicator_rows(
    definitions: list[dict[str, str]], values: dict[str, int] | None
) -> list[tuple[str, str, int]]:
    """(label, unit, value) of each recorded indicator, in the definition's order."""
    values = values or {}
    return [(d["label"], d.get("unit", ""), values[d["key"]]) for d in definitions if d["key"] in values]


# --- Feeding the score sheet (QĐ 510 item 7) -----------------------------------------------------


def effective_initiative_fact(node: OrgNode, start: dt.date, end: dt.date) -> RecordFact:
    """Whether at least one initiative of `node` operated effectively in the window [start, end].

    An initiative counts when it started on or before `end`, was not retired before `start`, and
    either its evaluation for `end.year` is rated effective (`data/ratings.yaml`), or it has no
    evaluation for that year but at least one activity logged in the window. A rating below
    effective means it does not count, whatever its activity. One query."""
    levels = ratings()
    in_window = InitiativeActivity.objects.filter(
        initiative=OuterRef("pk"), occurred_on__gte=start, occurred_on__lte=end
    )
    rows = list(
        Initiative.objects.filter(node=node, started_on__lte=end)
        .filter(Q(retired_on__isnull=True) | Q(retired_on__gte=start))
        .annotate(
            year_rating=Subquery(
                InitiativeEvaluation.objects.filter(initiative=OuterRef("pk"), year=end.year).values(
                    "rating"
                )[:1]
            ),
            window_activities=Coalesce(
                Subquery(
                    in_window.order_by().values("initiative").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
        )
        .order_by("started_on", "id")
        .only("id", "name", "started_on", "retired_on")
    )
    counted: list[tuple[Initiative, str]] = []
    below: list[str] = []
    for row in rows:
        rating = row.year_rating  # type: ignore[attr-defined]
        if rating is not None:
            text = _("Mô hình «%(name)s» (đánh giá năm %(year)s: %(rating)s)") % {
                "name": row.name,
                "year": end.year,
                "rating": levels.label(rating),
            }
            if rating in levels.effective_codes:
                counted.append((row, text))
            else:
                below.append(text)
        elif row.window_activities:  # type: ignore[attr-defined]
            counted.append(
                (
                    row,
                    _("Mô hình «%(name)s» (%(n)s hoạt động trong kỳ, chưa được đánh giá năm %(year)s)")
                    % {"name": row.name, "n": row.window_activities, "year": end.year},  # type: ignore[attr-defined]
                )
            )
    if counted:
        first = counted[0][0]
        return RecordFact(
            True, "; ".join(text for _row, text in counted), reverse("initiatives:detail", args=[first.pk])
        )
    url = f"{reverse('initiatives:list')}?{urlencode({'node': node.pk})}"
    if below:
        return RecordFact(
            False,
            _("Không có mô hình hoạt động hiệu quả: %(list)s") % {"list": "; ".join(below)},
            url,
        )
    return RecordFact(False, _("Chưa có mô hình nào hoạt động trong năm"), url)
