"""Password reset by e-mail (same answer for an unknown address), change, and validators."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from tests import factories as f


def test_reset_by_email_sets_a_new_password(client, tree, commune_police):
    commune_police.email = "an@congan.gialai.gov.vn"
    commune_police.save()
    response = client.post(reverse("accounts:password_reset"), {"email": "an@congan.gialai.gov.vn"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "đặt lại mật khẩu" in mail.outbox[0].subject
    link = re.search(r"https?://[^/\s]+(/accounts/password-reset/[^\s]+/)", body)
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert "Đặt mật khẩu mới" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "mat-khau-moi-cua-xa-2026", "new_password2": "mat-khau-moi-cua-xa-2026"},
    )
    assert done["Location"] == reverse("accounts:password_reset_complete")
    commune_police.refresh_from_db()
    assert commune_police.check_password("mat-khau-moi-cua-xa-2026")
    # The link works once.
    again = client.get(link.group(1), follow=True)
    assert "không hợp lệ hoặc đã được dùng" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, tree, commune_police):
    commune_police.email = "an@congan.gialai.gov.vn"
    commune_police.save()
    known = client.post(reverse("accounts:password_reset"), {"email": "an@congan.gialai.gov.vn"}, follow=True)
    unknown = client.post(reverse("accounts:password_reset"), {"email": "ai-do@example.com"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    # Byte for byte, but for the per-request CSRF token.
    token = re.compile(rb"[0-9A-Za-z]{64}")
    assert token.sub(b"", known.content) == token.sub(b"", unknown.content)
    assert len(mail.outbox) == 1


def test_changing_ones_own_password(client, tree, commune_police):
    client.force_login(commune_police)
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "Đổi mật khẩu" in page
    wrong = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "khong-phai",
            "new_password1": "mat-khau-moi-2026-xa",
            "new_password2": "mat-khau-moi-2026-xa",
        },
    )
    assert wrong.status_code == 200
    assert "Mật khẩu cũ" in wrong.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": f.PASSWORD,
            "new_password1": "mat-khau-moi-2026-xa",
            "new_password2": "mat-khau-moi-2026-xa",
        },
        follow=True,
    )
    assert "Đã đổi mật khẩu." in response.content.decode()
    commune_police.refresh_from_db()
    assert commune_police.check_password("mat-khau-moi-2026-xa")
    # Still signed in (the session was updated with the new password hash).
    assert client.get(reverse("units:list")).status_code == 200


def test_weak_passwords_are_refused(client, tree, commune_police):
    client.force_login(commune_police)
    for weak in ["ngan123", "1234567890123", "password123"]:
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": f.PASSWORD, "new_password1": weak, "new_password2": weak},
        )
        assert response.status_code == 200, weak
    commune_police.refresh_from_db()
    assert commune_police.check_password(f.PASSWORD)
