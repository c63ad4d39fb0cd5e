"""`coordination_facts`: what the records say about QĐ 510 item 4 a–d in a unit's window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from antq.accounts.scope import Scope
from antq.coordination import services
from antq.coordination.choices import AgreementKind, MeetingKind
from antq.coordination.selectors import coordination_facts
from antq.org.models import OrgNode
from tests.coordination.conftest import WINDOW, log, make_agreement

KEYS = {"coordination_agreement", "coordination_executed", "coordination_reviewed", "local_campaigns_joined"}


def _meeting(user: User, agreement, day: dt.date, kind: str = MeetingKind.FINAL) -> None:  # type: ignore[no-untyped-def]
    services.meeting_add(
        by=user,
        scope=Scope.for_user(user),
        agreement=agreement,
        data={"held_on": day, "kind": kind, "summary": "Tổng kết năm"},
    )


def _campaign(user: User, node: OrgNode, day: dt.date, name: str = "Ngày hội toàn dân bảo vệ ANTQ") -> None:
    services.campaign_create(
        by=user,
        scope=Scope.for_user(user),
        node=node,
        data={"campaign": name, "organizer": "UBND phường Quy Nhơn", "took_part_on": day},
    )


def test_a_unit_without_records_meets_nothing_and_says_so(enterprise: OrgNode) -> None:
    facts = coordination_facts(enterprise, *WINDOW)
    assert set(facts) == KEYS
    assert not any(f.value for f in facts.values())
    assert facts["coordination_agreement"].source == (
        "Chưa có quy chế hoặc kế hoạch phối hợp với Công an có hiệu lực trong năm"
    )
    assert facts["coordination_executed"].source == "0 lần thực hiện trong năm (yêu cầu từ 2 lần)"
    list_url = f"{reverse('coordination:list')}?node={enterprise.pk}"
    assert all(f.url == list_url for f in facts.values())


def test_full_records_meet_every_item_and_name_their_source(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    log(enterprise_officer, agreement, dt.date(2025, 3, 15), dt.date(2025, 6, 20), dt.date(2025, 9, 10))
    _meeting(enterprise_officer, agreement, dt.date(2025, 7, 8), MeetingKind.INTERIM)
    _meeting(enterprise_officer, agreement, dt.date(2025, 12, 12), MeetingKind.FINAL)
    _campaign(enterprise_officer, enterprise, dt.date(2025, 8, 19))

    facts = coordination_facts(enterprise, *WINDOW)

    assert all(f.value is True for f in facts.values())
    assert facts["coordination_agreement"].source == (
        "Quy chế phối hợp số 12/QC-PH ký ngày 10/02/2025 với Công an phường Quy Nhơn"
    )
    assert facts["coordination_executed"].source == "3 lần thực hiện trong năm"
    assert facts["coordination_reviewed"].source == (
        "2 cuộc họp định kỳ, sơ kết, tổng kết trong năm (gần nhất: tổng kết ngày 12/12/2025)"
    )
    assert facts["local_campaigns_joined"].source == (
        "1 lần tham gia phong trào, cuộc vận động của địa phương trong năm "
        "(gần nhất: «Ngày hội toàn dân bảo vệ ANTQ» ngày 19/08/2025)"
    )
    detail = reverse("coordination:agreement_detail", args=[agreement.pk])
    assert facts["coordination_agreement"].url == detail
    assert facts["coordination_executed"].url == detail
    assert facts["coordination_reviewed"].url == detail


def test_one_execution_is_not_carrying_the_agreement_out_in_full(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise, kind=AgreementKind.PLAN, number_symbol="")
    log(enterprise_officer, agreement, dt.date(2025, 3, 15))
    facts = coordination_facts(enterprise, *WINDOW)
    assert facts["coordination_agreement"].value is True
    assert facts["coordination_agreement"].source == (
        "Kế hoạch phối hợp ký ngày 10/02/2025 với Công an phường Quy Nhơn"
    )
    assert facts["coordination_executed"].value is False
    assert facts["coordination_executed"].source == "1 lần thực hiện trong năm (yêu cầu từ 2 lần)"


def test_only_records_inside_the_window_count(enterprise: OrgNode, enterprise_officer: User) -> None:
    agreement = make_agreement(enterprise_officer, enterprise, signed_on=dt.date(2024, 3, 1))
    # Two executions and a meeting of 2024, one execution of 2025.
    log(enterprise_officer, agreement, dt.date(2024, 5, 1), dt.date(2024, 10, 1), dt.date(2025, 4, 1))
    _meeting(enterprise_officer, agreement, dt.date(2024, 12, 20))
    _campaign(enterprise_officer, enterprise, dt.date(2024, 8, 19))
    facts = coordination_facts(enterprise, *WINDOW)
    assert facts["coordination_agreement"].value is True  # signed in 2024, open-ended
    assert facts["coordination_executed"].value is False
    assert facts["coordination_executed"].source.startswith("1 lần")
    assert facts["coordination_reviewed"].value is False
    assert facts["local_campaigns_joined"].value is False
    # The 2024 window sees them.
    earlier = coordination_facts(enterprise, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert [earlier[k].value for k in sorted(KEYS)] == [True, True, True, True]


@pytest.mark.parametrize(
    ("signed_on", "term_end", "ended_on", "in_force"),
    [
        (dt.date(2024, 1, 5), dt.date(2024, 12, 31), None, False),  # expired before the window
        (dt.date(2024, 1, 5), dt.date(2025, 1, 1), None, True),  # its last day is in the window
        (dt.date(2024, 1, 5), None, dt.date(2024, 12, 31), False),  # ended before the window
        (dt.date(2024, 1, 5), None, dt.date(2025, 3, 1), True),  # ended inside the window
    ],
)
def test_an_agreement_counts_when_in_force_some_time_in_the_window(
    enterprise: OrgNode,
    enterprise_officer: User,
    signed_on: dt.date,
    term_end: dt.date | None,
    ended_on: dt.date | None,
    in_force: bool,
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise, signed_on=signed_on, term_end=term_end)
    if ended_on is not None:
        services.agreement_end(
            by=enterprise_officer,
            scope=Scope.for_user(enterprise_officer),
            agreement=agreement,
            ended_on=ended_on,
            reason="Thay bằng quy chế mới",
            expected_version=agreement.version,
        )
    assert coordination_facts(enterprise, *WINDOW)["coordination_agreement"].value is in_force


def test_an_agreement_signed_after_the_window_does_not_count(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    make_agreement(enterprise_officer, enterprise, signed_on=dt.date(2026, 1, 5))
    assert coordination_facts(enterprise, *WINDOW)["coordination_agreement"].value is False


def test_another_units_records_do_not_count(
    enterprise: OrgNode,
    enterprise_officer: User,
    tree,
    admin: User,  # type: ignore[no-untyped-def]
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    log(enterprise_officer, agreement, dt.date(2025, 3, 15), dt.date(2025, 6, 20))
    _campaign(enterprise_officer, enterprise, dt.date(2025, 8, 19))
    facts = coordination_facts(tree.commune, *WINDOW)
    assert not any(f.value for f in facts.values())


def test_several_agreements_are_all_named_and_their_executions_add_up(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    first = make_agreement(
        enterprise_officer, enterprise, signed_on=dt.date(2025, 1, 20), number_symbol="01/KH"
    )
    second = make_agreement(enterprise_officer, enterprise, number_symbol="12/QC-PH")
    log(enterprise_officer, first, dt.date(2025, 2, 1))
    log(enterprise_officer, second, dt.date(2025, 5, 1), dt.date(2025, 6, 1))
    facts = coordination_facts(enterprise, *WINDOW)
    assert facts["coordination_agreement"].source == (
        "Quy chế phối hợp số 12/QC-PH ký ngày 10/02/2025 với Công an phường Quy Nhơn; "
        "Quy chế phối hợp số 01/KH ký ngày 20/01/2025 với Công an phường Quy Nhơn"
    )
    assert facts["coordination_executed"].source == "3 lần thực hiện trong năm"
    # The link goes to the agreement carried out most.
    assert facts["coordination_executed"].url == reverse("coordination:agreement_detail", args=[second.pk])


def _records(user: User, node: OrgNode, agreements: int, executions: int) -> None:
    for i in range(agreements):
        agreement = make_agreement(user, node, number_symbol=f"{i + 1}/QC")
        log(user, agreement, *[dt.date(2025, 3, 1) + dt.timedelta(days=7 * k) for k in range(executions)])
        _meeting(user, agreement, dt.date(2025, 12, 1))
        _campaign(user, node, dt.date(2025, 4, 1 + i), name=f"Cuộc vận động {i}")


def test_a_fixed_number_of_queries_whatever_the_records(
    enterprise: OrgNode,
    enterprise_officer: User,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    with django_assert_num_queries(2):
        coordination_facts(enterprise, *WINDOW)
    _records(enterprise_officer, enterprise, agreements=1, executions=1)
    with django_assert_num_queries(2):
        coordination_facts(enterprise, *WINDOW)
    _records(enterprise_officer, enterprise, agreements=6, executions=8)
    with django_assert_num_queries(2):
        facts = coordination_facts(enterprise, *WINDOW)
    assert facts["coordination_executed"].source == "49 lần thực hiện trong năm"
    assert facts["local_campaigns_joined"].source.startswith("7 lần tham gia")
