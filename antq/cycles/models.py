"""The annual cycle: a year of the movement in one province, its calendar, and each unit's
registration and assessment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from antq.core.models import TimeStampedModel
from antq.criteria.models import FrameworkVersion
from antq.cycles.choices import AssessmentStatus, CycleStatus, DeadlineCode, RegistrationStatus
from antq.evidence.models import EvidenceDocument
from antq.org.models import OrgNode


class Cycle(TimeStampedModel):
    """One province's year; the framework versions it applies are frozen when it opens."""

    province = models.ForeignKey(
        OrgNode, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="cycles"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=CycleStatus.choices, default=CycleStatus.OPEN
    )
    frameworks = models.ManyToManyField(
        FrameworkVersion, verbose_name=_("bộ tiêu chí áp dụng"), related_name="cycles", blank=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")
        ordering = ["-year", "province__path"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="cycles_cycle_one_per_province_year"),
        ]

    def __str__(self) -> str:
        return f"{self.province.name} · {self.year}"


class DeadlineOverride(TimeStampedModel):
    """A deadline brought forward by a province or commune for every unit below it."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="deadline_overrides")
    node = models.ForeignKey(
        OrgNode, verbose_name=_("áp dụng cho"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("mốc"), max_length=30, choices=DeadlineCode.choices)
    # Blank: every unit kind the deadline applies to; else only this kind (e.g. agencies).
    unit_kind = models.CharField(_("loại đơn vị"), max_length=20, blank=True)
    due = models.DateField(_("hạn mới"))
    reason = models.CharField(_("căn cứ"), max_length=300)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("hạn do cấp trên đặt")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "node", "code", "unit_kind"], name="cycles_deadlineoverride_one_per_node"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.due:%d/%m/%Y} · {self.node.name}"


class Registration(TimeStampedModel):
    """A unit's (or a commune's) registration to strive for the ATANTT standard in a cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="registrations")
    node = models.ForeignKey(
        OrgNode, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="registrations"
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.DRAFT
    )
    registered_on = models.DateField(_("ngày đăng ký"))
    has_party_org = models.BooleanField(_("có tổ chức Đảng"), default=True)
    # Households for a residential area; sub-units (phòng, ban, tổ, đội…) for the others.
    commitment_total = models.PositiveIntegerField(_("tổng số hộ / bộ phận"), default=0)
    commitment_count = models.PositiveIntegerField(_("số hộ / bộ phận đã cam kết"), default=0)
    uncommitted = models.TextField(_("chưa cam kết (mỗi dòng một hộ / bộ phận)"), blank=True)
    resolution = models.ForeignKey(
        EvidenceDocument,
        verbose_name=_("nghị quyết"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    plan = models.ForeignKey(
        EvidenceDocument,
        verbose_name=_("kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    form_document = models.ForeignKey(
        EvidenceDocument,
        verbose_name=_("bản đăng ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("ghi chú"), blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    is_late = models.BooleanField(_("đăng ký muộn"), default=False)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    class Meta:
        verbose_name = _("đăng ký phấn đấu")
        verbose_name_plural = _("đăng ký phấn đấu")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "node"], name="cycles_registration_one_per_cycle"),
            models.CheckConstraint(
                condition=Q(commitment_count__lte=models.F("commitment_total")),
                name="cycles_registration_committed_within_total",
            ),
        ]
        indexes = [
            # Registrations of a cycle by status (commune police's queue, dashboards).
            models.Index(fields=["cycle", "status"], name="cycles_registration_status"),
        ]

    def __str__(self) -> str:
        return f"{self.node.name} · {self.cycle.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in {RegistrationStatus.DRAFT, RegistrationStatus.RETURNED}


class Assessment(TimeStampedModel):
    """A unit's year on the TT 124 checklist and the QĐ 510 sheet: self column, superior column."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="assessments")
    node = models.ForeignKey(
        OrgNode, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    round = models.PositiveSmallIntegerField(_("lần gửi"), default=1)
    # Unit attributes the law's "nơi có" conditions need (has_guard_force, eligible_for_emulation…).
    unit_facts = models.JSONField(default=dict, blank=True)
    # TT 124 answers keyed by criterion or sub-item id, in the engine's fact-sheet format.
    answers = models.JSONField(default=dict, blank=True)
    self_scores = models.JSONField(default=dict, blank=True)
    # Why the unit changed points its records suggest (QĐ 510 items 1–4, 6, 7), per item id, and
    # those suggestions as they stood at submission ({id: {value, source, url}}).
    self_reasons = models.JSONField(default=dict, blank=True)
    derived_scores = models.JSONField(default=dict, blank=True)
    superior_scores = models.JSONField(default=dict, blank=True)
    # Why the superior took points off, per item id (required for every deduction).
    superior_reasons = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=dict, blank=True)
    # Evidence per criterion / item id: {id: [document ids]}.
    evidence = models.JSONField(default=dict, blank=True)
    # The engine's result at the last save, so lists and dashboards read it without re-running.
    result = models.JSONField(default=dict, blank=True)
    recognized = models.BooleanField(null=True)
    classification = models.CharField(max_length=30, blank=True)
    superior_total = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "node"], name="cycles_assessment_one_per_cycle"),
        ]
        indexes = [
            # Review queue and dashboards: assessments of a cycle by status.
            models.Index(fields=["cycle", "status"], name="cycles_assessment_status"),
        ]

    def __str__(self) -> str:
        return f"{self.node.name} · {self.cycle.year}"

    @property
    def self_editable(self) -> bool:
        return self.status in {AssessmentStatus.DRAFT, AssessmentStatus.RETURNED}

    @property
    def review_editable(self) -> bool:
        return self.status == AssessmentStatus.SUBMITTED


class AssessmentRound(models.Model):
    """What was submitted in one round, and how the superior answered it (history is kept)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(default=dict)
    outcome = models.CharField(max_length=20, choices=AssessmentStatus.choices, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    outcome_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="cycles_assessmentround_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · lần {self.number}"
