"""A generated dataset for the dashboard tests: a nation with provinces, communes and units of every
kind (some excluded, some inactive), two years of registrations, assessments in every status,
recognition decisions in force and revoked, initiatives and their evaluations, outreach sessions
with lists and headcounts, inspections; then units moved between communes (as the 2025 reform did,
after their records were written) — all with bulk_create, deterministic (seeded).

It also holds a pre-reform branch (an ended province and commune, as `org.history` loads them)
with records of both years — registration, initiative and its evaluation, training class,
inspection — which no current figure counts (docs/reports.md, "Figures").
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from antq.cycles.choices import AssessmentStatus, RegistrationStatus
from antq.cycles.models import Assessment, Cycle, Registration
from antq.decisions.choices import DecisionKind, DecisionStatus
from antq.decisions.models import Decision, DecisionItem
from antq.initiatives.choices import InitiativeStatus
from antq.initiatives.models import Initiative, InitiativeEvaluation, InitiativeType
from antq.inspections.choices import InspectionStatus
from antq.inspections.models import Inspection
from antq.org.choices import EducationLevel, EnterpriseSize, NodeKind
from antq.org.models import OrgNode
from antq.org.services import allocate_child_paths, prepare_node
from antq.outreach.choices import AttendanceMode, SessionKind
from antq.outreach.models import Attendance, OutreachSession, Participant

YEARS = (2025, 2026)
UNIT_KINDS = (NodeKind.RESIDENTIAL_AREA, NodeKind.AGENCY, NodeKind.ENTERPRISE, NodeKind.SCHOOL)


@dataclass
class Dataset:
    nation: OrgNode
    provinces: list[OrgNode]
    communes: list[OrgNode]
    units: list[OrgNode] = field(default_factory=list)
    moved: list[OrgNode] = field(default_factory=list)
    history: list[OrgNode] = field(default_factory=list)  # ended province, ended commune


def _nodes(parent: OrgNode | None, rows: list[dict[str, object]]) -> list[OrgNode]:
    paths = allocate_child_paths(parent, len(rows))
    nodes = []
    for path, attrs in zip(paths, rows, strict=True):
        excluded = attrs.pop("excluded", False)
        node = prepare_node(OrgNode(parent=parent, **attrs), path=path)  # type: ignore[arg-type]
        if excluded:
            node.exclusion_code = "EXC_TEST"
        nodes.append(node)
    return OrgNode.objects.bulk_create(nodes)


def _unit_attrs(rng: random.Random, code: str, kind: str) -> dict[str, object]:
    attrs: dict[str, object] = {"kind": kind, "name": f"Đơn vị {code}", "code": code}
    if kind == NodeKind.ENTERPRISE:
        attrs["enterprise_size"] = rng.choice(
            [EnterpriseSize.MEDIUM, EnterpriseSize.LARGE, EnterpriseSize.SMALL]
        )
    if kind == NodeKind.SCHOOL:
        attrs["education_level"] = rng.choice([EducationLevel.LOWER_SECONDARY, EducationLevel.PRIMARY])
    attrs["people_count"] = rng.choice([None, 40, 120, 300])
    attrs["is_active"] = rng.random() > 0.05
    attrs["excluded"] = rng.random() < 0.04
    return attrs


def make_dataset(
    *, provinces: int = 2, communes: int = 10, units: int = 150, seed: int = 7, prefix: str = "D"
) -> Dataset:
    """`provinces` × `communes` × `units` units (2 × 10 × 150 = 3,000 by default)."""
    rng = random.Random(seed)
    user = User.objects.create_user(username=f"{prefix.lower()}.dataset")
    nation = _nodes(
        None, [{"kind": NodeKind.NATION, "name": "Toàn quốc (dữ liệu thử)", "code": f"{prefix}VN"}]
    )[0]
    province_nodes = _nodes(
        nation,
        [
            {"kind": NodeKind.PROVINCE, "name": f"Tỉnh {prefix}{p}", "code": f"{prefix}T{p}"}
            for p in range(provinces)
        ],
    )
    data = Dataset(nation=nation, provinces=province_nodes, communes=[])
    for p, province in enumerate(province_nodes):
        rows = [
            {
                "kind": NodeKind.COMMUNE,
                "name": f"Xã {prefix}{p}-{c}",
                "code": f"{prefix}X{p}-{c}",
                "is_active": c != 3,  # one inactive commune per province
                "excluded": False,
            }
            for c in range(communes)
        ]
        data.communes += _nodes(province, rows)
    for commune in data.communes:
        rows = [_unit_attrs(rng, f"{commune.code}-{u}", UNIT_KINDS[u % 4]) for u in range(units)]
        data.units += _nodes(commune, rows)
    # Two units directly under each province (province-managed).
    for province in province_nodes:
        rows = [_unit_attrs(rng, f"{province.code}-P{u}", NodeKind.AGENCY) for u in range(2)]
        data.units += _nodes(province, rows)
    _records(rng, data, user)
    _history(data, user)
    _move(rng, data)
    _analyze()
    return data


def _analyze() -> None:
    """Planner statistics for the tables filled here, as autovacuum gives a real database: rows
    written inside the test's transaction have none, and PostgreSQL then plans the dashboard's joins
    for one-row tables (nested loops over the aggregates), which took 16 minutes on these 3,000 units
    instead of seconds. ANALYZE sees the transaction's own rows."""
    if connection.vendor != "postgresql":
        return
    models = (OrgNode, Cycle, Registration, Assessment, Decision, DecisionItem, Initiative)
    models += (InitiativeEvaluation, Inspection, OutreachSession, Attendance, Participant)
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _records(rng: random.Random, data: Dataset, user: User) -> None:
    assessed = [*data.communes, *data.units]
    cycles = {
        (province.pk, year): Cycle.objects.create(province=province, year=year)
        for province in data.provinces
        for year in YEARS
        # The first province has no cycle of the first year (it opened later).
        if not (province is data.provinces[0] and year == YEARS[0])
    }
    province_of = {node.pk: node.path[:12] for node in assessed}
    province_by_path = {p.path: p for p in data.provinces}
    registrations, assessments = [], []
    reg_statuses = list(RegistrationStatus)
    ass_statuses = list(AssessmentStatus)
    for node in assessed:
        province = province_by_path[province_of[node.pk]]
        for year in YEARS:
            cycle = cycles.get((province.pk, year))
            if cycle is None or rng.random() < 0.2:
                continue
            registrations.append(
                Registration(
                    cycle=cycle, node=node, status=rng.choice(reg_statuses), registered_on=dt.date(year, 2, 1)
                )
            )
            if rng.random() < 0.3:
                continue
            status = rng.choice(ass_statuses)
            recognized = rng.random() < 0.7
            level = rng.choice(["xuat_sac", "kha", "trung_binh", "yeu", ""])
            result = {
                "recognized": recognized,
                "tt124": {
                    "criteria": [
                        {"id": "TT124.KDC.1", "text_vi": "Tiêu chí 1", "status": "passed", "passed": True},
                        {
                            "id": "TT124.KDC.4",
                            "text_vi": "Tiêu chí 4",
                            "status": "passed" if recognized else "failed",
                            "passed": recognized,
                        },
                    ]
                },
            }
            assessments.append(
                Assessment(
                    cycle=cycle,
                    node=node,
                    status=status,
                    recognized=recognized,
                    classification=level,
                    result=result,
                )
            )
    Registration.objects.bulk_create(registrations)
    assessments = Assessment.objects.bulk_create(assessments)
    _decisions(rng, data, cycles, assessments, user)
    _initiatives(rng, data, user)
    _outreach(rng, data, user)
    _inspections(rng, data, user)


def _decisions(
    rng: random.Random,
    data: Dataset,
    cycles: dict[tuple[int, int], Cycle],
    assessments: list[Assessment],
    user: User,
) -> None:
    """Per cycle: an issued recognition decision (items in force) and a revoked one (items not)."""
    today = timezone.localdate()
    decisions = {}
    for n, ((province_pk, year), cycle) in enumerate(cycles.items()):
        issuer = next(p for p in data.provinces if p.pk == province_pk)
        for status in (DecisionStatus.ISSUED, DecisionStatus.REVOKED):
            decisions[(cycle.pk, status)] = Decision.objects.create(
                kind=DecisionKind.RECOGNITION,
                cycle=cycle,
                issuer=issuer,
                status=status,
                number=str(n * 2 + (status == DecisionStatus.REVOKED) + 1),
                number_year=year,
                issued_on=today,
                created_by=user,
            )
    items = []
    for assessment in assessments:
        if assessment.status != AssessmentStatus.APPROVED or rng.random() < 0.2:
            continue
        revoked = rng.random() < 0.15
        status = DecisionStatus.REVOKED if revoked else DecisionStatus.ISSUED
        items.append(
            DecisionItem(
                decision=decisions[(assessment.cycle_id, status)],
                cycle_id=assessment.cycle_id,
                kind=DecisionKind.RECOGNITION,
                node_id=assessment.node_id,
                assessment=assessment,
                in_force=not revoked,
            )
        )
    DecisionItem.objects.bulk_create(items)


def _initiatives(rng: random.Random, data: Dataset, user: User) -> None:
    kind, _new = InitiativeType.objects.get_or_create(
        code="thu-nghiem-dash", defaults={"name": "Mô hình thử"}
    )
    owners = rng.sample([*data.communes, *data.units], k=min(len(data.units) // 10 + 3, len(data.units)))
    initiatives = [
        Initiative(
            node=node,
            initiative_type=kind,
            name=f"Mô hình {i}",
            started_on=dt.date(rng.choice([2023, 2025, 2026]), rng.randint(1, 12), 1),
            status=InitiativeStatus.ACTIVE,
            created_by=user,
        )
        for i, node in enumerate(owners)
    ]
    initiatives = Initiative.objects.bulk_create(initiatives)
    evaluations = [
        InitiativeEvaluation(
            initiative=initiative,
            year=year,
            rating=rng.choice(["tot", "kha", "trung_binh", "yeu"]),
            evaluated_by=user,
        )
        for initiative in initiatives
        for year in YEARS
        if rng.random() < 0.6
    ]
    InitiativeEvaluation.objects.bulk_create(evaluations)


def _outreach(rng: random.Random, data: Dataset, user: User) -> None:
    hosts = rng.sample(data.units, k=min(len(data.units) // 8 + 2, len(data.units)))
    sessions, listed = [], []
    for node in hosts:
        for year in YEARS:
            for n in range(rng.randint(0, 3)):
                kind = rng.choice([SessionKind.PROPAGANDA, SessionKind.PROPAGANDA, SessionKind.TRAINING])
                is_list = rng.random() < 0.5
                withdrawn = rng.random() < 0.1
                session = OutreachSession(
                    node=node,
                    kind=kind,
                    held_on=dt.date(year, rng.randint(1, 12), 10),
                    topic=f"Buổi {n}",
                    place="Nhà văn hóa",
                    attendance_mode=AttendanceMode.LIST if is_list else AttendanceMode.HEADCOUNT,
                    headcount=None if is_list else rng.randint(5, 400),
                    recorded_by=user,
                    withdrawn_at=timezone.now() if withdrawn else None,
                    withdrawn_by=user if withdrawn else None,
                    withdrawn_reason="Ghi nhầm" if withdrawn else "",
                )
                sessions.append(session)
                if is_list:
                    listed.append(session)
    OutreachSession.objects.bulk_create(sessions)
    participants: dict[tuple[int, int], Participant] = {}
    for session in listed:
        for person in rng.sample(range(60), k=rng.randint(1, 30)):
            key = (session.node_id, person)
            if key not in participants:
                participants[key] = Participant(
                    node_id=session.node_id, key=f"id:{person}", full_name=f"Người {person}"
                )
    Participant.objects.bulk_create(list(participants.values()))
    attendances = []
    for session in listed:
        for person in rng.sample(range(60), k=rng.randint(1, 30)):
            participant = participants.get((session.node_id, person))
            if participant is not None:
                attendances.append(Attendance(session=session, participant=participant))
    Attendance.objects.bulk_create(attendances)


def _inspections(rng: random.Random, data: Dataset, user: User) -> None:
    targets = rng.sample([*data.communes, *data.units], k=min(60, len(data.units)))
    rows = []
    for node in targets:
        commune = node if node.kind == NodeKind.COMMUNE else node.parent
        for _n in range(rng.randint(1, 2)):  # a node inspected twice counts once
            rows.append(
                Inspection(
                    node=node,
                    commune=commune,
                    inspector_node=commune.parent if commune and commune.parent else commune,
                    inspected_on=dt.date(rng.choice(YEARS), rng.randint(1, 12), 5),
                    basis="Kế hoạch kiểm tra",
                    status=rng.choice(list(InspectionStatus)),
                    created_by=user,
                )
            )
    Inspection.objects.bulk_create(rows)


def _move(rng: random.Random, data: Dataset) -> None:
    """Re-parent some units to another commune (one across provinces), after their records exist,
    the way `org.services.unit_update` does: a new path under the new commune."""
    movable = [u for u in data.units if u.parent is not None and u.parent.kind == NodeKind.COMMUNE]
    chosen = rng.sample(movable, k=min(len(movable) // 20 + 2, len(movable)))
    for unit in chosen:
        old = unit.parent
        assert old is not None  # noqa: S101
        others = [c for c in data.communes if c.pk != old.pk and c.path[:12] == old.path[:12]]
        across = [c for c in data.communes if c.path[:12] != old.path[:12]]
        if unit is chosen[0] and across:
            others = across
        target = rng.choice(others)
        unit.parent = target
        prepare_node(unit, path=allocate_child_paths(target, 1)[0])
    OrgNode.objects.bulk_update(chosen, ["parent", "path", "depth"])
    data.moved = chosen


def _history(data: Dataset, user: User) -> None:
    """An ended province › ended commune under the nation, with records of every kind in both
    years (registered to the cycles of the last province, as a pre-reform unit's would be)."""
    reform = dt.date(2025, 7, 1)
    ended = {"valid_to": reform, "is_active": False}
    code = data.nation.code
    province = _nodes(
        data.nation, [{"kind": NodeKind.PROVINCE, "name": f"Tỉnh cũ {code}", "code": f"CU-{code}", **ended}]
    )[0]
    commune = _nodes(
        province, [{"kind": NodeKind.COMMUNE, "name": f"Xã cũ {code}", "code": f"CU-X-{code}", **ended}]
    )[0]
    data.history = [province, commune]
    kind = InitiativeType.objects.get(code="thu-nghiem-dash")
    for year in YEARS:
        cycle = Cycle.objects.filter(province=data.provinces[-1], year=year).first()
        if cycle is not None:
            Registration.objects.create(
                cycle=cycle,
                node=commune,
                status=RegistrationStatus.ACCEPTED,
                registered_on=dt.date(year, 2, 1),
            )
        initiative = Initiative.objects.create(
            node=commune,
            initiative_type=kind,
            name=f"Mô hình cũ {year}",
            started_on=dt.date(year, 3, 1),
            status=InitiativeStatus.ACTIVE,
            created_by=user,
        )
        InitiativeEvaluation.objects.create(initiative=initiative, year=year, rating="tot", evaluated_by=user)
        OutreachSession.objects.create(
            node=commune,
            kind=SessionKind.TRAINING,
            held_on=dt.date(year, 4, 1),
            topic="Tập huấn (trước sắp xếp)",
            place="Hội trường",
            attendance_mode=AttendanceMode.HEADCOUNT,
            headcount=30,
            recorded_by=user,
        )
        Inspection.objects.create(
            node=commune,
            commune=commune,
            inspector_node=province,
            inspected_on=dt.date(year, 5, 5),
            basis="Kế hoạch kiểm tra",
            status=InspectionStatus.CONCLUDED,
            created_by=user,
        )
