"""Plans (kế hoạch) of each level, their measurable targets and their tasks.

A plan implements the plan of an ancestor level (`parent`); its targets and tasks copied from that
plan keep a link to what they inherit (`inherited_from`), which is how deadlines are compared and
progress rolls up. An issued plan is immutable except its tasks' progress and status.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from antq.core.models import TimeStampedModel
from antq.org.models import OrgNode
from antq.plans.choices import Comparison, PlanStatus, TargetMeasure, TaskStatus


class Plan(TimeStampedModel):
    """A kế hoạch issued by one level (province, commune or unit) for one year."""

    node = models.ForeignKey(
        OrgNode, verbose_name=_("cấp ban hành"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thực hiện kế hoạch cấp trên"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    number = models.CharField(_("số"), max_length=20, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=40, default="KH-UBND")
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer_parent = models.CharField(_("cơ quan chủ quản"), max_length=200, blank=True)
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=200)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    title = models.CharField(_("trích yếu"), max_length=500)
    # One "Thực hiện …" / "Căn cứ …" per line, and one recipient per line.
    bases = models.TextField(_("căn cứ"), blank=True)
    purpose = models.TextField(_("mục đích, yêu cầu"), blank=True)
    organisation = models.TextField(_("tổ chức thực hiện"), blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    signer_prefix = models.CharField(_("thẩm quyền ký"), max_length=60, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=120, blank=True)
    cancel_reason = models.TextField(_("lý do hủy"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-year", "node__path", "-id"]
        constraints = [
            # A level implements a superior's plan once (a cancelled attempt does not count).
            models.UniqueConstraint(
                fields=["node", "parent"],
                condition=Q(parent__isnull=False) & ~Q(status=PlanStatus.CANCELLED),
                name="plans_plan_once_per_parent",
            ),
            # A number is used once per issuer, symbol and year.
            models.UniqueConstraint(
                fields=["node", "year", "number", "symbol"],
                condition=~Q(number=""),
                name="plans_plan_number_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status=PlanStatus.ISSUED) | (~Q(number="") & Q(issued_on__isnull=False)),
                name="plans_plan_issued_has_number_and_date",
            ),
        ]
        indexes = [
            # selectors.plan_list: plans of a year within a scope, by level and status.
            models.Index(fields=["year", "status"], name="plans_plan_year_status"),
        ]

    def __str__(self) -> str:
        code = self.code or gettext("Dự thảo")
        return f"{code} · {self.title}"

    @property
    def code(self) -> str:
        return f"{self.number}/{self.symbol}" if self.number else ""

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @property
    def is_issued(self) -> bool:
        return self.status == PlanStatus.ISSUED

    def base_lines(self) -> list[str]:
        return [line.strip() for line in self.bases.splitlines() if line.strip()]

    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class PlanTarget(TimeStampedModel):
    """A measurable target (chỉ tiêu): a percentage or a count of something, for some unit types."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    label = models.CharField(_("chỉ tiêu"), max_length=300)
    measure = models.CharField(_("đo bằng"), max_length=10, choices=TargetMeasure.choices)
    value = models.DecimalField(_("giá trị"), max_digits=9, decimal_places=2)
    of_what = models.CharField(_("của (đối tượng)"), max_length=300)
    # Codes of choices.UnitType ("KDC", "XA", "CQ", "DN", "CSGD").
    unit_types = models.JSONField(_("áp dụng cho loại đơn vị"), default=list, blank=True)
    # What the dashboards compute for it (`data/metrics.yaml`); blank = a target kept as text only.
    metric = models.CharField(_("đo bằng số liệu"), max_length=40, blank=True)
    comparison = models.CharField(
        _("so sánh"), max_length=10, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    inherited_from = models.ForeignKey(
        "self",
        verbose_name=_("kế thừa từ chỉ tiêu cấp trên"),
        on_delete=models.PROTECT,
        related_name="inherited_by",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["plan", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="plans_plantarget_value_positive"),
            models.CheckConstraint(
                condition=~Q(measure=TargetMeasure.PERCENT) | Q(value__lte=100),
                name="plans_plantarget_percent_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.display_value}"

    @property
    def display_value(self) -> str:
        number = f"{self.value.normalize():f}".replace(".", ",")
        prefix = gettext("trên ") if self.comparison == Comparison.ABOVE else ""
        if self.measure == TargetMeasure.PERCENT:
            return f"{prefix}{number}% {self.of_what}"
        return f"{prefix}{number} {self.of_what}"


class PlanTask(TimeStampedModel):
    """A task (nhiệm vụ) of a plan: content, measures, who leads it, by when, how it is checked."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    content = models.CharField(_("nội dung"), max_length=500)
    measures = models.TextField(_("biện pháp"), blank=True)
    lead_unit = models.CharField(_("đơn vị chủ trì"), max_length=200)
    coordinating_units = models.CharField(_("đơn vị phối hợp"), max_length=300, blank=True)
    # Blank: "Thường xuyên" (a standing task without a single deadline).
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    check_method = models.CharField(_("kiểm tra, đánh giá"), max_length=500, blank=True)
    inherited_from = models.ForeignKey(
        "self",
        verbose_name=_("kế thừa từ nhiệm vụ cấp trên"),
        on_delete=models.PROTECT,
        related_name="inherited_by",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["plan", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="plans_plantask_progress_max_100"),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.DONE) | Q(progress=100), name="plans_plantask_done_is_100"
            ),
        ]
        indexes = [
            # selectors.rollup: the child tasks of a plan's tasks, grouped by the task they inherit.
            models.Index(fields=["inherited_from", "status"], name="plans_task_inherited"),
        ]

    def __str__(self) -> str:
        return self.content

    @property
    def parent_deadline(self) -> object:
        parent = self.inherited_from
        return parent.deadline if parent is not None else None

    @property
    def is_late(self) -> bool:
        """True when the task it inherits has a deadline and this one's is later, or has none
        (a cleared deadline would otherwise hide the lateness)."""
        parent = self.inherited_from
        if parent is None or parent.deadline is None:
            return False
        return self.deadline is None or self.deadline > parent.deadline
