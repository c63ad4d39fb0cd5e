"""A province's replacement of the wording of one kind of generated document.

Uploads are never edited nor deleted: a new upload (or a revert to the default) deactivates the
one in force and points it at its successor, so the history of what was in force stays readable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from antq.core.models import TimeStampedModel
from antq.doctemplates.choices import TemplateKind
from antq.org.models import OrgNode


class DocumentTemplate(TimeStampedModel):
    """One uploaded template file (YAML text) for one (province, kind)."""

    province = models.ForeignKey(
        OrgNode, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="document_templates"
    )
    kind = models.CharField(_("loại văn bản"), max_length=40, choices=TemplateKind.choices)
    content = models.TextField(_("nội dung tệp mẫu"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    # The upload that replaced this one; null while in force or when reverted to the default.
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("được thay bằng"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    deactivated_at = models.DateTimeField(_("thôi áp dụng từ"), null=True, blank=True)
    # 1, 2, 3 … per (province, kind), in upload order.
    number = models.PositiveIntegerField(_("lần tải lên"), default=1)

    class Meta:
        verbose_name = _("mẫu văn bản")
        verbose_name_plural = _("mẫu văn bản")
        ordering = ["province", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "kind"],
                condition=Q(is_active=True),
                name="%(app_label)s_%(class)s_one_active",
            ),
            models.UniqueConstraint(
                fields=["province", "kind", "number"], name="%(app_label)s_%(class)s_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.province.name} (#{self.number})"
