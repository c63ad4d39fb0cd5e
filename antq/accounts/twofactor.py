"""Two-factor authentication (TOTP): who must use it, enrolment and verification.

Province-level roles and administrators reach a whole province (or the country): a stolen password
alone must not open it. Everyone else may turn it on from their account page. The decision is taken
once at sign-in and kept in the session (`SESSION_REQUIRED`), so the gate in `middleware.py` costs
no query per request; a role granted later applies from the next sign-in.
"""

from __future__ import annotations

import base64
from binascii import unhexlify
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth import user_logged_in, user_login_failed
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from antq.accounts.models import Membership
from antq.accounts.roles import Role
from antq.org.choices import NodeKind

# Set at sign-in: this session must pass the code page before anything else.
SESSION_REQUIRED = "antq_2fa_required"
# The device being enrolled (unconfirmed until the user types a code from it).
DEVICE_NAME = "ANTQ"

# Roles whose reach is a province or more: a password alone is not enough for them.
PROVINCE_ROLES = frozenset({Role.PROVINCE_OFFICER, Role.PROVINCE_LEADER, Role.SYSTEM_ADMIN})
WIDE_NODE_KINDS = frozenset({NodeKind.NATION, NodeKind.PROVINCE})


def role_requires_2fa(user: User | AbstractBaseUser | AnonymousUser) -> bool:
    """Whether policy demands two-factor for this user (when enforcement is on)."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
        return True
    # An inspector reads a whole province when held on one; on a commune it is a commune's reach.
    wide = Q(role__in=sorted(PROVINCE_ROLES)) | Q(role=Role.INSPECTOR, node__kind__in=sorted(WIDE_NODE_KINDS))
    return Membership.objects.filter(wide, user_id=user.pk, is_active=True).exists()


def must_enrol(user: User | AbstractBaseUser | AnonymousUser) -> bool:
    """Enforcement is on and the user's roles need two-factor."""
    return bool(settings.ANTQ_2FA_REQUIRED) and role_requires_2fa(user)


def confirmed_device(user: User | AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def needs_verification(user: User | AbstractBaseUser) -> bool:
    """At sign-in: the session must pass the code page (required by role, or chosen by the user)."""
    return must_enrol(user) or confirmed_device(user) is not None


@receiver(user_logged_in, dispatch_uid="antq_2fa_on_login")
def _on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_REQUIRED] = needs_verification(user)


def session_is_verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def base32_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed by hand (groups of four)."""
    raw = base64.b32encode(unhexlify(device.key)).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG (no external image, nothing sent anywhere)."""
    qr = segno.make(device.config_url, error="m")
    svg: str = qr.svg_inline(scale=4, svgclass="qr", lineclass=None, title="ANTQ")
    return svg


def enrolment_device(user: User) -> TOTPDevice:
    """The user's unconfirmed device, created once and kept until confirmed (a reload shows the
    same secret, so a half-finished scan still works)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def record_failure(request: HttpRequest, user: User) -> None:
    # A wrong code is a failed sign-in: django-axes records it and counts it towards the lockout,
    # which bounds guessing of six-digit codes to AXES_FAILURE_LIMIT per cool-off.
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)


def verify(request: HttpRequest, user: User, device: TOTPDevice, code: str) -> bool:
    """Check a code against the device (each code once: django-otp keeps the last time step used)
    and mark the session verified; a wrong code is recorded as a failed sign-in."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and device.verify_token(code)):
        record_failure(request, user)
        return False
    otp_login(request, device)
    # A new session key at the moment the session gains its full rights.
    request.session.cycle_key()
    return True


def confirm(request: HttpRequest, user: User, device: TOTPDevice, code: str) -> bool:
    """Confirm an enrolment with a first code: older devices of the user are replaced."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and device.verify_token(code)):
        record_failure(request, user)
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    request.session.cycle_key()
    return True


def disable(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
