"""REST endpoints of the coordination app: the same services and scope as the screens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from antq.audit.models import AuditEvent
from antq.coordination.models import CampaignParticipation, CoordinationAgreement, ExecutionEntry
from antq.org.models import OrgNode
from tests.coordination.conftest import document, log, make_agreement


def _client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


AGREEMENT = {
    "kind": "regulation",
    "number_symbol": "12/QC-PH",
    "signed_on": "2026-02-10",
    "police_party": "Công an phường Quy Nhơn",
    "other_parties": ["Công đoàn cơ sở", "Đoàn Thanh niên"],
}


def test_an_officer_records_an_agreement_through_the_api(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    own = document(enterprise, enterprise_officer)
    response = _client(enterprise_officer).post(
        reverse("api:coordination-agreement-list"),
        {**AGREEMENT, "node": enterprise.pk, "document": own.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["node"]["id"] == enterprise.pk
    assert body["other_parties"] == ["Công đoàn cơ sở", "Đoàn Thanh niên"]
    assert body["term_start"] == "2026-02-10"
    assert body["effective_end"] is None
    assert body["document"] == own.pk
    assert AuditEvent.objects.filter(object_type="coordination.coordinationagreement").count() == 1


def test_bad_input_answers_400_with_vietnamese_field_errors(
    enterprise: OrgNode,
    enterprise_officer: User,
    tree,
    admin: User,  # type: ignore[no-untyped-def]
) -> None:
    client = _client(enterprise_officer)
    url = reverse("api:coordination-agreement-list")
    foreign = document(tree.school, admin)
    response = client.post(
        url,
        {**AGREEMENT, "node": enterprise.pk, "term_end": "2026-01-01", "document": foreign.pk},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["term_end"] == ["Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực."]
    assert errors["document"] == ["Tài liệu phải thuộc hồ sơ minh chứng của chính đơn vị này."]
    outside = client.post(url, {**AGREEMENT, "node": tree.sibling_unit.pk}, format="json")
    assert outside.status_code == 400
    assert outside.json()["node"] == ["Không tìm thấy đơn vị trong phạm vi của bạn."]
    assert not CoordinationAgreement.objects.exists()


def test_a_reader_cannot_record_and_an_outsider_cannot_see(
    enterprise: OrgNode,
    enterprise_officer: User,
    inspector: User,
    tree,  # type: ignore[no-untyped-def]
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    denied = _client(inspector).post(
        reverse("api:coordination-agreement-list"), {**AGREEMENT, "node": enterprise.pk}, format="json"
    )
    assert denied.status_code == 403
    from antq.accounts.roles import Role
    from tests import factories as f

    stranger = f.user_with_role("xa.khac", Role.COMMUNE_POLICE, tree.sibling_commune)
    hidden = _client(stranger).get(reverse("api:coordination-agreement-detail", args=[agreement.pk]))
    assert hidden.status_code == 404
    assert _client(stranger).get(reverse("api:coordination-agreement-list")).json()["results"] == []


def test_the_detail_carries_the_log_and_the_list_filters_by_node(
    enterprise: OrgNode,
    enterprise_officer: User,
    commune_police: User,
    tree,  # type: ignore[no-untyped-def]
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    make_agreement(commune_police, tree.commune, number_symbol="01/QC-XA")
    log(enterprise_officer, agreement, dt.date(2025, 3, 15), dt.date(2025, 6, 20))
    client = _client(commune_police)
    detail = client.get(reverse("api:coordination-agreement-detail", args=[agreement.pk])).json()
    assert [e["occurred_on"] for e in detail["executions"]] == ["2025-06-20", "2025-03-15"]
    everything = client.get(reverse("api:coordination-agreement-list")).json()["results"]
    assert len(everything) == 2
    only = client.get(reverse("api:coordination-agreement-list"), {"node": enterprise.pk}).json()["results"]
    assert [a["number_symbol"] for a in only] == ["12/QC-PH"]


def test_end_executions_and_meetings_through_the_api(enterprise: OrgNode, enterprise_officer: User) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    client = _client(enterprise_officer)
    executed = client.post(
        reverse("api:coordination-agreement-executions", args=[agreement.pk]),
        {"occurred_on": "2025-03-15", "content": "Phối hợp tuần tra"},
        format="json",
    )
    assert executed.status_code == 201
    assert ExecutionEntry.objects.filter(agreement=agreement).count() == 1
    met = client.post(
        reverse("api:coordination-agreement-meetings", args=[agreement.pk]),
        {"held_on": "2025-07-08", "kind": "interim", "summary": "Sơ kết"},
        format="json",
    )
    assert met.status_code == 201
    end_url = reverse("api:coordination-agreement-end", args=[agreement.pk])
    stale = client.post(
        end_url, {"ended_on": "2025-06-30", "reason": "Thay thế", "version": 9}, format="json"
    )
    assert stale.status_code == 409
    ended = client.post(
        end_url, {"ended_on": "2025-06-30", "reason": "Thay thế", "version": 1}, format="json"
    )
    assert ended.status_code == 200
    assert ended.json()["status"] == "ended"
    again = client.post(end_url, {"ended_on": "2025-07-30", "reason": "Lần nữa", "version": 2}, format="json")
    assert again.status_code == 400


@pytest.mark.parametrize("took_part_on", ["2026-08-19"])
def test_campaigns_are_recorded_and_listed(
    enterprise: OrgNode, enterprise_officer: User, took_part_on: str
) -> None:
    client = _client(enterprise_officer)
    created = client.post(
        reverse("api:coordination-campaign-list"),
        {
            "node": enterprise.pk,
            "campaign": "Ngày hội toàn dân bảo vệ ANTQ",
            "organizer": "UBND phường Quy Nhơn",
            "took_part_on": took_part_on,
        },
        format="json",
    )
    assert created.status_code == 201
    row = CampaignParticipation.objects.get()
    listed = client.get(reverse("api:coordination-campaign-list")).json()["results"]
    assert [r["id"] for r in listed] == [row.pk]
    detail = client.get(reverse("api:coordination-campaign-detail", args=[row.pk])).json()
    assert detail["organizer"] == "UBND phường Quy Nhơn"
    missing = client.post(reverse("api:coordination-campaign-list"), {"node": enterprise.pk}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()) >= {"campaign", "organizer", "took_part_on"}
