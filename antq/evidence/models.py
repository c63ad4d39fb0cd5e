"""The evidence register: documents a unit (or a commune, for its own dossier) files for a year,
and the criteria each one supports.

A document is never deleted: registrations and assessments point at it. It is withdrawn
instead (with a reason), and stays readable and downloadable for the record.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from antq.core.models import TimeStampedModel
from antq.evidence.storage import get_evidence_storage

MIN_YEAR = 2020
MAX_YEAR = 2100


class DocType(models.TextChoices):
    NGHI_QUYET = "nghi_quyet", _("Nghị quyết")
    KE_HOACH = "ke_hoach", _("Kế hoạch")
    QUYET_DINH = "quyet_dinh", _("Quyết định")
    NOI_QUY = "noi_quy", _("Nội quy, quy chế")
    BIEN_BAN = "bien_ban", _("Biên bản")
    BAO_CAO = "bao_cao", _("Báo cáo")
    BAN_DANG_KY = "ban_dang_ky", _("Bản đăng ký")
    ANH = "anh", _("Ảnh")
    KHAC = "khac", _("Khác")


class EvidenceDocument(TimeStampedModel):
    """One document of a node's dossier for a cycle year, with its file and where it came from."""

    # The composite indexes below start with the node: a separate index on it would be redundant.
    node = models.ForeignKey(
        "org.OrgNode",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="evidence_documents",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(
        _("năm đánh giá"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    doc_type = models.CharField(_("loại tài liệu"), max_length=20, choices=DocType.choices)
    number_symbol = models.CharField(
        _("số, ký hiệu"), max_length=60, blank=True, help_text=_("Ví dụ: 13-NQ/ĐB, 25/KH-UBND.")
    )
    issue_date = models.DateField(_("ngày ban hành"), help_text=_("Ngày ký, ngày lập hoặc ngày chụp."))
    issuer = models.CharField(_("cơ quan, người ban hành"), max_length=255, blank=True)
    title = models.CharField(_("trích yếu, tiêu đề"), max_length=500)
    file = models.FileField(_("tệp"), storage=get_evidence_storage, max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("còn hiệu lực"), default=True)
    withdrawn_reason = models.CharField(_("lý do thu hồi"), max_length=500, blank=True)
    withdrawn_at = models.DateTimeField(_("thời điểm thu hồi"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu hồi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tài liệu minh chứng")
        verbose_name_plural = _("tài liệu minh chứng")
        ordering = ["issue_date", "id"]
        indexes = [
            # selectors.evidence_list / evidence_by_criterion: a node's documents of one year,
            # in force or not, ordered by date.
            models.Index(fields=["node", "year", "is_active", "issue_date"], name="evidence_doc_node_year"),
            # selectors.evidence_of_type: a node's documents of one type and year (the registration
            # looks for its resolution and plan).
            models.Index(fields=["node", "year", "doc_type"], name="evidence_doc_node_type"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR),
                name="%(app_label)s_%(class)s_year_range",
            ),
            models.CheckConstraint(
                condition=Q(doc_type__in=[t.value for t in DocType]),
                name="%(app_label)s_%(class)s_doc_type_valid",
            ),
            # A withdrawn document always says why.
            models.CheckConstraint(
                condition=Q(is_active=True) | ~Q(withdrawn_reason=""),
                name="%(app_label)s_%(class)s_withdrawal_reason",
            ),
        ]

    def __str__(self) -> str:
        label = self.number_symbol or self.get_doc_type_display()
        return f"{label}: {self.title}"[:255]

    def criterion_ids(self) -> list[str]:
        """Linked criterion ids (uses prefetched links when present)."""
        return sorted(link.criterion_id for link in self.links.all())

    def snapshot(self) -> dict[str, Any]:
        """Field values for the audit log's old → new comparison."""
        return {
            name: (value.isoformat() if hasattr(value, "isoformat") else value)
            for name in AUDITED_FIELDS
            for value in [getattr(self, name)]
        }


AUDITED_FIELDS = ("doc_type", "number_symbol", "issue_date", "issuer", "title")


class EvidenceLink(models.Model):
    """A document supports a criterion (or sub-item) of TT 124, or an item of a QĐ 510 sheet.

    Criterion ids are the frameworks' stable ids ("TT124.KDC.1", "TT124.CQDN.3.đ", "QD510.CQ.7"),
    kept as strings: the same document serves several criteria, and the ids outlive versions.
    """

    document = models.ForeignKey(EvidenceDocument, on_delete=models.CASCADE, related_name="links")
    criterion_id = models.CharField(_("tiêu chí"), max_length=80)

    class Meta:
        verbose_name = _("liên kết tiêu chí")
        verbose_name_plural = _("liên kết tiêu chí")
        constraints = [
            # Also the index of "links of these documents" (the prefetch of every list).
            models.UniqueConstraint(
                fields=["document", "criterion_id"], name="%(app_label)s_%(class)s_unique_pair"
            ),
        ]
        indexes = [
            # selectors.evidence_list(criterion_id=…): documents supporting one criterion.
            models.Index(fields=["criterion_id", "document"], name="evidence_link_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.criterion_id}"
