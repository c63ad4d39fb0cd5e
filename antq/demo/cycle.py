"""The demo province's 2026 cycle, as it stands in late November: most units of the home commune
registered and accepted, one registration returned with a reason, one waiting; an incident that
fails a criterion; assessments in every state (draft, submitted, approved). Everything is written
through the real services, so the audit log and the notifications are those a real year leaves.

Dates of the first quarter are given to the records themselves (registration form and documents);
the submission time of the demo registrations is set to the same day afterwards, because the demo is
loaded in November and would otherwise show every registration as late.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone

from antq.accounts.scope import Scope
from antq.cycles import services
from antq.cycles.models import Cycle, Registration
from antq.evidence.services import evidence_create
from antq.incidents.services import incident_record
from antq.org.choices import NodeKind
from antq.org.models import OrgNode

YEAR = 2026
# A one-page PDF (what a scanned document is to the register: a real file of a real type).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _document(user: User, node: OrgNode, doc_type: str, number: str, issued: dt.date, title: str) -> Any:
    return evidence_create(
        by=user,
        scope=Scope.for_user(user),
        node=node,
        year=YEAR,
        data={
            "doc_type": doc_type,
            "number_symbol": number,
            "issue_date": issued,
            "issuer": node.name,
            "title": title,
        },
        upload=ContentFile(PDF, name=f"{doc_type}.pdf"),
    )


def _register(user: User, cycle: Cycle, node: OrgNode, day: int, **extra: Any) -> Registration:
    scope = Scope.for_user(user)
    registration = services.registration_start(by=user, scope=scope, cycle=cycle, node=node)
    issued = dt.date(YEAR, 2, day)
    total = node.people_count if node.kind == NodeKind.RESIDENTIAL_AREA else (node.subunit_count or 5)
    data: dict[str, Any] = {
        "registered_on": issued,
        "has_party_org": True,
        "commitment_total": total or 50,
        "commitment_count": total or 50,
        "resolution": _document(
            user, node, "nghi_quyet", f"0{day}-NQ/CB", issued, "Nghị quyết về công tác bảo đảm ANTT"
        ),
        "plan": _document(
            user, node, "ke_hoach", f"{day}/KH", issued, "Kế hoạch xây dựng phong trào năm 2026"
        ),
        "form_document": _document(
            user, node, "ban_dang_ky", "", issued, "Bản đăng ký phấn đấu đạt chuẩn ATANTT"
        ),
    }
    data.update(extra)
    registration = services.registration_save(
        by=user, scope=scope, registration=registration, data=data, expected_version=registration.version
    )
    registration = services.registration_submit(
        by=user, scope=scope, registration=registration, expected_version=registration.version
    )
    submitted = dt.datetime(YEAR, 2, day, 9, 30, tzinfo=timezone.get_current_timezone())
    Registration.objects.filter(pk=registration.pk).update(submitted_at=submitted, is_late=False)
    registration.refresh_from_db()
    return registration


def load_demo_cycle(*, province: OrgNode, commune: OrgNode, users: dict[str, User]) -> Cycle | None:
    """Open the 2026 cycle of the demo province and play part of the year; idempotent."""
    if Cycle.objects.filter(province=province, year=YEAR).exists():
        return None
    officer, police = users["tinh.canbo"], users["xa.congan"]
    cycle = services.cycle_open(by=officer, scope=Scope.for_user(officer), province=province, year=YEAR)
    services.deadline_override_set(
        by=police,
        scope=Scope.for_user(police),
        cycle=cycle,
        node=commune,
        code="self_assessment",
        due=dt.date(YEAR, 10, 30),
        unit_kind=NodeKind.AGENCY,
        reason="Kế hoạch số 12/KH-CAX của Công an phường: cơ quan báo cáo trước 30/10",
    )
    units = list(
        OrgNode.objects.filter(parent=commune, exclusion_code="", is_active=True)
        .exclude(kind=NodeKind.COMMUNE)
        .order_by("path")[:8]
    )
    police_scope = Scope.for_user(police)
    for n, unit in enumerate(units):
        officer_of_unit = users["donvi.canbo"] if n == 0 else _unit_user(unit)
        registration = _register(officer_of_unit, cycle, unit, day=10 + n)
        if n == 2:
            services.registration_return(
                by=police,
                scope=police_scope,
                registration=registration,
                reason="Bản đăng ký chưa có chữ ký của Trưởng ban công tác Mặt trận; đề nghị bổ sung.",
                expected_version=registration.version,
            )
        elif n != 3:
            services.registration_accept(
                by=police,
                scope=police_scope,
                registration=registration,
                expected_version=registration.version,
            )
    if len(units) > 1:
        incident_record(
            by=police,
            scope=police_scope,
            node=units[1],
            data={
                "incident_type": "INC_SERIOUS_FIRE_ACCIDENT",
                "occurred_on": dt.date(YEAR, 6, 14),
                "place": units[1].address or units[1].name,
                "summary": "Cháy kho chứa hàng, thiệt hại lớn về tài sản, không có thương vong.",
                "force_majeure": False,
                "timely_handled": True,
                "source": "police",
            },
        )
    home = units[0] if units else None
    if home is not None:
        services.assessment_start(
            by=users["donvi.canbo"], scope=Scope.for_user(users["donvi.canbo"]), cycle=cycle, node=home
        )
    return cycle


def _unit_user(unit: OrgNode) -> User:
    """A unit officer account for a demo unit other than the home one (not printed as a demo login)."""
    from antq.accounts.models import Membership
    from antq.accounts.roles import Role

    user, created = User.objects.get_or_create(
        username=f"donvi.{unit.code.lower()}", defaults={"first_name": "Cán bộ"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(user=user, node=unit, role=Role.UNIT_OFFICER)
    return user
