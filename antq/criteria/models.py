"""Frameworks as versioned data in the database: what `antq load_frameworks` loads and cycles pin.

A `Framework` is one rule book (TT 124 criteria, or one QĐ 510 score sheet). Each of its
`FrameworkVersion`s keeps the parsed YAML document as JSON, exactly what the engine reads
(`load_framework(version.content)`). A national version has no province; a province variant is a
copy under a province (TT 124 Điều 8: provinces may add local criteria), derived from a version.
A version used by a cycle is frozen: its content can no longer change, here or in the services.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.core.errors import DomainError


class FrozenVersionError(DomainError):
    """The version is frozen (a cycle uses it): its content cannot change."""


def canonical_json(content: Any) -> str:
    """One spelling of a document: sorted keys, no spaces, UTF-8 kept (the hash is taken over it)."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(content: Any) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def classification_fingerprint(content: Any) -> str:
    """The sha256 of the document's `classification` section (canonical JSON), or "" without one.

    A threshold confirmation stores it: the confirmation holds only while the version's current
    classification still has this fingerprint (a later threshold edit voids it)."""
    classification = content.get("classification") if isinstance(content, dict) else None
    if not isinstance(classification, dict):
        return ""
    return content_hash(classification)


def _frozen_message(what: object) -> str:
    return _("Phiên bản %(v)s đã bị khóa (đã được dùng trong một kỳ đánh giá), không sửa được.") % {"v": what}


class FrameworkVersionQuerySet(models.QuerySet["FrameworkVersion"]):
    """Bulk writes that would go around `FrameworkVersion.save()` refuse to touch a frozen row."""

    def _refuse_if_frozen(self, action: str) -> None:
        frozen = list(self.filter(frozen=True).values_list("pk", flat=True)[:5])
        if frozen:
            ids = ", ".join(str(pk) for pk in frozen)
            raise FrozenVersionError(
                _("Không thể %(action)s phiên bản đã bị khóa (đã dùng trong kỳ đánh giá): id %(ids)s.")
                % {"action": action, "ids": ids}
            )

    def update(self, **kwargs: Any) -> int:
        # Freezing again is the one write a frozen row accepts.
        if set(kwargs) - {"updated_at"} != {"frozen"} or kwargs["frozen"] is not True:
            self._refuse_if_frozen(_("sửa"))
        return super().update(**kwargs)

    update.queryset_only = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse_if_frozen(_("xóa"))
        return super().delete()

    delete.queryset_only = True  # type: ignore[attr-defined]

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        objs = list(objs)
        pks = [obj.pk for obj in objs if obj.pk is not None]
        if pks:
            type(self)(self.model, using=self.db).filter(pk__in=pks)._refuse_if_frozen(_("sửa"))
        return super().bulk_update(objs, fields, batch_size=batch_size)


class FrameworkKind(models.TextChoices):
    TT124 = "tt124", gettext_lazy("Tiêu chuẩn ATANTT (TT 124)")
    QD510 = "qd510", gettext_lazy("Bảng chấm điểm phong trào (QĐ 510)")


class Framework(models.Model):
    """One rule book: `tt124`, or one QĐ 510 sheet (`qd510-<sheet>`, e.g. `qd510-cq-dn-csgd`)."""

    code = models.CharField(gettext_lazy("mã"), max_length=60, unique=True)
    kind = models.CharField(gettext_lazy("loại"), max_length=10, choices=FrameworkKind.choices)
    title = models.CharField(gettext_lazy("tên"), max_length=300)

    class Meta:
        verbose_name = gettext_lazy("bộ tiêu chí")
        verbose_name_plural = gettext_lazy("bộ tiêu chí")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class FrameworkVersion(models.Model):
    """One version of a framework: the document (JSON), its hash, and whether it may still change.

    `content_hash`, `verified` and `effective_from` are derived from `content` on every save.
    """

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    label = models.CharField(gettext_lazy("phiên bản"), max_length=40)
    content = models.JSONField(gettext_lazy("nội dung"))
    content_hash = models.CharField(max_length=64, editable=False)
    # Where the content came from: the data file (relative path) or the version it was derived from.
    source = models.CharField(gettext_lazy("nguồn"), max_length=300, blank=True)
    verified = models.BooleanField(gettext_lazy("đã xác minh với văn bản gốc"), default=False, editable=False)
    effective_from = models.DateField(gettext_lazy("hiệu lực từ"), editable=False)
    frozen = models.BooleanField(gettext_lazy("đã khóa"), default=False)
    province = models.ForeignKey(
        "org.OrgNode",
        verbose_name=gettext_lazy("tỉnh (biến thể)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derivatives"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FrameworkVersionQuerySet.as_manager()

    # Not compared by the frozen guard: `frozen` itself (it may only go False -> True) and the
    # modification time that every save sets.
    UNGUARDED_FIELDS = ("frozen", "updated_at")

    class Meta:
        verbose_name = gettext_lazy("phiên bản bộ tiêu chí")
        verbose_name_plural = gettext_lazy("phiên bản bộ tiêu chí")
        ordering = ["framework", "province", "effective_from", "id"]
        constraints = [
            # NULL province (national) would never collide in a plain unique index: two partial ones.
            models.UniqueConstraint(
                fields=["framework", "label"],
                condition=Q(province__isnull=True),
                name="criteria_version_national_label",
            ),
            models.UniqueConstraint(
                fields=["framework", "province", "label"],
                condition=Q(province__isnull=False),
                name="criteria_version_province_label",
            ),
        ]
        indexes = [
            # selectors.active_version: versions of one framework for one province (or national)
            # in force on a date, latest first.
            models.Index(fields=["framework", "province", "effective_from"], name="criteria_version_active"),
        ]

    def __str__(self) -> str:
        where = f" ({self.province})" if self.province_id else ""
        return f"{self.framework} {self.label}{where}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse to change anything (or unfreeze) in a version that is frozen in the database:
        every field but `frozen` (which may only stay True) and `updated_at` is compared."""
        self.refresh_derived()
        if self.pk is not None:
            fields = self.guarded_fields()
            stored = type(self)._base_manager.filter(pk=self.pk).values("frozen", *fields).first()
            if stored and stored["frozen"]:
                changed = [name for name in fields if stored[name] != getattr(self, name)]
                if changed or not self.frozen:
                    raise FrozenVersionError(_frozen_message(self))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """A frozen version is never deleted (a cycle refers to it)."""
        if self.frozen or (
            self.pk is not None and type(self)._base_manager.filter(pk=self.pk, frozen=True).exists()
        ):
            raise FrozenVersionError(_frozen_message(self))
        return super().delete(*args, **kwargs)

    @classmethod
    def guarded_fields(cls) -> list[str]:
        return [f.attname for f in cls._meta.concrete_fields if f.name not in cls.UNGUARDED_FIELDS]

    @property
    def is_variant(self) -> bool:
        return self.province_id is not None

    def refresh_derived(self) -> None:
        self.content_hash = content_hash(self.content)
        self.verified = self.content.get("verified") is True if isinstance(self.content, dict) else False
        raw = self.content.get("effective_from") if isinstance(self.content, dict) else None
        self.effective_from = dt.date.fromisoformat(raw) if isinstance(raw, str) else dt.date.min


class ThresholdConfirmation(models.Model):
    """A province administrator's statement that a version's classification thresholds match a
    document (number, date). Until one exists (or the file itself says `verified: true`), every
    classification made with that version is provisional."""

    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="threshold_confirmations"
    )
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)
    document_number = models.CharField(gettext_lazy("số văn bản"), max_length=120)
    document_date = models.DateField(gettext_lazy("ngày văn bản"))
    note = models.TextField(gettext_lazy("ghi chú"), blank=True)
    # `classification_fingerprint` of the version's content when confirmed: the confirmation is
    # valid only while the version's classification section still has it.
    classification_hash = models.CharField(
        gettext_lazy("dấu vân tay phần phân loại"), max_length=64, default="", editable=False
    )

    class Meta:
        verbose_name = gettext_lazy("xác nhận ngưỡng phân loại")
        verbose_name_plural = gettext_lazy("xác nhận ngưỡng phân loại")
        ordering = ["-confirmed_at", "-id"]
        # selectors.thresholds_verified (exists() by version and fingerprint) uses the foreign
        # key's own index: a version has a handful of confirmations at most.

    def __str__(self) -> str:
        return f"{self.version}: {self.document_number} ({self.document_date:%d/%m/%Y})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Without a fingerprint, the confirmation is of the version's thresholds as they are now."""
        if not self.classification_hash:
            self.classification_hash = classification_fingerprint(self.version.content)
        super().save(*args, **kwargs)

    def matches(self, version: FrameworkVersion) -> bool:
        """Whether the confirmation still covers the version's current classification section."""
        current = classification_fingerprint(version.content)
        return bool(current) and self.classification_hash == current
