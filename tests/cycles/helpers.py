"""Shared set-up for cycle tests: frameworks loaded, a cycle opened, evidence filed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from antq.accounts.scope import Scope
from antq.criteria import loader
from antq.cycles import derived, services
from antq.cycles.models import Cycle, Registration
from antq.evidence.models import EvidenceDocument
from antq.evidence.services import evidence_create
from antq.org.models import OrgNode

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def load_frameworks() -> None:
    loader.apply(loader.read_files())


def open_cycle(officer: User, province: OrgNode, year: int = 2026) -> Cycle:
    load_frameworks()
    return services.cycle_open(by=officer, scope=Scope.for_user(officer), province=province, year=year)


def document(
    user: User, node: OrgNode, year: int, doc_type: str, issued: dt.date, title: str = ""
) -> EvidenceDocument:
    return evidence_create(
        by=user,
        scope=Scope.for_user(user),
        node=node,
        year=year,
        data={
            "doc_type": doc_type,
            "number_symbol": "01/KH",
            "issue_date": issued,
            "issuer": node.name,
            "title": title or f"{doc_type} {node.name}",
        },
        upload=SimpleUploadedFile("tai-lieu.pdf", PDF, content_type="application/pdf"),
    )


def complete_registration(user: User, cycle: Cycle, node: OrgNode, **overrides: Any) -> Registration:
    """A registration with its dossier filled in, saved but not sent."""
    scope = Scope.for_user(user)
    registration = services.registration_start(by=user, scope=scope, cycle=cycle, node=node)
    q1 = dt.date(cycle.year, 2, 10)
    data: dict[str, Any] = {
        "has_party_org": True,
        "commitment_total": 120,
        "commitment_count": 120,
        "resolution": document(user, node, cycle.year, "nghi_quyet", q1),
        "plan": document(user, node, cycle.year, "ke_hoach", q1),
        "form_document": document(user, node, cycle.year, "ban_dang_ky", q1),
    }
    data.update(overrides)
    return services.registration_save(
        by=user, scope=scope, registration=registration, data=data, expected_version=registration.version
    )


# Items 1–4, 6, 7 are suggested by the movement's records; a test that types them by hand (the
# records are not kept there) gives the unit's reason, as the form and the submission require.
PAPER_REASONS = {leaf: "Hồ sơ giấy lưu tại đơn vị" for leaf in derived.rules()}
PAPER_POST = {f"ovr:{leaf}": reason for leaf, reason in PAPER_REASONS.items()}
