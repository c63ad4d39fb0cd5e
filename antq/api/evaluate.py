"""POST /api/v1/evaluate: the same JSON contract as `antq evaluate` (docs/engine.md)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from antq.criteria.engine.document import evaluate_document
from antq.criteria.engine.errors import FactsError


class EvaluateView(APIView):
    """Evaluate one fact sheet: TT 124 recognition, QĐ 510 score and classification, award rule.

    A pure computation on the posted document: it reads and writes no stored record, so any
    signed-in user may call it.
    """

    @extend_schema(
        summary="Đánh giá một phiếu dữ kiện (TT 124, QĐ 510)",
        request=OpenApiTypes.OBJECT,
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Kết quả (schemas/result.schema.json)"),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Phiếu không hợp lệ: mọi lỗi, mỗi lỗi một trường"
            ),
        },
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            return Response(
                {"detail": "Phiếu dữ kiện phải là một đối tượng JSON.", "problems": []},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            result = evaluate_document(dict(request.data))
        except FactsError as exc:
            return Response(
                {"detail": exc.title, "problems": [p.as_dict() for p in exc.problems]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(result)
