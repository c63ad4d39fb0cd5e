"""The audit log as an XLSX table: the list's download and its background export share it."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from antq.audit.forms import type_names
from antq.audit.models import AuditAction, AuditEvent
from antq.core.xlsx import DATETIME, Table

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
    "hash",
)
CHUNK = 2000


def audit_table(events: QuerySet[AuditEvent]) -> Table:
    """One row per event, newest first; text that looks like a formula stays text (`core.xlsx`)."""
    actions = {value: str(label) for value, label in AuditAction.choices}
    types = type_names()

    def rows() -> Iterator[Sequence[Any]]:
        for values in events.values_list(*FIELDS).iterator(chunk_size=CHUNK):
            out = list(values)
            out[2] = actions.get(out[2], out[2])
            out[3] = types.get(out[3], out[3])  # a removed model keeps its key
            out[7] = json.dumps(out[7], ensure_ascii=False, default=str) if out[7] else ""
            yield out

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
            _("Mã băm (kiểm tra toàn vẹn)"),
        ],
        rows=rows(),
        formats={0: DATETIME},
        total=events.count(),
        widths={7: 60, 9: 20},
    )
