"""Keyset (cursor) pagination: page 4,000 costs the same as page 1 at 200,000 units."""

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    ordering = "path"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_cursor_message = _("Con trỏ trang (cursor) không hợp lệ.")  # type: ignore[assignment]


class MembershipPagination(KeysetPagination):
    """Memberships have no path of their own; the id is unique and indexed."""

    ordering = "id"
