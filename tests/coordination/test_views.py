"""Screens of the coordination app, end to end through the test client."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from antq.accounts.scope import Scope
from antq.coordination import services
from antq.coordination.choices import AgreementStatus
from antq.coordination.models import CampaignParticipation, CoordinationAgreement, ExecutionEntry
from antq.org.models import OrgNode
from tests.coordination.conftest import document, log, make_agreement


def _fill(user: User, node: OrgNode, n: int) -> None:
    for i in range(n):
        agreement = make_agreement(user, node, number_symbol=f"{i + 1}/QC")
        log(user, agreement, dt.date(2025, 3, 1), dt.date(2025, 6, 1))
        services.campaign_create(
            by=user,
            scope=Scope.for_user(user),
            node=node,
            data={
                "campaign": f"Phong trào {i}",
                "organizer": "UBND phường",
                "took_part_on": dt.date(2025, 4, 1),
            },
        )


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_queries_for_2_or_25_rows(
    client,
    enterprise: OrgNode,
    commune_police: User,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client.force_login(commune_police)
    url = reverse("coordination:list")
    _fill(commune_police, enterprise, 2)
    few = _queries(client, url)
    _fill(commune_police, enterprise, 23)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    page = response.content.decode()
    assert len(re.findall(r'href="/coordination/agreements/\d+/"', page)) == 25
    assert len(re.findall(r"<td>Phong trào \d+ ", page)) == 25
    assert few <= 16


def test_the_list_of_one_node_shows_only_its_records(
    client,
    enterprise: OrgNode,
    tree,
    commune_police: User,  # type: ignore[no-untyped-def]
) -> None:
    make_agreement(commune_police, enterprise, number_symbol="77/QC-DN")
    make_agreement(commune_police, tree.commune, number_symbol="88/QC-XA")
    client.force_login(commune_police)
    page = client.get(reverse("coordination:list"), {"node": enterprise.pk}).content.decode()
    assert "77/QC-DN" in page
    assert "88/QC-XA" not in page
    assert f"{reverse('coordination:agreement_create')}?node={enterprise.pk}" in page


def test_an_officer_records_an_agreement_from_the_form(
    client,
    enterprise: OrgNode,
    enterprise_officer: User,  # type: ignore[no-untyped-def]
) -> None:
    own = document(enterprise, enterprise_officer)
    client.force_login(enterprise_officer)
    url = reverse("coordination:agreement_create")
    form = client.get(url).content.decode()
    assert own.title in form  # the only unit: its register is offered
    response = client.post(
        url,
        {
            "node": enterprise.pk,
            "kind": "regulation",
            "number_symbol": "12/QC-PH",
            "signed_on": "2026-02-10",
            "police_party": "Công an phường Quy Nhơn",
            "other_parties": "Công đoàn cơ sở",
            "document": own.pk,
        },
    )
    agreement = CoordinationAgreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("coordination:agreement_detail", args=[agreement.pk])
    assert agreement.document == own
    assert agreement.term_start == dt.date(2026, 2, 10)
    detail = client.get(response["Location"]).content.decode()
    assert "Công an phường Quy Nhơn" in detail
    assert "Nhật ký thực hiện" in detail


def test_bad_input_is_shown_next_to_the_field_in_vietnamese(
    client,
    enterprise: OrgNode,
    enterprise_officer: User,  # type: ignore[no-untyped-def]
) -> None:
    client.force_login(enterprise_officer)
    response = client.post(
        reverse("coordination:agreement_create"),
        {
            "node": enterprise.pk,
            "kind": "regulation",
            "signed_on": "2026-02-10",
            "term_start": "2026-01-01",
            "police_party": "Công an phường Quy Nhơn",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ngày bắt đầu hiệu lực không được trước ngày ký." in page
    assert 'id="id_term_start_error"' in page
    assert 'aria-describedby="id_term_start_error id_term_start_helptext"' in page
    assert not CoordinationAgreement.objects.exists()


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(
    client,
    enterprise: OrgNode,
    enterprise_officer: User,
    commune_police: User,  # type: ignore[no-untyped-def]
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    services.agreement_update(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        agreement=agreement,
        data={"title": "Sửa bởi Công an phường"},
        expected_version=1,
    )
    client.force_login(enterprise_officer)
    response = client.post(
        reverse("coordination:agreement_edit", args=[agreement.pk]),
        {
            "kind": "regulation",
            "number_symbol": "12/QC-MOI",
            "signed_on": "2025-02-10",
            "police_party": "Công an phường Quy Nhơn",
            "version": 1,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "đã được người khác thay đổi sau khi bạn mở trang" in page
    assert 'value="12/QC-MOI"' in page
    agreement.refresh_from_db()
    assert agreement.number_symbol == "12/QC-PH"
    assert agreement.title == "Sửa bởi Công an phường"


def test_executions_and_meetings_are_logged_on_the_agreement_page(
    client,
    enterprise: OrgNode,
    enterprise_officer: User,  # type: ignore[no-untyped-def]
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    client.force_login(enterprise_officer)
    url = reverse("coordination:execution_add", args=[agreement.pk])
    bad = client.post(url, {"execution-occurred_on": "2025-01-01", "execution-content": "Tuần tra"})
    assert bad.status_code == 400
    assert "nằm ngoài thời gian hiệu lực" in bad.content.decode()
    assert not ExecutionEntry.objects.exists()
    ok = client.post(
        url, {"execution-occurred_on": "2025-03-15", "execution-content": "Phối hợp tuần tra Tết"}
    )
    assert ok.status_code == 302
    client.post(
        reverse("coordination:meeting_add", args=[agreement.pk]),
        {"meeting-held_on": "2025-12-12", "meeting-kind": "final", "meeting-summary": "Tổng kết năm 2025"},
    )
    page = client.get(reverse("coordination:agreement_detail", args=[agreement.pk])).content.decode()
    assert "Phối hợp tuần tra Tết" in page
    assert "Tổng kết năm 2025" in page


def test_ending_an_agreement_from_its_page(client, enterprise: OrgNode, enterprise_officer: User) -> None:  # type: ignore[no-untyped-def]
    agreement = make_agreement(enterprise_officer, enterprise)
    client.force_login(enterprise_officer)
    url = reverse("coordination:agreement_end", args=[agreement.pk])
    missing = client.post(url, {"end-ended_on": "2025-06-30", "end-reason": "", "end-version": 1})
    assert missing.status_code == 400
    assert "Lý do chấm dứt" in missing.content.decode()
    response = client.post(url, {"end-ended_on": "2025-06-30", "end-reason": "Giải thể", "end-version": 1})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ENDED
    page = client.get(reverse("coordination:agreement_detail", args=[agreement.pk])).content.decode()
    assert "Giải thể" in page
    assert reverse("coordination:agreement_edit", args=[agreement.pk]) not in page
    edit = client.get(reverse("coordination:agreement_edit", args=[agreement.pk]))
    assert edit.status_code == 302


def test_a_campaign_is_recorded_and_edited_from_the_forms(
    client,
    enterprise: OrgNode,
    enterprise_officer: User,  # type: ignore[no-untyped-def]
) -> None:
    client.force_login(enterprise_officer)
    response = client.post(
        reverse("coordination:campaign_create"),
        {
            "node": enterprise.pk,
            "campaign": "Ngày hội toàn dân bảo vệ ANTQ",
            "organizer": "UBND phường Quy Nhơn",
            "took_part_on": "2026-08-19",
        },
    )
    assert response.status_code == 302
    row = CampaignParticipation.objects.get()
    edit = reverse("coordination:campaign_edit", args=[row.pk])
    response = client.post(
        edit,
        {
            "campaign": row.campaign,
            "organizer": row.organizer,
            "took_part_on": "2026-08-19",
            "contribution": "Biểu diễn văn nghệ",
            "version": row.version,
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.contribution == "Biểu diễn văn nghệ"
    page = client.get(f"{reverse('coordination:list')}?node={enterprise.pk}").content.decode()
    assert "Biểu diễn văn nghệ" in page


def test_the_movement_hub_links_to_coordination(client, commune_police: User) -> None:  # type: ignore[no-untyped-def]
    client.force_login(commune_police)
    page = client.get(reverse("movement")).content.decode()
    assert reverse("coordination:list") in page


def test_the_success_message_keeps_the_number_as_typed(
    client,
    enterprise: OrgNode,
    enterprise_officer: User,  # type: ignore[no-untyped-def]
) -> None:
    client.force_login(enterprise_officer)
    response = client.post(
        reverse("coordination:agreement_create"),
        {
            "node": enterprise.pk,
            "kind": "plan",
            "number_symbol": "05/KH-PH",
            "signed_on": "2025-02-10",
            "police_party": "Công an phường Quy Nhơn",
        },
        follow=True,
    )
    assert "Đã ghi nhận kế hoạch phối hợp số 05/KH-PH." in response.content.decode()


def test_a_residential_area_officer_is_not_offered_the_record_buttons(
    client,
    unit_officer: User,
    enterprise_officer: User,  # type: ignore[no-untyped-def]
) -> None:
    create = reverse("coordination:agreement_create")
    client.force_login(unit_officer)
    page = client.get(reverse("coordination:list")).content.decode()
    assert create not in page and reverse("coordination:campaign_create") not in page
    client.force_login(enterprise_officer)
    assert create in client.get(reverse("coordination:list")).content.decode()


def test_a_future_execution_date_names_the_field(
    client,
    enterprise: OrgNode,
    enterprise_officer: User,  # type: ignore[no-untyped-def]
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    client.force_login(enterprise_officer)
    from django.utils import timezone

    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    bad = client.post(
        reverse("coordination:execution_add", args=[agreement.pk]),
        {"execution-occurred_on": tomorrow.isoformat(), "execution-content": "Tuần tra"},
    )
    assert "Ngày thực hiện không được sau ngày hôm nay." in bad.content.decode()
