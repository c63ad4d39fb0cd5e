"""Reads of the template screens."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from antq.doctemplates.choices import TemplateKind
from antq.doctemplates.models import DocumentTemplate
from antq.org.models import OrgNode


@dataclass(frozen=True)
class KindRow:
    """One kind of document on a province's page: its upload in force, or None for the default."""

    kind: str
    label: str
    current: DocumentTemplate | None
    uploads: int


def province_kinds(province: OrgNode) -> list[KindRow]:
    """Every kind with what is in force for the province (one query)."""
    uploads = list(
        DocumentTemplate.objects.filter(province=province).select_related("uploaded_by").order_by("-number")
    )
    rows = []
    for kind in TemplateKind:
        mine = [upload for upload in uploads if upload.kind == kind.value]
        current = next((upload for upload in mine if upload.is_active), None)
        rows.append(KindRow(kind=kind.value, label=str(kind.label), current=current, uploads=len(mine)))
    return rows


def active_counts(provinces: QuerySet[OrgNode]) -> dict[int, int]:
    """Province id -> number of kinds replaced there (one query)."""
    counts: dict[int, int] = {}
    for province_id in DocumentTemplate.objects.filter(province__in=provinces, is_active=True).values_list(
        "province_id", flat=True
    ):
        counts[province_id] = counts.get(province_id, 0) + 1
    return counts


def history(province: OrgNode, kind: str) -> list[DocumentTemplate]:
    """Every upload of a kind for a province, the latest first."""
    return list(
        DocumentTemplate.objects.filter(province=province, kind=kind)
        .select_related("uploaded_by", "replaced_by")
        .order_by("-number")
    )
