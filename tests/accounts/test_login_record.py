"""The login record: sign-ins, sign-outs and failures with time, address and browser, read by the
user on their account page and by the managers of their account (404 outside their scope)."""

from __future__ import annotations

from django.urls import reverse

from antq.accounts.login_records import login_events
from antq.accounts.roles import Role
from tests import factories as f

UA = "Mozilla/5.0 (X11; Linux x86_64) ThuNghiem/1.0"


def _post_login(client, username: str, password: str, ip: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT=UA,
    )


def test_logins_failures_and_logouts_are_recorded(client, tree, commune_police):
    _post_login(client, commune_police.username, "sai-mat-khau", "10.1.2.3")
    _post_login(client, commune_police.username, f.PASSWORD, "10.1.2.4")
    client.post(reverse("accounts:logout"), REMOTE_ADDR="10.1.2.4", HTTP_USER_AGENT=UA)
    events = login_events(commune_police.username)
    assert [e.kind for e in events] == ["logout", "login", "failure"]
    assert [e.ip_address for e in events] == ["10.1.2.4", "10.1.2.4", "10.1.2.3"]
    assert all(e.user_agent == UA and e.username == commune_police.username for e in events)
    assert events[0].at >= events[1].at >= events[2].at


def test_the_user_reads_their_own_record_on_the_account_page(client, tree, commune_police, commune_leader):
    _post_login(client, commune_leader.username, "sai-mat-khau", "10.7.7.7")
    _post_login(client, commune_police.username, "sai-mat-khau", "10.1.2.3")
    _post_login(client, commune_police.username, f.PASSWORD, "10.1.2.4")
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Lịch sử đăng nhập" in page
    assert "Đăng nhập không thành công" in page and "10.1.2.3" in page and "10.1.2.4" in page
    assert "ThuNghiem/1.0" in page
    # Someone else's attempts are not on it.
    assert "10.7.7.7" not in page


def test_managers_read_the_record_of_users_in_their_scope(client, tree, province_officer, commune_police):
    _post_login(client, "nguoi.xa", "sai-mat-khau", "10.1.2.3")
    in_scope = f.user_with_role("nguoi.xa", Role.COMMUNE_LEADER, tree.commune)
    elsewhere = f.user_with_role("nguoi.tinh.khac", Role.COMMUNE_LEADER, tree.other_commune)
    client.force_login(province_officer)
    page = client.get(reverse("accounts:user_login_history", args=[in_scope.pk]))
    assert page.status_code == 200
    assert "10.1.2.3" in page.content.decode()
    assert client.get(reverse("accounts:user_login_history", args=[elsewhere.pk])).status_code == 404
    client.force_login(commune_police)
    assert client.get(reverse("accounts:user_login_history", args=[in_scope.pk])).status_code == 403
