"""Two-factor devices of the demo logins: one published secret, demo only.

The demo's province and system roles must pass a TOTP code (docs/security.md); with one known secret
every demo visitor can add it to an authenticator app once, or ask `antq demo_totp` for the code.
`load_demo` is refused in production, so these devices never exist there.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterable

from django.contrib.auth.models import User
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from antq.accounts.twofactor import role_requires_2fa

# Base32, as typed into an authenticator app (20 bytes, the RFC 6238 SHA-1 key size).
DEMO_TOTP_SECRET = "ANTQDEMOANTQDEMOANTQDEMOANTQDEMO"  # noqa: S105 - published on purpose: demo only  # nosec B105
DEMO_TOTP_KEY = base64.b32decode(DEMO_TOTP_SECRET).hex()
DEMO_DEVICE_NAME = "ANTQ (minh hoạ)"


def seed_demo_totp(users: Iterable[User]) -> list[str]:
    """Give each demo user whose role requires two-factor a confirmed device with the demo secret;
    idempotent. Returns their usernames."""
    seeded = []
    for user in users:
        if not role_requires_2fa(user):
            continue
        TOTPDevice.objects.update_or_create(
            user=user,
            name=DEMO_DEVICE_NAME,
            defaults={"key": DEMO_TOTP_KEY, "confirmed": True},
        )
        seeded.append(user.username)
    return seeded


def demo_devices_exist() -> bool:
    return TOTPDevice.objects.filter(key=DEMO_TOTP_KEY, confirmed=True).exists()


def current_demo_code(now: float | None = None) -> tuple[str, int]:
    """The demo secret's code at `now` and the seconds it stays valid."""
    totp = TOTP(bytes.fromhex(DEMO_TOTP_KEY), step=30, t0=0, digits=6)
    totp.time = time.time() if now is None else now
    return f"{totp.token():06d}", 30 - int(totp.time) % 30
