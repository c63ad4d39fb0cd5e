"""Closed vocabularies of the initiatives app (rating levels are data: `data/ratings.yaml`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InitiativeStatus(models.TextChoices):
    """An initiative operates, or was retired (it existed only on paper, or was dissolved)."""

    ACTIVE = "active", _("Đang hoạt động")
    RETIRED = "retired", _("Đã thanh loại")
