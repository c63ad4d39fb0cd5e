"""A synthetic nationwide dataset (`antq generate_national`): the real 34 provinces and 3,321 communes,
about 200,000 units with a realistic mix, several years of cycles, the year's records and users.

Everything is written with bulk inserts (no service call per row: that is what would make a national
load take hours), deterministic for a seed, and only into communes that have no units yet, so a
second run or a run over the demo province adds nothing twice. The years' registrations,
assessments and recognitions come from `province_year.load_province_year`, as for the demo.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from antq.accounts.models import Membership
from antq.accounts.roles import Role
from antq.criteria.models import Framework
from antq.criteria.selectors import active_version
from antq.criteria.services import framework_version_freeze
from antq.cycles.choices import CycleStatus
from antq.cycles.models import Cycle
from antq.demo.province_year import load_province_year
from antq.evidence.models import EvidenceDocument
from antq.incidents.choices import IncidentSource
from antq.incidents.models import Incident
from antq.initiatives.models import Initiative, InitiativeActivity, InitiativeEvaluation, InitiativeType
from antq.org.admin_units import load_current_admin_units
from antq.org.choices import EducationLevel, EnterpriseSize, NodeKind
from antq.org.models import OrgNode, subtree_q
from antq.org.services import allocate_child_paths, prepare_node

# The mix of a commune's units (residential areas are most numerous, README of the domain).
MIX = (
    (NodeKind.RESIDENTIAL_AREA, 0.58),
    (NodeKind.AGENCY, 0.16),
    (NodeKind.ENTERPRISE, 0.14),
    (NodeKind.SCHOOL, 0.12),
)
ABBREVIATION = {
    NodeKind.RESIDENTIAL_AREA: "KDC",
    NodeKind.AGENCY: "CQ",
    NodeKind.ENTERPRISE: "DN",
    NodeKind.SCHOOL: "CSGD",
}
AGENCIES = ("Trạm Y tế", "Bưu điện văn hóa", "Hội Nông dân", "Đoàn Thanh niên", "Kho bạc", "Chi cục Thuế")
FIRMS = ("Hoàng Anh", "Phú Tài", "Tân Phát", "Bình Minh", "Đại Thành", "Ánh Dương", "Minh Phát")
SCHOOL_LEVELS = (
    ("Trường Mầm non", EducationLevel.PRESCHOOL),
    ("Trường Tiểu học", EducationLevel.PRIMARY),
    ("Trường THCS", EducationLevel.LOWER_SECONDARY),
    ("Trường THPT", EducationLevel.UPPER_SECONDARY),
)
INCIDENT_TYPES = (
    "INC_SERIOUS_FIRE_ACCIDENT",
    "INC_SERIOUS_CRIME",
    "INC_NEW_VICE_PERSON",
    "INC_ILLEGAL_STRIKE",
)
# Shares of units that moved to a neighbouring commune when communes were merged in 2025.
MOVED_SHARE = 0.01
INCIDENT_SHARE = 0.02
INITIATIVE_SHARE = 0.3
GENERATED_PASSWORD = "!"  # noqa: S105 - unusable: generated accounts exist for scope and load tests, not to log in  # nosec B105


@dataclass
class GenerationReport:
    provinces: int = 0
    communes: int = 0
    units: int = 0
    moved: int = 0
    users: int = 0
    years: list[int] = field(default_factory=list)
    cycles_nodes: int = 0
    evidence: int = 0
    incidents: int = 0
    initiatives: int = 0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return self.units + self.users + self.cycles_nodes + self.evidence + self.incidents + self.initiatives

    @property
    def rate(self) -> float:
        """Rows written per second (units, users, yearly records, evidence, incidents, initiatives)."""
        return self.rows / self.seconds if self.seconds else 0.0


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` spread over `parts`, unevenly (as communes differ) but summing exactly to `total`."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for _ in range(total - sum(counts)):
        counts[rng.randrange(parts)] += 1
    return counts


def _units_of(commune: OrgNode, count: int, rng: random.Random) -> list[OrgNode]:
    base = commune.name.split(" ", 1)[1] if " " in commune.name else commune.name
    kinds = rng.choices([k for k, _w in MIX], weights=[w for _k, w in MIX], k=count)
    numbers = dict.fromkeys(ABBREVIATION, 0)
    units = []
    for kind in kinds:
        numbers[kind] += 1
        n = numbers[kind]
        attrs: dict[str, object] = {"people_count": rng.randint(10, 600)}
        if kind == NodeKind.RESIDENTIAL_AREA:
            name = f"Thôn {n}, {commune.name.lower()[:1]}{commune.name[1:]}"
        elif kind == NodeKind.AGENCY:
            name = f"{rng.choice(AGENCIES)} {base} {n}"
            attrs["subunit_count"] = rng.randint(2, 10)
        elif kind == NodeKind.ENTERPRISE:
            name = f"Công ty TNHH {rng.choice(FIRMS)} {base} {n}"
            attrs["enterprise_size"] = rng.choice(list(EnterpriseSize.values))
            attrs["subunit_count"] = rng.randint(2, 12)
        else:
            label, level = rng.choice(SCHOOL_LEVELS)
            name = f"{label} {base} số {n}"
            attrs["education_level"] = level
            attrs["subunit_count"] = rng.randint(3, 9)
        units.append(
            OrgNode(
                kind=kind,
                name=name,
                code=f"{commune.code}-{ABBREVIATION[kind]}{n:03d}",
                parent=commune,
                address=base,
                **attrs,
            )
        )
    return units


def _bulk_units(communes: Sequence[OrgNode], counts: Sequence[int], rng: random.Random) -> int:
    batch: list[OrgNode] = []
    written = 0
    for commune, count in zip(communes, counts, strict=True):
        if not count:
            continue
        units = _units_of(commune, count, rng)
        for unit, path in zip(units, allocate_child_paths(commune, len(units)), strict=True):
            batch.append(prepare_node(unit, path=path))
        if len(batch) >= 5000:
            OrgNode.objects.bulk_create(batch, batch_size=2000)
            written += len(batch)
            batch = []
    OrgNode.objects.bulk_create(batch, batch_size=2000)
    return written + len(batch)


def _move_some(communes: Sequence[OrgNode], rng: random.Random) -> int:
    """Re-parent ~1% of the new units to the next commune of the same province, as the 2025 merger did:
    a unit's path changes with its commune, and its years are counted where it is now."""
    moved = 0
    by_province: dict[int | None, list[OrgNode]] = {}
    for commune in communes:
        by_province.setdefault(commune.parent_id, []).append(commune)
    for siblings in by_province.values():
        if len(siblings) < 2:
            continue
        for index, commune in enumerate(siblings):
            units = list(OrgNode.objects.filter(parent=commune).order_by("path").values_list("pk", flat=True))
            chosen = [pk for pk in units if rng.random() < MOVED_SHARE]
            if not chosen:
                continue
            target = siblings[(index + 1) % len(siblings)]
            paths = allocate_child_paths(target, len(chosen))
            rows = list(OrgNode.objects.filter(pk__in=chosen).order_by("pk"))
            for row, path in zip(rows, paths, strict=True):
                row.parent = target
                row.code = f"{row.code}-M"  # a unit keeps its history; the suffix keeps the code unique
                prepare_node(row, path=path)
            OrgNode.objects.bulk_update(
                rows, ["parent", "code", "path", "depth", "search_text"], batch_size=1000
            )
            moved += len(rows)
    return moved


def _users(communes: Sequence[OrgNode], provinces: Sequence[OrgNode]) -> int:
    """One commune police officer per commune and one officer per province: scope and load tests."""
    wanted = [(f"ca.{c.code.lower()}", c, Role.COMMUNE_POLICE) for c in communes]
    wanted += [(f"tinh.{p.code.lower()}", p, Role.PROVINCE_OFFICER) for p in provinces]
    existing = set(
        User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True)
    )
    fresh = [(name, node, role) for name, node, role in wanted if name not in existing]
    User.objects.bulk_create([User(username=name, password=GENERATED_PASSWORD) for name, _n, _r in fresh])
    ids = dict(User.objects.filter(username__in=[f[0] for f in fresh]).values_list("username", "pk"))
    Membership.objects.bulk_create(
        [Membership(user_id=ids[name], node=node, role=role) for name, node, role in fresh], batch_size=2000
    )
    return len(fresh)


def _year_records(
    cycle: Cycle, units: Sequence[tuple[int, str]], actor: User, rng: random.Random
) -> tuple[int, int, int]:
    """Evidence metadata, incidents and initiatives (with activities and evaluations) of one year."""
    year = cycle.year
    now = timezone.now()
    evidence = [
        EvidenceDocument(
            node_id=pk,
            year=year,
            doc_type="ke_hoach",
            number_symbol=f"{rng.randint(1, 99)}/KH",
            issue_date=dt.date(year, 2, rng.randint(1, 28)),
            issuer="Đơn vị",
            title=f"Kế hoạch xây dựng phong trào năm {year}",
            file="",
            original_name="ke-hoach.pdf",
            content_type="application/pdf",
            size=0,
            sha256="0" * 64,
            uploaded_by=actor,
        )
        for pk, _path in units
    ]
    EvidenceDocument.objects.bulk_create(evidence, batch_size=2000)
    incidents = [
        Incident(
            node_id=pk,
            incident_type=rng.choice(INCIDENT_TYPES),
            occurred_on=dt.date(year, rng.randint(1, 10), rng.randint(1, 28)),
            place="Trên địa bàn",
            summary="Vụ việc phát sinh (dữ liệu tổng hợp).",
            timely_handled=rng.random() < 0.5,
            source=IncidentSource.POLICE,
            recorded_by=actor,
        )
        for pk, _path in units
        if rng.random() < INCIDENT_SHARE
    ]
    Incident.objects.bulk_create(incidents, batch_size=2000)
    types = list(InitiativeType.objects.filter(is_active=True).values_list("pk", flat=True))
    initiatives = [
        Initiative(
            node_id=pk,
            initiative_type_id=rng.choice(types),
            name=f"Mô hình tự quản số {n}",
            started_on=dt.date(year, rng.randint(1, 9), rng.randint(1, 28)),
            created_by=actor,
        )
        for n, (pk, _path) in enumerate(units)
        if types and rng.random() < INITIATIVE_SHARE
    ]
    Initiative.objects.bulk_create(initiatives, batch_size=2000)
    InitiativeActivity.objects.bulk_create(
        (
            InitiativeActivity(
                initiative=i,
                occurred_on=i.started_on + dt.timedelta(days=30),
                content="Họp định kỳ",
                recorded_by=actor,
            )
            for i in initiatives
        ),
        batch_size=2000,
    )
    InitiativeEvaluation.objects.bulk_create(
        (
            InitiativeEvaluation(
                initiative=i,
                year=year,
                rating=rng.choice(("tot", "kha", "kha", "trung_binh", "yeu")),
                evaluated_by=actor,
                created_at=now,
            )
            for i in initiatives
            if i.started_on.month < 9
        ),
        batch_size=2000,
    )
    return len(evidence), len(incidents), len(initiatives)


def _attach_frameworks(cycle: Cycle, actor: User) -> None:
    """The framework versions in force for the year, frozen, as `cycle_open` attaches them: without
    them the engine has nothing to evaluate and the benchmark would time an empty sheet."""
    on = dt.date(cycle.year, 11, 15)
    versions = []
    for code in Framework.objects.values_list("code", flat=True):
        version = active_version(code, cycle.province, on)
        if version is not None:
            versions.append(framework_version_freeze(version, by=actor))
    cycle.frameworks.set(versions)


def generate_national(
    *,
    units: int,
    years: int,
    seed: int,
    provinces: Sequence[str] = (),
    actor: User,
    say: Callable[[str], None] = lambda _m: None,
) -> GenerationReport:
    """Fill the tree (all provinces, or the `provinces` codes) with `units` units and `years` cycles
    ending this year. Deterministic for `seed`; communes that already have units are left alone."""
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets  # nosec B311
    report = GenerationReport()
    load_current_admin_units()
    chosen = OrgNode.objects.filter(kind=NodeKind.PROVINCE, valid_to__isnull=True).order_by("path")
    if provinces:
        chosen = chosen.filter(code__in=[p.strip().upper() for p in provinces])
    province_list = list(chosen)
    report.provinces = len(province_list)
    communes = list(
        OrgNode.objects.filter(kind=NodeKind.COMMUNE, parent__in=province_list, valid_to__isnull=True)
        .exclude(children__kind__in=list(ABBREVIATION))
        .distinct()
        .order_by("path")
    )
    report.communes = len(communes)
    with transaction.atomic():
        report.units = _bulk_units(communes, _split(units, len(communes), rng) if communes else [], rng)
        say(f"{report.units} đơn vị")
        report.moved = _move_some(communes, rng)
        report.users = _users(communes, province_list)
    this_year = timezone.localdate().year
    report.years = list(range(this_year - years + 1, this_year + 1))
    for province in province_list:
        unit_rows = list(
            OrgNode.objects.filter(subtree_q(province.path), kind__in=list(ABBREVIATION))
            .values_list("pk", "path")
            .order_by("path")
        )
        for year in report.years:
            with transaction.atomic():
                cycle, _created = Cycle.objects.get_or_create(
                    province=province,
                    year=year,
                    defaults={
                        "status": CycleStatus.OPEN if year == this_year else CycleStatus.CLOSED,
                        "opened_by": actor,
                    },
                )
                written = load_province_year(
                    cycle=cycle,
                    skip=None,
                    actor=actor,
                    seed=seed + year + province.pk,
                    final=year < this_year,
                )
                if not cycle.frameworks.exists():  # also mends a dataset generated without them
                    _attach_frameworks(cycle, actor)
                if not written:
                    continue  # this province's year was generated before
                report.cycles_nodes += written
                evidence, incidents, initiatives = _year_records(cycle, unit_rows, actor, rng)
                report.evidence += evidence
                report.incidents += incidents
                report.initiatives += initiatives
        say(f"{province.name}: xong")
    report.seconds = time.perf_counter() - started
    return report
