"""Abstract bases shared by the domain apps (no concrete models here)."""

from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    """Created/updated stamps, plus a version number for optimistic concurrency control."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
