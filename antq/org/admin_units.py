"""Loading the official administrative units (in force since 1 July 2025) into the tree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from vietnam_provinces import Province, VietNamDivisionType, Ward

from antq.audit.models import AuditAction, AuditEvent
from antq.audit.services import diff, record, record_many
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from antq.org.services import allocate_child_paths, prepare_node

REFORM_DATE = dt.date(2025, 7, 1)
NATION_CODE = "VN"

DIVISION_LABELS = {
    VietNamDivisionType.TINH: "Tỉnh",
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: "Thành phố trực thuộc trung ương",
    VietNamDivisionType.XA: "Xã",
    VietNamDivisionType.PHUONG: "Phường",
    VietNamDivisionType.DAC_KHU: "Đặc khu",
}


def province_name(province: Province) -> str:
    """The package names centrally-run cities in full ("Thành phố Hà Nội") but provinces bare."""
    if province.division_type == VietNamDivisionType.TINH and not province.name.startswith("Tỉnh "):
        return f"Tỉnh {province.name}"
    return province.name


def province_code(number: int) -> str:
    return f"T{number:02d}"


def commune_code(number: int) -> str:
    return f"X{number:05d}"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0


def _sync(existing: OrgNode, *, name: str, division: str, result: LoadResult) -> None:
    """Bring a loaded node's name and division in line with the package data (audited)."""
    if existing.name != name or existing.division != division:
        before = existing.snapshot()
        existing.name, existing.division = name, division
        existing.refresh_search_text()
        existing.save(update_fields=["name", "division", "search_text", "updated_at"])
        record(
            actor=None,
            action=AuditAction.UPDATE,
            obj=existing,
            node_path=existing.path,
            changes=diff(before, existing.snapshot()),
            reason="antq load_admin_units",
        )
        result.updated += 1


@transaction.atomic
def load_current_admin_units(*, province_numbers: set[int] | None = None) -> LoadResult:
    """Create or update the nation, the 34 provinces and their 3,321 communes; idempotent."""
    result = LoadResult()
    existing_nation = OrgNode.objects.filter(code=NATION_CODE).first()
    if existing_nation is not None:
        nation = existing_nation
    else:
        nation = prepare_node(
            OrgNode(kind=NodeKind.NATION, code=NATION_CODE, name="Toàn quốc", division="Quốc gia"),
            path=allocate_child_paths(None, 1)[0],
        )
        nation.save()
        result.created += 1

    provinces = [p for p in Province.iter_all() if not province_numbers or p.code.value in province_numbers]
    by_code = OrgNode.objects.in_bulk([province_code(p.code.value) for p in provinces], field_name="code")
    new_nodes: list[OrgNode] = []
    missing = [p for p in provinces if province_code(p.code.value) not in by_code]
    for province, path in zip(missing, allocate_child_paths(nation, len(missing)), strict=True):
        node = OrgNode(
            kind=NodeKind.PROVINCE,
            code=province_code(province.code.value),
            parent=nation,
            name=province_name(province),
            division=DIVISION_LABELS[province.division_type],
            valid_from=REFORM_DATE,
        )
        new_nodes.append(prepare_node(node, path=path))
    OrgNode.objects.bulk_create(new_nodes)
    result.created += len(new_nodes)
    for province in provinces:
        known = by_code.get(province_code(province.code.value))
        if known is not None:
            _sync(
                known,
                name=province_name(province),
                division=DIVISION_LABELS[province.division_type],
                result=result,
            )
    province_nodes = OrgNode.objects.in_bulk(
        [province_code(p.code.value) for p in provinces], field_name="code"
    )

    wards_by_province: dict[int, list[Ward]] = {}
    for ward in Ward.iter_all():
        wards_by_province.setdefault(ward.province_code.value, []).append(ward)
    existing_communes = OrgNode.objects.filter(kind=NodeKind.COMMUNE).in_bulk(field_name="code")
    communes: list[OrgNode] = []
    for province in provinces:
        parent = province_nodes[province_code(province.code.value)]
        wards = wards_by_province.get(province.code.value, [])
        missing_wards = [w for w in wards if commune_code(w.code.value) not in existing_communes]
        paths = allocate_child_paths(parent, len(missing_wards)) if missing_wards else []
        for ward, path in zip(missing_wards, paths, strict=True):
            node = OrgNode(
                kind=NodeKind.COMMUNE,
                code=commune_code(ward.code.value),
                parent=parent,
                name=ward.name,
                division=DIVISION_LABELS[ward.division_type],
                valid_from=REFORM_DATE,
            )
            communes.append(prepare_node(node, path=path))
        for ward in wards:
            known = existing_communes.get(commune_code(ward.code.value))
            if known is not None:
                _sync(known, name=ward.name, division=DIVISION_LABELS[ward.division_type], result=result)
    OrgNode.objects.bulk_create(communes, batch_size=1000)
    result.created += len(communes)

    created = OrgNode.objects.filter(code__in=[n.code for n in new_nodes + communes])
    record_many(
        AuditEvent(
            actor=None,
            action=AuditAction.CREATE,
            object_type="org.orgnode",
            object_id=str(node.pk),
            object_repr=node.name[:255],
            node_path=node.path,
            changes={"code": [None, node.code], "name": [None, node.name]},
            reason="antq load_admin_units",
        )
        for node in created.iterator()
    )
    return result
