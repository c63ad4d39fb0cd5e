"""Reminders N days before each deadline, overdue notices after it, one digest e-mail a day."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from antq.accounts.roles import Action, Role
from antq.accounts.scope import Scope
from antq.notifications import mail, reminders, services, tasks
from antq.notifications.digests import build_digests, due_items
from antq.notifications.models import Notification, NotificationKind
from antq.org.models import OrgNode
from tests import factories as f
from tests.notifications.helpers import obligation

DUE = dt.date(2026, 3, 31)


def test_a_reminder_comes_exactly_n_days_before_the_due_date(tree):
    o = obligation(tree.unit, due=DUE, remind_days=(14, 3))
    for on, expected in [
        (dt.date(2026, 3, 17), [(NotificationKind.REMINDER, 14)]),
        (dt.date(2026, 3, 28), [(NotificationKind.REMINDER, 3)]),
        (dt.date(2026, 3, 16), []),
        (dt.date(2026, 3, 18), []),
        (dt.date(2026, 3, 29), []),
        (DUE, []),
        (dt.date(2026, 4, 1), [(NotificationKind.OVERDUE, 1)]),
        (dt.date(2026, 4, 20), [(NotificationKind.OVERDUE, 20)]),
    ]:
        assert [(i.kind, i.days) for i in due_items([o], on)] == expected, on


def test_remind_days_are_per_deadline(tree):
    register = obligation(tree.unit, due=DUE, remind_days=(14, 3))
    assess = obligation(
        tree.unit, due=dt.date(2026, 4, 7), code="self_assessment", action="self_assess", remind_days=(7, 0)
    )
    assert [i.obligation for i in due_items([register, assess], dt.date(2026, 3, 31))] == [assess]
    assert [i.days for i in due_items([assess], dt.date(2026, 4, 7))] == [0]


def test_digests_go_to_the_holders_of_the_action_on_the_node(tree, personas):
    on = dt.date(2026, 3, 17)
    digests = build_digests(
        [
            obligation(tree.unit, due=DUE),
            obligation(tree.commune, due=DUE),
            obligation(tree.unit, due=DUE, code="review", action=Action.REGISTRATION_REVIEW),
        ],
        on,
    )
    by_user = {
        uid: [(i.obligation.node_id, i.obligation.action) for i in d.items] for uid, d in digests.items()
    }
    assert by_user[personas["unit_officer"].pk] == [(tree.unit.pk, "register")]
    assert sorted(by_user[personas["commune_police"].pk]) == sorted(
        [(tree.commune.pk, "register"), (tree.unit.pk, "registration_review")]
    )
    assert personas["commune_leader"].pk not in by_user
    assert personas["inspector"].pk not in by_user


def test_the_administrator_gets_no_digest_and_no_event_notification(
    tree, personas, django_capture_on_commit_callbacks, mailoutbox
):
    admin = personas["admin"]
    # Deadlines for every action on the unit, the commune and the province: a reminder (3 days
    # ahead) and an overdue notice (1 day late) each, all of which the administrator could act on.
    obligations = [
        obligation(node, due=due, action=action, code=f"{action}-{due:%d}")
        for node in (tree.unit, tree.commune, tree.province)
        for action in Action
        for due in (DUE + dt.timedelta(days=3), DUE - dt.timedelta(days=1))
    ]
    assert all(Scope.for_user(admin).allows(o.action, OrgNode.objects.get(pk=o.node_id)) for o in obligations)
    digests = build_digests(obligations, DUE)
    kinds = {i.kind for d in digests.values() for i in d.items}
    assert kinds == {NotificationKind.REMINDER, NotificationKind.OVERDUE}
    assert admin.pk not in digests
    run = services.send_daily_digests(on=DUE, obligations=obligations)
    assert run.emails > 0
    # An event on the unit: the reviewers are told, the administrator (who could review it) is not.
    with django_capture_on_commit_callbacks(execute=True):
        told = services.notify_action_holders(
            action=Action.REGISTRATION_REVIEW,
            node=tree.unit,
            kind=NotificationKind.SUBMITTED,
            title="Tổ dân phố 1 đã nộp đăng ký phấn đấu",
            body="",
            url="/cycles/registrations/1/",
        )
    assert told == 2
    submitted = Notification.objects.filter(kind=NotificationKind.SUBMITTED)
    assert set(submitted.values_list("user", flat=True)) == {
        personas["province_officer"].pk,
        personas["commune_police"].pk,
    }
    assert not Notification.objects.filter(user=admin).exists()
    assert mailoutbox and all(m.to != [admin.email] for m in mailoutbox)


def test_one_email_per_user_per_day_with_all_items_and_nothing_on_a_second_run(tree, personas, mailoutbox):
    on = dt.date(2026, 4, 2)
    obligations = [
        # Overdue by 2 days for the unit officer; the commune police review it.
        obligation(tree.unit, due=DUE),
        obligation(
            tree.unit, due=DUE, code="review", action=Action.REGISTRATION_REVIEW, label="Tiếp nhận đăng ký"
        ),
        # A reminder 3 days ahead for the commune police.
        obligation(
            tree.commune,
            due=dt.date(2026, 4, 5),
            code="self_assessment",
            action="self_assess",
            label="Tự đánh giá",
        ),
        # Nothing today for anyone: 5 days is not a reminder day.
        obligation(tree.sibling_unit, due=dt.date(2026, 4, 7)),
    ]
    first = services.send_daily_digests(on=on, obligations=obligations)
    police = personas["commune_police"]
    mails = {m.to[0]: m for m in mailoutbox}
    # province officer (review) + commune police + unit officer; not the administrator
    assert set(mails) == {
        personas["province_officer"].email,
        police.email,
        personas["unit_officer"].email,
    }
    assert len(mailoutbox) == len(mails)
    assert mails[police.email].subject == "ANTQ: 2 việc cần làm ngày 02/04/2026"
    body = mails[police.email].body
    assert "Tiếp nhận đăng ký" in body and "đã quá 2 ngày" in body
    assert "Tự đánh giá" in body and "còn 3 ngày" in body
    assert body.index("Tiếp nhận đăng ký") < body.index("Tự đánh giá")  # overdue first
    unit_mail = mails[personas["unit_officer"].email]
    assert unit_mail.subject == "ANTQ: 1 việc cần làm ngày 02/04/2026"
    rows = Notification.objects.filter(user=police).order_by("kind")
    assert [(n.kind, n.node_path) for n in rows] == [
        (NotificationKind.OVERDUE, tree.unit.path),
        (NotificationKind.REMINDER, tree.commune.path),
    ]
    assert all(n.emailed_at is not None for n in rows)
    assert first.emails == 3

    second = services.send_daily_digests(on=on, obligations=obligations)
    assert (second.created, second.emails) == (0, 0)
    assert len(mailoutbox) == 3
    # Police 2, province officer 1 (the review), unit officer 1.
    assert Notification.objects.count() == first.created == 4


def test_overdue_notices_repeat_once_a_day(tree, personas, mailoutbox):
    o = [obligation(tree.unit, due=DUE)]
    for day in (1, 2, 2, 3):
        services.send_daily_digests(on=DUE + dt.timedelta(days=day), obligations=o)
    rows = Notification.objects.filter(user=personas["unit_officer"], kind=NotificationKind.OVERDUE)
    assert rows.count() == 3
    assert len([m for m in mailoutbox if m.to == [personas["unit_officer"].email]]) == 3


def test_a_new_item_later_the_same_day_is_mailed_alone(tree, personas, mailoutbox):
    on = dt.date(2026, 3, 28)
    services.send_daily_digests(on=on, obligations=[obligation(tree.unit, due=DUE)])
    services.send_daily_digests(
        on=on,
        obligations=[
            obligation(tree.unit, due=DUE),
            obligation(tree.unit, due=dt.date(2026, 4, 11), code="self_assessment", action="self_assess"),
        ],
    )
    mine = [m for m in mailoutbox if m.to == [personas["unit_officer"].email]]
    assert [m.subject for m in mine] == ["ANTQ: 1 việc cần làm ngày 28/03/2026"] * 2


def test_a_failed_send_is_reported_and_retried_by_the_next_run(tree, personas, mailoutbox, monkeypatch):
    on = dt.date(2026, 3, 28)
    # Two recipients: the province officer and the commune police review the unit's registration.
    o = [obligation(tree.unit, due=DUE, code="review", action=Action.REGISTRATION_REVIEW)]
    real = mail.send_mail

    def flaky(subject, message, sender, to, **kwargs):  # type: ignore[no-untyped-def]
        if to == [personas["province_officer"].email]:
            raise OSError("SMTP down")
        return real(subject, message, sender, to, **kwargs)

    monkeypatch.setattr(mail, "send_mail", flaky)
    first = services.send_daily_digests(on=on, obligations=o)
    # The other recipient still got theirs; the failed one stays unstamped.
    assert (first.emails, first.failed) == (1, 1)
    assert [m.to for m in mailoutbox] == [[personas["commune_police"].email]]
    assert Notification.objects.get(user=personas["province_officer"]).emailed_at is None
    assert Notification.objects.get(user=personas["commune_police"]).emailed_at is not None
    monkeypatch.undo()
    second = services.send_daily_digests(on=on, obligations=o)
    assert (second.created, second.emails, second.failed) == (0, 1, 0)
    assert sorted(m.to[0] for m in mailoutbox) == [
        personas["commune_police"].email,
        personas["province_officer"].email,
    ]


def test_the_digest_costs_a_few_queries_plus_four_per_recipient_and_a_rerun_a_few(
    tree, personas, django_assert_num_queries
):
    units = [f.unit(tree.commune, f"Tổ dân phố {n}", f"X21583-KDC{n:02d}") for n in range(10, 40)]
    for n, unit in enumerate(units):
        officer = f.user_with_role(f"to.{n}", Role.UNIT_OFFICER, unit)
        officer.email = f"to{n}@antq.example"
        officer.save(update_fields=["email"])
    obligations = [obligation(u, due=DUE) for u in units]
    on = dt.date(2026, 3, 28)
    # Recipients: 2 queries (nodes, memberships); existing keys, insert, users with unmailed
    # notices: 1 each; then per user (30: the unit officers, not the administrator) a savepoint,
    # the locked select, the stamp and the release.
    with django_assert_num_queries(5 + 4 * 30):
        run = services.send_daily_digests(on=on, obligations=obligations)
    assert (run.users, run.created, run.emails) == (30, 30, 30)
    # The second run finds every row and nobody to mail: no insert, no per-user work.
    with django_assert_num_queries(4):
        run = services.send_daily_digests(on=on, obligations=obligations)
    assert (run.users, run.created, run.emails) == (30, 0, 0)


# --- The command and the task ------------------------------------------------------------------


def test_the_command_sends_the_days_digests(tree, personas, mailoutbox, monkeypatch):
    monkeypatch.setattr(
        reminders, "pending_obligations_source", lambda: lambda on: [obligation(tree.unit, due=DUE)]
    )
    out = io.StringIO()
    call_command("send_reminders", "--date", "2026-03-28", stdout=out)
    # The unit officer only: not the administrator (who may do everything everywhere).
    assert "28/03/2026: 1 người nhận, 1 thông báo mới, 1 thư đã gửi." in out.getvalue()
    call_command("send_reminders", "--date", "2026-03-28", stdout=out)
    assert "0 thông báo mới, 0 thư đã gửi." in out.getvalue()
    assert [m.to for m in mailoutbox] == [[personas["unit_officer"].email]]


def test_the_command_refuses_a_bad_date(tree):
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "31/03/2026")


def test_the_command_explains_when_the_calendar_is_missing(tree, monkeypatch):
    def missing(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "antq.cycles.calendar":
            raise ModuleNotFoundError("No module named 'antq.cycles.calendar'", name="antq.cycles.calendar")
        return real_import(name, *args, **kwargs)

    import builtins

    real_import = builtins.__import__
    monkeypatch.setattr(builtins, "__import__", missing)
    with pytest.raises(CommandError, match="Chưa có lịch hạn"):
        call_command("send_reminders", "--date", "2026-03-28")


def test_the_task_runs_the_same_job(tree, personas, mailoutbox, monkeypatch):
    monkeypatch.setattr(
        reminders, "pending_obligations_source", lambda: lambda on: [obligation(tree.unit, due=DUE)]
    )
    result = tasks.send_reminders.enqueue("2026-03-17")
    assert result.return_value == {"users": 1, "created": 1, "emails": 1, "failed": 0}
    assert [m.to for m in mailoutbox] == [[personas["unit_officer"].email]]


def test_the_command_reads_the_real_cycle_calendar(tree, personas, mailoutbox):
    # No open cycle in the fixture tree: nothing is due, and the plumbing to the calendar works.
    out = io.StringIO()
    call_command("send_reminders", "--date", "2026-03-28", stdout=out)
    assert "28/03/2026: 0 người nhận, 0 thông báo mới, 0 thư đã gửi." in out.getvalue()
    assert mailoutbox == []
