"""django-axes: five wrong passwords lock the (account, address) pair for 15 minutes."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests import factories as f


def attempt(client, username: str, password: str, ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_the_lockout_settings(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == 0.25  # hours
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(client, tree, commune_police):
    for _ in range(4):
        response = attempt(client, commune_police.username, "sai-mat-khau")
        assert response.status_code == 200
        assert "mật khẩu chính xác" in response.content.decode()
    locked = attempt(client, commune_police.username, "sai-mat-khau")
    assert locked.status_code == 429
    right = attempt(client, commune_police.username, f.PASSWORD)
    assert right.status_code == 429
    page = right.content.decode()
    assert "Tài khoản tạm khoá" in page
    assert "Vui lòng thử lại sau 15 phút" in page
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_the_pair_not_the_whole_account(client, tree, commune_police):
    for _ in range(5):
        attempt(client, commune_police.username, "sai-mat-khau", ip="10.0.0.1")
    assert attempt(client, commune_police.username, f.PASSWORD, ip="10.0.0.1").status_code == 429
    # The officer at their own office (another address) is not shut out by guessing elsewhere.
    assert attempt(client, commune_police.username, f.PASSWORD, ip="10.9.9.9").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, tree, commune_police):
    for _ in range(5):
        attempt(client, commune_police.username, "sai-mat-khau")
    assert attempt(client, commune_police.username, f.PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert attempt(client, commune_police.username, f.PASSWORD).status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_appended(client, tree, commune_police, settings):
    settings.ANTQ_TRUSTED_PROXIES = 1
    for n in range(5):
        # A client forging X-Forwarded-For entries does not escape: the proxy's entry is the last.
        client.post(
            reverse("accounts:login"),
            {"username": commune_police.username, "password": "sai-mat-khau"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.7",
        )
    response = client.post(
        reverse("accounts:login"),
        {"username": commune_police.username, "password": f.PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
