"""POST /api/v1/evaluate: the same JSON contract as `antq evaluate` (docs/engine.md)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from antq.accounts.roles import ROLE_ACTIONS, Action
from antq.accounts.scope import Scope, scope_of
from antq.criteria.engine.errors import FactsError
from antq.criteria.evaluation import FrameworksNotLoaded, evaluate_stored
from antq.org.choices import NodeKind
from antq.org.models import SEGMENT_WIDTH, OrgNode


def visible_province(scope: Scope, code: str) -> OrgNode | None:
    """The province with this code if the reader sees it: it holds or is above one of the reader's
    nodes, or is inside the reader's subtree (the rule of `criteria.access.visible_versions`)."""
    province = OrgNode.objects.filter(code=code, kind=NodeKind.PROVINCE).first()
    if province is None:
        return None
    for grant in scope.grants:
        if Action.VIEW not in ROLE_ACTIONS.get(grant.role, frozenset()):
            continue
        ancestors = {grant.path[:end] for end in range(SEGMENT_WIDTH, len(grant.path) + 1, SEGMENT_WIDTH)}
        if province.path in ancestors or grant.covers(province.path):
            return province
    return None


class EvaluateView(APIView):
    """Evaluate one fact sheet: TT 124 recognition, QĐ 510 score and classification, award rule.

    The framework versions are those stored in the database: national ones, or the variants of the
    province given as `?province=CODE` (a province the caller sees, else 404). Nothing is written,
    so any signed-in user may call it.
    """

    @extend_schema(
        summary="Đánh giá một phiếu dữ kiện (TT 124, QĐ 510)",
        request=OpenApiTypes.OBJECT,
        parameters=[
            OpenApiParameter(
                "province",
                OpenApiTypes.STR,
                description="Mã tỉnh: dùng biến thể bộ tiêu chí của tỉnh (mặc định: phiên bản quốc gia)",
            )
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Kết quả (schemas/result.schema.json)"),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Phiếu không hợp lệ: mọi lỗi, mỗi lỗi một trường"
            ),
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="Không thấy tỉnh này"),
            503: OpenApiResponse(OpenApiTypes.OBJECT, description="Chưa nạp bộ tiêu chí"),
        },
    )
    def post(self, request: Request) -> Response:
        province: OrgNode | None = None
        code = request.query_params.get("province")
        if code:
            province = visible_province(scope_of(request), code)
            if province is None:
                return Response({"detail": "Không tìm thấy tỉnh này."}, status=status.HTTP_404_NOT_FOUND)
        if not isinstance(request.data, dict):
            return Response(
                {"detail": "Phiếu dữ kiện phải là một đối tượng JSON.", "problems": []},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if not request.data:  # a request problem: answered before the server's state (503)
            message = "Phiếu dữ kiện trống: cần ít nhất `unit` và `year`."
            return Response(
                {"detail": message, "problems": [{"path": "", "message": message}]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            result = evaluate_stored(dict(request.data), province=province)
        except FrameworksNotLoaded as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        except FactsError as exc:
            return Response(
                {"detail": exc.title, "problems": [p.as_dict() for p in exc.problems]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(result)
