"""Security headers: the Content-Security-Policy allows no inline script or style, the pages keep
to it, and the production settings pass `check --deploy` with no warning."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from antq.accounts.scope import Scope
from antq.forces import services as forces

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# An inline <script> (no src), except the JSON data blocks of `json_script`.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
STYLE_ATTR = re.compile(r"<[^>]*\sstyle=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
EVENT_ATTR = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
# Alpine's CSP build evaluates no expressions: an attribute names a registered property or method.
ALPINE_ATTR = re.compile(r"\s(?:x-[a-z:.-]+|@[a-z.-]+)=\"([^\"]*)\"", re.I)
PLAIN_NAME = re.compile(r"^[A-Za-z_$][\w$.]*$")


def _violations(html: str) -> list[str]:
    found = [
        m.group(0) for p in (INLINE_SCRIPT, STYLE_ATTR, STYLE_ELEMENT, EVENT_ATTR) for m in p.finditer(html)
    ]
    found += [m.group(0) for m in ALPINE_ATTR.finditer(html) if not PLAIN_NAME.match(m.group(1))]
    return found


def test_the_policy_allows_only_our_own_files():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for source in ("script-src", "style-src"):
        assert directives[source] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]


def test_no_page_template_has_inline_code_or_style():
    """Every template served as HTML (the PDF templates under documents/ are read by WeasyPrint only)."""
    offending = {}
    for path in TEMPLATES.rglob("*.html"):
        if path.relative_to(TEMPLATES).parts[0] == "documents":
            continue
        found = _violations(path.read_text(encoding="utf-8"))
        if found:
            offending[str(path.relative_to(TEMPLATES))] = found
    assert not offending


def _round(tree, commune_police):  # type: ignore[no-untyped-def]
    scope = Scope.for_user(commune_police)
    forces.team_create(
        by=commune_police,
        scope=scope,
        node=tree.unit,
        kind="grassroots_team",
        data={"name": "Tổ bảo vệ ANTT số 1", "founded_on": dt.date(2020, 1, 10)},
    )
    return forces.round_open(
        by=commune_police, scope=scope, commune=tree.commune, year=2025, evaluated_on=dt.date(2025, 10, 10)
    )


def test_pages_carry_the_policy_and_keep_to_it(client, tree, admin, commune_police):
    rnd = _round(tree, commune_police)
    anonymous = [reverse("accounts:login"), reverse("accounts:password_reset")]
    pages = {
        admin: [
            reverse("home"),
            reverse("units:list"),
            reverse("units:detail", args=[tree.unit.pk]),
            reverse("dashboards:home"),
            reverse("accounts:account"),
            reverse("accounts:otp_setup"),
            reverse("accounts:user_list"),
        ],
        # The commune police edit the round: the page with the live counters (static/antq/round-counters.js).
        commune_police: [reverse("forces:round_detail", args=[rnd.pk]), reverse("forces:team_create")],
    }
    checked = 0
    for url in anonymous:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert not _violations(response.content.decode()), url
        checked += 1
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            policy = response["Content-Security-Policy"]
            assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
            assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
            html = response.content.decode()
            assert not _violations(html), (url, _violations(html))
            checked += 1
    assert checked == 11
    # The moved scripts are loaded from static files.
    round_page = client.get(reverse("forces:round_detail", args=[rnd.pk])).content.decode()
    assert "antq/round-counters.js" in round_page
    assert "antq/team-form.js" in client.get(reverse("forces:team_create")).content.decode()


def test_other_security_headers(client, tree, commune_police):
    client.force_login(commune_police)
    response = client.get(reverse("units:list"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_", "ANTQ_", "DEBUG", "SECRET_KEY"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "ANTQ_PRODUCTION": "1",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "antq.example.gov.vn",
            "ANTQ_VAR_DIR": str(tmp_path),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
