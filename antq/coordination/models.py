"""Coordination with the police (QĐ 510/QĐ-BCA-V05, Điều 7, mục 4 a–d).

An agency, enterprise or school (or a commune, for its own dossier) signs a quy chế or kế hoạch
phối hợp with the police (4a), carries it out (the execution log, 4b), reviews it periodically
(review meetings, 4c) and takes part in the local movements and campaigns (4d). An agreement is
never deleted: it is ended, with a reason, through `workflows.AGREEMENT`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from antq.coordination.choices import AgreementKind, AgreementStatus, MeetingKind
from antq.core.models import TimeStampedModel


def _fields(obj: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    """Field values for the audit log (a foreign key as its id, a date as ISO text): no query."""
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(obj, obj._meta.get_field(name).attname)  # type: ignore[union-attr]
        out[name] = value.isoformat() if isinstance(value, dt.date) else value
    return out


class CoordinationAgreement(TimeStampedModel):
    """A quy chế or kế hoạch phối hợp between a unit (or a commune) and the police."""

    node = models.ForeignKey(
        "org.OrgNode",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="coordination_agreements",
        db_index=False,
    )
    kind = models.CharField(_("loại văn bản"), max_length=20, choices=AgreementKind.choices)
    number_symbol = models.CharField(
        _("số, ký hiệu"), max_length=60, blank=True, help_text=_("Ví dụ: 12/QC-PH, 05/KH-CAP.")
    )
    title = models.CharField(_("trích yếu"), max_length=500, blank=True)
    signed_on = models.DateField(_("ngày ký"))
    police_party = models.CharField(
        _("đơn vị Công an phối hợp"), max_length=255, help_text=_("Ví dụ: Công an phường Quy Nhơn.")
    )
    other_parties = models.TextField(
        _("các bên phối hợp khác"), blank=True, help_text=_("Mỗi dòng một cơ quan, tổ chức.")
    )
    term_start = models.DateField(_("hiệu lực từ ngày"))
    term_end = models.DateField(
        _("hiệu lực đến ngày"), null=True, blank=True, help_text=_("Để trống nếu không thời hạn.")
    )
    document = models.ForeignKey(
        "evidence.EvidenceDocument",
        verbose_name=_("văn bản trong hồ sơ minh chứng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.IN_FORCE
    )
    ended_on = models.DateField(_("ngày chấm dứt"), null=True, blank=True)
    end_reason = models.CharField(_("lý do chấm dứt"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("quy chế, kế hoạch phối hợp")
        verbose_name_plural = _("quy chế, kế hoạch phối hợp")
        ordering = ["-signed_on", "-id"]
        indexes = [
            # selectors.coordination_facts and agreement_list: a node's agreements by term.
            models.Index(fields=["node", "term_start"], name="coord_agreement_node_term"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in AgreementKind]),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in AgreementStatus]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="%(app_label)s_%(class)s_term_order",
            ),
            # An ended agreement always says when and why.
            models.CheckConstraint(
                condition=Q(status=AgreementStatus.IN_FORCE)
                | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="%(app_label)s_%(class)s_end_reason",
            ),
        ]

    def __str__(self) -> str:
        label = str(self.get_kind_display())  # type: ignore[attr-defined]
        if self.number_symbol:
            return gettext("%(kind)s số %(number)s") % {"kind": label, "number": self.number_symbol}
        return gettext("%(kind)s ngày %(date)s") % {"kind": label, "date": f"{self.signed_on:%d/%m/%Y}"}

    @property
    def is_ended(self) -> bool:
        return self.status == AgreementStatus.ENDED

    @property
    def effective_end(self) -> dt.date | None:
        """The last day in force: the day it was ended, else the end of its term (None: open-ended)."""
        days = [d for d in (self.ended_on, self.term_end) if d is not None]
        return min(days) if days else None

    def in_force_on(self, day: dt.date) -> bool:
        end = self.effective_end
        return self.term_start <= day and (end is None or day <= end)

    def party_lines(self) -> list[str]:
        return [line.strip() for line in self.other_parties.splitlines() if line.strip()]

    def snapshot(self) -> dict[str, Any]:
        return _fields(self, AGREEMENT_FIELDS) | {"node": self.node_id, "status": self.status}


AGREEMENT_FIELDS = (
    "kind",
    "number_symbol",
    "title",
    "signed_on",
    "police_party",
    "other_parties",
    "term_start",
    "term_end",
    "document",
)


class ExecutionEntry(TimeStampedModel):
    """One thing done under an agreement (joint patrol, information exchange, joint outreach…)."""

    agreement = models.ForeignKey(
        CoordinationAgreement,
        verbose_name=_("quy chế, kế hoạch"),
        on_delete=models.PROTECT,
        related_name="executions",
        db_index=False,
    )
    occurred_on = models.DateField(_("ngày thực hiện"))
    content = models.TextField(_("nội dung thực hiện"))
    result = models.TextField(_("kết quả"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("lần thực hiện phối hợp")
        verbose_name_plural = _("nhật ký thực hiện phối hợp")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            # selectors.coordination_facts (count in the window) and the agreement's log.
            models.Index(fields=["agreement", "occurred_on"], name="coord_execution_agr_date"),
        ]

    def __str__(self) -> str:
        return gettext("Thực hiện phối hợp ngày %(date)s") % {"date": f"{self.occurred_on:%d/%m/%Y}"}

    def snapshot(self) -> dict[str, Any]:
        return _fields(self, ("agreement", "occurred_on", "content", "result"))


class ReviewMeeting(TimeStampedModel):
    """A periodic review, sơ kết or tổng kết of an agreement's execution."""

    agreement = models.ForeignKey(
        CoordinationAgreement,
        verbose_name=_("quy chế, kế hoạch"),
        on_delete=models.PROTECT,
        related_name="meetings",
        db_index=False,
    )
    held_on = models.DateField(_("ngày họp"))
    kind = models.CharField(_("hình thức"), max_length=20, choices=MeetingKind.choices)
    summary = models.TextField(_("nội dung, kết luận"))
    minutes = models.ForeignKey(
        "evidence.EvidenceDocument",
        verbose_name=_("biên bản, báo cáo (hồ sơ minh chứng)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("cuộc họp sơ kết, tổng kết")
        verbose_name_plural = _("cuộc họp sơ kết, tổng kết")
        ordering = ["-held_on", "-id"]
        indexes = [
            # selectors.coordination_facts (count in the window) and the agreement's page.
            models.Index(fields=["agreement", "held_on"], name="coord_meeting_agr_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in MeetingKind]),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s ngày %(date)s") % {
            "kind": self.get_kind_display(),  # type: ignore[attr-defined]
            "date": f"{self.held_on:%d/%m/%Y}",
        }

    def snapshot(self) -> dict[str, Any]:
        return _fields(self, ("agreement", "held_on", "kind", "summary", "minutes"))


class CampaignParticipation(TimeStampedModel):
    """The unit's part in a movement or campaign of the locality (QĐ 510 mục 4d)."""

    node = models.ForeignKey(
        "org.OrgNode",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="campaign_participations",
        db_index=False,
    )
    campaign = models.CharField(_("tên phong trào, cuộc vận động"), max_length=300)
    organizer = models.CharField(
        _("cơ quan phát động"), max_length=255, help_text=_("Ví dụ: UBND phường Quy Nhơn.")
    )
    took_part_on = models.DateField(_("ngày tham gia"))
    contribution = models.TextField(_("vai trò, đóng góp"), blank=True)
    document = models.ForeignKey(
        "evidence.EvidenceDocument",
        verbose_name=_("tài liệu minh chứng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("tham gia phong trào, cuộc vận động")
        verbose_name_plural = _("tham gia phong trào, cuộc vận động")
        ordering = ["-took_part_on", "-id"]
        indexes = [
            # selectors.coordination_facts (count in the window) and campaign_list.
            models.Index(fields=["node", "took_part_on"], name="coord_campaign_node_date"),
        ]

    def __str__(self) -> str:
        return self.campaign[:255]

    def snapshot(self) -> dict[str, Any]:
        return _fields(self, CAMPAIGN_FIELDS) | {"node": self.node_id}


CAMPAIGN_FIELDS = ("campaign", "organizer", "took_part_on", "contribution", "document")
