"""Keyset (cursor) pagination: page 4,000 costs the same as page 1 at 200,000 units."""

from rest_framework.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    ordering = "path"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
