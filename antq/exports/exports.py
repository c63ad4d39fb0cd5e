"""The exports app's own exporter: the audit log (audit imports only core, so its export lives here).

Events of the job's node and its subtree (their `node_path`) that the creator may read.
"""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.audit.models import AuditAction
from antq.audit.selectors import audit_list
from antq.exports.building import in_job_node, job_scope, labels_of, stream
from antq.exports.models import ExportJob
from antq.exports.registry import DATETIME, Exporter, Progress, Table, register

FIELDS = (
    "at",
    "actor__username",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "node_path",
    "changes",
    "reason",
)


def type_names() -> dict[str, str]:
    """ "exports.exportjob" → "Tệp xuất": every model's name in the job's language (the audit
    log stores the model key); read once per export."""
    return {
        model._meta.label_lower: str(model._meta.verbose_name).capitalize() for model in apps.get_models()
    }


def build(job: ExportJob, progress: Progress) -> Table:
    events = in_job_node(audit_list(scope=job_scope(job)), job, field="node_path")
    kind = str(job.params.get("type") or "")
    if kind:
        events = events.filter(object_type=kind)
    actions, types = labels_of(AuditAction), type_names()

    def row(values: tuple[Any, ...]) -> list[Any]:
        out = list(values)
        out[2] = actions.get(out[2], out[2])
        out[3] = types.get(out[3], out[3])  # a removed model keeps its key
        out[7] = json.dumps(out[7], ensure_ascii=False, default=str) if out[7] else ""
        return out

    return Table(
        title=_("Nhật ký"),
        headers=[
            _("Thời điểm"),
            _("Người thực hiện"),
            _("Thao tác"),
            _("Loại đối tượng"),
            _("Mã đối tượng"),
            _("Đối tượng"),
            _("Mã đường dẫn đơn vị"),
            _("Thay đổi"),
            _("Lý do"),
        ],
        rows=stream(events, FIELDS, row),
        formats={0: DATETIME},
        total=events.count(),
        widths={7: 60},
    )


register(
    Exporter(
        kind="audit_events",
        label=gettext_lazy("Nhật ký thao tác"),
        action=Action.EXPORT,
        build=build,
        filters=("type",),
    )
)
