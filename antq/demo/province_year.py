"""The rest of the demo province's year, in bulk: the other communes further along than the home one.

The home commune plays its year through the real services (`cycle.py`); a province dashboard with
only those eight units would show a province of zeros. Here every other commune's units get
registrations, assessments and recognition decisions in realistic proportions, and the previous
year (2025) is closed with its own results, so that year-over-year charts have something to compare.
The rows are written with bulk inserts, as an import of last year's paper records would be; one
audit event per year says so (who loaded what), since no person took those steps in ANTQ.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from antq.audit.services import record
from antq.cycles.choices import AssessmentStatus, CycleStatus, RegistrationStatus
from antq.cycles.models import Assessment, Cycle, Registration
from antq.decisions.choices import DecisionKind, DecisionStatus
from antq.decisions.models import Decision, DecisionItem
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import OrgNode, subtree_q

# Shares the demo draws from: enterprises register less often (the seeds' plans target 70%).
REGISTER_SHARE: dict[str, float] = {NodeKind.ENTERPRISE: 0.72}
REGISTER_DEFAULT = 0.95
ASSESSED_SHARE = 0.88
RECOGNIZED_SHARE = 0.9
# QĐ 510 levels (codes of criteria/data/qd510) with the lowest total of each (illustrative).
LEVELS = (("xuat_sac", 90), ("kha", 70), ("trung_binh", 50), ("yeu", 0))


TT124 = Path(__file__).resolve().parents[1] / "criteria" / "data" / "tt124" / "2021.1.yaml"


@cache
def _criteria_by_kind() -> dict[str, list[tuple[str, str]]]:
    """(id, text) of the TT 124 criteria of each node kind, read from the framework data."""
    data = yaml.safe_load(TT124.read_text(encoding="utf-8"))
    sets = data["criteria_sets"]
    return {
        kind: [
            (c["id"], c.get("text_vi", "")) for c in sets[row["criteria_set"]]["criteria"] if c.get("text_vi")
        ]
        for kind, row in data["unit_types"].items()
    }


def _failed_result(kind: str, rng: random.Random) -> dict[str, Any]:
    """What the engine stores for a unit it did not recognize, with the one criterion it fails
    (so that the dashboards' list of units failing a criterion names it, as for real units)."""
    criterion, text = rng.choice(_criteria_by_kind()[kind])
    return {
        "tt124": {
            "recognized": False,
            "status": "not_recognized",
            "criteria": [
                {
                    "id": criterion,
                    "text_vi": text,
                    "status": "failed",
                    "passed": False,
                    "reasons": ["Dữ liệu minh họa: cấp trên kết luận chưa đạt tiêu chí này."],
                }
            ],
        }
    }


def _level(total: int) -> str:
    return next(code for code, low in LEVELS if total >= low)


def _aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


@transaction.atomic
def load_province_year(
    *, cycle: Cycle, skip: OrgNode | None, actor: User, seed: int, final: bool, late_share: float = 0.04
) -> int:
    """Registrations, assessments and recognitions of every assessed node of the cycle's province
    outside `skip` (the home commune, played through the services); returns the nodes written.

    `final`: a closed year (everything decided) rather than the year in progress (some waiting,
    some returned). Idempotent: a cycle that has such records already is left alone.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets  # nosec B311
    year = cycle.year
    loaded = Registration.objects.filter(cycle=cycle)
    if skip is not None:
        loaded = loaded.exclude(subtree_q(skip.path, field="node__path"))
    if loaded.exists():
        return 0  # loaded before: drawing again would add a second wave of records
    candidates = OrgNode.objects.filter(
        subtree_q(cycle.province.path),
        kind__in=[*UNIT_KINDS, NodeKind.COMMUNE],
        is_active=True,
        exclusion_code="",
    )
    if skip is not None:
        candidates = candidates.exclude(subtree_q(skip.path))
    nodes = list(candidates.values_list("pk", "kind").order_by("path"))
    registrations: list[Registration] = []
    assessments: list[Assessment] = []
    for pk, kind in nodes:
        if rng.random() >= REGISTER_SHARE.get(kind, REGISTER_DEFAULT):
            continue
        registered_on = dt.date(year, rng.randint(1, 3), rng.randint(1, 28))
        late = rng.random() < late_share
        if late:
            registered_on = dt.date(year, 4, rng.randint(1, 20))
        status = RegistrationStatus.ACCEPTED
        if not final:
            draw = rng.random()
            status = (
                RegistrationStatus.SUBMITTED
                if draw < 0.03
                else RegistrationStatus.RETURNED
                if draw < 0.05
                else status
            )
        registrations.append(
            Registration(
                cycle=cycle,
                node_id=pk,
                status=status,
                registered_on=registered_on,
                submitted_at=_aware(registered_on),
                is_late=late,
                commitment_total=50,
                commitment_count=50,
                return_reason="Thiếu bản cam kết của hộ gia đình."
                if status == RegistrationStatus.RETURNED
                else "",
            )
        )
        if status != RegistrationStatus.ACCEPTED or rng.random() >= ASSESSED_SHARE:
            continue
        a_status = AssessmentStatus.APPROVED
        if not final:
            draw = rng.random()
            a_status = (
                AssessmentStatus.SUBMITTED
                if draw < 0.12
                else AssessmentStatus.RETURNED
                if draw < 0.16
                else AssessmentStatus.DRAFT
                if draw < 0.2
                else a_status
            )
        total = rng.choice((95, 92, 88, 85, 82, 78, 75, 72, 66, 58))
        approved = a_status == AssessmentStatus.APPROVED
        recognized = (rng.random() < RECOGNIZED_SHARE) if approved else None
        submitted = dt.date(year, 10, rng.randint(1, 28))
        assessments.append(
            Assessment(
                cycle=cycle,
                node_id=pk,
                status=a_status,
                recognized=recognized,
                result=_failed_result(kind, rng) if recognized is False else {},
                classification=_level(total) if approved else "",
                superior_total=Decimal(total) if approved else None,
                submitted_at=_aware(submitted) if a_status != AssessmentStatus.DRAFT else None,
                approved_at=_aware(submitted + dt.timedelta(days=5)) if approved else None,
                approved_by=actor if approved else None,
                return_reason="Bổ sung biên bản họp dân." if a_status == AssessmentStatus.RETURNED else "",
            )
        )
    Registration.objects.bulk_create(registrations, batch_size=1000)
    Assessment.objects.bulk_create(assessments, batch_size=1000)
    _recognize(cycle, skip=skip, actor=actor, rng=rng)
    record(
        actor=actor,
        action="demo.province_year",
        obj=cycle,
        node_path=cycle.province.path,
        reason=f"Dữ liệu minh họa năm {year}: {len(registrations)} đăng ký, {len(assessments)} đánh giá.",
    )
    return len(nodes)


def _recognize(cycle: Cycle, *, skip: OrgNode | None, actor: User, rng: random.Random) -> None:
    """One issued recognition decision per committee (each commune for its units, the province for
    its communes and the units it manages) naming the approved, recognized nodes."""
    approved = Assessment.objects.filter(
        cycle=cycle, status=AssessmentStatus.APPROVED, recognized=True
    ).exclude(decision_items__in_force=True)
    if skip is not None:
        approved = approved.exclude(subtree_q(skip.path, field="node__path"))
    rows = list(
        approved.values_list(
            "pk", "node_id", "node__parent_id", "node__kind", "node__parent__kind", "superior_total"
        )
    )
    by_issuer: dict[int, list[tuple[int, int, Decimal | None]]] = {}
    for pk, node_id, parent_id, kind, parent_kind, total in rows:
        by_commune = kind != NodeKind.COMMUNE and parent_kind == NodeKind.COMMUNE and parent_id is not None
        issuer_id: int = parent_id if by_commune else cycle.province_id  # type: ignore[assignment]
        by_issuer.setdefault(issuer_id, []).append((pk, node_id, total))
    issuers = OrgNode.objects.in_bulk(list(by_issuer))
    issued_on = dt.date(cycle.year, 11, 10)
    for number, (key, items) in enumerate(sorted(by_issuer.items()), start=100 + rng.randint(0, 50)):
        issuer = issuers[key]
        decision = Decision.objects.create(
            kind=DecisionKind.RECOGNITION,
            cycle=cycle,
            issuer=issuer,
            status=DecisionStatus.ISSUED,
            number=str(number),
            number_year=cycle.year,
            issued_on=issued_on,
            place=issuer.name.split(" ", 1)[-1],
            signer_name="Nguyễn Văn Minh",
            created_by=actor,
            issued_by=actor,
        )
        DecisionItem.objects.bulk_create(
            DecisionItem(
                decision=decision,
                cycle=cycle,
                kind=DecisionKind.RECOGNITION,
                node_id=node_id,
                assessment_id=pk,
                position=position,
                total=total,
                in_force=True,
            )
            for position, (pk, node_id, total) in enumerate(items, start=1)
        )


def load_demo_province_years(*, cycle: Cycle, home_commune: OrgNode, actor: User) -> None:
    """This year's other communes, and the previous year closed (for year-over-year charts)."""
    load_province_year(cycle=cycle, skip=home_commune, actor=actor, seed=cycle.year, final=False)
    previous, created = Cycle.objects.get_or_create(
        province=cycle.province,
        year=cycle.year - 1,
        defaults={"status": CycleStatus.CLOSED, "opened_by": actor},
    )
    if created:
        load_province_year(
            cycle=previous, skip=None, actor=actor, seed=previous.year, final=True, late_share=0.08
        )
