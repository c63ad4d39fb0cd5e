"""Fixtures of the coordination app: an enterprise and a school in the commune with their officer,
and helpers that record through the services (dates in 2025, a closed year)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.coordination import services
from antq.coordination.choices import AgreementKind
from antq.coordination.models import CoordinationAgreement
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from tests import factories as f
from tests.conftest import Tree

WINDOW = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


@pytest.fixture
def enterprise(tree: Tree) -> OrgNode:
    return f.unit(tree.commune, "Công ty TNHH Minh Phát", "X21583-DN01", kind=NodeKind.ENTERPRISE)


@pytest.fixture
def enterprise_officer(enterprise: OrgNode) -> User:
    return f.user_with_role("dn.canbo", Role.UNIT_OFFICER, enterprise)


def agreement_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": AgreementKind.REGULATION,
        "number_symbol": "12/QC-PH",
        "title": "Quy chế phối hợp bảo đảm an ninh, trật tự",
        "signed_on": dt.date(2025, 2, 10),
        "police_party": "Công an phường Quy Nhơn",
        "other_parties": "Công đoàn cơ sở\n\n  Ban Chỉ huy Quân sự  ",
        "term_start": None,
        "term_end": None,
    }
    data.update(overrides)
    return data


def make_agreement(user: User, node: OrgNode, **overrides: Any) -> CoordinationAgreement:
    return services.agreement_create(
        by=user, scope=Scope.for_user(user), node=node, data=agreement_data(**overrides)
    )


def log(user: User, agreement: CoordinationAgreement, *days: dt.date) -> None:
    for day in days:
        services.execution_add(
            by=user,
            scope=Scope.for_user(user),
            agreement=agreement,
            data={"occurred_on": day, "content": "Phối hợp tuần tra", "result": "Không phát sinh vụ việc"},
        )


def document(node: OrgNode, user: User, **overrides: Any) -> Any:
    """A document of the node's evidence register, created directly (a fixture, not an upload)."""
    from antq.evidence.models import DocType, EvidenceDocument

    data: dict[str, Any] = {
        "node": node,
        "year": 2025,
        "doc_type": DocType.NOI_QUY,
        "number_symbol": "12/QC-PH",
        "issue_date": dt.date(2025, 2, 10),
        "title": "Quy chế phối hợp với Công an phường",
        "file": "evidence/quy-che.pdf",
        "original_name": "quy-che.pdf",
        "content_type": "application/pdf",
        "size": 1024,
        "sha256": "0" * 64,
        "uploaded_by": user,
    }
    data.update(overrides)
    return EvidenceDocument.objects.create(**data)
