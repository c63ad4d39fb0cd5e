"""The demo's two-factor devices: one published secret for the demo logins that need a code, and
`antq demo_totp` to print the current code (refused without the demo data and in production)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from antq.demo.totp import DEMO_TOTP_SECRET, current_demo_code, seed_demo_totp


def test_demo_users_who_need_a_code_get_the_demo_device(
    tree, admin, province_officer, province_leader, inspector, commune_police, unit_officer
):
    users = [admin, province_officer, province_leader, inspector, commune_police, unit_officer]
    seeded = seed_demo_totp(users)
    assert seeded == [u.username for u in (admin, province_officer, province_leader, inspector)]
    seed_demo_totp(users)  # idempotent
    assert TOTPDevice.objects.filter(confirmed=True).count() == 4
    assert not TOTPDevice.objects.filter(user__in=[commune_police, unit_officer]).exists()


def test_the_printed_code_opens_a_demo_account(tree, province_officer):
    seed_demo_totp([province_officer])
    out = io.StringIO()
    call_command("demo_totp", stdout=out)
    printed = re.search(r"Mã xác thực: (\d{6})", out.getvalue())
    assert printed is not None
    assert DEMO_TOTP_SECRET in out.getvalue()
    code, seconds = current_demo_code()
    assert 0 < seconds <= 30
    device = TOTPDevice.objects.get(user=province_officer)
    # The printed code, or the next one if the 30-second step turned over in between.
    assert device.verify_token(printed.group(1))


def test_demo_totp_is_refused_without_the_demo_data(tree):
    with pytest.raises(CommandError, match="Chưa nạp dữ liệu minh hoạ"):
        call_command("demo_totp", stdout=io.StringIO())


def test_demo_totp_is_refused_in_production(tree, province_officer, settings):
    seed_demo_totp([province_officer])
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="ANTQ_PRODUCTION"):
        call_command("demo_totp", stdout=io.StringIO())


def test_load_demo_seeds_the_devices_where_codes_are_enforced(db, settings):
    from antq.demo.data import load_demo

    settings.ANTQ_2FA_REQUIRED = True
    load_demo(communes_limit=1)
    holders = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True))
    assert holders == {"quantri", "tinh.canbo", "tinh.lanhdao", "thanhtra"}
