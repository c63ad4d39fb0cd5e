"""XLSX export of a node's evidence dossier for a year (the list page's filters)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.core.errors import DomainError
from antq.evidence.criteria import catalogue_for
from antq.evidence.forms import EvidenceFilterForm
from antq.evidence.models import MAX_YEAR, MIN_YEAR, DocType, EvidenceDocument
from antq.evidence.selectors import evidence_list
from antq.exports.building import CHUNK, form_data, int_param, job_scope, labels_of, yes_no
from antq.exports.models import ExportJob
from antq.exports.registry import DATE, Exporter, Progress, Table, register


def _rows(documents: Any, types: dict[str, str]) -> Iterator[list[Any]]:
    # Instances, because each carries its prefetched criteria: one query per chunk, never per row.
    document: EvidenceDocument
    for document in documents.iterator(chunk_size=CHUNK):
        yield [
            document.issue_date,
            types.get(document.doc_type, document.doc_type),
            document.number_symbol,
            document.issuer,
            document.title,
            ", ".join(link.criterion_id for link in document.links.all()),
            document.original_name,
            yes_no(document.is_active),
            document.withdrawn_reason,
        ]


def build(job: ExportJob, progress: Progress) -> Table:
    year = int_param(job, "year")
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(_("Năm của hồ sơ minh chứng không hợp lệ."))
    catalogue = catalogue_for(job.node, year)
    data = form_data(job, EvidenceFilterForm, catalogue=catalogue)
    documents = evidence_list(
        scope=job_scope(job),
        node=job.node,
        year=year,
        criterion_id=data.get("criterion") or None,
        doc_type=data.get("doc_type") or "",
        include_withdrawn=data.get("status") == "all",
    )
    return Table(
        title=_("Minh chứng %(year)s") % {"year": year},
        headers=[
            _("Ngày ban hành"),
            _("Loại tài liệu"),
            _("Số, ký hiệu"),
            _("Cơ quan, người ban hành"),
            _("Trích yếu, tiêu đề"),
            _("Tiêu chí"),
            _("Tên tệp"),
            _("Còn hiệu lực"),
            _("Lý do thu hồi"),
        ],
        rows=_rows(documents, labels_of(DocType)),
        formats={0: DATE},
        total=documents.count(),
    )


register(
    Exporter(
        kind="evidence",
        label=gettext_lazy("Hồ sơ minh chứng"),
        action=Action.EXPORT,
        build=build,
        filters=("year", "criterion", "doc_type", "status"),
    )
)
