"""Every registered exporter: the workbook has one row per record of the list's selector, only
records the user may export, and its query count does not grow with the rows."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from antq.audit.models import AuditAction
from antq.audit.services import record
from antq.core.xlsx import write_table_to
from antq.cycles.choices import RegistrationStatus
from antq.exports import registry
from antq.exports.models import ExportJob
from antq.exports.registry import Table
from tests import factories as f
from tests.coordination.routes import _agreement
from tests.cycles.routes import cycle_of, registration
from tests.decisions.routes import _decision, _proposal
from tests.evidence.routes import document
from tests.forces.routes import _team
from tests.incidents.routes import _incident
from tests.initiatives.routes import _initiative
from tests.inspections.routes import _inspection
from tests.outreach.routes import _session
from tests.plans.routes import _plan

pytestmark = pytest.mark.django_db

Seed = Callable[[dict[str, Any], Any, str], Any]
UNITS = ("unit", "sibling_unit", "other_unit")


def _unit(personas: dict[str, Any], tree: Any, where: str) -> None:
    node = getattr(tree, where)
    commune = node.parent
    number = commune.children.count() + 1
    f.unit(commune, f"Tổ dân phố {number}", f"{commune.code}-KDC{number:02d}")


def _audit(personas: dict[str, Any], tree: Any, where: str) -> None:
    node = getattr(tree, where)
    record(
        actor=personas["admin"],
        action=AuditAction.UPDATE,
        obj=node,
        node_path=node.path,
        changes={"name": ["a", "=b"]},
    )


def _plans(personas: dict[str, Any], tree: Any, where: str) -> None:
    _plan(personas, tree, where)


def _registered(personas: dict[str, Any], tree: Any, where: str) -> None:
    registration(personas, tree, where, status=RegistrationStatus.SUBMITTED)


def _cycle(personas: dict[str, Any], tree: Any, where: str) -> None:
    node = getattr(tree, where)
    year = 2026 + node.cycles.count()
    cycle_of(personas, tree, node, year=year)


@dataclass
class Case:
    seed: Seed
    # Where records are made: the first two inside the province officer's export scope, the last outside.
    where: tuple[str, ...] = UNITS
    expected: int = 2  # rows the province officer exports
    node: str = "province"  # the job's node
    params: dict[str, str] = field(default_factory=dict)
    more: str = "unit"  # where the extra record of the query-count check goes


CASES: dict[str, Case] = {
    # The tree already holds three units in Gia Lai (a residential area, a school, a sibling's).
    "units": Case(_unit, expected=5),
    "incidents": Case(_incident),
    "evidence": Case(document, where=("unit", "unit", "sibling_unit"), node="unit", params={"year": "2026"}),
    "initiatives": Case(_initiative),
    "forces_teams": Case(_team),
    "outreach_sessions": Case(_session),
    "coordination_agreements": Case(_agreement),
    "inspections": Case(_inspection),
    "plans": Case(_plans),
    "plan_targets": Case(_plans),
    "plan_tasks": Case(_plans),
    "audit_events": Case(_audit),
    "decisions": Case(
        _decision("draft"), where=("commune", "sibling_commune", "other_province"), more="commune"
    ),
    "award_proposals": Case(_proposal, more="school"),
    "cycles": Case(_cycle, where=("province", "other_province"), expected=1, more="province"),
    "review_queue": Case(_registered, where=("unit", "sibling_unit", "other_unit"), more="school"),
}


def _table(kind: str, job: ExportJob) -> Table:
    exporter = registry.get(kind)
    assert exporter is not None
    result = exporter.build(job, lambda done, total: None)
    assert isinstance(result, Table)
    return result


def _rows(table: Table) -> tuple[list[Any], int]:
    out = io.BytesIO()
    count = write_table_to(out, table)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    return [c.value for c in sheet[1]], count if sheet.max_row - 1 == count else -1


def test_every_list_of_the_issue_has_an_exporter():
    assert set(CASES) <= {e.kind for e in registry.all_exporters()}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_workbook_has_the_rows_the_user_may_export(kind, tree, personas):
    case = CASES[kind]
    for where in case.where:
        case.seed(personas, tree, where)
    job = ExportJob.objects.create(
        created_by=personas["province_officer"], node=getattr(tree, case.node), kind=kind, params=case.params
    )
    table = _table(kind, job)
    headers, count = _rows(table)
    assert all(isinstance(h, str) and h for h in headers)
    assert count == table.total == case.expected


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_query_count_does_not_grow_with_the_rows(kind, tree, personas):
    case = CASES[kind]
    for where in case.where:
        case.seed(personas, tree, where)
    job = ExportJob.objects.create(
        created_by=personas["admin"], node=getattr(tree, case.node), kind=kind, params=case.params
    )

    def queries() -> int:
        job.refresh_from_db()
        with CaptureQueriesContext(connection) as captured:
            _rows(_table(kind, job))
        return len(captured.captured_queries)

    before = queries()
    case.seed(personas, tree, case.more)
    assert queries() == before
