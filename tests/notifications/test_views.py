"""The list page, the bell and the API: each user sees and changes only their own notifications."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from antq.notifications.context_processors import unread
from antq.notifications.models import Notification
from tests.notifications.helpers import note


def test_the_list_shows_the_users_own_notifications_newest_first_unread_highlighted(client, tree, personas):
    officer = personas["unit_officer"]
    note(officer, "Thông báo cũ", read_at=timezone.now())
    note(officer, "Thông báo mới")
    note(personas["commune_police"], "Của người khác")
    client.force_login(officer)
    html = client.get(reverse("notifications:list")).content.decode()
    assert html.index("Thông báo mới") < html.index("Thông báo cũ")
    assert "Của người khác" not in html
    assert html.count("Chưa đọc") >= 1
    assert "Đánh dấu đã đọc" in html and "Đánh dấu tất cả đã đọc" in html


def test_the_unread_filter_and_pages(client, tree, personas):
    officer = personas["unit_officer"]
    for n in range(35):
        note(officer, f"Thông báo số {n:02d}", read_at=timezone.now() if n % 2 else None)
    client.force_login(officer)
    first = client.get(reverse("notifications:list")).content.decode()
    assert "Thông báo số 34" in first and "Thông báo số 04" not in first and "Trang 1/2" in first
    assert "Thông báo số 04" in client.get(reverse("notifications:list"), {"page": 2}).content.decode()
    unread_only = client.get(reverse("notifications:list"), {"unread": "1"}).content.decode()
    assert "Thông báo số 34" in unread_only and "Thông báo số 33" not in unread_only


def test_opening_marks_read_and_goes_to_the_link(client, tree, personas):
    mine = note(personas["unit_officer"], url=f"/units/{tree.unit.pk}/")
    client.force_login(personas["unit_officer"])
    response = client.get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == f"/units/{tree.unit.pk}/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_an_off_site_link_is_not_followed(client, tree, personas):
    mine = note(personas["unit_officer"], url="https://evil.example/")
    client.force_login(personas["unit_officer"])
    response = client.get(reverse("notifications:open", args=[mine.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_someone_elses_notification_is_404_and_stays_unread(client, tree, personas):
    theirs = note(personas["commune_police"])
    for persona in ["admin", "province_officer", "unit_officer", "commune_leader"]:
        client.force_login(personas[persona])
        assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
        assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.force_login(personas["commune_police"])
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is not None


def test_mark_all_read_is_a_post_and_only_mine(client, tree, personas):
    for _ in range(3):
        note(personas["unit_officer"])
    theirs = note(personas["commune_police"])
    client.force_login(personas["unit_officer"])
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(reverse("notifications:mark_all_read"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications:list")
    assert not Notification.objects.filter(user=personas["unit_officer"], read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_list_costs_the_same_queries_for_1_or_30_notifications(
    client, tree, personas, django_assert_num_queries
):
    officer = personas["unit_officer"]
    client.force_login(officer)
    note(officer)
    client.get(reverse("notifications:list"))  # warm the session
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("notifications:list"))
    for _ in range(29):
        note(officer)
    with django_assert_num_queries(len(small.captured_queries)) as large:
        client.get(reverse("notifications:list"))
    ours = [q["sql"] for q in large.captured_queries if "notifications_notification" in q["sql"]]
    # The paginator's COUNT, the page of rows, and the bell's COUNT once base.html includes it.
    assert len(ours) <= 3


# --- The bell ---------------------------------------------------------------------------------


def test_the_bell_counts_unread_in_one_query_and_nothing_for_anonymous(
    tree, personas, django_assert_num_queries
):
    officer = personas["unit_officer"]
    note(officer)
    note(officer)
    note(officer, read_at=timezone.now())
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert unread(request) == {}
    request.user = officer
    with django_assert_num_queries(1):
        context = unread(request)
        html = render_to_string("notifications/_bell.html", {**context, "user": officer})
    assert 'aria-label="Thông báo: 2 chưa đọc"' in html
    assert reverse("notifications:list") in html


def test_the_bell_says_when_there_is_nothing_new(tree, personas):
    request = RequestFactory().get("/")
    request.user = personas["unit_officer"]
    html = render_to_string("notifications/_bell.html", {**unread(request), "user": request.user})
    assert 'aria-label="Thông báo: không có thông báo mới"' in html
    assert "badge" not in html


def test_the_count_is_not_queried_unless_shown(tree, personas, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = personas["unit_officer"]
    with django_assert_num_queries(0):
        unread(request)


# --- API --------------------------------------------------------------------------------------


def _api(client, user):  # type: ignore[no-untyped-def]
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
    return client


def test_api_lists_only_my_notifications_newest_first(client, tree, personas):
    officer = personas["unit_officer"]
    old = note(officer, "Cũ", read_at=timezone.now())
    new = note(officer, "Mới")
    note(personas["commune_police"], "Của người khác")
    api = _api(client, officer)
    data = api.get(reverse("api:notification-list")).json()
    assert [n["id"] for n in data["results"]] == [new.pk, old.pk]
    assert data["results"][0]["kind_label"] == "Đã nộp" and data["results"][0]["is_read"] is False
    unread_only = api.get(reverse("api:notification-list"), {"unread": "true"}).json()
    assert [n["id"] for n in unread_only["results"]] == [new.pk]


def test_api_marks_read_only_my_own(client, tree, personas):
    mine = note(personas["unit_officer"])
    theirs = note(personas["commune_police"])
    api = _api(client, personas["unit_officer"])
    assert api.get(reverse("api:notification-detail", args=[theirs.pk])).status_code == 404
    assert api.post(reverse("api:notification-mark-read", args=[theirs.pk])).status_code == 404
    response = api.post(reverse("api:notification-mark-read", args=[mine.pk]))
    assert response.status_code == 200 and response.json()["is_read"] is True
    note(personas["unit_officer"])
    assert api.post(reverse("api:notification-mark-all-read")).json() == {"updated": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
