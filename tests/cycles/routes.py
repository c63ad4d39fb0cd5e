"""Access expectations of the cycles app's routes (screens and API), read by test_access_matrix.py.

Object routes build their record where the case says: a registration or an assessment of the unit,
of a sibling unit, of a unit in another province, or of a commune (the commune police register and
self-assess their commune but review the units). The tree target "other_province" stands for the
commune of the other province (its records are seen by the administrator only).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from antq.cycles.choices import AssessmentStatus, RegistrationStatus
from tests.matrix import Route

YEAR = 2026
RECORD_TARGETS = ("unit", "sibling_unit", "other_unit", "commune", "sibling_commune", "other_province")
UNIT_TARGETS = ("unit", "sibling_unit", "other_unit")
CYCLE_TARGETS = ("unit", "other_unit")  # a Gia Lai cycle (seen by every persona there) and a Quảng Trị one
DEADLINE_TARGETS = ("province", "commune", "sibling_commune", "other_province")


@cache
def framework_files() -> list[Any]:
    """The framework files, read and validated once per process (each case loads them into its DB)."""
    from antq.criteria import loader

    return loader.read_files()


def _node(tree: Any, where: str) -> Any:
    """The node a record is built on (the other province's commune for "other_province")."""
    return tree.other_commune if where == "other_province" else getattr(tree, where)


def cycle_of(personas: dict[str, Any], tree: Any, node: Any, year: int = YEAR) -> Any:
    """The cycle of the node's province for `year`, opened by the administrator if needed."""
    from antq.accounts.scope import Scope
    from antq.criteria import loader
    from antq.cycles import services
    from antq.cycles.models import Cycle

    province = tree.province if node.path.startswith(tree.province.path) else tree.other_province
    found = Cycle.objects.filter(province=province, year=year).first()
    if found is not None:
        return found
    loader.apply(framework_files())
    admin = personas["admin"]
    return services.cycle_open(by=admin, scope=Scope.for_user(admin), province=province, year=year)


def documents(personas: dict[str, Any], node: Any, year: int = YEAR) -> dict[str, Any]:
    """The three documents of a complete registration dossier, filed directly (no upload)."""
    from antq.evidence.models import DocType, EvidenceDocument

    found = {}
    for field, doc_type, number in (
        ("resolution", DocType.NGHI_QUYET, "01-NQ/CB"),
        ("plan", DocType.KE_HOACH, "02/KH"),
        ("form_document", DocType.BAN_DANG_KY, "03/ĐK"),
    ):
        found[field] = EvidenceDocument.objects.create(
            node=node,
            year=year,
            doc_type=doc_type,
            number_symbol=number,
            issue_date=dt.date(year, 2, 10),
            title=f"Tài liệu {number}",
            file=f"evidence/{year}/{number.replace('/', '-')}.pdf",
            original_name="tai-lieu.pdf",
            content_type="application/pdf",
            size=1000,
            sha256="0" * 64,
            uploaded_by=personas["admin"],
        )
    return found


def registration(
    personas: dict[str, Any], tree: Any, where: str, *, complete: bool = False, status: str = ""
) -> Any:
    from antq.accounts.scope import Scope
    from antq.cycles import services
    from antq.cycles.models import Registration

    node = _node(tree, where)
    cycle = cycle_of(personas, tree, node)
    admin = personas["admin"]
    found = services.registration_start(by=admin, scope=Scope.for_user(admin), cycle=cycle, node=node)
    updates: dict[str, Any] = {}
    if complete or status:
        updates.update(documents(personas, node))
        updates.update(commitment_total=10, commitment_count=10)
    if status:
        updates["status"] = status
    if updates:
        Registration.objects.filter(pk=found.pk).update(**updates)  # the version stays 1
    return found


def assessment(personas: dict[str, Any], tree: Any, where: str, *, status: str = "") -> Any:
    from antq.accounts.scope import Scope
    from antq.cycles import services
    from antq.cycles.models import Assessment

    node = _node(tree, where)
    cycle = cycle_of(personas, tree, node)
    admin = personas["admin"]
    found = services.assessment_start(by=admin, scope=Scope.for_user(admin), cycle=cycle, node=node)
    if status:
        Assessment.objects.filter(pk=found.pk).update(status=status)  # the version stays 1
    return found


# ---- builders (personas, tree, where) -> url kwargs ---------------------------------------------


def _cycle(personas, tree, where):  # type: ignore[no-untyped-def]
    return {"pk": cycle_of(personas, tree, _node(tree, where)).pk}


def _deadline(personas, tree, where):  # type: ignore[no-untyped-def]
    node = getattr(tree, where)
    return {"pk": cycle_of(personas, tree, node).pk, "node": node.pk}


def _unit_year(personas, tree, where):  # type: ignore[no-untyped-def]
    node = _node(tree, where)
    cycle_of(personas, tree, node)
    return {"node": node.pk, "year": YEAR}


def _start(personas, tree, where):  # type: ignore[no-untyped-def]
    node = _node(tree, where)
    return {"cycle": cycle_of(personas, tree, node).pk, "node": node.pk}


def _registration(personas, tree, where):  # type: ignore[no-untyped-def]
    return {"pk": registration(personas, tree, where).pk}


def _registration_complete(personas, tree, where):  # type: ignore[no-untyped-def]
    return {"pk": registration(personas, tree, where, complete=True).pk}


def _registration_submitted(personas, tree, where):  # type: ignore[no-untyped-def]
    return {"pk": registration(personas, tree, where, status=RegistrationStatus.SUBMITTED).pk}


def _assessment(personas, tree, where):  # type: ignore[no-untyped-def]
    return {"pk": assessment(personas, tree, where).pk}


def _assessment_pdf(personas, tree, where):  # type: ignore[no-untyped-def]
    return {"pk": assessment(personas, tree, where).pk, "doc": "score-sheet", "fmt": "docx"}


def _assessment_submitted(personas, tree, where):  # type: ignore[no-untyped-def]
    return {"pk": assessment(personas, tree, where, status=AssessmentStatus.SUBMITTED).pk}


VERSION = {"version": 1}
RETURN = {"version": 1, "reason": "Thiếu nghị quyết của chi bộ"}

ROUTES: dict[str, Route] = {
    # ---- screens
    "cycles:list": Route("view"),
    # Without frameworks loaded the service refuses: a redirect with the message either way.
    "cycles:open": Route("cycle_manage", method="post", data={"year": 2027}, ok=(302,)),
    "cycles:review": Route("registration_review"),
    "cycles:cycle": Route("view", target=_cycle, where=CYCLE_TARGETS),
    "cycles:deadline_set": Route(
        "deadline_set",
        target=_deadline,
        where=DEADLINE_TARGETS,
        method="post",
        data={"code": "registration", "due": f"{YEAR}-03-15", "reason": "Kế hoạch 15/KH-UBND"},
        ok=(302,),
    ),
    "cycles:unit_year": Route("view", target=_unit_year, where=RECORD_TARGETS),
    "cycles:registration_start": Route(
        "register", target=_start, where=RECORD_TARGETS, method="post", ok=(302,)
    ),
    "cycles:registration": Route("view", target=_registration, where=RECORD_TARGETS),
    "cycles:registration_accept": Route(
        "registration_review",
        target=_registration_submitted,
        where=RECORD_TARGETS,
        method="post",
        data=VERSION,
        ok=(302,),
    ),
    "cycles:registration_return": Route(
        "registration_review",
        target=_registration_submitted,
        where=RECORD_TARGETS,
        method="post",
        data=RETURN,
        ok=(302,),
    ),
    "cycles:assessment_start": Route(
        "self_assess", target=_start, where=RECORD_TARGETS, method="post", ok=(302,)
    ),
    "cycles:assessment": Route("view", target=_assessment, where=RECORD_TARGETS),
    # The unit's report and score sheet: read by whoever sees the assessment.
    "cycles:assessment_document": Route("view", target=_assessment_pdf, where=UNIT_TARGETS),
    "cycles:assessment_return": Route(
        "assessment_review",
        target=_assessment_submitted,
        where=RECORD_TARGETS,
        method="post",
        data=RETURN,
        ok=(302,),
    ),
    # A computation on the posted values, never saved: whoever sees the assessment may run it.
    "cycles:assessment_preview": Route(
        "view", target=_assessment, where=UNIT_TARGETS, method="post", data={"mode": "self"}
    ),
    # ---- API
    "api:cycle-list": Route("view", api=True),
    "api:cycle-detail": Route("view", target=_cycle, where=CYCLE_TARGETS, api=True),
    "api:cycle-calendar": Route("view", target=_cycle, where=CYCLE_TARGETS, api=True),
    "api:registration-list": Route("view", api=True),
    # No body: whoever may register somewhere gets the field errors, the others 403.
    "api:registration-list POST": Route("register", method="post", ok=(400,), api=True),
    "api:registration-detail PATCH": Route(
        "register", target=_registration, where=RECORD_TARGETS, method="patch", data=VERSION, api=True
    ),
    "api:registration-detail": Route("view", target=_registration, where=RECORD_TARGETS, api=True),
    "api:registration-submit": Route(
        "register", target=_registration_complete, where=RECORD_TARGETS, method="post", data=VERSION, api=True
    ),
    "api:registration-accept": Route(
        "registration_review",
        target=_registration_submitted,
        where=RECORD_TARGETS,
        method="post",
        data=VERSION,
        api=True,
    ),
    "api:registration-return": Route(
        "registration_review",
        target=_registration_submitted,
        where=RECORD_TARGETS,
        method="post",
        data=RETURN,
        api=True,
    ),
    "api:assessment-list": Route("view", api=True),
    "api:assessment-detail": Route("view", target=_assessment, where=RECORD_TARGETS, api=True),
    # The body names the cycle and the node: an empty one is a field error for whoever may self-assess.
    "api:assessment-start": Route("self_assess", method="post", ok=(400,), api=True),
    "api:assessment-save-self": Route(
        "self_assess", target=_assessment, where=RECORD_TARGETS, method="post", data=VERSION, api=True
    ),
    "api:assessment-submit": Route(
        "self_assess", target=_assessment, where=RECORD_TARGETS, method="post", data=VERSION, api=True
    ),
    "api:assessment-review": Route(
        "assessment_review",
        target=_assessment_submitted,
        where=RECORD_TARGETS,
        method="post",
        data=VERSION,
        api=True,
    ),
    "api:assessment-return": Route(
        "assessment_review",
        target=_assessment_submitted,
        where=RECORD_TARGETS,
        method="post",
        data=RETURN,
        api=True,
    ),
    "api:assessment-approve": Route(
        "assessment_review",
        target=_assessment_submitted,
        where=RECORD_TARGETS,
        method="post",
        data=VERSION,
        api=True,
    ),
    "api:assessment-preview": Route("view", target=_assessment, where=UNIT_TARGETS, method="post", api=True),
}
