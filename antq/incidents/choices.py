"""Closed vocabularies of the incident register (the incident types themselves are TT 124 data)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentSource(models.TextChoices):
    """How the commune police learnt of the incident."""

    POLICE = "police", _("Công an xã phát hiện")
    UNIT_REPORT = "unit_report", _("Đơn vị báo cáo")
    RESIDENT = "resident", _("Người dân phản ánh")
    OTHER_AGENCY = "other_agency", _("Cơ quan khác thông báo")
    PRESS = "press", _("Báo chí")


class IncidentStatus(models.TextChoices):
    """An incident stands (counts for the engine) or was withdrawn as recorded in error."""

    ACTIVE = "active", _("Đang hiệu lực")
    WITHDRAWN = "withdrawn", _("Đã rút (ghi nhận nhầm)")
