import datetime as dt
import re
import pytest
from playwright.sync_api import Page, expect

from antq.accounts.scope import Scope
from antq.criteria import loader
from antq.cycles import services
from antq.cycles.models import Registration
from tests import factories as f
from tests.cycles.routes import documents, framework_files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(f.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name=re.compile("Xin chào"))).to_be_visible()


def test_shots(page: Page, live_server, tree, province_officer, admin, commune_police, unit_officer):
    loader.apply(framework_files())
    cycle = services.cycle_open(
        by=province_officer, scope=Scope.for_user(province_officer), province=tree.province, year=2026
    )
    reg = services.registration_start(by=admin, scope=Scope.for_user(admin), cycle=cycle, node=tree.school)
    Registration.objects.filter(pk=reg.pk).update(
        status="accepted",
        registered_on=dt.date(2026, 2, 20),
        commitment_total=4,
        commitment_count=4,
        **documents({"admin": admin}, tree.school),
    )
    a = services.assessment_start(by=admin, scope=Scope.for_user(admin), cycle=cycle, node=tree.school)
    f.user_with_role("truong", "unit_officer", tree.school)
    page.set_viewport_size({"width": 1300, "height": 900})
    log_in(page, live_server.url, "truong")
    page.goto(f"{live_server.url}/cycles/assessments/{a.pk}/")
    page.screenshot(path="/tmp/scratch/shots/self.png", full_page=True)
    page.locator('input[name="s:QD510.CQ.1"]').fill("3")
    page.locator('input[name="s:QD510.CQ.7"]').fill("10")
    page.locator('input[name="s:QD510.CQ.7"]').dispatch_event("change")
    page.wait_for_timeout(1500)
    page.screenshot(path="/tmp/scratch/shots/self2.png", full_page=False)
    page.goto(f"{live_server.url}/cycles/registrations/{reg.pk}/")
    page.screenshot(path="/tmp/scratch/shots/reg.png", full_page=True)
    page.goto(f"{live_server.url}/cycles/units/{tree.school.pk}/2026/")
    page.screenshot(path="/tmp/scratch/shots/year.png", full_page=True)
    from tests.cycles.test_api import SCHOOL_POINTS
    from antq.cycles.models import Assessment

    a = Assessment.objects.get(pk=a.pk)
    a, _p = services.assessment_save_self(
        by=admin,
        scope=Scope.for_user(admin),
        assessment=a,
        data={
            "self_scores": SCHOOL_POINTS,
            "answers": {
                "TT124.CSGD.1": {
                    "effective_models_count": 1,
                    "members_briefed_ratio": {"met": 5, "total": 5},
                    "internal_rules_present": [
                        "bao_ve_co_so_giao_duc",
                        "chinh_tri_noi_bo",
                        "quan_ly_giao_duc_nguoi_hoc",
                        "phong_chong_chay_no",
                    ],
                },
                "TT124.CSGD.2": True,
                "TT124.CSGD.5": True,
                "TT124.CSGD.6": True,
            },
        },
        expected_version=a.version,
    )
    services.assessment_submit(
        by=admin, scope=Scope.for_user(admin), assessment=a, expected_version=a.version
    )
    page.context.clear_cookies()
    log_in(page, live_server.url, "xa.congan")
    page.goto(f"{live_server.url}/cycles/assessments/{a.pk}/")
    page.get_by_role("button", name="Chép cột tự chấm").click()
    page.locator('input[name="sup:QD510.CQ.1"]').fill("2")
    page.locator('input[name="sup:QD510.CQ.1"]').dispatch_event("change")
    page.wait_for_timeout(1500)
    page.locator("table.sheet-rows").screenshot(path="/tmp/scratch/shots/review_table.png")
    page.get_by_role("button", name="Lưu điểm cấp trên").click()
    page.wait_for_timeout(500)
    page.screenshot(path="/tmp/scratch/shots/review_err.png", full_page=False)
    page.locator("table.sheet-rows").screenshot(path="/tmp/scratch/shots/review_err_table.png")
    r2 = services.registration_start(by=admin, scope=Scope.for_user(admin), cycle=cycle, node=tree.unit)
    page.goto(f"{live_server.url}/cycles/{cycle.pk}/")
    page.screenshot(path="/tmp/scratch/shots/cycle.png", full_page=True)
    page.context.clear_cookies()
    log_in(page, live_server.url, "donvi.canbo")
    page.goto(f"{live_server.url}/cycles/registrations/{r2.pk}/")
    page.screenshot(path="/tmp/scratch/shots/reg_edit.png", full_page=True)
    page.goto(f"{live_server.url}/cycles/review/")
    page.screenshot(path="/tmp/scratch/shots/queue.png", full_page=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu"],
    }
