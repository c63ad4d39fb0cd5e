"""notify / notify_action_holders / mark read: rows now, one e-mail per user after commit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from antq.accounts.roles import Action
from antq.notifications import services
from antq.notifications.mail import send_event_emails
from antq.notifications.models import Notification, NotificationKind
from tests.notifications.helpers import note


def _submit(tree, **extra):  # type: ignore[no-untyped-def]
    return services.notify_action_holders(
        action=Action.REGISTRATION_REVIEW,
        node=tree.unit,
        kind=NotificationKind.SUBMITTED,
        title="Tổ dân phố 1 đã nộp đăng ký phấn đấu",
        body="Vui lòng tiếp nhận hoặc trả lại.",
        url="/cycles/registrations/1/",
        **extra,
    )


def test_submission_tells_the_reviewers_of_the_unit_and_mails_each_once_after_commit(
    tree, personas, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = _submit(tree)
        # Nothing leaves before the event is committed.
        assert mailoutbox == []
    assert len(callbacks) == 1
    # Not the system administrator: they could act anywhere and would get every notice of the country.
    reviewers = {personas["province_officer"], personas["commune_police"]}
    assert created == 2
    rows = Notification.objects.filter(kind=NotificationKind.SUBMITTED)
    assert {n.user for n in rows} == reviewers
    assert all(n.node_path == tree.unit.path and n.read_at is None for n in rows)
    assert all(n.emailed_at is not None for n in rows)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in reviewers)
    assert mailoutbox[0].subject == "ANTQ: Tổ dân phố 1 đã nộp đăng ký phấn đấu"
    assert "Vui lòng tiếp nhận hoặc trả lại." in mailoutbox[0].body


def test_the_mail_task_is_idempotent(tree, personas, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        _submit(tree)
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert send_event_emails(notification_ids=ids) == 0
    assert len(mailoutbox) == 2


def test_a_rolled_back_event_sends_nothing(tree, personas, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _submit(tree)
    # The callbacks were never run (as on a rollback): rows without an e-mail stamp, no mail.
    assert len(callbacks) == 1
    assert mailoutbox == []
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()


def test_users_without_an_address_get_the_row_but_no_mail(
    tree, personas, django_capture_on_commit_callbacks, mailoutbox
):
    personas["commune_police"].email = ""
    personas["commune_police"].save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        _submit(tree)
    assert Notification.objects.filter(user=personas["commune_police"], emailed_at__isnull=True).exists()
    assert len(mailoutbox) == 1


def test_the_same_key_does_not_notify_twice(tree, personas, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        assert _submit(tree, key="registration:1:submitted") == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert _submit(tree, key="registration:1:submitted") == 0
    assert Notification.objects.count() == 2
    assert len(mailoutbox) == 2


def test_reminder_kinds_are_not_mailed_one_by_one(
    tree, personas, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notify(
            users=[personas["unit_officer"]],
            kind=NotificationKind.REMINDER,
            title="Nhắc hạn",
            body="",
            url="",
            node=tree.unit,
        )
    assert callbacks == []
    assert mailoutbox == []
    assert Notification.objects.get().user == personas["unit_officer"]


def test_inactive_users_are_skipped(tree, personas, django_capture_on_commit_callbacks):
    personas["inspector"].is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify(
            users=[personas["inspector"], personas["unit_officer"], personas["unit_officer"]],
            kind=NotificationKind.DECISION,
            title="Đã ban hành quyết định công nhận",
            body="",
            url="",
            node=tree.unit,
        )
    assert created == 1
    assert Notification.objects.get().user == personas["unit_officer"]


def test_marking_read_keeps_the_first_time_and_only_for_the_owner(tree, personas):
    mine = note(personas["unit_officer"])
    first = services.notification_mark_read(user=personas["unit_officer"], notification=mine).read_at
    assert first is not None
    assert services.notification_mark_read(user=personas["unit_officer"], notification=mine).read_at == first
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(user=personas["commune_police"], notification=mine)


def test_mark_all_read_touches_only_the_users_unread(tree, personas):
    for _ in range(3):
        note(personas["unit_officer"])
    other = note(personas["commune_police"])
    assert services.mark_all_read(user=personas["unit_officer"]) == 3
    assert services.mark_all_read(user=personas["unit_officer"]) == 0
    other.refresh_from_db()
    assert other.read_at is None
