"""Security forces and their yearly rating.

* `SecurityTeam`: a grassroots security team (Tổ bảo vệ ANTT ở cơ sở) of a residential area, or the
  guard force (lực lượng bảo vệ) of an agency, enterprise or school; `TeamMember` its people.
* `RatingRound`: a commune's yearly rating of its grassroots teams (HD 01/HD-BCA-V05), one
  `TeamRating` per team and one `MemberRating` per member, drafted by the commune police and
  approved by the chairman of the commune committee (workflows.ROUND).
* `GuardForceRating`: a guard force's result for a year (a level or an emulation title), which
  feeds QĐ 510 items 6a/6b.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from antq.core.models import TimeStampedModel
from antq.forces.choices import NotRatedReason, Position, RoundStatus, TeamKind, TeamStatus
from antq.forces.rules import level_choices, result_choices
from antq.org.models import OrgNode


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


class SecurityTeam(TimeStampedModel):
    """A grassroots security team of a residential area, or the guard force of an agency/enterprise/school."""

    node = models.ForeignKey(
        OrgNode, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="security_teams"
    )
    kind = models.CharField(_("loại lực lượng"), max_length=20, choices=TeamKind.choices)
    name = models.CharField(_("tên tổ, lực lượng"), max_length=255)
    founded_on = models.DateField(_("ngày thành lập"))
    founding_document = models.ForeignKey(
        "evidence.EvidenceDocument",
        verbose_name=_("quyết định thành lập"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=TeamStatus.choices, default=TeamStatus.ACTIVE
    )
    dissolved_on = models.DateField(_("ngày giải thể"), null=True, blank=True)
    dissolved_reason = models.CharField(_("lý do giải thể"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("tổ bảo vệ, lực lượng bảo vệ")
        verbose_name_plural = _("tổ bảo vệ, lực lượng bảo vệ")
        ordering = ["node__path", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in TeamKind]), name="%(app_label)s_%(class)s_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in TeamStatus]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]
        indexes = [
            # selectors.guard_force_facts / grassroots_teams_fact: the teams of one node by kind.
            models.Index(fields=["node", "kind"], name="forces_team_node_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == TeamStatus.ACTIVE

    @property
    def is_grassroots(self) -> bool:
        return self.kind == TeamKind.GRASSROOTS_TEAM

    def snapshot(self) -> dict[str, Any]:
        return {
            "node": self.node_id,
            "kind": self.kind,
            "name": self.name,
            "founded_on": _plain(self.founded_on),
            "founding_document": self.founding_document_id,
            "status": self.status,
        }


class TeamMember(TimeStampedModel):
    """A person of a team, with the position held and the dates they joined and left."""

    team = models.ForeignKey(
        SecurityTeam, verbose_name=_("tổ"), on_delete=models.PROTECT, related_name="members"
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    position = models.CharField(_("chức danh"), max_length=20, choices=Position.choices)
    joined_on = models.DateField(_("ngày tham gia"))
    left_on = models.DateField(_("ngày thôi tham gia"), null=True, blank=True)

    class Meta:
        verbose_name = _("thành viên")
        verbose_name_plural = _("thành viên")
        ordering = ["team_id", "position", "full_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="%(app_label)s_%(class)s_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def snapshot(self) -> dict[str, Any]:
        return {
            "full_name": self.full_name,
            "position": self.position,
            "joined_on": _plain(self.joined_on),
            "left_on": _plain(self.left_on),
        }


class RatingRound(TimeStampedModel):
    """A commune's rating of its grassroots security teams (and their members) for one year."""

    commune = models.ForeignKey(
        OrgNode, verbose_name=_("xã, phường, đặc khu"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    # The date the months of activity are counted to ("tính đến thời điểm đánh giá"): within the
    # year's evaluation period.
    evaluated_on = models.DateField(_("ngày đánh giá"))
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    return_reason = models.CharField(_("lý do trả lại"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người lập"), on_delete=models.PROTECT, related_name="+"
    )
    # Who last submitted the round: the same person may not approve it (drafted by the commune
    # police, decided by the chairman, never by one person).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trình"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("đợt xếp loại tổ bảo vệ ANTT")
        verbose_name_plural = _("đợt xếp loại tổ bảo vệ ANTT")
        ordering = ["-year", "commune__path"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="%(app_label)s_%(class)s_one_per_year"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in RoundStatus]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Xếp loại tổ bảo vệ ANTT năm %(year)s") % {"year": self.year}

    @property
    def is_editable(self) -> bool:
        return self.status in (RoundStatus.DRAFT, RoundStatus.RETURNED)


class TeamRating(models.Model):
    """The level a round gives one team, or why it gives none."""

    round = models.ForeignKey(
        RatingRound, verbose_name=_("đợt xếp loại"), on_delete=models.CASCADE, related_name="team_ratings"
    )
    team = models.ForeignKey(
        SecurityTeam, verbose_name=_("tổ"), on_delete=models.PROTECT, related_name="ratings"
    )
    level = models.CharField(_("mức xếp loại"), max_length=30, choices=level_choices, blank=True)
    not_rated_reason = models.CharField(
        _("lý do không xếp loại"), max_length=30, choices=NotRatedReason.choices, blank=True
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("xếp loại tổ")
        verbose_name_plural = _("xếp loại tổ")
        constraints = [
            models.UniqueConstraint(fields=["round", "team"], name="%(app_label)s_%(class)s_one_per_round"),
        ]
        indexes = [
            # selectors.grassroots_teams_fact / team history: a team's ratings across rounds.
            models.Index(fields=["team", "round"], name="forces_rating_team_round"),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.level or '—'}"


class MemberRating(models.Model):
    """The level a round gives one member of a team, or why it gives none."""

    round = models.ForeignKey(
        RatingRound, verbose_name=_("đợt xếp loại"), on_delete=models.CASCADE, related_name="member_ratings"
    )
    member = models.ForeignKey(
        TeamMember, verbose_name=_("thành viên"), on_delete=models.PROTECT, related_name="ratings"
    )
    level = models.CharField(_("mức xếp loại"), max_length=30, choices=level_choices, blank=True)
    not_rated_reason = models.CharField(
        _("lý do không xếp loại"), max_length=30, choices=NotRatedReason.choices, blank=True
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("xếp loại thành viên")
        verbose_name_plural = _("xếp loại thành viên")
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="%(app_label)s_%(class)s_one_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.level or '—'}"


class GuardForceRating(TimeStampedModel):
    """A guard force's result for a year: a level of HD 01 or the emulation title it was given."""

    team = models.ForeignKey(
        SecurityTeam,
        verbose_name=_("lực lượng bảo vệ"),
        on_delete=models.PROTECT,
        related_name="guard_ratings",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    result = models.CharField(_("kết quả"), max_length=30, choices=result_choices)
    evidence = models.ForeignKey(
        "evidence.EvidenceDocument",
        verbose_name=_("tài liệu minh chứng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("kết quả xếp loại lực lượng bảo vệ")
        verbose_name_plural = _("kết quả xếp loại lực lượng bảo vệ")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["team", "year"], name="%(app_label)s_%(class)s_one_per_year"),
        ]

    def __str__(self) -> str:
        return gettext("Kết quả năm %(year)s của %(team)s") % {"year": self.year, "team": self.team}

    def snapshot(self) -> dict[str, Any]:
        return {"result": self.result, "evidence": self.evidence_id, "note": self.note}
