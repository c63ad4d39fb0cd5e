"""REST endpoints of the dashboards app (included under /api/v1/): a node's figures and targets.

The same scope as the screens: a node out of the caller's scope answers 404.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from antq.accounts.scope import scope_of
from antq.api.views import ERRORS, ApiErrorsMixin
from antq.dashboards import serializers as s
from antq.dashboards.access import dashboard_node
from antq.dashboards.board import Card, node_cards
from antq.org.models import OrgNode


def dashboard_data(node: OrgNode, year: int) -> dict[str, Any]:
    """The dashboard's cards as data: what `board` builds for the screen, serialized."""
    return {
        "node": node.pk,
        "node_name": node.name,
        "year": year,
        "figures": [_card(card) for card in node_cards(node, year)],
    }


def _card(card: Card) -> dict[str, Any]:
    figure = card.figure
    return {
        "metric": card.metric.key,
        "metric_label": card.metric.label,
        "measure": card.metric.measure,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "shown": card.shown,
        "by_kind": [{"kind": k, "numerator": n, "denominator": d} for k, (n, d) in figure.by_kind.items()],
        "status": card.status.value,
        "targets": [
            {
                "unit_type": row.unit_type,
                "comparison": row.target.comparison,
                "value": row.target.value,
                "numerator": row.numerator,
                "denominator": row.denominator,
                "shown": row.shown,
                "status": row.status.value,
                "plan": row.target.plan_id,
                "plan_code": row.target.plan_code,
                "plan_node": row.target.plan_node_name,
            }
            for row in card.rows
        ],
    }


class DashboardViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """A node's dashboard: every metric's actual value, by unit type, against its targets."""

    serializer_class = s.DashboardSerializer
    queryset = OrgNode.objects.none()  # the schema reads the model from here; data comes from Scope

    @extend_schema(
        summary=gettext_lazy("Số liệu và chỉ tiêu của một cấp trong một năm (bảng điều hành)"),
        parameters=[s.DashboardYearSerializer],
        responses={200: s.DashboardSerializer, 400: ERRORS[400], 404: ERRORS[404]},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        node = dashboard_node(scope_of(request), pk)
        query = s.DashboardYearSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        return Response(s.DashboardSerializer(dashboard_data(node, year)).data)


router = SimpleRouter()
router.register("dashboard", DashboardViewSet, basename="dashboard")
urlpatterns: list = [*router.urls]  # type: ignore[type-arg]
