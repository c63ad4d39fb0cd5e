"""The exports app's own exporter: the audit log (its table and filters live in `audit`).

Events of the job's node and its subtree (their `node_path`; the list's node filter, when set,
is the job's node) that the creator may read and export, narrowed by the list's other filters.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.audit.forms import AuditFilterForm
from antq.audit.selectors import AuditFilters, audit_filtered
from antq.audit.tables import audit_table
from antq.exports.building import form_data, in_job_node, job_scope
from antq.exports.models import ExportJob
from antq.exports.registry import Exporter, Progress, Table, register


def build(job: ExportJob, progress: Progress) -> Table:
    data = form_data(job, AuditFilterForm)
    filters = AuditFilters(
        object_type=data.get("type") or "",
        action=data.get("action") or "",
        actor=(data.get("actor") or "").strip(),
        since=data.get("since"),
        until=data.get("until"),
    )
    events = in_job_node(audit_filtered(scope=job_scope(job), filters=filters), job, field="node_path")
    return audit_table(events)


register(
    Exporter(
        kind="audit_events",
        label=gettext_lazy("Nhật ký thao tác"),
        action=Action.EXPORT,
        build=build,
        filters=("type", "action", "actor", "since", "until", "node"),
    )
)
