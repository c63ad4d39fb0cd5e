"""Session limits: signed out after ANTQ_IDLE_TIMEOUT without a request, and SESSION_COOKIE_AGE
after signing in whatever the activity."""

from __future__ import annotations

import time

from django.urls import reverse

from antq.accounts.session_limits import SESSION_LAST_SEEN, SESSION_SIGNED_IN


def _age(client, *, idle: int = 0, signed_in: int = 0) -> None:  # type: ignore[no-untyped-def]
    session = client.session
    now = int(time.time())
    session[SESSION_LAST_SEEN] = now - idle
    session[SESSION_SIGNED_IN] = now - signed_in
    session.save()


def test_the_defaults(settings):
    assert settings.ANTQ_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


def test_thirty_minutes_without_a_request_signs_out(client, tree, commune_police):
    client.force_login(commune_police)
    assert client.get(reverse("units:list")).status_code == 200
    _age(client, idle=31 * 60, signed_in=31 * 60)
    response = client.get(reverse("units:list"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login") + "?next=")
    assert "quá lâu không thao tác" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_activity_keeps_the_session(client, tree, commune_police):
    client.force_login(commune_police)
    _age(client, idle=29 * 60, signed_in=60 * 60)
    assert client.get(reverse("units:list")).status_code == 200
    assert int(time.time()) - client.session[SESSION_LAST_SEEN] < 5


def test_the_absolute_limit_ends_even_an_active_session(client, tree, commune_police, settings):
    client.force_login(commune_police)
    _age(client, idle=10, signed_in=settings.SESSION_COOKIE_AGE + 1)
    response = client.get(reverse("units:list"), follow=True)
    assert "Phiên làm việc đã hết thời hạn" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_idle_limit_comes_from_the_setting(client, tree, commune_police, settings):
    settings.ANTQ_IDLE_TIMEOUT = 60
    client.force_login(commune_police)
    _age(client, idle=61, signed_in=61)
    assert client.get(reverse("units:list"))["Location"].startswith(reverse("accounts:login"))


def test_an_idle_htmx_request_moves_the_whole_page_to_sign_in(client, tree, commune_police):
    client.force_login(commune_police)
    _age(client, idle=31 * 60, signed_in=31 * 60)
    response = client.get(reverse("units:list"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))
