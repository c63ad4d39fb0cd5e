"""REST endpoints of the notifications app, mounted under /api/v1/ by `antq.api.urls`.

A caller sees only their own notifications: anyone else's answers 404.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from antq.api.pagination import KeysetPagination
from antq.api.views import ERRORS, ApiErrorsMixin
from antq.notifications import services
from antq.notifications.access import notification_for
from antq.notifications.models import Notification, NotificationQuerySet
from antq.notifications.selectors import notification_list


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class NotificationFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    unread = serializers.BooleanField(required=False, help_text=_("Chỉ thông báo chưa đọc"))


class MarkedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    updated = serializers.IntegerField(help_text=_("Số thông báo vừa được đánh dấu đã đọc"))


class NotificationPagination(KeysetPagination):
    """Newest first; the id breaks ties between notifications created in the same instant."""

    ordering = ("-created_at", "-id")  # type: ignore[assignment]


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran before any handler
    return user


@extend_schema_view(
    list=extend_schema(
        summary=_("Thông báo của bạn, mới nhất trước"),
        parameters=[NotificationFilterSerializer],
        responses={200: NotificationSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary=_("Một thông báo của bạn"), responses={200: NotificationSerializer, 404: ERRORS[404]}
    ),
    mark_read=extend_schema(
        summary=_("Đánh dấu một thông báo đã đọc"),
        request=None,
        responses={200: NotificationSerializer, 404: ERRORS[404]},
    ),
    mark_all_read=extend_schema(
        summary=_("Đánh dấu tất cả thông báo của bạn đã đọc"),
        request=None,
        responses={200: MarkedSerializer},
    ),
)
class NotificationViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """The caller's own in-app notifications."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # the schema reads the model from here
    pagination_class = NotificationPagination

    def get_queryset(self) -> NotificationQuerySet:
        return notification_list(user=_user(self.request))

    def list(self, request: Request) -> Response:
        filters = NotificationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = notification_list(user=_user(request), unread_only=bool(filters.validated_data.get("unread")))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(notification_for(_user(request), pk)).data)

    @action(detail=True, methods=["post"], url_path="read")
    def mark_read(self, request: Request, pk: str) -> Response:
        """Mark one of your notifications read."""
        user = _user(request)
        notification = services.notification_mark_read(user=user, notification=notification_for(user, pk))
        return Response(self.get_serializer(notification).data)

    @action(detail=False, methods=["post"], url_path="read-all")
    def mark_all_read(self, request: Request) -> Response:
        """Mark all your notifications read."""
        return Response({"updated": services.mark_all_read(user=_user(request))})


router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns: list = [*router.urls]  # type: ignore[type-arg]
