"""A document cited by a sent registration or assessment is part of what was sent: its metadata,
its criteria and its being in force no longer change until the record is returned. And the
selector the cycle uses to offer documents only gives those of the record's own node and year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from antq.accounts.scope import Scope
from antq.core.errors import DomainError
from antq.cycles.choices import AssessmentStatus, RegistrationStatus
from antq.cycles.models import Assessment, Cycle, Registration
from antq.evidence import services
from antq.evidence.models import DocType, EvidenceDocument, EvidenceLink
from antq.evidence.selectors import evidence_in_use, evidence_usable
from tests.evidence import samples

YEAR = 2026


@pytest.fixture
def cycle(tree):  # type: ignore[no-untyped-def]
    return Cycle.objects.create(province=tree.province, year=YEAR)


@pytest.fixture
def resolution(tree, unit_officer):  # type: ignore[no-untyped-def]
    """The Party resolution of 20/05: the "resolution in Q1" fact is false for it."""
    return samples.make(unit_officer, tree.unit, issue_date=dt.date(YEAR, 5, 20))


def _registration(cycle, node, status, **documents):  # type: ignore[no-untyped-def]
    return Registration.objects.create(
        cycle=cycle, node=node, status=status, registered_on=dt.date(YEAR, 2, 1), **documents
    )


def _update(user, document, **data):  # type: ignore[no-untyped-def]
    return services.evidence_update(
        by=user,
        scope=Scope.for_user(user),
        document=document,
        data=data,
        expected_version=document.version,
    )


def _withdraw(user, document):  # type: ignore[no-untyped-def]
    return services.evidence_withdraw(
        by=user,
        scope=Scope.for_user(user),
        document=document,
        reason="Tải nhầm",
        expected_version=document.version,
    )


def _link(user, document, ids):  # type: ignore[no-untyped-def]
    return services.evidence_link(
        by=user,
        scope=Scope.for_user(user),
        document=document,
        criterion_ids=ids,
        expected_version=document.version,
    )


# --- Registration ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [RegistrationStatus.SUBMITTED, RegistrationStatus.ACCEPTED])
def test_the_resolution_of_a_sent_registration_keeps_its_date(tree, unit_officer, cycle, resolution, status):
    _registration(cycle, tree.unit, status, resolution=resolution)
    with pytest.raises(DomainError) as refused:
        _update(unit_officer, resolution, issue_date=dt.date(YEAR, 3, 1))
    message = str(refused.value)
    assert "bản đăng ký phấn đấu năm 2026 của Tổ dân phố 1, phường Quy Nhơn" in message
    assert f"“{RegistrationStatus(status).label}”" in message
    assert "nghị quyết" in message
    resolution.refresh_from_db()
    assert resolution.issue_date == dt.date(YEAR, 5, 20) and resolution.version == 1


def test_a_cited_document_cannot_be_withdrawn_or_relinked(tree, unit_officer, cycle, frameworks):
    plan = samples.make(unit_officer, tree.unit, doc_type=DocType.KE_HOACH, criterion_ids=("TT124.KDC.2",))
    form = samples.make(unit_officer, tree.unit, doc_type=DocType.BAN_DANG_KY)
    _registration(cycle, tree.unit, RegistrationStatus.ACCEPTED, plan=plan, form_document=form)
    with pytest.raises(DomainError, match="kế hoạch trong bản đăng ký phấn đấu năm 2026"):
        _withdraw(unit_officer, plan)
    with pytest.raises(DomainError, match="Đã tiếp nhận"):
        _withdraw(unit_officer, form)
    with pytest.raises(DomainError, match="bản đăng ký phấn đấu"):
        _link(unit_officer, plan, ["TT124.KDC.2", "TT124.KDC.5"])
    assert EvidenceDocument.objects.filter(is_active=True).count() == 2
    assert list(EvidenceLink.objects.values_list("criterion_id", flat=True)) == ["TT124.KDC.2"]
    # Saving what is already there is not a change, and is not refused.
    assert _update(unit_officer, plan, title=plan.title).version == 1


@pytest.mark.parametrize("status", [RegistrationStatus.DRAFT, RegistrationStatus.RETURNED])
def test_a_draft_or_returned_registration_does_not_lock_its_documents(
    tree, unit_officer, cycle, resolution, status
):
    _registration(cycle, tree.unit, status, resolution=resolution)
    assert evidence_in_use(resolution) == ""
    document = _update(unit_officer, resolution, issue_date=dt.date(YEAR, 3, 1))
    assert document.issue_date == dt.date(YEAR, 3, 1)
    assert not _withdraw(unit_officer, document).is_active


# --- Assessment --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED])
def test_evidence_of_a_sent_assessment_is_locked(tree, unit_officer, cycle, frameworks, status):
    cited = samples.make(unit_officer, tree.unit, criterion_ids=("TT124.KDC.1",))
    other = samples.make(unit_officer, tree.unit, title="Không được dẫn")
    Assessment.objects.create(
        cycle=cycle, node=tree.unit, status=status, evidence={"TT124.KDC.1": [cited.pk], "TT124.KDC.3": []}
    )
    with pytest.raises(DomainError) as refused:
        _update(unit_officer, cited, issue_date=dt.date(YEAR, 1, 5))
    message = str(refused.value)
    assert "bản đánh giá năm 2026 của Tổ dân phố 1, phường Quy Nhơn" in message
    assert "TT124.KDC.1" in message and f"“{AssessmentStatus(status).label}”" in message
    with pytest.raises(DomainError, match="bản đánh giá"):
        _withdraw(unit_officer, cited)
    with pytest.raises(DomainError, match="bản đánh giá"):
        _link(unit_officer, cited, [])
    # A document the assessment does not cite stays free.
    assert not _withdraw(unit_officer, other).is_active


def test_a_returned_assessment_does_not_lock_its_evidence(tree, unit_officer, cycle):
    cited = samples.make(unit_officer, tree.unit)
    Assessment.objects.create(
        cycle=cycle, node=tree.unit, status=AssessmentStatus.RETURNED, evidence={"TT124.KDC.1": [cited.pk]}
    )
    assert _update(unit_officer, cited, title="Đã sửa").title == "Đã sửa"


# --- Screens and API ---------------------------------------------------------------------------


def _api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_the_screens_say_why_a_cited_document_is_locked(client, tree, unit_officer, cycle, resolution):
    _registration(cycle, tree.unit, RegistrationStatus.ACCEPTED, resolution=resolution)
    client.force_login(unit_officer)
    page = client.get(reverse("evidence:detail", args=[resolution.pk])).content.decode()
    assert "bản đăng ký phấn đấu năm 2026" in page
    assert reverse("evidence:edit", args=[resolution.pk]) not in page
    assert reverse("evidence:withdraw", args=[resolution.pk]) not in page
    edit = client.get(reverse("evidence:edit", args=[resolution.pk]))
    assert edit.status_code == 302
    posted = client.post(
        reverse("evidence:withdraw", args=[resolution.pk]), {"reason": "Tải nhầm", "version": 1}, follow=True
    )
    assert "bản đăng ký phấn đấu năm 2026" in posted.content.decode()
    assert EvidenceDocument.objects.get().is_active


def test_the_api_refuses_changes_to_a_cited_document(tree, unit_officer, cycle, resolution):
    _registration(cycle, tree.unit, RegistrationStatus.ACCEPTED, resolution=resolution)
    api = _api(unit_officer)
    patched = api.patch(
        reverse("api:evidence-detail", args=[resolution.pk]),
        {"issue_date": "2026-03-01", "version": 1},
        format="json",
    )
    assert patched.status_code == 400 and "Đã tiếp nhận" in patched.json()["detail"]
    withdrawn = api.post(
        reverse("api:evidence-withdraw", args=[resolution.pk]), {"reason": "x", "version": 1}, format="json"
    )
    assert withdrawn.status_code == 400
    resolution.refresh_from_db()
    assert resolution.is_active and resolution.issue_date == dt.date(YEAR, 5, 20)


def test_the_api_needs_the_version_to_link_or_withdraw(tree, unit_officer, frameworks):
    document = samples.make(unit_officer, tree.unit)
    api = _api(unit_officer)
    links_url = reverse("api:evidence-links", args=[document.pk])
    withdraw_url = reverse("api:evidence-withdraw", args=[document.pk])
    no_version = api.post(links_url, {"criterion_ids": ["TT124.KDC.5"]}, format="json")
    assert no_version.status_code == 400 and "version" in no_version.json()
    assert api.post(withdraw_url, {"reason": "Trùng"}, format="json").status_code == 400
    assert (
        api.post(links_url, {"criterion_ids": ["TT124.KDC.5"], "version": 1}, format="json").status_code
        == 200
    )
    # A page read before the relinking cannot withdraw blindly.
    assert api.post(withdraw_url, {"reason": "Trùng", "version": 1}, format="json").status_code == 409
    assert (
        api.post(withdraw_url, {"reason": "Trùng", "version": 2}, format="json").json()["is_active"] is False
    )


# --- The selector the cycle offers documents from ----------------------------------------------


def test_evidence_usable_gives_the_documents_in_force_of_the_node_and_year(tree, unit_officer):
    usable = samples.make(unit_officer, tree.unit, issue_date=dt.date(YEAR, 2, 1))
    samples.make(unit_officer, tree.unit, year=YEAR - 1, issue_date=dt.date(YEAR - 1, 2, 1))
    withdrawn = samples.make(unit_officer, tree.unit)
    _withdraw(unit_officer, withdrawn)
    earlier = samples.make(unit_officer, tree.unit, issue_date=dt.date(YEAR, 1, 5), doc_type=DocType.KE_HOACH)
    assert list(evidence_usable(node=tree.unit, year=YEAR)) == [earlier, usable]
    assert list(evidence_usable(node=tree.school, year=YEAR)) == []
