"""The facts the outreach records give the score sheet (QĐ 510 items 2 and 3), and their cost."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.urls import reverse

from antq.accounts.scope import Scope
from antq.org.models import OrgNode
from antq.outreach import selectors, services
from antq.outreach.choices import AttendanceMode, Participation, SessionKind
from antq.outreach.importing import read_attendance
from antq.outreach.targets import targets
from tests.outreach.conftest import people_rows, upload, xlsx

START, END = dt.date(2024, 11, 16), dt.date(2025, 11, 15)


def _listed(make_session, user, first, count, **kw):  # type: ignore[no-untyped-def]
    session = make_session(**kw)
    checked = read_attendance(upload(xlsx(people_rows(first, count))))
    services.attendance_import(by=user, scope=Scope.for_user(user), session=session, people=checked.people)
    return session


def _people(node: OrgNode, n: int) -> None:
    OrgNode.objects.filter(pk=node.pk).update(people_count=n)
    node.refresh_from_db()


def test_reach_counts_distinct_listed_people_or_the_largest_headcount_never_their_sum(
    tree, unit_officer, commune_police, make_session, django_assert_num_queries
):
    _people(tree.unit, 180)
    _listed(make_session, unit_officer, 0, 100)
    _listed(make_session, unit_officer, 50, 80, held_on=dt.date(2025, 4, 1))  # 50 repeat
    _listed(make_session, unit_officer, 120, 22, held_on=dt.date(2025, 5, 1))  # 10 repeat
    make_session(attendance_mode=AttendanceMode.HEADCOUNT, headcount=30)
    make_session(attendance_mode=AttendanceMode.HEADCOUNT, headcount=20)
    # Not counted: training classes, a session outside the window, another unit's session.
    make_session(kind=SessionKind.TRAINING, attendance_mode=AttendanceMode.HEADCOUNT, headcount=99)
    _listed(make_session, unit_officer, 500, 7, kind=SessionKind.TRAINING)
    make_session(attendance_mode=AttendanceMode.HEADCOUNT, headcount=90, held_on=dt.date(2024, 11, 15))
    make_session(tree.school, by=commune_police, attendance_mode=AttendanceMode.HEADCOUNT, headcount=95)
    with django_assert_num_queries(2):
        fact = selectors.reach_fact(tree.unit, START, END)
    # 142 distinct listed people; the 30 of the largest headcount may be among them: not added.
    assert fact.value == {"met": 142, "total": 180}
    assert fact.source == (
        "142 người khác nhau theo danh sách 3 buổi, và 30 người theo số lượng của buổi lớn nhất chỉ ghi "
        "số lượng; số lượng không loại trùng được với danh sách (có thể là cùng những người đó), nên chỉ "
        "tính số lớn hơn trong hai số: 142 người; trên 180 người của đơn vị"
    )
    assert fact.url == reverse("outreach:list") + (
        f"?node={tree.unit.pk}&kind=propaganda&start=2024-11-16&end=2025-11-15"
    )
    figures = selectors.reach(tree.unit, START, END)
    assert (figures.training_sessions, figures.training_people, figures.training_headcount) == (2, 7, 99)
    assert not figures.met  # 142/180 < 90% (the sum, 172, would have reached it)


def test_a_headcount_is_not_added_to_the_lists_so_item_2_is_not_awarded_on_double_counting(
    tree, unit_officer, make_session
):
    """The same 35 residents on a list and at a loudspeaker session with a headcount are 35 people
    reached, not 70: 60 listed + a headcount of 35 is 60 of 100, below the 90% of QĐ 510 item 2."""
    _people(tree.unit, 100)
    _listed(make_session, unit_officer, 0, 60)
    make_session(attendance_mode=AttendanceMode.HEADCOUNT, headcount=35)
    figures = selectors.reach(tree.unit, START, END)
    assert (figures.reached, figures.met, figures.capped) == (60, False, False)
    assert selectors.reach_fact(tree.unit, START, END).value == {"met": 60, "total": 100}


def test_a_headcount_larger_than_the_lists_is_the_reach(tree, unit_officer, make_session):
    _people(tree.unit, 100)
    _listed(make_session, unit_officer, 0, 20)
    make_session(attendance_mode=AttendanceMode.HEADCOUNT, headcount=92)
    make_session(attendance_mode=AttendanceMode.HEADCOUNT, headcount=40)  # may be the same people
    fact = selectors.reach_fact(tree.unit, START, END)
    assert fact.value == {"met": 92, "total": 100}
    assert "tính số lớn hơn trong hai số: 92 người" in fact.source


def test_a_headcount_alone_is_counted_without_the_comparison(tree, make_session):
    _people(tree.unit, 100)
    make_session(attendance_mode=AttendanceMode.HEADCOUNT, headcount=91)
    fact = selectors.reach_fact(tree.unit, START, END)
    assert fact.value == {"met": 91, "total": 100}
    assert fact.source == (
        "91 người theo số lượng của buổi lớn nhất chỉ ghi số lượng; trên 100 người của đơn vị"
    )


def test_reach_is_capped_at_the_units_people(tree, unit_officer, make_session):
    _people(tree.unit, 50)
    _listed(make_session, unit_officer, 0, 40)
    make_session(attendance_mode=AttendanceMode.HEADCOUNT, headcount=60)
    fact = selectors.reach_fact(tree.unit, START, END)
    assert fact.value == {"met": 50, "total": 50}
    assert "tính tối đa bằng số người của đơn vị" in fact.source


def test_a_withdrawn_session_does_not_count_toward_the_reach(tree, unit_officer, make_session):
    _people(tree.unit, 20)
    _listed(make_session, unit_officer, 0, 10)
    wrong = _listed(make_session, unit_officer, 10, 10, held_on=dt.date(2025, 3, 11))
    headcount = make_session(attendance_mode=AttendanceMode.HEADCOUNT, headcount=19)
    assert selectors.reach(tree.unit, START, END).reached == 20
    scope = Scope.for_user(unit_officer)
    for session in (wrong, headcount):
        session.refresh_from_db()
        services.session_withdraw(
            by=unit_officer,
            scope=scope,
            session=session,
            reason="Nhập nhầm tệp",
            expected_version=session.version,
        )
    figures = selectors.reach(tree.unit, START, END)
    assert (figures.reached, figures.list_sessions, figures.headcount_sessions) == (10, 1, 0)


def test_reach_without_sessions_or_people_count(tree, make_session):
    fact = selectors.reach_fact(tree.school, START, END)
    assert fact.value == {"met": 0, "total": 0}
    assert (
        fact.source
        == "Chưa ghi nhận buổi tuyên truyền nào trong kỳ; đơn vị chưa khai số người (danh bạ đơn vị)"
    )


def test_the_target_share_is_read_from_the_data_file_and_compared_exactly(tree, unit_officer, make_session):
    assert targets().reach_share == Fraction(9, 10)
    assert "QĐ 510 mục 2" in targets().reach_source
    _people(tree.unit, 20)
    _listed(make_session, unit_officer, 0, 17)
    assert not selectors.reach(tree.unit, START, END).met  # 17/20 = 85%
    _listed(make_session, unit_officer, 17, 1, held_on=dt.date(2025, 3, 11))
    assert selectors.reach(tree.unit, START, END).met  # 18/20 = 90%


def _festival(node, user, **data):  # type: ignore[no-untyped-def]
    return services.festival_create(by=user, scope=Scope.for_user(user), node=node, year=2025, data=data)


def _hold(festival, user, day, n):  # type: ignore[no-untyped-def]
    return services.festival_mark_held(
        by=user,
        scope=Scope.for_user(user),
        festival=festival,
        data={"held_on": day, "attendance": n},
        expected_version=festival.version,
    )


def test_festival_fact_is_true_only_when_held_in_the_window(tree, unit_officer, django_assert_num_queries):
    festival = _festival(tree.unit, unit_officer)
    with django_assert_num_queries(1):
        planned = selectors.festival_fact(tree.unit, START, END)
    assert planned.value is False
    assert "Chưa ghi nhận" in planned.source
    assert planned.url == reverse("outreach:festival_list") + f"?node={tree.unit.pk}"
    _hold(festival, unit_officer, dt.date(2025, 8, 15), 230)
    with django_assert_num_queries(1):
        fact = selectors.festival_fact(tree.unit, START, END)
    assert fact.value is True
    assert fact.source == "Ngày hội toàn dân bảo vệ ANTQ tổ chức ngày 15/08/2025, 230 người tham dự"
    assert fact.url == reverse("outreach:festival_detail", args=[festival.pk])
    assert selectors.festival_fact(tree.unit, dt.date(2025, 11, 16), dt.date(2026, 11, 15)).value is False


def test_taking_part_in_the_communes_festival_counts(tree, unit_officer):
    festival = _festival(tree.unit, unit_officer, participation=Participation.JOINED, host=tree.commune)
    _hold(festival, unit_officer, dt.date(2025, 8, 19), 45)
    fact = selectors.festival_fact(tree.unit, START, END)
    assert fact.value is True
    assert fact.source == (
        "Tham gia Ngày hội toàn dân bảo vệ ANTQ do Phường Quy Nhơn tổ chức ngày 19/08/2025, 45 người tham dự"
    )
    # The commune's own record is a separate one: the unit's joining does not make the commune's.
    assert selectors.festival_fact(tree.commune, START, END).value is False
