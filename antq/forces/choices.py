"""Closed vocabularies of the forces app (the rating levels themselves are data: rules.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from antq.org.choices import NodeKind


class TeamKind(models.TextChoices):
    GRASSROOTS_TEAM = "grassroots_team", _("Tổ bảo vệ ANTT ở cơ sở")
    GUARD_FORCE = "guard_force", _("Lực lượng bảo vệ cơ quan, doanh nghiệp, cơ sở giáo dục")


# Where each kind of team belongs: a grassroots team to a residential area (Luật 2023, managed by
# the commune police), a guard force to an agency, enterprise or school.
TEAM_NODE_KINDS: dict[str, frozenset[str]] = {
    TeamKind.GRASSROOTS_TEAM: frozenset({NodeKind.RESIDENTIAL_AREA}),
    TeamKind.GUARD_FORCE: frozenset({NodeKind.AGENCY, NodeKind.ENTERPRISE, NodeKind.SCHOOL}),
}


class TeamStatus(models.TextChoices):
    ACTIVE = "active", _("Đang hoạt động")
    DISSOLVED = "dissolved", _("Đã giải thể")


class Position(models.TextChoices):
    LEADER = "leader", _("Tổ trưởng")
    DEPUTY = "deputy", _("Tổ phó")
    MEMBER = "member", _("Tổ viên")
    CHIEF = "chief", _("Trưởng lực lượng bảo vệ")
    DEPUTY_CHIEF = "deputy_chief", _("Phó trưởng lực lượng bảo vệ")
    GUARD = "guard", _("Nhân viên bảo vệ")


POSITIONS_OF_KIND: dict[str, tuple[str, ...]] = {
    TeamKind.GRASSROOTS_TEAM: (Position.LEADER, Position.DEPUTY, Position.MEMBER),
    TeamKind.GUARD_FORCE: (Position.CHIEF, Position.DEPUTY_CHIEF, Position.GUARD),
}


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Đang dự thảo")
    SUBMITTED = "submitted", _("Đã trình Chủ tịch UBND xã")
    APPROVED = "approved", _("Đã phê duyệt")
    RETURNED = "returned", _("Bị trả lại")


EDITABLE_ROUND = frozenset({RoundStatus.DRAFT, RoundStatus.RETURNED})


class NotRatedReason(models.TextChoices):
    """Why a team or member of the round gets no level (HD 01/HD-BCA-V05: "không đánh giá")."""

    TOO_NEW = "too_new", _("Chưa đủ thời gian hoạt động, tham gia tối thiểu")
    UNDER_COMPLAINT = "under_complaint", _("Đang bị khiếu nại, tố cáo")
    LEFT = "left", _("Đã thôi tham gia")
