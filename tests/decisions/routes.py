"""Access expectations of the decisions app's routes (read by tests/test_access_matrix.py).

A decision belongs to its issuer: the commune (or province) whose committee signs it. Each object
route is checked with a decision issued by the persona's own commune, a sibling commune, the
province and another province. A unit's certificate and an award proposal belong to the unit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from antq.decisions.choices import DecisionKind, DecisionStatus
from antq.decisions.models import AwardProposal, DecisionItem
from antq.org.choices import NodeKind
from tests.decisions.helpers import ISSUE_DATA, cycle_row, decision_row
from tests.matrix import Route

ISSUERS = ("province", "commune", "sibling_commune", "other_province")
UNITS = ("unit", "sibling_unit", "other_unit")
# The unit (or commune) each issuer's test decision names.
SUBJECT = {
    "province": "commune",
    "commune": "unit",
    "sibling_commune": "sibling_unit",
    "other_province": "other_commune",
}


def _decision(
    status: str, kind: str = DecisionKind.RECOGNITION, **extra: Any
) -> Callable[..., dict[str, Any]]:
    def build(personas: dict[str, Any], tree: Any, where: str) -> dict[str, Any]:
        issuer = getattr(tree, where)
        province = issuer if issuer.kind == NodeKind.PROVINCE else issuer.parent
        decision = decision_row(
            personas["admin"],
            cycle_row(province),
            issuer,
            kind=kind,
            status=status,
            nodes=[getattr(tree, SUBJECT[where])],
        )
        return {"pk": decision.pk, **extra}

    return build


def _certificate(personas: dict[str, Any], tree: Any, where: str) -> dict[str, Any]:
    unit = getattr(tree, where)
    decision = decision_row(
        personas["admin"],
        cycle_row(unit.parent.parent),
        unit.parent,
        status=DecisionStatus.ISSUED,
        nodes=[unit],
    )
    return {"pk": DecisionItem.objects.get(decision=decision).pk}


def _proposal(personas: dict[str, Any], tree: Any, where: str) -> dict[str, Any]:
    unit = getattr(tree, where)
    proposal = AwardProposal.objects.create(
        cycle=cycle_row(unit.parent.parent),
        node=unit,
        proposer=personas["admin"],
        award_title="Giấy khen của Chủ tịch UBND xã",
    )
    return {"pk": proposal.pk}


def _province(personas: dict[str, Any], tree: Any, where: str) -> dict[str, Any]:
    return {"pk": getattr(tree, where).pk}


ISSUE = {**ISSUE_DATA, "version": 1}

ROUTES: dict[str, Route] = {
    "decisions:list": Route("view"),
    "decisions:create": Route("decision_draft"),
    "decisions:detail": Route("view", target=_decision(DecisionStatus.DRAFT), where=ISSUERS),
    "decisions:edit": Route("decision_draft", target=_decision(DecisionStatus.DRAFT), where=ISSUERS),
    "decisions:issue": Route("decision_issue", target=_decision(DecisionStatus.DRAFT), where=ISSUERS),
    "decisions:revoke": Route("decision_issue", target=_decision(DecisionStatus.ISSUED), where=ISSUERS),
    "decisions:cancel": Route(
        "decision_draft",
        target=_decision(DecisionStatus.DRAFT),
        where=ISSUERS,
        method="post",
        data={"version": 1},
        ok=(302,),
    ),
    "decisions:file": Route(
        "view", target=_decision(DecisionStatus.ISSUED, what="decision.docx"), where=ISSUERS
    ),
    "decisions:file_status": Route(
        "view", target=_decision(DecisionStatus.ISSUED, what="decision.pdf"), where=ISSUERS, ok=(200, 286)
    ),
    "decisions:certificate": Route("view", target=_certificate, where=UNITS),
    # The review meeting: recorded by the drafters, its submission and minutes read by every reader.
    "decisions:meeting": Route("decision_draft", target=_decision(DecisionStatus.DRAFT), where=ISSUERS),
    "decisions:meeting_document": Route(
        "view", target=_decision(DecisionStatus.DRAFT, doc="minutes", fmt="docx"), where=ISSUERS
    ),
    "decisions:unit_status": Route("view", target="unit"),
    "decisions:authorities": Route("cycle_manage", target=_province, where=("province", "other_province")),
    "decisions:award_list": Route("view"),
    "decisions:award_create": Route("award_propose"),
    "decisions:award_withdraw": Route(
        "award_propose",
        target=_proposal,
        where=UNITS,
        method="post",
        data={"version": 1, "reason": "Đơn vị xin rút"},
        ok=(302,),
    ),
    "api:decision-list": Route("view", api=True),
    # No body: whoever may draft (propose) somewhere gets the field errors, the others 403.
    "api:decision-list POST": Route("decision_draft", method="post", ok=(400,), api=True),
    "api:decision-detail": Route("view", target=_decision(DecisionStatus.DRAFT), where=ISSUERS, api=True),
    "api:decision-issue": Route(
        "decision_issue",
        target=_decision(DecisionStatus.DRAFT),
        where=ISSUERS,
        method="post",
        data=ISSUE,
        api=True,
    ),
    "api:decision-revoke": Route(
        "decision_issue",
        target=_decision(DecisionStatus.ISSUED),
        where=ISSUERS,
        method="post",
        data={"version": 1, "reason": "Phát hiện sai sót trong hồ sơ"},
        api=True,
    ),
    "api:decision-cancel": Route(
        "decision_draft",
        target=_decision(DecisionStatus.DRAFT),
        where=ISSUERS,
        method="post",
        data={"version": 1},
        api=True,
    ),
    "api:decision-document": Route(
        "view",
        target=_decision(DecisionStatus.ISSUED),
        where=ISSUERS,
        data={"file": "decision.docx"},
        api=True,
    ),
    "api:award-proposal-list": Route("view", api=True),
    "api:award-proposal-list POST": Route("award_propose", method="post", ok=(400,), api=True),
    "api:award-proposal-withdraw": Route(
        "award_propose",
        target=_proposal,
        where=UNITS,
        method="post",
        data={"version": 1, "reason": "Đơn vị xin rút"},
        api=True,
    ),
}
