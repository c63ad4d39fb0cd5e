"""The administrative units before the 1 July 2025 reform, kept as history with their lineage.

The reform abolished the districts and merged 10,035 communes into 3,321 (and 63 provinces into
34). The old units become ended nodes (valid_to = 1 July 2025) in their own branch under the
nation: old province › old district › old commune, and every old commune (and province) is linked
to the current unit(s) it went into, so figures reported before the reform can still be traced.

Source: the data files bundled with the optional package `vietnamadminunits` (MIT licence,
``pip install -e ".[history]"``), read as plain files:

* ``data/dataset.db`` (SQLite), table ``admin_units_legacy``: the 63 provinces, 696 districts and
  10,035 communes with their official (GSO) codes, and table ``admin_units``: the 3,321 new
  communes keyed like the conversion table;
* ``data/converter_2025.json``: old province → new province, and old commune → new commune(s),
  keyed by normalised names (``tinhX_huyenY_xaZ`` → ``xaW``).

The package itself is never imported: its address converter may call an online geocoder. The
new communes of the conversion table are matched to the official list of `vietnam-provinces` by
name within the province (the package's own codes for the new communes differ from the official
ones for about a hundred communes), then to the current nodes by their codes.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from vietnam_provinces import Ward

from antq.audit.models import AuditAction, AuditEvent
from antq.audit.services import record_many
from antq.core.errors import DomainError
from antq.core.text import fold
from antq.org.admin_units import NATION_CODE, REFORM_DATE, commune_code, province_code
from antq.org.choices import LineageKind, NodeKind
from antq.org.models import SEGMENT_WIDTH, NodeLineage, OrgNode
from antq.org.services import allocate_child_paths, prepare_node

PACKAGE = "vietnamadminunits"
# "CU" = cũ (old): the current codes are T{nn} and X{nnnnn}, so these can never collide with them.
HISTORY_PREFIX = "CU-"
LEGAL_BASIS = "Nghị quyết sắp xếp đơn vị hành chính năm 2025"
AUDIT_REASON = "antq load_admin_units --pre-reform"


class HistoryDataMissing(ImportError):
    """The optional package with the pre-reform data is not installed."""


def old_province_code(number: int) -> str:
    return f"{HISTORY_PREFIX}T{number:02d}"


def old_district_code(number: int) -> str:
    return f"{HISTORY_PREFIX}H{number:03d}"


def old_commune_code(number: int) -> str:
    return f"{HISTORY_PREFIX}X{number:05d}"


# --- Reading the package's data files (no database, no network) ---------------------------------


@dataclass(frozen=True)
class OldCommune:
    number: int
    name: str
    division: str
    key: str  # conversion-table key: "{province}_{district}_{commune}"


@dataclass(frozen=True)
class OldDistrict:
    number: int
    name: str
    division: str
    key: str  # conversion-table key of a district without communes (island districts): "{p}_{d}_"
    communes: list[OldCommune]


@dataclass(frozen=True)
class OldProvince:
    number: int
    name: str
    division: str
    key: str
    districts: list[OldDistrict]


@dataclass(frozen=True)
class PreReformData:
    provinces: list[OldProvince]
    # Old province key → number of the new province (official code).
    province_targets: dict[str, int]
    # Old commune key (or key of a district without communes) → official codes of the new communes.
    commune_targets: dict[str, list[int]]
    # Problems found while reading (entries that cannot be linked), for the report.
    unmatched: list[str]


def data_dir() -> Path:
    """The package's data folder, located without importing (and so running) the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise HistoryDataMissing(PACKAGE)
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _name_key(text: str) -> str:
    """Accent-insensitive key that also ignores spacing, dashes and apostrophes ("Hoà" = "Hòa")."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _official_wards() -> tuple[dict[tuple[int, str], int], dict[tuple[int, str], list[int]], set[int]]:
    by_name: dict[tuple[int, str], int] = {}
    by_key: dict[tuple[int, str], list[int]] = {}
    codes: set[int] = set()
    for ward in Ward.iter_all():
        by_name[(ward.province_code.value, _clean(ward.name))] = ward.code.value
        by_key.setdefault((ward.province_code.value, _name_key(ward.name)), []).append(ward.code.value)
        codes.add(ward.code.value)
    return by_name, by_key, codes


def _rows(conn: sqlite3.Connection, sql: str) -> list[dict[str, Any]]:
    conn.row_factory = sqlite3.Row
    return [dict(row) for row in conn.execute(sql).fetchall()]


def read_pre_reform_data(directory: Path | None = None) -> PreReformData:
    """Parse the bundled SQLite and JSON files into the old tree and the old → new mapping."""
    directory = directory or data_dir()
    database, conversion = directory / "dataset.db", directory / "converter_2025.json"
    if not database.is_file() or not conversion.is_file():
        raise HistoryDataMissing(str(directory))
    with closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)) as conn:
        legacy = _rows(
            conn,
            "SELECT province, provinceCode, provinceKey, district, districtType, districtCode,"
            " districtKey, ward, wardType, wardCode, wardKey FROM admin_units_legacy",
        )
        current = _rows(conn, "SELECT province, provinceCode, provinceKey, ward, wardKey FROM admin_units")
    with conversion.open(encoding="utf-8") as fh:
        table = json.load(fh)

    unmatched: list[str] = []
    provinces: dict[int, OldProvince] = {}
    districts: dict[int, OldDistrict] = {}
    for row in sorted(legacy, key=lambda r: (r["provinceCode"], r["districtCode"], r["wardCode"] or "")):
        p_number = int(row["provinceCode"])
        province = provinces.get(p_number)
        if province is None:
            name = _clean(row["province"])
            division = "Thành phố trực thuộc trung ương" if name.startswith("Thành phố ") else "Tỉnh"
            province = OldProvince(p_number, name, division, row["provinceKey"], [])
            provinces[p_number] = province
        d_number = int(row["districtCode"])
        district = districts.get(d_number)
        if district is None:
            district_key = f"{row['provinceKey']}_{row['districtKey']}_"
            district = OldDistrict(
                d_number, _clean(row["district"]), _clean(row["districtType"]), district_key, []
            )
            districts[d_number] = district
            province.districts.append(district)
        if row["wardCode"]:
            district.communes.append(
                OldCommune(
                    int(row["wardCode"]),
                    _clean(row["ward"]),
                    _clean(row["wardType"]),
                    f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}",
                )
            )

    # New communes of the conversion table (keyed by province key + commune key) → official codes.
    by_name, by_key, _codes = _official_wards()
    new_codes: dict[tuple[str, str], int] = {}
    new_provinces: dict[str, int] = {}
    for row in current:
        p_number = int(row["provinceCode"])
        new_provinces[row["provinceKey"]] = p_number
        code = by_name.get((p_number, _clean(row["ward"])))
        if code is None:
            candidates = by_key.get((p_number, _name_key(row["ward"])), [])
            code = candidates[0] if len(candidates) == 1 else None
        if code is None:
            unmatched.append(f"{row['ward']} ({row['province']}): {_('không có trong danh mục chính thức')}")
            continue
        new_codes[(row["provinceKey"], row["wardKey"])] = code

    province_targets: dict[str, int] = {}
    for new_key, old_keys in table["DICT_PROVINCE"].items():
        for old_key in old_keys:
            if new_key in new_provinces:
                province_targets[old_key] = new_provinces[new_key]

    targets: dict[str, set[int]] = {}

    def link(old_key: str, province_key: str, ward_key: str) -> None:
        code = new_codes.get((province_key, ward_key))
        if code is not None:
            targets.setdefault(old_key, set()).add(code)

    for province_key, wards in table["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            for old_key in old_keys:
                link(old_key, province_key, ward_key)
    for province_key, divided in table["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in divided.items():
            for part in parts:
                link(old_key, province_key, part["newWardKey"])

    return PreReformData(
        provinces=[provinces[n] for n in sorted(provinces)],
        province_targets=province_targets,
        commune_targets={key: sorted(codes) for key, codes in targets.items()},
        unmatched=unmatched,
    )


# --- Writing the historical branch ---------------------------------------------------------------


@dataclass
class HistoryResult:
    provinces: int = 0
    districts: int = 0
    communes: int = 0
    lineage: int = 0
    unmatched: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return self.provinces + self.districts + self.communes + self.lineage


def _child_path(parent_path: str, index: int) -> str:
    return f"{parent_path}{index:0{SEGMENT_WIDTH}d}"


def _new_node(kind: str, code: str, name: str, division: str, path: str, children: int) -> OrgNode:
    node = OrgNode(
        kind=kind,
        code=code,
        name=name,
        division=division,
        valid_to=REFORM_DATE,
        is_active=False,
        # Paths of the children created in the same run are assigned here, so the counter is set
        # up front rather than bumped under a lock for each of the ~700 new parents.
        child_counter=children,
    )
    return prepare_node(node, path=path)


def _planned_kinds(data: PreReformData) -> dict[str, str]:
    """Code → kind of every node of the historical branch."""
    kinds: dict[str, str] = {}
    for province in data.provinces:
        kinds[old_province_code(province.number)] = NodeKind.PROVINCE
        for district in province.districts:
            kinds[old_district_code(district.number)] = NodeKind.DISTRICT
            for commune in district.communes:
                kinds[old_commune_code(commune.number)] = NodeKind.COMMUNE
    return kinds


def _ids(codes: Iterable[str]) -> dict[str, int]:
    return dict(OrgNode.objects.filter(code__in=list(codes)).values_list("code", "id"))


@transaction.atomic
def load_pre_reform_units(data: PreReformData | None = None) -> HistoryResult:
    """Create the pre-reform provinces, districts and communes and their lineage; idempotent.

    Needs the current units (``load_current_admin_units``) first: the lineage points at them.
    """
    if data is None:
        data = read_pre_reform_data()
    result = HistoryResult(unmatched=list(data.unmatched))
    nation = OrgNode.objects.filter(code=NATION_CODE).first()
    if nation is None:
        raise DomainError(_("Chưa có đơn vị hành chính hiện hành: hãy chạy antq load_admin_units trước."))

    wanted = _planned_kinds(data)
    existing = {
        code: (kind, valid_to)
        for code, kind, valid_to in OrgNode.objects.filter(code__startswith=HISTORY_PREFIX).values_list(
            "code", "kind", "valid_to"
        )
        if code in wanted
    }
    # A node created by hand (a unit, or anything in force) that already holds one of these codes.
    clashes = sorted(
        code for code, (kind, valid_to) in existing.items() if valid_to is None or kind != wanted[code]
    )
    if clashes:
        raise DomainError(
            _("Mã đơn vị trùng với mã dành cho đơn vị trước sắp xếp: %(codes)s")
            % {"codes": ", ".join(clashes[:10])}
        )

    # Plan every missing node with its path. Children of a parent created now get consecutive
    # segments; children of a parent that already exists get segments reserved by the service.
    provinces: list[OrgNode] = []
    districts: list[tuple[OrgNode, str]] = []  # (node, parent code)
    communes: list[tuple[OrgNode, str]] = []
    missing_provinces = [p for p in data.provinces if old_province_code(p.number) not in existing]
    province_paths = dict(
        zip(
            [p.number for p in missing_provinces],
            allocate_child_paths(nation, len(missing_provinces)) if missing_provinces else [],
            strict=True,
        )
    )
    for province in data.provinces:
        p_code = old_province_code(province.number)
        p_path = province_paths.get(province.number)
        if p_path is not None:
            provinces.append(
                _new_node(
                    NodeKind.PROVINCE,
                    p_code,
                    province.name,
                    province.division,
                    p_path,
                    len(province.districts),
                )
            )
            d_paths = [_child_path(p_path, i) for i in range(1, len(province.districts) + 1)]
            missing_districts = province.districts
        else:
            missing_districts = [d for d in province.districts if old_district_code(d.number) not in existing]
            if not missing_districts:
                d_paths = []
            else:
                parent = OrgNode.objects.get(code=p_code)
                d_paths = allocate_child_paths(parent, len(missing_districts))
        planned = {d.number: path for d, path in zip(missing_districts, d_paths, strict=True)}
        for district in province.districts:
            d_code = old_district_code(district.number)
            d_path = planned.get(district.number)
            if d_path is not None:
                node = _new_node(
                    NodeKind.DISTRICT,
                    d_code,
                    district.name,
                    district.division,
                    d_path,
                    len(district.communes),
                )
                districts.append((node, p_code))
                c_paths = [_child_path(d_path, i) for i in range(1, len(district.communes) + 1)]
                missing_communes = district.communes
            else:
                missing_communes = [
                    c for c in district.communes if old_commune_code(c.number) not in existing
                ]
                if not missing_communes:
                    continue
                c_paths = allocate_child_paths(OrgNode.objects.get(code=d_code), len(missing_communes))
            for commune, c_path in zip(missing_communes, c_paths, strict=True):
                node = _new_node(
                    NodeKind.COMMUNE,
                    old_commune_code(commune.number),
                    commune.name,
                    commune.division,
                    c_path,
                    0,
                )
                communes.append((node, d_code))

    for node in provinces:
        node.parent_id = nation.pk
    OrgNode.objects.bulk_create(provinces, batch_size=1000)
    province_ids = _ids({code for _node, code in districts})
    for node, parent_code in districts:
        node.parent_id = province_ids[parent_code]
    OrgNode.objects.bulk_create([node for node, _code in districts], batch_size=1000)
    district_ids = _ids({code for _node, code in communes})
    for node, parent_code in communes:
        node.parent_id = district_ids[parent_code]
    OrgNode.objects.bulk_create([node for node, _code in communes], batch_size=1000)
    result.provinces, result.districts, result.communes = len(provinces), len(districts), len(communes)

    history = {
        code: (node_id, path, name)
        for code, node_id, path, name in OrgNode.objects.filter(code__startswith=HISTORY_PREFIX).values_list(
            "code", "id", "path", "name"
        )
    }
    created_codes = {node.code for node in provinces} | {node.code for node, _c in districts + communes}
    audit = [_audit_create(code, *history[code]) for code in sorted(created_codes)]

    lineage, unmatched, known = _plan_lineage(data, history)
    result.unmatched += unmatched
    NodeLineage.objects.bulk_create(lineage, batch_size=2000)
    result.lineage = len(lineage)
    if lineage:
        by_id = {node_id: (code, path) for code, (node_id, path, _name) in history.items()}
        for pk, source_id, target_id, kind, target_code in _history_links():
            if (source_id, target_id, kind) not in known:
                code, path = by_id[source_id]
                audit.append(_audit_link(pk, code, path, target_code, kind))
    record_many(audit)
    return result


def _history_links() -> list[tuple[int, int, int, str, str]]:
    return list(
        NodeLineage.objects.filter(source__code__startswith=HISTORY_PREFIX).values_list(
            "id", "source_id", "target_id", "kind", "target__code"
        )
    )


def _plan_lineage(
    data: PreReformData, history: dict[str, tuple[int, str, str]]
) -> tuple[list[NodeLineage], list[str], set[tuple[int, int, str]]]:
    """Missing links old → current, the old units that cannot be linked, the links already there."""
    current = dict(
        OrgNode.objects.current()
        .filter(kind__in=[NodeKind.PROVINCE, NodeKind.COMMUNE])
        .values_list("code", "id")
    )
    before = {(source, target, kind) for _pk, source, target, kind, _code in _history_links()}
    known = set(before)
    links: list[NodeLineage] = []
    unmatched: list[str] = []

    def add(source_code: str, target_codes: list[str], *, split_kind: str) -> None:
        if source_code not in history:
            return
        source_id, _path, name = history[source_code]
        target_ids = [current[c] for c in target_codes if c in current]
        if not target_ids or len(target_ids) < len(target_codes):
            missing = [c for c in target_codes if c not in current] or [_("không có trong bảng chuyển đổi")]
            unmatched.append(f"{source_code} {name} → {', '.join(missing)}")
        kind = split_kind if len(target_codes) > 1 else LineageKind.MERGED_INTO
        for target_id in target_ids:
            if (source_id, target_id, kind) not in known:
                known.add((source_id, target_id, kind))
                links.append(
                    NodeLineage(
                        source_id=source_id,
                        target_id=target_id,
                        kind=kind,
                        effective_date=REFORM_DATE,
                        legal_basis=LEGAL_BASIS,
                    )
                )

    for province in data.provinces:
        new_province = data.province_targets.get(province.key)
        add(
            old_province_code(province.number),
            [province_code(new_province)] if new_province is not None else [],
            split_kind=LineageKind.MERGED_INTO,
        )
        for district in province.districts:
            if not district.communes:  # island districts without communes became special zones
                codes = data.commune_targets.get(district.key, [])
                add(
                    old_district_code(district.number),
                    [commune_code(c) for c in codes],
                    split_kind=LineageKind.SPLIT_INTO,
                )
            for commune in district.communes:
                codes = data.commune_targets.get(commune.key, [])
                add(
                    old_commune_code(commune.number),
                    [commune_code(c) for c in codes],
                    split_kind=LineageKind.SPLIT_INTO,
                )
    return links, unmatched, before


def _audit_create(code: str, node_id: int, path: str, name: str) -> AuditEvent:
    return AuditEvent(
        actor=None,
        action=AuditAction.CREATE,
        object_type="org.orgnode",
        object_id=str(node_id),
        object_repr=name[:255],
        node_path=path,
        changes={"code": [None, code], "name": [None, name], "valid_to": [None, REFORM_DATE.isoformat()]},
        reason=AUDIT_REASON,
    )


def _audit_link(pk: int, source_code: str, source_path: str, target_code: str, kind: str) -> AuditEvent:
    return AuditEvent(
        actor=None,
        action=AuditAction.CREATE,
        object_type="org.nodelineage",
        object_id=str(pk),
        object_repr=f"{source_code} → {target_code}",
        node_path=source_path,
        changes={"source": [None, source_code], "target": [None, target_code], "kind": [None, kind]},
        reason=AUDIT_REASON,
    )
