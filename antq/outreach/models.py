"""Models of the outreach app: tuyên truyền sessions and training classes with their attendance,
the people of a node who attended (de-duplicated across its sessions), and the festival day 19/8.

A session's attendance is either a headcount or a list imported from a spreadsheet. A listed person
is a `Participant` of the session's node, keyed by the normalized identifier (CCCD or staff number)
or, without one, by the folded name and the year of birth: the same person on the lists of several
sessions is one participant, so the share of the node's people reached counts people, not seats.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from antq.core.models import TimeStampedModel
from antq.outreach.choices import (
    AttendanceMode,
    DeliveryForm,
    FestivalStatus,
    Participation,
    SessionKind,
)

MIN_YEAR = 2020
MAX_YEAR = 2100


class OutreachSession(TimeStampedModel):
    """One tuyên truyền session or training class held by a unit (or a commune)."""

    node = models.ForeignKey(
        "org.OrgNode",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="outreach_sessions",
        db_index=False,  # the (node, kind, held_on) index below starts with it
    )
    kind = models.CharField(_("loại hoạt động"), max_length=20, choices=SessionKind.choices)
    held_on = models.DateField(_("ngày tổ chức"))
    topic = models.CharField(_("chủ đề, nội dung"), max_length=300)
    # Codes of `Audience`; a list because a session often speaks to several groups at once.
    audiences = models.JSONField(_("đối tượng"), default=list)
    place = models.CharField(_("địa điểm"), max_length=300)
    delivery = models.CharField(_("hình thức"), max_length=20, choices=DeliveryForm.choices, blank=True)
    attendance_mode = models.CharField(
        _("cách ghi người tham dự"),
        max_length=20,
        choices=AttendanceMode.choices,
        default=AttendanceMode.HEADCOUNT,
    )
    headcount = models.PositiveIntegerField(_("số người tham dự"), null=True, blank=True)
    evidence = models.ForeignKey(
        "evidence.EvidenceDocument",
        verbose_name=_("tài liệu minh chứng (ảnh, biên bản)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), on_delete=models.PROTECT, related_name="+"
    )
    # Withdrawn (recorded in error, a wrong import): kept with its list, but counted nowhere and
    # left out of the lists unless asked for (services.session_withdraw).
    withdrawn_at = models.DateTimeField(_("thời điểm rút"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("lý do rút"), max_length=500, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người rút"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("buổi tuyên truyền, tập huấn")
        verbose_name_plural = _("buổi tuyên truyền, tập huấn")
        ordering = ["-held_on", "-id"]
        indexes = [
            # selectors.reach_fact: a node's sessions of one kind in a date window.
            models.Index(fields=["node", "kind", "held_on"], name="outreach_session_node_kind"),
            # selectors.session_list: sessions in a scope, newest first.
            models.Index(fields=["-held_on", "-id"], name="outreach_session_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in SessionKind]),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(attendance_mode__in=[m.value for m in AttendanceMode]),
                name="%(app_label)s_%(class)s_mode_valid",
            ),
            # A headcount session says how many came; a list session counts its list.
            models.CheckConstraint(
                condition=Q(attendance_mode=AttendanceMode.LIST) | Q(headcount__isnull=False),
                name="%(app_label)s_%(class)s_headcount_given",
            ),
            # A withdrawal says when, by whom and why.
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True, withdrawn_reason="")
                | (Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False) & ~Q(withdrawn_reason="")),
                name="%(app_label)s_%(class)s_withdrawal_complete",
            ),
        ]

    def __str__(self) -> str:
        text = gettext("%(kind)s ngày %(date)s: %(topic)s") % {
            "kind": self.get_kind_display(),
            "date": f"{self.held_on:%d/%m/%Y}",
            "topic": self.topic,
        }
        return text[:255]

    @property
    def is_list(self) -> bool:
        return self.attendance_mode == AttendanceMode.LIST

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def audience_labels(self) -> list[str]:
        from antq.outreach.choices import Audience

        labels = dict(Audience.choices)
        return [str(labels.get(code, code)) for code in self.audiences or []]

    def snapshot(self) -> dict[str, Any]:
        """Field values for the audit log's old → new comparison."""
        return {
            "node": self.node_id,
            "kind": self.kind,
            "held_on": self.held_on.isoformat() if self.held_on else None,
            "topic": self.topic,
            "audiences": list(self.audiences or []),
            "place": self.place,
            "delivery": self.delivery,
            "attendance_mode": self.attendance_mode,
            "headcount": self.headcount,
            "evidence": self.evidence_id,
            "note": self.note,
        }


class Participant(models.Model):
    """A person of a node who attended at least one of its sessions (one row per person)."""

    node = models.ForeignKey(
        "org.OrgNode",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="outreach_participants",
        db_index=False,  # the unique (node, key) index starts with it
    )
    # "id:<identifier in capitals, letters and digits only; all digits: without leading zeros>" or
    # "nb:<folded name>|<birth year>" (see importing.person_key). A participant keyed "nb:" may
    # carry the identifier it was later matched with (services.match_participants).
    key = models.CharField(_("khóa nhận diện"), max_length=320)
    full_name = models.CharField(_("họ và tên"), max_length=200)
    identifier = models.CharField(_("số CCCD / mã nhân viên"), max_length=40, blank=True)
    group = models.CharField(_("bộ phận / lớp / tổ"), max_length=200, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("người tham dự")
        verbose_name_plural = _("người tham dự")
        constraints = [
            models.UniqueConstraint(fields=["node", "key"], name="%(app_label)s_%(class)s_unique_key"),
        ]

    def __str__(self) -> str:
        return self.full_name


class Attendance(models.Model):
    """A participant was on a session's attendance list."""

    session = models.ForeignKey(OutreachSession, on_delete=models.CASCADE, related_name="attendances")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="attendances")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lượt tham dự")
        verbose_name_plural = _("lượt tham dự")
        constraints = [
            # Also the index of "the list of a session".
            models.UniqueConstraint(
                fields=["session", "participant"], name="%(app_label)s_%(class)s_unique_pair"
            ),
        ]
        indexes = [
            # "sessions a participant attended" (the participant's history).
            models.Index(fields=["participant", "session"], name="outreach_attendance_person"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} ← {self.participant_id}"


class FestivalDay(TimeStampedModel):
    """The festival day (Ngày hội toàn dân bảo vệ ANTQ, 19/8) of a node for one year: planned, then
    held, either by the node itself or by taking part in another node's festival."""

    node = models.ForeignKey(
        "org.OrgNode",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="festival_days",
        db_index=False,  # the unique (node, year) index starts with it
    )
    year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=FestivalStatus.choices, default=FestivalStatus.PLANNED
    )
    participation = models.CharField(
        _("hình thức tham gia"), max_length=20, choices=Participation.choices, default=Participation.HOSTED
    )
    host = models.ForeignKey(
        "org.OrgNode",
        verbose_name=_("nơi tổ chức Ngày hội"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Chỉ khi tham gia Ngày hội do xã hoặc đơn vị khác tổ chức."),
    )
    plan_document = models.ForeignKey(
        "evidence.EvidenceDocument",
        verbose_name=_("kế hoạch tổ chức"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    planned_on = models.DateField(_("ngày dự kiến"), null=True, blank=True)
    held_on = models.DateField(_("ngày tổ chức"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=300, blank=True)
    activities = models.TextField(_("các hoạt động"), blank=True)
    attendance = models.PositiveIntegerField(_("số người tham dự"), null=True, blank=True)
    photos = models.ManyToManyField(
        "evidence.EvidenceDocument", verbose_name=_("ảnh"), blank=True, related_name="+"
    )
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("Ngày hội toàn dân bảo vệ ANTQ")
        verbose_name_plural = _("Ngày hội toàn dân bảo vệ ANTQ")
        ordering = ["-year", "id"]
        constraints = [
            # One festival day per node and year (also the index of selectors.festival_fact).
            models.UniqueConstraint(fields=["node", "year"], name="%(app_label)s_%(class)s_one_per_year"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in FestivalStatus]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR),
                name="%(app_label)s_%(class)s_year_range",
            ),
            # A held festival day says when and how many took part.
            models.CheckConstraint(
                condition=~Q(status=FestivalStatus.HELD)
                | (Q(held_on__isnull=False) & Q(attendance__isnull=False)),
                name="%(app_label)s_%(class)s_held_complete",
            ),
            # Joining another node's festival names that node; hosting names none.
            models.CheckConstraint(
                condition=(Q(participation=Participation.HOSTED) & Q(host__isnull=True))
                | (Q(participation=Participation.JOINED) & Q(host__isnull=False)),
                name="%(app_label)s_%(class)s_host_when_joined",
            ),
        ]
        indexes = [
            # selectors.festival_list: festival days in a scope, latest year first.
            models.Index(fields=["-year", "id"], name="outreach_festival_recent"),
        ]

    def __str__(self) -> str:
        return gettext("Ngày hội toàn dân bảo vệ ANTQ năm %(year)s") % {"year": self.year}

    @property
    def is_held(self) -> bool:
        return self.status == FestivalStatus.HELD

    def snapshot(self) -> dict[str, Any]:
        """Field values for the audit log's old → new comparison (photos listed by id)."""
        out: dict[str, Any] = {}
        for name in FESTIVAL_FIELDS:
            value = getattr(self, name + "_id") if name in {"host", "plan_document"} else getattr(self, name)
            out[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return out


# Fields a form or an API payload may set on a festival day (status changes through the workflow).
FESTIVAL_FIELDS = (
    "participation",
    "host",
    "plan_document",
    "planned_on",
    "held_on",
    "place",
    "activities",
    "attendance",
    "note",
)
