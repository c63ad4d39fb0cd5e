"""Recognition and classification decisions (with their annex of units), the approval authority
table of a province, and award proposals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from antq.core.models import TimeStampedModel
from antq.cycles.models import Assessment, Cycle
from antq.decisions.choices import AuthorityLevel, AwardKind, AwardStatus, DecisionKind, DecisionStatus
from antq.org.models import OrgNode

NUMBERED = [DecisionStatus.ISSUED, DecisionStatus.REVOKED]


class ApprovalAuthority(TimeStampedModel):
    """A province's own row of the approval-authority table for one year (overrides the default)."""

    province = models.ForeignKey(OrgNode, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    unit_kind = models.CharField(_("loại đơn vị"), max_length=20)
    # Blank: every managing authority of that kind (residential areas, communes).
    managing_authority = models.CharField(_("cấp quản lý"), max_length=20, blank=True)
    level = models.CharField(_("cấp quyết định"), max_length=20, choices=AuthorityLevel.choices)
    decider_title = models.CharField(_("người / cơ quan quyết định"), max_length=200)
    routed_via = models.CharField(_("hồ sơ gửi qua"), max_length=200, blank=True)
    basis = models.CharField(_("căn cứ (văn bản của tỉnh)"), max_length=300)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("thẩm quyền công nhận")
        verbose_name_plural = _("thẩm quyền công nhận")
        ordering = ["province", "year", "unit_kind", "managing_authority"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "unit_kind", "managing_authority"],
                name="decisions_approvalauthority_one_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province.name} {self.year}: {self.unit_kind}/{self.managing_authority or '*'}"


class Decision(TimeStampedModel):
    """A Quyết định công nhận or phân loại for a batch of units, issued by a commune or a province."""

    kind = models.CharField(_("loại quyết định"), max_length=20, choices=DecisionKind.choices)
    cycle = models.ForeignKey(
        Cycle, verbose_name=_("kỳ đánh giá"), on_delete=models.PROTECT, related_name="decisions"
    )
    issuer = models.ForeignKey(
        OrgNode, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="issued_decisions"
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    number = models.CharField(_("số"), max_length=20, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=40, default="QĐ-UBND")
    # The year of `issued_on`, set at issue: numbers restart every calendar year (NĐ 30 Điều 15).
    number_year = models.PositiveSmallIntegerField(_("năm của số"), null=True, blank=True, editable=False)
    issued_on = models.DateField(_("ngày ký"), null=True, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    signer_prefix = models.CharField(_("thẩm quyền ký"), max_length=40, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, default="CHỦ TỊCH")
    signer_name = models.CharField(_("họ tên người ký"), max_length=120, blank=True)
    proposal_by = models.CharField(_("cơ quan đề nghị"), max_length=300, blank=True)
    proposal_ref = models.CharField(_("tờ trình đề nghị"), max_length=300, blank=True)
    # One "Căn cứ …" per line, and one recipient per line; prefilled from data/texts.yaml.
    bases = models.TextField(_("căn cứ ban hành"), blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    revoke_reason = models.TextField(_("lý do thu hồi"), blank=True)
    revoked_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký ban hành"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The template's wording as filled in at issue: every copy of a signed decision (its files, its
    # certificates) prints it, whatever template the province uploads later. Empty on a draft,
    # which follows the template in force.
    wording = models.JSONField(_("lời văn khi ban hành"), default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("quyết định")
        verbose_name_plural = _("quyết định")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A number is used once per issuer and year, revoked decisions included.
            models.UniqueConstraint(
                fields=["issuer", "number_year", "number", "symbol"],
                condition=Q(status__in=NUMBERED),
                name="decisions_decision_number_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=NUMBERED)
                | (~Q(number="") & Q(issued_on__isnull=False) & Q(number_year__isnull=False)),
                name="decisions_decision_issued_has_number_and_date",
            ),
        ]
        indexes = [
            # Decision list of a cycle by kind and status (and the issued ones of selectors).
            models.Index(fields=["cycle", "kind", "status"], name="decisions_decision_cycle_kind"),
        ]

    def __str__(self) -> str:
        code = f"{self.number}/{self.symbol}" if self.number else _("Dự thảo")
        return f"{code} · {self.issuer.name} · {self.cycle.year}"

    @property
    def code(self) -> str:
        return f"{self.number}/{self.symbol}" if self.number else ""

    @property
    def is_draft(self) -> bool:
        return self.status == DecisionStatus.DRAFT

    def base_lines(self) -> list[str]:
        return [line.strip() for line in self.bases.splitlines() if line.strip()]

    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class DecisionItem(models.Model):
    """One unit in a decision's annex, with what the decision says about it."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="items")
    # Copies of the decision's cycle and kind, so that "one decision in force per unit" is a
    # database constraint (below) and not only a check in the service.
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    node = models.ForeignKey(
        OrgNode, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="decision_items"
    )
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="decision_items")
    position = models.PositiveIntegerField(default=0)
    level = models.CharField(_("xếp loại"), max_length=30, blank=True)
    level_label = models.CharField(_("xếp loại"), max_length=60, blank=True)
    self_total = models.DecimalField(_("điểm tự chấm"), max_digits=6, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(
        _("điểm cấp trên chấm"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    # True from the decision's issue until its revocation: what the selectors call "in force".
    in_force = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("đơn vị trong quyết định")
        verbose_name_plural = _("đơn vị trong quyết định")
        ordering = ["decision", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "node"], name="decisions_decisionitem_once_per_decision"
            ),
            # A unit is in at most one decision in force of each kind per cycle. The partial index
            # also serves `recognized_nodes` (cycle, kind, in force).
            models.UniqueConstraint(
                fields=["cycle", "kind", "node"],
                condition=Q(in_force=True),
                name="decisions_decisionitem_one_in_force",
            ),
        ]
        indexes = [
            # The dashboards' "recognized" share (dashboards.figures._compose): the recognitions
            # in force of a subtree's nodes, looked up node by node. Led by the cycle, the index above
            # reads the whole country's recognitions of the year for one province.
            models.Index(
                fields=["node", "cycle"],
                condition=Q(in_force=True, kind="recognition"),
                name="decisionitem_node_recognized",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.node.name} · {self.decision}"


class AwardProposal(TimeStampedModel):
    """A proposal to award a unit (collective) or one of its people (individual) for the year."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("kỳ đánh giá"), on_delete=models.PROTECT, related_name="award_proposals"
    )
    node = models.ForeignKey(
        OrgNode, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="award_proposals"
    )
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("hình thức"), max_length=20, choices=AwardKind.choices, default=AwardKind.COLLECTIVE
    )
    recipient_name = models.CharField(_("họ tên cá nhân"), max_length=200, blank=True)
    award_title = models.CharField(_("hình thức khen thưởng đề nghị"), max_length=300)
    content = models.TextField(_("thành tích"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=AwardStatus.choices, default=AwardStatus.PROPOSED
    )
    reason = models.TextField(_("lý do rút đề nghị"), blank=True)
    # The decisions the proposal stood on when it was made.
    recognition = models.ForeignKey(DecisionItem, on_delete=models.PROTECT, related_name="+", null=True)
    classification = models.ForeignKey(DecisionItem, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        verbose_name = _("đề nghị khen thưởng")
        verbose_name_plural = _("đề nghị khen thưởng")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "node", "kind", "recipient_name", "award_title"],
                condition=Q(status=AwardStatus.PROPOSED),
                name="decisions_awardproposal_once",
            ),
        ]
        indexes = [
            # Award list of a cycle by status.
            models.Index(fields=["cycle", "status"], name="decisions_award_cycle_status"),
        ]

    def __str__(self) -> str:
        who = f"{self.recipient_name} ({self.node.name})" if self.recipient_name else self.node.name
        return f"{self.award_title}: {who}"


class DocumentFile(models.TextChoices):
    """The files of a decision ANTQ generates (the per-unit certificate is rendered on the spot)."""

    DECISION_PDF = "decision.pdf", _("Quyết định (PDF)")
    DECISION_DOCX = "decision.docx", _("Quyết định (DOCX)")
    CERTIFICATES_PDF = "certificates.pdf", _("Giấy công nhận (PDF)")
    CERTIFICATES_DOCX = "certificates.docx", _("Giấy công nhận (DOCX)")


class DocumentJob(models.Model):
    """One generated file of one version of a decision: rendered once (on the spot when small, by
    the task worker when large) and then served from storage. An issued decision never changes, so
    its files are final; a draft's edit bumps its version and the next download renders anew."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ tạo tệp")
        RUNNING = "running", _("Đang tạo tệp")
        DONE = "done", _("Đã tạo xong")
        FAILED = "failed", _("Không tạo được tệp")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="document_jobs")
    what = models.CharField(max_length=30, choices=DocumentFile.choices)
    decision_version = models.PositiveIntegerField()
    # The wording the file was made with: "pinned" (an issued decision), "default", or "t<id>" of
    # the province's upload in force (a draft follows the template, so a new upload renders anew).
    template_key = models.CharField(max_length=40, default="", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # Name in the default storage (MEDIA_ROOT, under var/ by default).
    stored_file = models.CharField(max_length=255, blank=True)
    unit_count = models.PositiveIntegerField(default=0)
    estimate_seconds = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "what", "decision_version", "template_key"],
                name="decisions_documentjob_once_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} · {self.what} · v{self.decision_version}"

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.RUNNING}


class ReviewMeeting(TimeStampedModel):
    """The meeting that reviewed the units of a draft decision (what its minutes and the submission
    proposing the decision print). One per decision; written through `decisions.meeting`."""

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="meeting")
    held_on = models.DateField(_("ngày họp"))
    start_time = models.TimeField(_("giờ bắt đầu"))
    end_time = models.TimeField(_("giờ kết thúc"), null=True, blank=True)
    venue = models.CharField(_("địa điểm"), max_length=300)
    chair = models.CharField(_("chủ trì (họ tên, chức vụ)"), max_length=200)
    secretary = models.CharField(_("thư ký (họ tên, chức vụ)"), max_length=200)
    # One participant per line ("Ông Nguyễn Văn B, Phó Trưởng Công an phường").
    participants = models.TextField(_("thành phần tham dự (mỗi dòng một người)"), blank=True)
    content = models.TextField(_("nội dung cuộc họp"), blank=True)
    conclusion = models.TextField(_("kết luận"), blank=True)
    submission_number = models.CharField(_("số tờ trình"), max_length=40, blank=True)
    submission_date = models.DateField(_("ngày tờ trình"), null=True, blank=True)
    signer_name = models.CharField(_("họ tên người ký tờ trình"), max_length=100, blank=True)
    # The meeting's opinion on each unit: {node id: {"agreed": bool, "votes_for": int | None,
    # "votes_against": int | None}}; a unit not listed was not recorded (the minutes print "…").
    results = models.JSONField(_("kết quả xét từng đơn vị"), default=dict, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("cuộc họp xét công nhận")
        verbose_name_plural = _("cuộc họp xét công nhận")

    def __str__(self) -> str:
        return f"{self.decision} · {self.held_on:%d/%m/%Y}"

    def participant_lines(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]
