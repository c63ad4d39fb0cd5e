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
from antq.dashboards.board import overall
from antq.dashboards.figures import node_figures
from antq.dashboards.targets import actual, status, targets_for
from antq.org.models import OrgNode
from antq.plans.metrics import metrics


def dashboard_data(node: OrgNode, year: int) -> dict[str, Any]:
    figures = node_figures(node, year)
    targets = targets_for(node, year)
    out = []
    for key, metric in metrics().items():
        figure = figures[key]
        rows = []
        for (target_metric, unit_type), target in targets.items():
            if target_metric != key:
                continue
            numerator, denominator = actual(figure, unit_type)
            rows.append(
                {
                    "unit_type": unit_type,
                    "comparison": target.comparison,
                    "value": target.value,
                    "numerator": numerator,
                    "denominator": denominator,
                    "status": status(figure, target).value,
                    "plan": target.plan_id,
                    "plan_code": target.plan_code,
                    "plan_node": target.plan_node_name,
                }
            )
        out.append(
            {
                "metric": key,
                "metric_label": metric.label,
                "measure": metric.measure,
                "numerator": figure.numerator,
                "denominator": figure.denominator,
                "by_kind": [
                    {"kind": k, "numerator": n, "denominator": d} for k, (n, d) in figure.by_kind.items()
                ],
                "status": overall([status(figure, t) for (m, _u), t in targets.items() if m == key]).value,
                "targets": rows,
            }
        )
    return {"node": node.pk, "node_name": node.name, "year": year, "figures": out}


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
