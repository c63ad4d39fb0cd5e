"""The demo year's movement records (issue 5): initiatives, security teams, outreach and the festival
day, coordination with the police, inspections and the cascade of plans, played through each app's
own demo seed (its services, so every record is audited like a user's)."""

from __future__ import annotations

from django.contrib.auth.models import User

from antq.coordination import demo as coordination_demo
from antq.forces import demo as forces_demo
from antq.initiatives import demo as initiatives_demo
from antq.inspections import demo as inspections_demo
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from antq.outreach import demo as outreach_demo
from antq.plans import demo as plans_demo

AGENCY_KINDS = {NodeKind.AGENCY, NodeKind.ENTERPRISE, NodeKind.SCHOOL}


def load_demo_movement(
    *, province: OrgNode, commune: OrgNode, units: list[OrgNode], year: int, actor: User
) -> None:
    """Seed the year's activity of `units` (under `commune`) as `actor` (the administrator: every
    seed needs its app's action on the nodes it writes)."""
    communes = [commune]
    kdcs = [u for u in units if u.kind == NodeKind.RESIDENTIAL_AREA]
    agencies = [u for u in units if u.kind in AGENCY_KINDS]
    plans_demo.seed(province, communes, units, year, actor)
    initiatives_demo.seed(units, communes, year, actor)
    forces_demo.seed(communes, kdcs, agencies, year, actor)
    outreach_demo.seed(units, year, actor)
    coordination_demo.seed(units, year, actor)
    inspections_demo.seed(province, communes, units, year, actor)
