"""Two-factor authentication: required for province-level roles and administrators, optional for
the others; the gate lets an unverified session reach only the code pages and sign-out."""

from __future__ import annotations

import base64
import re
import time
from binascii import unhexlify

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from antq.accounts import twofactor
from antq.accounts.roles import Role
from antq.audit.models import AuditEvent
from tests import factories as f


@pytest.fixture(autouse=True)
def enforced(settings):  # type: ignore[no-untyped-def]
    """As in production and `make run` (the test settings switch it off for the other tests)."""
    settings.ANTQ_2FA_REQUIRED = True
    # django-otp waits 1 s, 2 s, 4 s… after each wrong code; these tests type the next code at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code_for(device: TOTPDevice, *, at: float | None = None) -> str:
    totp = TOTP(unhexlify(device.key), device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code valid in none of the time steps the device accepts now."""
    now = time.time()
    valid = {code_for(device, at=now + step * device.step) for step in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def sign_in(client, user: User):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:login"), {"username": user.username, "password": f.PASSWORD})


def device_for(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="ANTQ", confirmed=True)


def test_province_officer_without_a_device_enrols_before_reaching_anything(client, tree, province_officer):
    response = sign_in(client, province_officer)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    # Every other page, and the session-authenticated API, is closed until enrolment.
    units = client.get(reverse("units:list"))
    assert units.status_code == 302 and units["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get(reverse("api:me")).status_code == 403
    to_setup = client.get(reverse("accounts:otp_verify"))
    assert to_setup["Location"].startswith(reverse("accounts:otp_setup"))

    page = client.get(reverse("accounts:otp_setup")).content.decode()
    device = TOTPDevice.objects.get(user=province_officer, confirmed=False)
    assert "<svg" in page
    # The secret is shown as text for typing by hand: base32 of the device's key, in groups of four.
    assert twofactor.base32_secret(device) in page
    shown = re.search(r'<code class="otp-secret">([A-Z2-7 ]+)</code>', page)
    assert shown is not None
    raw = shown.group(1).replace(" ", "")
    assert base64.b32decode(raw + "=" * (-len(raw) % 8)).hex() == device.key

    response = client.post(reverse("accounts:otp_setup"), {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("units:list")).status_code == 200


def test_province_officer_with_a_device_is_blocked_until_the_code(client, tree, province_officer):
    device = device_for(province_officer)
    response = sign_in(client, province_officer)
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:otp_verify"))

    refused = client.post(reverse("accounts:otp_verify"), {"code": wrong_code(device)})
    assert refused.status_code == 200
    assert "Mã xác thực không đúng hoặc đã được dùng" in refused.content.decode()
    assert client.get(reverse("units:list")).status_code == 302

    accepted = client.post(reverse("accounts:otp_verify") + "?next=/units/", {"code": code_for(device)})
    assert accepted.status_code == 302 and accepted["Location"] == "/units/"
    assert client.get(reverse("units:list")).status_code == 200
    assert client.get(reverse("api:me")).status_code == 200


def test_a_code_is_accepted_only_once(client, tree, province_officer):
    device = device_for(province_officer)
    code = code_for(device)
    sign_in(client, province_officer)
    assert client.post(reverse("accounts:otp_verify"), {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))

    sign_in(client, province_officer)
    replay = client.post(reverse("accounts:otp_verify"), {"code": code})
    assert replay.status_code == 200
    assert "đã được dùng" in replay.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_commune_user_is_not_blocked(client, tree, commune_police):
    response = sign_in(client, commune_police)
    assert response["Location"] == reverse("home")
    assert client.get(reverse("units:list")).status_code == 200
    assert client.get(reverse("accounts:otp_verify"))["Location"] == reverse("accounts:account")


def test_commune_user_who_turned_it_on_is_asked_for_the_code(client, tree, commune_police):
    client.force_login(commune_police)
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=commune_police)
    client.post(reverse("accounts:otp_setup"), {"code": code_for(device)})
    client.post(reverse("accounts:logout"))

    response = sign_in(client, commune_police)
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get(reverse("units:list")).status_code == 302
    # Optional means the user may also turn it off again (after the code).
    client.post(reverse("accounts:otp_verify"), {"code": code_for(device, at=time.time() + 30)})
    assert client.get(reverse("units:list")).status_code == 200
    client.post(reverse("accounts:otp_disable"))
    assert not TOTPDevice.objects.filter(user=commune_police).exists()


def test_a_required_user_cannot_turn_it_off(client, tree, province_officer):
    device = device_for(province_officer)
    sign_in(client, province_officer)
    client.post(reverse("accounts:otp_verify"), {"code": code_for(device)})
    response = client.post(reverse("accounts:otp_disable"), follow=True)
    assert "bắt buộc xác thực hai lớp" in response.content.decode()
    assert TOTPDevice.objects.filter(user=province_officer, confirmed=True).exists()


def test_a_password_alone_cannot_replace_the_authenticator(client, tree, province_officer):
    device_for(province_officer)
    sign_in(client, province_officer)
    response = client.get(reverse("accounts:otp_setup"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert not TOTPDevice.objects.filter(user=province_officer, confirmed=False).exists()


def test_api_tokens_are_unaffected(client, tree, province_officer):
    token = Token.objects.create(user=province_officer)
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_a_token_for_a_two_factor_account_needs_its_code(client, tree, province_officer, commune_police):
    url = reverse("api:token")
    password = {"username": province_officer.username, "password": f.PASSWORD}
    # Not enrolled yet: no token on a password alone, and the answer says where to enrol.
    refused = client.post(url, password, content_type="application/json")
    assert refused.status_code == 400 and "cài đặt" in refused.json()["detail"]
    device = device_for(province_officer)
    missing = client.post(url, password, content_type="application/json")
    assert missing.status_code == 400 and "otp" in missing.json()["detail"]
    wrong = client.post(url, {**password, "otp": wrong_code(device)}, content_type="application/json")
    assert wrong.status_code == 400
    assert not Token.objects.filter(user=province_officer).exists()
    ok = client.post(url, {**password, "otp": code_for(device)}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["token"] == Token.objects.get(user=province_officer).key
    # A commune account without a device still gets its token with the password.
    plain = {"username": commune_police.username, "password": f.PASSWORD}
    assert client.post(url, plain, content_type="application/json").status_code == 200


def test_wrong_codes_count_towards_the_lockout(client, tree, province_officer, settings):
    device = device_for(province_officer)
    sign_in(client, province_officer)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("accounts:otp_verify"), {"code": wrong_code(device)}).status_code == 200
    locked = client.post(reverse("accounts:otp_verify"), {"code": wrong_code(device)})
    assert locked.status_code == 429
    assert "Tài khoản tạm khoá" in locked.content.decode()
    # The half-open session is gone, and the password alone no longer opens one.
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:login"))
    assert sign_in(client, province_officer).status_code == 429


def test_enforcement_off_lets_a_province_officer_through(client, tree, province_officer, settings):
    settings.ANTQ_2FA_REQUIRED = False
    assert sign_in(client, province_officer)["Location"] == reverse("home")
    assert client.get(reverse("units:list")).status_code == 200


def test_who_must_use_two_factor(tree, admin, province_officer, province_leader, inspector, commune_police):
    commune_inspector = f.user_with_role("thanhtra.xa", Role.INSPECTOR, tree.commune)
    superuser = User.objects.create_superuser("goc", password=f.PASSWORD)
    required = [admin, province_officer, province_leader, inspector, superuser]
    assert all(twofactor.role_requires_2fa(u) for u in required)
    assert not twofactor.role_requires_2fa(commune_police)
    assert not twofactor.role_requires_2fa(commune_inspector)


def test_a_manager_resets_a_lost_authenticator(client, tree, admin, commune_police, settings):
    settings.ANTQ_2FA_REQUIRED = False  # the administrator's own code is not the point here
    device_for(commune_police)
    client.force_login(admin)
    response = client.post(reverse("accounts:user_reset_2fa", args=[commune_police.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=commune_police).exists()
    assert AuditEvent.objects.filter(reason="Đặt lại xác thực hai lớp").exists()
