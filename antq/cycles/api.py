"""REST endpoints of the cycles app, mounted under /api/v1/ by `antq.api.urls`.

The same getters, services and audit trail as the screens: a record outside the caller's scope
answers 404, an action the role lacks 403, a rule of the domain 400 with its Vietnamese message,
a stale `version` 409 (nothing is saved; read the record again and retry).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from antq.accounts.roles import Action
from antq.accounts.scope import Scope, scope_of
from antq.api.pagination import KeysetPagination
from antq.api.views import CONFLICT, ERRORS, ApiErrorsMixin
from antq.cycles import access, calendar, facts, services
from antq.cycles.choices import AssessmentStatus, RegistrationStatus
from antq.cycles.models import Assessment, AssessmentRound, Cycle, Registration
from antq.evidence.access import visible_evidence
from antq.org.access import visible_nodes
from antq.org.models import OrgNode

# ---- serializers --------------------------------------------------------------------------------


class CycleSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    province_name = serializers.CharField(source="province.name", read_only=True)
    frameworks = serializers.SerializerMethodField(
        help_text=gettext_lazy("Các phiên bản bộ tiêu chí đã cố định")
    )

    class Meta:
        model = Cycle
        fields = ["id", "year", "province", "province_name", "status", "frameworks", "version"]
        read_only_fields = fields

    def get_frameworks(self, obj: Cycle) -> list[str]:
        return [f"{v.framework.code} {v.label}" for v in obj.frameworks.all()]


class DeadlineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    due = serializers.DateField(
        help_text=gettext_lazy("Hạn áp dụng (sớm nhất giữa luật định và hạn cấp trên đặt)")
    )
    legal_due = serializers.DateField()
    basis = serializers.CharField()
    set_by_node = serializers.CharField(
        help_text=gettext_lazy("Đơn vị đã đặt hạn sớm hơn; rỗng nếu theo luật")
    )
    reason = serializers.CharField()


class CalendarQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = serializers.IntegerField(
        required=False, help_text=gettext_lazy("Nút xem lịch (mặc định: tỉnh của kỳ đánh giá)")
    )


class ListQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    cycle = serializers.IntegerField(required=False)
    node = serializers.IntegerField(required=False)
    status = serializers.CharField(required=False)
    queue = serializers.BooleanField(
        required=False, default=False, help_text=gettext_lazy("Chỉ hồ sơ đang chờ bạn xử lý")
    )


class RegistrationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    node_name = serializers.CharField(source="node.name", read_only=True)
    year = serializers.IntegerField(source="cycle.year", read_only=True)
    missing = serializers.SerializerMethodField(help_text=gettext_lazy("Những gì hồ sơ còn thiếu để gửi"))

    class Meta:
        model = Registration
        fields = [
            "id",
            "cycle",
            "year",
            "node",
            "node_name",
            "status",
            "registered_on",
            "has_party_org",
            "commitment_total",
            "commitment_count",
            "uncommitted",
            "resolution",
            "plan",
            "form_document",
            "note",
            "submitted_at",
            "is_late",
            "return_reason",
            "missing",
            "version",
        ]
        read_only_fields = fields

    def get_missing(self, obj: Registration) -> list[str]:
        return services.registration_missing(obj) if obj.is_editable else []


class StartSerializer(serializers.Serializer):  # type: ignore[type-arg]
    cycle = serializers.IntegerField()
    node = serializers.IntegerField()


class RegistrationUpdateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField(min_value=1)
    has_party_org = serializers.BooleanField(required=False)
    commitment_total = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000)
    commitment_count = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000)
    uncommitted = serializers.CharField(required=False, allow_blank=True)
    resolution = serializers.IntegerField(required=False, allow_null=True)
    plan = serializers.IntegerField(required=False, allow_null=True)
    form_document = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class VersionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField(min_value=1, help_text=gettext_lazy("Phiên bản bạn đã đọc"))


class ReturnReasonSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=500)


class RoundSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = AssessmentRound
        fields = [
            "number",
            "submitted_at",
            "submitted_by",
            "outcome",
            "outcome_at",
            "outcome_by",
            "outcome_reason",
        ]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    node_name = serializers.CharField(source="node.name", read_only=True)
    year = serializers.IntegerField(source="cycle.year", read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "cycle",
            "year",
            "node",
            "node_name",
            "status",
            "round",
            "recognized",
            "classification",
            "superior_total",
            "submitted_at",
            "approved_at",
            "return_reason",
            "version",
        ]
        read_only_fields = fields


class AssessmentDetailSerializer(AssessmentSerializer):
    rounds = RoundSerializer(many=True, read_only=True)
    result = serializers.JSONField(
        read_only=True, help_text=gettext_lazy("Kết quả của bộ máy quy tắc lúc lưu gần nhất")
    )

    class Meta(AssessmentSerializer.Meta):
        fields = [
            *AssessmentSerializer.Meta.fields,
            "unit_facts",
            "answers",
            "self_scores",
            "self_reasons",
            "derived_scores",
            "superior_scores",
            "superior_reasons",
            "notes",
            "evidence",
            "result",
            "rounds",
        ]
        read_only_fields = fields


class SelfSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The self column; a key left out keeps what is stored, a key given replaces it whole."""

    unit_facts = serializers.DictField(child=serializers.BooleanField(), required=False)
    answers = serializers.DictField(child=serializers.JSONField(), required=False)
    self_scores = serializers.DictField(child=serializers.JSONField(), required=False)
    self_reasons = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        required=False,
        help_text=gettext_lazy("Lý do sửa điểm theo hồ sơ (mục 1–4, 6, 7), theo mã mục"),
    )
    notes = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000), required=False
    )
    evidence = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField(min_value=1)), required=False
    )


class SaveSelfSerializer(SelfSerializer, VersionSerializer):
    pass


class ReviewSerializer(VersionSerializer):
    """The superior column; left out, the stored column is kept (e.g. to add reasons only)."""

    superior_scores = serializers.DictField(child=serializers.JSONField(), required=False)
    reasons = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=500), required=False
    )


class PreviewSerializer(SelfSerializer):
    superior_scores = serializers.DictField(child=serializers.JSONField(), required=False)


SAVED = inline_serializer(
    "AssessmentSaved",
    {
        "assessment": AssessmentDetailSerializer(),
        "problems": serializers.ListField(
            child=inline_serializer(
                "SaveProblem", {"path": serializers.CharField(), "message": serializers.CharField()}
            )
        ),
    },
)
PREVIEW = inline_serializer(
    "AssessmentPreview",
    {
        "result": serializers.JSONField(allow_null=True),
        "problems": serializers.ListField(
            child=inline_serializer(
                "PreviewProblem", {"path": serializers.CharField(), "message": serializers.CharField()}
            )
        ),
    },
)

# ---- helpers ------------------------------------------------------------------------------------


class IdPagination(KeysetPagination):
    """Registrations and assessments have no path of their own; the id is unique and indexed."""

    ordering = "id"


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran before any handler
    return user


def _payload(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:  # type: ignore[type-arg]
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def _cycle_and_node(scope: Scope, data: dict[str, Any], action_name: str) -> tuple[Cycle, OrgNode]:
    """The cycle and node named in a body: a field error when either is not in the caller's scope,
    403 when the caller may not do `action_name` on the node."""
    try:
        cycle = access.cycle_for(scope, data["cycle"])
    except Http404 as exc:
        raise exceptions.ValidationError(
            {"cycle": [_("Không tìm thấy kỳ đánh giá trong phạm vi của bạn.")]}
        ) from exc
    node = visible_nodes(scope).filter(pk=data["node"]).first()
    if node is None:
        raise exceptions.ValidationError({"node": [_("Không tìm thấy đơn vị trong phạm vi của bạn.")]})
    if not scope.allows(action_name, node):
        raise PermissionDenied
    return cycle, node


def _filtered(qs: QuerySet[Any], scope: Scope, filters: dict[str, Any]) -> QuerySet[Any]:
    if filters.get("cycle"):
        qs = qs.filter(cycle_id=filters["cycle"])
    if filters.get("node"):
        qs = qs.filter(node_id=filters["node"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.select_related("node", "cycle")


# ---- cycles ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Các kỳ đánh giá của những tỉnh bạn làm việc"),
        responses={200: CycleSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một kỳ đánh giá"), responses={200: CycleSerializer, 404: ERRORS[404]}
    ),
    calendar=extend_schema(
        summary=gettext_lazy("Lịch các mốc của kỳ cho một nút (hạn luật định, hạn áp dụng, ai đặt)"),
        parameters=[CalendarQuerySerializer],
        responses={200: DeadlineSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    ),
)
class CycleViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """A province's year: its frozen framework versions and its deadline calendar."""

    serializer_class = CycleSerializer
    queryset = Cycle.objects.none()  # the schema reads the model from here; data comes from Scope
    pagination_class = None

    def list(self, request: Request) -> Response:
        cycles = access.visible_cycles(scope_of(request))
        prefetch_related_objects(cycles, "frameworks__framework")
        return Response(self.get_serializer(cycles, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(access.cycle_for(scope_of(request), pk)).data)

    @action(detail=True, methods=["get"])
    def calendar(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        cycle = access.cycle_for(scope, pk)
        query = CalendarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        node: OrgNode = cycle.province
        if query.validated_data.get("node"):
            found = visible_nodes(scope).filter(pk=query.validated_data["node"]).first()
            if found is None or not found.path.startswith(cycle.province.path):
                raise exceptions.ValidationError(
                    {"node": [_("Không tìm thấy nút này trong tỉnh của kỳ đánh giá.")]}
                )
            node = found
        return Response(DeadlineSerializer(calendar.calendar(cycle, node), many=True).data)


# ---- registrations -----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Các bản đăng ký phấn đấu trong phạm vi của bạn"),
        parameters=[ListQuerySerializer],
        responses={200: RegistrationSerializer(many=True), 400: ERRORS[400]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một bản đăng ký"), responses={200: RegistrationSerializer, 404: ERRORS[404]}
    ),
    create=extend_schema(
        summary=gettext_lazy("Lập (hoặc mở lại) bản đăng ký của đơn vị cho kỳ đánh giá"),
        request=StartSerializer,
        responses={201: RegistrationSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Lưu bản đăng ký đang soạn hoặc bị trả lại (kèm phiên bản đã đọc)"),
        request=RegistrationUpdateSerializer,
        responses={200: RegistrationSerializer, **ERRORS, **CONFLICT},
    ),
    submit=extend_schema(
        summary=gettext_lazy("Gửi bản đăng ký tới Công an xã (gửi sau hạn vẫn được, nhưng bị đánh dấu muộn)"),
        request=VersionSerializer,
        responses={200: RegistrationSerializer, **ERRORS, **CONFLICT},
    ),
    accept=extend_schema(
        summary=gettext_lazy("Tiếp nhận bản đăng ký"),
        request=VersionSerializer,
        responses={200: RegistrationSerializer, **ERRORS, **CONFLICT},
    ),
    return_=extend_schema(
        summary=gettext_lazy("Trả lại bản đăng ký kèm lý do"),
        request=ReturnReasonSerializer,
        responses={200: RegistrationSerializer, **ERRORS, **CONFLICT},
    ),
)
class RegistrationViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Registrations to strive for the ATANTT standard: draft, submit, accept or return."""

    serializer_class = RegistrationSerializer
    queryset = Registration.objects.none()  # the schema reads the model from here; data comes from Scope
    pagination_class = IdPagination

    def list(self, request: Request) -> Response:
        scope = scope_of(request)
        query = ListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = dict(query.validated_data)
        if filters.get("queue"):
            qs = Registration.objects.filter(
                access.in_subtree_q(scope, Action.REGISTRATION_REVIEW), status=RegistrationStatus.SUBMITTED
            )
        else:
            qs = Registration.objects.filter(access.in_subtree_q(scope, Action.VIEW))
        qs = _filtered(qs, scope, filters).select_related("resolution", "plan", "form_document")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(access.registration_for(scope_of(request), pk)).data)

    def create(self, request: Request) -> Response:
        scope = scope_of(request)
        if not scope.can_anywhere(Action.REGISTER):
            raise PermissionDenied
        cycle, node = _cycle_and_node(scope, _payload(StartSerializer, request), Action.REGISTER)
        registration = services.registration_start(by=_actor(request), scope=scope, cycle=cycle, node=node)
        return Response(self.get_serializer(registration).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        registration = access.registration_for(scope, pk, Action.REGISTER)
        data = _payload(RegistrationUpdateSerializer, request)
        version = data.pop("version")
        for name in ("resolution", "plan", "form_document"):
            if data.get(name) is not None:
                document = visible_evidence(scope).filter(pk=data[name]).first()
                if document is None:
                    raise exceptions.ValidationError(
                        {name: [_("Không tìm thấy tài liệu trong phạm vi của bạn.")]}
                    )
                data[name] = document
        saved = services.registration_save(
            by=_actor(request), scope=scope, registration=registration, data=data, expected_version=version
        )
        return Response(self.get_serializer(saved).data)

    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        registration = access.registration_for(scope, pk, Action.REGISTER)
        data = _payload(VersionSerializer, request)
        sent = services.registration_submit(
            by=_actor(request), scope=scope, registration=registration, expected_version=data["version"]
        )
        return Response(self.get_serializer(sent).data)

    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        registration = access.registration_for(scope, pk, Action.REGISTRATION_REVIEW)
        data = _payload(VersionSerializer, request)
        done = services.registration_accept(
            by=_actor(request), scope=scope, registration=registration, expected_version=data["version"]
        )
        return Response(self.get_serializer(done).data)

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        registration = access.registration_for(scope, pk, Action.REGISTRATION_REVIEW)
        data = _payload(ReturnReasonSerializer, request)
        done = services.registration_return(
            by=_actor(request),
            scope=scope,
            registration=registration,
            reason=data["reason"],
            expected_version=data["version"],
        )
        return Response(self.get_serializer(done).data)


# ---- assessments -------------------------------------------------------------------------------


def _detail(assessment: Assessment) -> dict[str, Any]:
    fresh = (
        Assessment.objects.select_related("node", "cycle").prefetch_related("rounds").get(pk=assessment.pk)
    )
    return dict(AssessmentDetailSerializer(fresh).data)


def _saved_detail(saved: Assessment) -> dict[str, Any]:
    """`_detail` of the row a save has just written and still holds (with its unit and cycle): its
    fields are what the database has now, so only the rounds are read."""
    total = saved.superior_total
    if total is not None and int(total.as_tuple().exponent) < -2:
        # More decimals than the column keeps: the database rounded it, answer what it stored.
        return _detail(saved)
    prefetch_related_objects([saved], "rounds")
    return dict(AssessmentDetailSerializer(saved).data)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Các bản đánh giá trong phạm vi của bạn"),
        parameters=[ListQuerySerializer],
        responses={200: AssessmentSerializer(many=True), 400: ERRORS[400]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một bản đánh giá: câu trả lời, hai cột điểm, kết quả, lịch sử các lần gửi"),
        responses={200: AssessmentDetailSerializer, 404: ERRORS[404]},
    ),
    start=extend_schema(
        summary=gettext_lazy("Mở bản tự đánh giá của đơn vị cho kỳ đánh giá"),
        request=StartSerializer,
        responses={201: AssessmentDetailSerializer, **ERRORS},
    ),
    save_self=extend_schema(
        summary=gettext_lazy("Lưu cột tự đánh giá, tự chấm (trả về cả các lỗi bộ máy quy tắc thấy, nếu có)"),
        request=SaveSelfSerializer,
        responses={200: SAVED, **ERRORS, **CONFLICT},
    ),
    submit=extend_schema(
        summary=gettext_lazy("Gửi bản tự đánh giá lên cấp trên (phiếu bị khoá)"),
        request=VersionSerializer,
        responses={200: AssessmentDetailSerializer, **ERRORS, **CONFLICT},
    ),
    review=extend_schema(
        summary=gettext_lazy("Lưu cột cấp trên chấm; mọi điểm trừ phải có lý do"),
        request=ReviewSerializer,
        responses={200: SAVED, **ERRORS, **CONFLICT},
    ),
    return_=extend_schema(
        summary=gettext_lazy("Trả lại bản tự đánh giá kèm lý do (mở lần gửi mới, giữ lịch sử)"),
        request=ReturnReasonSerializer,
        responses={200: AssessmentDetailSerializer, **ERRORS, **CONFLICT},
    ),
    approve=extend_schema(
        summary=gettext_lazy("Duyệt bản đánh giá"),
        request=VersionSerializer,
        responses={200: AssessmentDetailSerializer, **ERRORS, **CONFLICT},
    ),
    preview=extend_schema(
        summary=gettext_lazy("Tính thử kết quả với các giá trị gửi lên, không lưu"),
        request=PreviewSerializer,
        responses={200: PREVIEW, 400: ERRORS[400], 404: ERRORS[404]},
    ),
)
class AssessmentViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Self-assessment on the TT 124 checklist and the QĐ 510 sheet, then the superior's review."""

    serializer_class = AssessmentSerializer
    queryset = Assessment.objects.none()  # the schema reads the model from here; data comes from Scope
    pagination_class = IdPagination

    def list(self, request: Request) -> Response:
        scope = scope_of(request)
        query = ListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = dict(query.validated_data)
        if filters.get("queue"):
            qs = Assessment.objects.filter(
                access.in_subtree_q(scope, Action.ASSESSMENT_REVIEW), status=AssessmentStatus.SUBMITTED
            )
        else:
            qs = Assessment.objects.filter(access.in_subtree_q(scope, Action.VIEW))
        page = self.paginate_queryset(_filtered(qs, scope, filters))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(_detail(access.assessment_for(scope_of(request), pk)))

    @action(detail=False, methods=["post"])
    def start(self, request: Request) -> Response:
        scope = scope_of(request)
        if not scope.can_anywhere(Action.SELF_ASSESS):
            raise PermissionDenied
        cycle, node = _cycle_and_node(scope, _payload(StartSerializer, request), Action.SELF_ASSESS)
        assessment = services.assessment_start(by=_actor(request), scope=scope, cycle=cycle, node=node)
        return Response(_detail(assessment), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="save-self", url_name="save-self")
    def save_self(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        assessment = access.assessment_for(scope, pk, Action.SELF_ASSESS)
        data = _payload(SaveSelfSerializer, request)
        version = data.pop("version")
        saved, problems = services.assessment_save_self(
            by=_actor(request), scope=scope, assessment=assessment, data=data, expected_version=version
        )
        return Response({"assessment": _saved_detail(saved), "problems": problems})

    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        assessment = access.assessment_for(scope, pk, Action.SELF_ASSESS)
        data = _payload(VersionSerializer, request)
        sent = services.assessment_submit(
            by=_actor(request), scope=scope, assessment=assessment, expected_version=data["version"]
        )
        return Response(_detail(sent))

    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        assessment = access.assessment_for(scope, pk, Action.ASSESSMENT_REVIEW)
        data = _payload(ReviewSerializer, request)
        saved, problems = services.assessment_review_save(
            by=_actor(request),
            scope=scope,
            assessment=assessment,
            superior_scores=data.get("superior_scores", assessment.superior_scores),
            reasons=data.get("reasons", assessment.superior_reasons),
            expected_version=data["version"],
        )
        return Response({"assessment": _detail(saved), "problems": problems})

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        assessment = access.assessment_for(scope, pk, Action.ASSESSMENT_REVIEW)
        data = _payload(ReturnReasonSerializer, request)
        done = services.assessment_return(
            by=_actor(request),
            scope=scope,
            assessment=assessment,
            reason=data["reason"],
            expected_version=data["version"],
        )
        return Response(_detail(done))

    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        assessment = access.assessment_for(scope, pk, Action.ASSESSMENT_REVIEW)
        data = _payload(VersionSerializer, request)
        done = services.assessment_approve(
            by=_actor(request), scope=scope, assessment=assessment, expected_version=data["version"]
        )
        return Response(_detail(done))

    @action(detail=True, methods=["post"])
    def preview(self, request: Request, pk: str) -> Response:
        """The engine on the stored assessment with the given fields replaced; nothing is saved."""
        scope = scope_of(request)
        assessment = access.assessment_for(scope, pk)
        data = _payload(PreviewSerializer, request)
        values = {
            name: data.get(name, getattr(assessment, name))
            for name in ("unit_facts", "answers", "self_scores", "superior_scores", "notes", "evidence")
        }
        values["derived_scores"] = assessment.derived_scores  # what a submitted unit saw
        draft = Assessment(cycle=assessment.cycle, node=assessment.node, status=assessment.status, **values)
        evaluation = facts.evaluate(draft, services.registration_of(assessment))
        return Response({"result": evaluation.result, "problems": evaluation.problems})


router = SimpleRouter()
router.register("cycles", CycleViewSet, basename="cycle")
router.register("registrations", RegistrationViewSet, basename="registration")
router.register("assessments", AssessmentViewSet, basename="assessment")

urlpatterns: list = [*router.urls]  # type: ignore[type-arg]
