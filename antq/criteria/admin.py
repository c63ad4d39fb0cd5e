"""Read-only admin pages for frameworks and versions: every change goes through `services`
(frozen versions, validation by the engine, audit) or `antq load_frameworks`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from antq.criteria.models import Framework, FrameworkVersion, ThresholdConfirmation


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "title")


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(ReadOnlyAdmin):
    list_display = ("framework", "label", "province", "effective_from", "verified", "frozen", "created_at")
    list_filter = ("framework", "frozen", "verified")
    list_select_related = ("framework", "province")


@admin.register(ThresholdConfirmation)
class ThresholdConfirmationAdmin(ReadOnlyAdmin):
    list_display = ("version", "document_number", "document_date", "confirmed_by", "confirmed_at")
    list_select_related = ("version__framework", "version__province", "confirmed_by")
