"""Screens and API end to end: the draft form with its candidates and refusals, issue and revoke
forms, the authority table, award proposals; query counts on the lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from antq.decisions.choices import DecisionKind, DecisionStatus
from antq.decisions.models import ApprovalAuthority, AwardProposal, Decision
from antq.org.choices import NodeKind
from tests import factories as f
from tests.decisions.helpers import assessment_row, cycle_row, decision_row

pytestmark = pytest.mark.django_db


def api(client, user):  # type: ignore[no-untyped-def]
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
    return client


def test_the_draft_form_lists_candidates_with_their_result_and_refusals(client, tree, commune_police):
    cycle = cycle_row(tree.province)
    assessment_row(cycle, tree.unit)
    failed = f.unit(tree.commune, "Thôn Chưa Đạt", "X21583-KDC03")
    assessment_row(cycle, failed, recognized=False)
    client.force_login(commune_police)
    url = reverse("decisions:create") + f"?issuer={tree.commune.pk}&cycle={cycle.pk}&kind=recognition"
    page = client.get(url).content.decode()
    assert "Tổ dân phố 1, phường Quy Nhơn" in page and "Thôn Chưa Đạt" in page
    assert "Kết quả đánh giá: chưa đạt tiêu chuẩn" in page  # shown before ticking

    refused = client.post(url, {"units": [tree.unit.pk, failed.pk]})
    assert refused.status_code == 200
    assert "Các đơn vị không đưa được vào quyết định" in refused.content.decode()
    assert Decision.objects.count() == 0

    created = client.post(url, {"units": [tree.unit.pk], "proposal_ref": "Tờ trình số 45/TTr-CAP"})
    decision = Decision.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse(
        "decisions:detail", args=[decision.pk]
    )
    assert decision.proposal_ref == "Tờ trình số 45/TTr-CAP"
    detail = client.get(created["Location"]).content.decode()
    assert "Dự thảo quyết định" in detail and "Sửa dự thảo" in detail and "Ký ban hành" not in detail


def test_the_leader_issues_and_revokes_through_the_forms(client, tree, commune_leader):
    cycle = cycle_row(tree.province)
    decision = decision_row(commune_leader, cycle, tree.commune, nodes=[tree.unit])
    client.force_login(commune_leader)
    issue_url = reverse("decisions:issue", args=[decision.pk])
    missing = client.post(issue_url, {"number": "", "symbol": "QĐ-UBND", "version": 1})
    assert missing.status_code == 200 and Decision.objects.get().status == DecisionStatus.DRAFT
    done = client.post(
        issue_url,
        {
            "number": "125",
            "symbol": "QĐ-UBND",
            "issued_on": "2026-11-20",
            "signer_prefix": "KT. CHỦ TỊCH",
            "signer_title": "PHÓ CHỦ TỊCH",
            "signer_name": "Lê Thị Mai",
            "version": 1,
        },
    )
    assert done.status_code == 302
    decision.refresh_from_db()
    assert (decision.status, decision.signer_prefix, decision.issued_on) == (
        "issued",
        "KT. CHỦ TỊCH",
        dt.date(2026, 11, 20),
    )
    detail = client.get(reverse("decisions:detail", args=[decision.pk])).content.decode()
    assert "Thu hồi" in detail and "Chuyển trạng thái" in detail  # the history shows the transition

    revoke_url = reverse("decisions:revoke", args=[decision.pk])
    assert client.post(revoke_url, {"reason": "", "version": decision.version}).status_code == 200
    assert client.post(revoke_url, {"reason": "Sai sót", "version": decision.version}).status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.REVOKED


def test_the_unit_sees_its_official_status(client, tree, commune_leader, unit_officer):
    cycle = cycle_row(tree.province)
    decision_row(
        commune_leader, cycle, tree.commune, status=DecisionStatus.ISSUED, nodes=[tree.unit], number="77"
    )
    client.force_login(unit_officer)
    page = client.get(reverse("decisions:unit_status", args=[tree.unit.pk])).content.decode()
    assert "77/QĐ-UBND" in page and "Giấy công nhận (PDF)" in page
    assert "Chưa có quyết định phân loại" in page


def test_the_province_officer_sets_the_authority_table(client, tree, province_officer):
    client.force_login(province_officer)
    url = reverse("decisions:authorities", args=[tree.province.pk])
    page = client.get(url + "?year=2026").content.decode()
    assert "Chủ tịch UBND xã" in page and "Mặc định" in page and "48/2025/TT-BCA" in page
    response = client.post(
        url,
        {
            "year": 2026,
            "unit_kind": NodeKind.COMMUNE,
            "managing_authority": "",
            "level": "province",
            "decider_title": "Chủ tịch UBND tỉnh",
            "routed_via": "Ban Chỉ đạo tỉnh",
            "basis": "Quyết định 12/QĐ-UBND ngày 02/01/2026",
        },
    )
    assert response.status_code == 302
    row = ApprovalAuthority.objects.get()
    assert (row.year, row.routed_via, row.set_by) == (2026, "Ban Chỉ đạo tỉnh", province_officer)
    assert "Ban Chỉ đạo tỉnh" in client.get(url + "?year=2026").content.decode()
    cleared = client.post(
        url,
        {
            "op": "clear",
            "year": 2026,
            "unit_kind": NodeKind.COMMUNE,
            "managing_authority": "",
            "reason": "Sai",
        },
    )
    assert cleared.status_code == 302 and not ApprovalAuthority.objects.exists()


def test_award_proposal_screen_shows_why_a_unit_is_refused(client, tree, commune_police, commune_leader):
    cycle = cycle_row(tree.province)
    assessment_row(cycle, tree.unit, level="trung_binh", total=55, provisional=False)
    decision_row(
        commune_leader, cycle, tree.commune, status=DecisionStatus.ISSUED, nodes=[tree.unit], number="1"
    )
    decision_row(
        commune_leader,
        cycle,
        tree.commune,
        kind=DecisionKind.CLASSIFICATION,
        status=DecisionStatus.ISSUED,
        nodes=[tree.unit],
        number="2",
    )
    client.force_login(commune_police)
    url = reverse("decisions:award_create") + f"?cycle={cycle.pk}"
    assert "dưới mức Khá" in client.get(url).content.decode()
    response = client.post(
        url, {"cycle": cycle.pk, "node": tree.unit.pk, "kind": "collective", "award_title": "Giấy khen"}
    )
    assert response.status_code == 200
    assert "Xếp loại Trung bình, dưới mức Khá" in response.content.decode()
    assert not AwardProposal.objects.exists()


# ---- API ------------------------------------------------------------------------------------------


def test_api_draft_refusals_list_each_unit(client, tree, commune_police):
    cycle = cycle_row(tree.province)
    assessment_row(cycle, tree.unit, recognized=False)
    response = api(client, commune_police).post(
        reverse("api:decision-list"),
        {"cycle": cycle.pk, "issuer": tree.commune.pk, "kind": "recognition", "node_ids": [tree.unit.pk]},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["refused"][0]["node"] == tree.unit.pk
    assert body["refused"][0]["reason"].startswith("Kết quả đánh giá: chưa đạt")


def test_api_draft_issue_and_download(client, tree, commune_police, commune_leader):
    cycle = cycle_row(tree.province)
    assessment_row(cycle, tree.unit)
    created = api(client, commune_police).post(
        reverse("api:decision-list"),
        {
            "cycle": cycle.pk,
            "issuer": tree.commune.pk,
            "kind": "recognition",
            "node_ids": [tree.unit.pk],
            "bases": ["Căn cứ A", "Căn cứ B"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["bases"] == ["Căn cứ A", "Căn cứ B"] and body["items"][0]["node"]["id"] == tree.unit.pk
    issued = api(client, commune_leader).post(
        reverse("api:decision-issue", args=[body["id"]]),
        {
            "version": body["version"],
            "number": "5",
            "issued_on": "2026-11-21",
            "signer_name": "Trần Văn Bình",
        },
        content_type="application/json",
    )
    assert issued.status_code == 200, issued.content
    assert issued.json()["code"] == "5/QĐ-UBND" and issued.json()["items"][0]["in_force"] is True
    stale = api(client, commune_leader).post(
        reverse("api:decision-revoke", args=[body["id"]]),
        {"version": body["version"], "reason": "x"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    document = client.get(reverse("api:decision-document", args=[body["id"]]), {"file": "decision.docx"})
    assert document.status_code == 200 and document["Content-Disposition"].endswith('.docx"')


def test_api_award_refusal_is_a_400_with_the_reason(client, tree, commune_police):
    cycle = cycle_row(tree.province)
    response = api(client, commune_police).post(
        reverse("api:award-proposal-list"),
        {"cycle": cycle.pk, "node": tree.unit.pk, "award_title": "Giấy khen"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Chưa có quyết định công nhận")


# ---- query counts ---------------------------------------------------------------------------------


def _count(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _decisions(tree, user, n, start=0):  # type: ignore[no-untyped-def]
    cycle = cycle_row(tree.province)
    for index in range(start, start + n):
        unit = f.unit(tree.commune, f"Thôn {index}", f"X21583-KDC{50 + index}")
        decision_row(
            user, cycle, tree.commune, status=DecisionStatus.ISSUED, nodes=[unit], number=str(100 + index)
        )
        AwardProposal.objects.create(cycle=cycle, node=unit, proposer=user, award_title="Giấy khen")


@pytest.mark.parametrize(
    "name", ["decisions:list", "decisions:award_list", "api:decision-list", "api:award-proposal-list"]
)
def test_lists_take_the_same_queries_for_one_row_or_many(client, tree, admin, name):
    if name.startswith("api:"):
        api(client, admin)
    else:
        client.force_login(admin)
    url = reverse(name)
    _decisions(tree, admin, 1)
    _count(client, url)  # warm the session and content types
    one = _count(client, url)
    _decisions(tree, admin, 8, start=1)
    assert _count(client, url) == one
    assert one <= 12
