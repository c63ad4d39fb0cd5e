"""A file holds the job's node and nothing beyond it: the export right is checked on that node at
start and download, so a job started on commune A never carries commune B's rows, even when its
creator may export both. Each exporter is checked on a workbook actually written and reopened."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from antq.core.xlsx import write_table_to
from antq.exports import registry
from antq.exports.models import ExportJob
from antq.exports.registry import Table
from antq.org.models import OrgNode
from tests.exports.test_exporters import CASES, Seed, _cycle
from tests.plans.routes import _plan

pytestmark = pytest.mark.django_db


@dataclass
class NodeCase:
    seed: Seed
    inside: str  # a record here belongs to the job's node…
    outside: str  # …and one here does not, though the creator may export it
    node: str = "commune"  # the job's node
    creator: str = "province_officer"
    expected: int = 1
    params: dict[str, str] | None = None


def _case(kind: str, **overrides: Any) -> NodeCase:
    values: dict[str, Any] = {"seed": CASES[kind].seed, "inside": "unit", "outside": "sibling_unit"}
    values.update(overrides)
    return NodeCase(**values)


NODE_CASES: dict[str, NodeCase] = {
    # The commune already holds two units (a residential area and a school): three with the new one.
    "units": _case("units", expected=3),
    "incidents": _case("incidents"),
    "evidence": _case("evidence", node="unit", params={"year": "2026"}),
    "initiatives": _case("initiatives"),
    "forces_teams": _case("forces_teams"),
    "outreach_sessions": _case("outreach_sessions"),
    "coordination_agreements": _case("coordination_agreements"),
    "inspections": _case("inspections"),
    "plans": _case("plans"),
    "plan_targets": _case("plan_targets"),
    "plan_tasks": _case("plan_tasks"),
    "audit_events": _case("audit_events"),
    "decisions": _case("decisions", inside="commune", outside="sibling_commune"),
    "award_proposals": _case("award_proposals"),
    "review_queue": _case("review_queue"),
    # A cycle is a province's: the administrator sees both provinces, the job is on one.
    "cycles": _case("cycles", inside="province", outside="other_province", node="province", creator="admin"),
}


def _workbook(kind: str, job: ExportJob) -> tuple[int, set[Any]]:
    """(data rows, every cell value) of the file the exporter writes for `job`."""
    exporter = registry.get(kind)
    assert exporter is not None
    table = exporter.build(job, lambda done, total: None)
    assert isinstance(table, Table)
    out = io.BytesIO()
    write_table_to(out, table)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    values = {cell.value for row in sheet.iter_rows(min_row=2) for cell in row}
    return sheet.max_row - 1, values


def _names(node: OrgNode) -> set[str]:
    return {node.name, node.code}


def test_every_exporter_of_the_lists_is_checked_against_the_jobs_node():
    assert set(NODE_CASES) == set(CASES)


@pytest.mark.parametrize("kind", sorted(NODE_CASES))
def test_a_job_holds_only_its_nodes_rows(kind, tree, personas):
    case = NODE_CASES[kind]
    case.seed(personas, tree, case.inside)
    case.seed(personas, tree, case.outside)
    creator = personas[case.creator]
    job = ExportJob.objects.create(
        created_by=creator, node=getattr(tree, case.node), kind=kind, params=case.params or {}
    )
    count, values = _workbook(kind, job)
    assert count == case.expected
    outside = getattr(tree, case.outside)
    assert not values & _names(outside), f"{kind}: {outside.name} is in a file of {job.node.name}"
    # The same creator's file of the other node does hold it: the rows were there to leak.
    other = ExportJob.objects.create(
        created_by=creator, node=getattr(tree, case.outside), kind=kind, params=case.params or {}
    )
    assert _workbook(kind, other)[0] >= 1


def test_a_communes_plans_include_the_issued_plans_above_it_but_not_a_siblings(tree, personas):
    province_plan = _plan(personas, tree, "province", issued=True)
    _plan(personas, tree, "province")  # a draft above: the commune does not read it
    _plan(personas, tree, "commune")
    sibling = _plan(personas, tree, "sibling_commune", issued=True)
    job = ExportJob.objects.create(created_by=personas["province_officer"], node=tree.commune, kind="plans")
    count, values = _workbook("plans", job)
    assert count == 2
    assert tree.province.name in values and province_plan.number in values
    assert tree.sibling_commune.name not in values and sibling.title not in values - {province_plan.title}


def test_a_communes_cycles_are_its_provinces(tree, personas):
    _cycle(personas, tree, "province")
    _cycle(personas, tree, "other_province")
    job = ExportJob.objects.create(created_by=personas["admin"], node=tree.commune, kind="cycles")
    count, values = _workbook("cycles", job)
    assert count == 1 and tree.province.name in values and tree.other_province.name not in values


@pytest.mark.parametrize("kind", ["coordination_agreements", "outreach_sessions", "incidents", "inspections"])
def test_a_node_filter_outside_the_jobs_node_adds_nothing(kind, tree, personas):
    seed = CASES[kind].seed
    seed(personas, tree, "unit")
    seed(personas, tree, "sibling_unit")
    job = ExportJob.objects.create(
        created_by=personas["province_officer"],
        node=tree.commune,
        kind=kind,
        params={"node": str(tree.sibling_unit.pk)},
    )
    count, values = _workbook(kind, job)
    assert count == 0 and not values & _names(tree.sibling_unit)


@pytest.mark.parametrize("kind", ["coordination_agreements", "outreach_sessions"])
def test_the_list_pages_node_filter_is_the_jobs_node(kind, client, tree, personas):
    client.force_login(personas["province_officer"])
    response = client.post(reverse("exports:start", args=[kind]), {"node": tree.sibling_commune.pk})
    assert response.status_code == 302
    assert ExportJob.objects.get().node == tree.sibling_commune


def test_a_node_filter_out_of_scope_cannot_start_an_export(client, tree, personas):
    client.force_login(personas["commune_police"])
    url = reverse("exports:start", args=["outreach_sessions"])
    assert client.post(url, {"node": tree.sibling_commune.pk}).status_code == 404
    # A list without a node filter ignores the key: the job is on the current node.
    assert (
        client.post(reverse("exports:start", args=["plans"]), {"node": tree.sibling_commune.pk}).status_code
        == 302
    )
    assert ExportJob.objects.get().node == tree.commune
