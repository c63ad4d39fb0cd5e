"""Closed vocabularies of the reports app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from antq.org.choices import UNIT_KINDS, NodeKind


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    RETURNED = "returned", _("Bị trả lại")


# A report the superior has in hand: what a parent's statistics add up and the board counts.
RECEIVED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class ReportLevel(models.TextChoices):
    """Who writes a report, by the kind of node: the four unit kinds are one level."""

    UNIT = "unit", _("Đơn vị cơ sở")
    COMMUNE = "commune", _("Cấp xã")
    PROVINCE = "province", _("Cấp tỉnh")
    # The nation writes the national summary of a national report; it sends it to nobody.
    NATION = "nation", _("Toàn quốc")


LEVEL_KINDS: dict[str, frozenset[str]] = {
    ReportLevel.UNIT: UNIT_KINDS,
    ReportLevel.COMMUNE: frozenset({NodeKind.COMMUNE}),
    ReportLevel.PROVINCE: frozenset({NodeKind.PROVINCE}),
    ReportLevel.NATION: frozenset({NodeKind.NATION}),
}
# The levels that send a report up (with a deadline), top-down: the order the board lists them in.
LEVEL_ORDER = (ReportLevel.PROVINCE, ReportLevel.COMMUNE, ReportLevel.UNIT)


def level_of(kind: str) -> str | None:
    """The reporting level of a node kind (None: the nation and historical districts write none)."""
    for level, kinds in LEVEL_KINDS.items():
        if kind in kinds:
            return str(level)
    return None


class Punctuality(models.TextChoices):
    """Where one expected report stands on the board."""

    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Muộn")
    RETURNED = "returned", _("Bị trả lại")
    MISSING = "missing", _("Chưa gửi")
