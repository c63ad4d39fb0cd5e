"""A commune police officer finds a unit without typing accents, opens it and edits it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from antq.audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    expect(page.get_by_role("heading", name="Đăng nhập ANTQ")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name=re.compile("Xin chào"))).to_be_visible()


def test_officer_searches_without_accents_opens_and_edits_a_unit(
    page: Page, live_server, tree, commune_police
):
    log_in(page, live_server.url, "xa.congan")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Danh bạ đơn vị").click()
    # htmx binds the search box once the page has loaded; typing before that sends nothing.
    page.wait_for_load_state()

    page.get_by_role("searchbox").fill("to dan pho")
    results = page.locator("#results")
    expect(page).to_have_url(re.compile(r"q=to(%20|\+)dan"))
    expect(results.get_by_role("link", name="Tổ dân phố 1, phường Quy Nhơn")).to_be_visible()
    expect(results.get_by_role("link", name="Trường THCS Nguyễn Du")).to_have_count(0)

    results.get_by_role("link", name="Tổ dân phố 1, phường Quy Nhơn").click()
    expect(page.get_by_role("heading", name=re.compile("Tổ dân phố 1"))).to_be_visible()
    page.get_by_role("link", name="Sửa", exact=True).click()

    page.get_by_label("Số hộ gia đình / số cán bộ, người lao động").fill("345")
    page.get_by_label("Người liên hệ").fill("Nguyễn Văn Tổ Trưởng")
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_text("Đã lưu thay đổi.")).to_be_visible()
    expect(page.get_by_text("Nguyễn Văn Tổ Trưởng").first).to_be_visible()
    tree.unit.refresh_from_db()
    assert tree.unit.people_count == 345
    event = AuditEvent.objects.filter(object_id=str(tree.unit.pk), action="update").get()
    assert event.changes["people_count"] == [320, 345]
    assert event.actor == commune_police


def test_phone_width_shows_the_menu_behind_a_toggle(page: Page, live_server, tree, commune_police):
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, live_server.url, "xa.congan")
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    expect(nav).to_be_hidden()
    page.get_by_role("button", name="Danh mục").click()
    expect(nav.get_by_role("link", name="Danh bạ đơn vị")).to_be_visible()


def test_unit_form_shows_only_the_attributes_of_the_chosen_kind(
    page: Page, live_server, tree, commune_police
):
    log_in(page, live_server.url, "xa.congan")
    page.goto(f"{live_server.url}/units/new/")
    size = page.get_by_label("Quy mô doanh nghiệp")
    page.get_by_label("Loại").select_option("residential_area")
    expect(size).to_be_hidden()
    page.get_by_label("Loại").select_option("enterprise")
    expect(size).to_be_visible()
    expect(page.get_by_label("Cấp học")).to_be_hidden()
    page.get_by_label("Tên chính thức").fill("Công ty TNHH Đức Long")
    page.locator("#id_code").fill("X21583-DN09")
    size.select_option("large")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã thêm đơn vị Công ty TNHH Đức Long.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Công ty TNHH Đức Long"))).to_be_visible()


def test_province_officer_drills_down_and_switches_the_working_node(
    page: Page, live_server, tree, province_officer
):
    log_in(page, live_server.url, "tinh.canbo")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Cây hành chính").click()
    page.get_by_role("link", name="Phường Quy Nhơn").click()
    page.get_by_role("button", name="Làm việc tại đơn vị này").click()
    crumbs = page.get_by_role("navigation", name="Đơn vị đang làm việc")
    expect(crumbs.get_by_role("button", name="Phường Quy Nhơn")).to_be_visible()
    crumbs.get_by_role("button", name="Tỉnh Gia Lai").click()
    expect(page.get_by_role("heading", name=re.compile("Tỉnh Gia Lai"))).to_be_visible()
