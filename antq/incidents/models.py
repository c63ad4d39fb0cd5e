"""The incident register: what the commune police recorded against a unit (or a commune).

Incidents feed the rules engine, so a recorded fact is never edited in place: a correction or a
withdrawal is a new row (a *revision*) of the same `series`, and the row it replaces only loses its
`is_current` flag, in the same transaction. The history of an incident is therefore its rows, and
an evaluation that used revision 2 can always be explained, even after revision 3.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from antq.core.models import TimeStampedModel
from antq.incidents.choices import IncidentSource, IncidentStatus
from antq.org.models import OrgNode

# The facts a revision carries; a correction changes some of them, a withdrawal only `status`.
FACT_FIELDS = (
    "node",
    "incident_type",
    "occurred_on",
    "place",
    "summary",
    "force_majeure",
    "timely_handled",
    "source",
)


class Incident(TimeStampedModel):
    """One revision of an incident; the current revision of a series is the incident as it stands."""

    series = models.UUIDField(_("mã vụ việc"), default=uuid.uuid4, editable=False)
    revision = models.PositiveIntegerField(_("lần ghi"), default=1, editable=False)
    is_current = models.BooleanField(_("bản hiện hành"), default=True, editable=False)
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.ACTIVE
    )
    # Why this revision exists (blank on the first one): the correction's or the withdrawal's reason.
    reason = models.CharField(_("lý do"), max_length=500, blank=True)

    node = models.ForeignKey(
        OrgNode, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="incidents"
    )
    # A code of the TT 124 incident catalogue (`incident_types` of the version in force that day).
    incident_type = models.CharField(_("loại vụ việc"), max_length=60)
    occurred_on = models.DateField(_("ngày xảy ra"))
    place = models.CharField(_("nơi xảy ra"), max_length=300)
    summary = models.TextField(_("tóm tắt"))
    force_majeure = models.BooleanField(_("bất khả kháng"), default=False)
    timely_handled = models.BooleanField(_("đã kịp thời phát hiện, xử lý, báo cáo"), default=False)
    source = models.CharField(_("nguồn tin"), max_length=20, choices=IncidentSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("vụ việc")
        verbose_name_plural = _("vụ việc")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            # Only one row of a series is the incident as it stands.
            models.UniqueConstraint(
                fields=["series"],
                condition=Q(is_current=True),
                name="%(app_label)s_%(class)s_one_current_per_series",
            ),
            # Two corrections of the same revision at once: the second INSERT fails here.
            models.UniqueConstraint(
                fields=["series", "revision"], name="%(app_label)s_%(class)s_unique_revision"
            ),
            models.CheckConstraint(
                condition=Q(revision__gte=1), name="%(app_label)s_%(class)s_revision_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in IncidentStatus]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]
        indexes = [
            # selectors.incidents_for_facts: current incidents of a subtree (the node ids come from the
            # path range on org_node) in a date range; only current rows are ever read this way.
            models.Index(
                fields=["node", "occurred_on"],
                condition=Q(is_current=True),
                name="incidents_current_node_date",
            ),
            # selectors.incident_list: the register within a scope, newest first, keyset pages.
            models.Index(
                fields=["-occurred_on", "-id"],
                condition=Q(is_current=True),
                name="incidents_current_recent",
            ),
            # The history of one incident is served by the unique (series, revision) index.
        ]

    def __str__(self) -> str:
        return gettext("Vụ việc %(type)s ngày %(date)s") % {
            "type": self.incident_type,
            "date": f"{self.occurred_on:%d/%m/%Y}",
        }

    @property
    def is_withdrawn(self) -> bool:
        return self.status == IncidentStatus.WITHDRAWN

    def snapshot(self) -> dict[str, Any]:
        """The facts and the status, for the audit log's old → new comparison and the history."""
        out: dict[str, Any] = {name: getattr(self, name) for name in FACT_FIELDS if name != "node"}
        out["node"] = self.node_id
        out["occurred_on"] = self.occurred_on.isoformat() if self.occurred_on else None
        out["status"] = self.status
        return out
