"""No lost update: two people open the same assessment, registration or unit, the first saves, the
second saves from the page (or API read) they had → refused with a message naming who changed what
and when; the database keeps the first one's values and the audit log shows one change.

Each editable thing is tried at three levels: the service, the screen (whose form must carry the
version it was loaded with: the tests read it from the page) and the API. The last test races two
real database connections on the same save (PostgreSQL; SQLite's test database is one in-memory
connection, where the same two saves run one after the other).
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import pytest
from django.db import connection, connections
from django.urls import reverse
from rest_framework.test import APIClient

from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction, AuditEvent
from antq.core.errors import ConcurrentEditError
from antq.criteria import loader
from antq.cycles import services
from antq.cycles.choices import AssessmentStatus, RegistrationStatus
from antq.cycles.models import Assessment, Registration
from antq.org import services as org_services
from antq.org.models import OrgNode
from tests import factories as f
from tests.cycles.helpers import PAPER_POST, PAPER_REASONS
from tests.cycles.routes import documents, framework_files

YEAR = 2026
API = "/api/v1"
# "Bản ghi đã được người khác sửa lúc 10:32 26/11/2026 (Thử a: điểm tự chấm mục QD510.CQ.1) — tải lại để xem."
REFUSAL = re.compile(
    r"Bản ghi đã được người khác sửa lúc \d\d:\d\d \d\d/\d\d/\d{4} \((?P<who>[^:]+): (?P<what>[^)]+)\)"
    r" — tải lại để xem\."
)
# The school's whole self column (the agency/enterprise/school sheet), as it is sent up.
SCORES = {
    "QD510.CQ.1": 3, "QD510.CQ.2": 3, "QD510.CQ.3": 5, "QD510.CQ.4.a": 1, "QD510.CQ.4.b": 1,
    "QD510.CQ.4.c": 1, "QD510.CQ.4.d": 2, "QD510.CQ.5.a": 2, "QD510.CQ.5.b": 2, "QD510.CQ.5.c": 2,
    "QD510.CQ.5.d": 2, "QD510.CQ.5.đ": 2, "QD510.CQ.5.e": 2, "QD510.CQ.5.g": 2, "QD510.CQ.6.a": 2,
    "QD510.CQ.6.b": 2, "QD510.CQ.7": 10, "QD510.CQ.9": 0,
}  # fmt: skip


def refusal(text: str) -> re.Match[str]:
    found = REFUSAL.search(text)
    assert found is not None, f"no concurrent-edit message in: {text[:2000]}"
    return found


def updates(obj: Any) -> int:
    """Audit events of kind UPDATE for `obj` (one per accepted save)."""
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), action=AuditAction.UPDATE
    ).count()


def version_in(page: str) -> int:
    """The version a page's edit form carries (what its save will send)."""
    found = re.search(r'<input type="hidden" name="version" value="(\d+)"', page) or re.search(
        r'name="version" value="(\d+)"', page
    )
    assert found is not None, "the form carries no version"
    return int(found.group(1))


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def cycle(tree, province_officer):  # type: ignore[no-untyped-def]
    loader.apply(framework_files())
    return services.cycle_open(
        by=province_officer, scope=Scope.for_user(province_officer), province=tree.province, year=YEAR
    )


@pytest.fixture
def officers(tree):  # type: ignore[no-untyped-def]
    """Two officers of the same school (both may fill in its self-assessment)."""
    return (
        f.user_with_role("truong.a", Role.UNIT_OFFICER, tree.school),
        f.user_with_role("truong.b", Role.UNIT_OFFICER, tree.school),
    )


@pytest.fixture
def assessment(tree, cycle, admin):  # type: ignore[no-untyped-def]
    registration = services.registration_start(
        by=admin, scope=Scope.for_user(admin), cycle=cycle, node=tree.school
    )
    Registration.objects.filter(pk=registration.pk).update(
        status=RegistrationStatus.ACCEPTED,
        commitment_total=4,
        commitment_count=4,
        **documents({"admin": admin}, tree.school),
    )
    return services.assessment_start(by=admin, scope=Scope.for_user(admin), cycle=cycle, node=tree.school)


@pytest.fixture
def submitted(assessment, officers):  # type: ignore[no-untyped-def]
    """The school's assessment sent up, waiting for the superior's column."""
    officer = officers[0]
    saved, _problems = services.assessment_save_self(
        by=officer,
        scope=Scope.for_user(officer),
        assessment=assessment,
        data={"self_scores": SCORES, "self_reasons": PAPER_REASONS},
        expected_version=assessment.version,
    )
    return services.assessment_submit(
        by=officer, scope=Scope.for_user(officer), assessment=saved, expected_version=saved.version
    )


@pytest.fixture
def registration(tree, cycle, unit_officer):  # type: ignore[no-untyped-def]
    return services.registration_start(
        by=unit_officer, scope=Scope.for_user(unit_officer), cycle=cycle, node=tree.unit
    )


@pytest.fixture
def second_unit_officer(tree):  # type: ignore[no-untyped-def]
    return f.user_with_role("donvi.canbo2", Role.UNIT_OFFICER, tree.unit)


# ---- services -----------------------------------------------------------------------------------


def test_a_stale_self_assessment_save_is_refused_naming_the_change(assessment, officers):
    first, second = officers
    seen = Assessment.objects.get(pk=assessment.pk)  # both open the sheet at this version
    services.assessment_save_self(
        by=first,
        scope=Scope.for_user(first),
        assessment=seen,
        data={"self_scores": {"QD510.CQ.1": 1}},
        expected_version=seen.version,
    )
    with pytest.raises(ConcurrentEditError) as refused:
        services.assessment_save_self(
            by=second,
            scope=Scope.for_user(second),
            assessment=seen,
            data={"self_scores": {"QD510.CQ.1": 2}},
            expected_version=seen.version,
        )
    found = refusal(str(refused.value))
    assert "truong.a" in found["who"] and "điểm tự chấm mục QD510.CQ.1" in found["what"]
    stored = Assessment.objects.get(pk=assessment.pk)
    assert stored.self_scores == {"QD510.CQ.1": 1} and stored.version == seen.version + 1
    assert updates(assessment) == 1


def test_a_stale_review_save_is_refused(submitted, commune_police, province_officer):
    seen = Assessment.objects.get(pk=submitted.pk)
    services.assessment_review_save(
        by=province_officer,
        scope=Scope.for_user(province_officer),
        assessment=seen,
        superior_scores={"QD510.CQ.1": 3},
        reasons={},
        expected_version=seen.version,
    )
    with pytest.raises(ConcurrentEditError) as refused:
        services.assessment_review_save(
            by=commune_police,
            scope=Scope.for_user(commune_police),
            assessment=seen,
            superior_scores={"QD510.CQ.1": 1},
            reasons={"QD510.CQ.1": "Thiếu báo cáo"},
            expected_version=seen.version,
        )
    assert "điểm cấp trên chấm mục QD510.CQ.1" in refusal(str(refused.value))["what"]
    assert Assessment.objects.get(pk=submitted.pk).superior_scores == {"QD510.CQ.1": 3}
    assert updates(submitted) == 2  # the school's own save, then the first reviewer's


def test_a_stale_registration_save_is_refused(registration, unit_officer, second_unit_officer):
    seen = Registration.objects.get(pk=registration.pk)
    services.registration_save(
        by=unit_officer,
        scope=Scope.for_user(unit_officer),
        registration=seen,
        data={"commitment_total": 150},
        expected_version=seen.version,
    )
    with pytest.raises(ConcurrentEditError) as refused:
        services.registration_save(
            by=second_unit_officer,
            scope=Scope.for_user(second_unit_officer),
            registration=seen,
            data={"commitment_total": 90, "note": "Sửa lại"},
            expected_version=seen.version,
        )
    assert "tổng số hộ / bộ phận" in refusal(str(refused.value))["what"]
    stored = Registration.objects.get(pk=registration.pk)
    assert (stored.commitment_total, stored.note) == (150, "")
    assert updates(registration) == 1


def test_stale_transitions_are_refused_with_the_same_message(submitted, registration, unit_officer, admin):
    """Accept, return, submit, approve: a decision taken on an old reading is refused too."""
    seen = Assessment.objects.get(pk=submitted.pk)
    services.assessment_review_save(
        by=admin,
        scope=Scope.for_user(admin),
        assessment=seen,
        superior_scores={"QD510.CQ.1": 3},
        reasons={},
        expected_version=seen.version,
    )
    with pytest.raises(ConcurrentEditError) as approve:
        services.assessment_approve(
            by=admin, scope=Scope.for_user(admin), assessment=seen, expected_version=seen.version
        )
    refusal(str(approve.value))
    with pytest.raises(ConcurrentEditError) as back:
        services.assessment_return(
            by=admin, scope=Scope.for_user(admin), assessment=seen, reason="x", expected_version=seen.version
        )
    refusal(str(back.value))
    assert Assessment.objects.get(pk=submitted.pk).status == AssessmentStatus.SUBMITTED

    reg = Registration.objects.get(pk=registration.pk)
    services.registration_save(
        by=unit_officer,
        scope=Scope.for_user(unit_officer),
        registration=reg,
        data={"note": "Bổ sung"},
        expected_version=reg.version,
    )
    with pytest.raises(ConcurrentEditError) as send:
        services.registration_submit(
            by=unit_officer,
            scope=Scope.for_user(unit_officer),
            registration=reg,
            expected_version=reg.version,
        )
    assert "ghi chú" in refusal(str(send.value))["what"]
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.DRAFT


def test_a_stale_unit_update_is_refused_by_the_service(tree, commune_police, admin):
    seen = OrgNode.objects.get(pk=tree.unit.pk)
    org_services.unit_update(by=commune_police, unit=seen, data={"people_count": 400}, expected_version=1)
    with pytest.raises(ConcurrentEditError):
        org_services.unit_update(by=admin, unit=seen, data={"people_count": 999}, expected_version=1)
    assert OrgNode.objects.get(pk=tree.unit.pk).people_count == 400
    assert updates(tree.unit) == 1


# ---- screens: the form carries the version it was loaded with -----------------------------------


def test_self_assessment_screen_second_writer_is_told_and_keeps_their_input(client, assessment, officers):
    first, second = officers
    url = reverse("cycles:assessment", args=[assessment.pk])
    client.force_login(second)
    opened = version_in(client.get(url).content.decode())  # the second one opens the sheet
    client.force_login(first)
    page_first = client.get(url).content.decode()
    done = client.post(
        url,
        {"version": version_in(page_first), "mode": "self", "op": "save", "s:QD510.CQ.1": "1", **PAPER_POST},
    )
    assert done.status_code == 302
    client.force_login(second)
    response = client.post(
        url, {"version": opened, "mode": "self", "op": "save", "s:QD510.CQ.1": "2", **PAPER_POST}
    )
    page = response.content.decode()
    assert response.status_code == 200
    found = refusal(page)
    assert "truong.a" in found["who"] and "điểm tự chấm mục QD510.CQ.1" in found["what"]
    assert 'name="s:QD510.CQ.1" value="2"' in page  # what they typed is still on the page
    stored = Assessment.objects.get(pk=assessment.pk)
    assert stored.self_scores == {"QD510.CQ.1": 1}
    assert version_in(page) == stored.version  # saving again now is a deliberate choice
    assert updates(assessment) == 1


def test_review_screen_second_reviewer_is_told(client, submitted, commune_police, province_officer):
    url = reverse("cycles:assessment", args=[submitted.pk])
    client.force_login(commune_police)
    opened = version_in(client.get(url).content.decode())
    client.force_login(province_officer)
    first = client.post(
        url,
        {"version": version_in(client.get(url).content.decode()), "mode": "review", "op": "review",
         "sup:QD510.CQ.1": "3"},
    )  # fmt: skip
    assert first.status_code == 302
    client.force_login(commune_police)
    response = client.post(
        url,
        {"version": opened, "mode": "review", "op": "review", "sup:QD510.CQ.1": "1",
         "why:QD510.CQ.1": "Thiếu báo cáo"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "điểm cấp trên chấm mục QD510.CQ.1" in refusal(response.content.decode())["what"]
    assert Assessment.objects.get(pk=submitted.pk).superior_scores == {"QD510.CQ.1": 3}
    assert updates(submitted) == 2


def test_registration_screen_second_writer_is_told(client, registration, unit_officer, second_unit_officer):
    url = reverse("cycles:registration", args=[registration.pk])
    client.force_login(second_unit_officer)
    opened = version_in(client.get(url).content.decode())
    client.force_login(unit_officer)
    loaded = version_in(client.get(url).content.decode())
    form = {"has_party_org": "on", "commitment_count": "0", "uncommitted": ""}
    assert client.post(url, {**form, "commitment_total": "150", "version": loaded}).status_code == 302
    client.force_login(second_unit_officer)
    response = client.post(url, {**form, "commitment_total": "90", "version": opened})
    page = response.content.decode()
    assert response.status_code == 200
    assert "donvi.canbo" in refusal(page)["who"]
    assert Registration.objects.get(pk=registration.pk).commitment_total == 150
    assert updates(registration) == 1


def test_unit_edit_screen_second_writer_is_told(client, tree, commune_police, admin):
    url = reverse("units:edit", args=[tree.unit.pk])
    client.force_login(admin)
    opened = version_in(client.get(url).content.decode())
    client.force_login(commune_police)
    loaded = version_in(client.get(url).content.decode())
    data = {"name": tree.unit.name, "code": tree.unit.code, "parent": tree.commune.pk, "kind": tree.unit.kind}
    assert client.post(url, {**data, "people_count": "400", "version": loaded}).status_code == 302
    client.force_login(admin)
    response = client.post(url, {**data, "people_count": "999", "version": opened})
    page = response.content.decode()
    assert response.status_code == 200
    found = refusal(page)
    assert "xa.congan" in found["who"] and "people_count" not in found["what"]  # named in Vietnamese
    assert 'value="999"' in page
    assert OrgNode.objects.get(pk=tree.unit.pk).people_count == 400
    assert updates(tree.unit) == 1


def test_unit_deactivation_from_a_stale_page_is_refused(client, tree, commune_police, admin):
    detail = reverse("units:detail", args=[tree.unit.pk])
    client.force_login(admin)
    opened = version_in(client.get(detail).content.decode())
    org_services.unit_update(
        by=commune_police, unit=tree.unit, data={"people_count": 400}, expected_version=1
    )
    response = client.post(
        reverse("units:deactivate", args=[tree.unit.pk]),
        {"reason": "Sáp nhập", "version": opened},
        follow=True,
    )
    refusal(response.content.decode())
    assert OrgNode.objects.get(pk=tree.unit.pk).is_active is True


# ---- API: a stale version is a 409 ------------------------------------------------------------


def test_api_refuses_stale_versions_with_409(tree, assessment, registration, officers, unit_officer, admin):
    first, second = officers
    seen = api(second).get(f"{API}/assessments/{assessment.pk}/").json()["version"]
    saved = api(first).post(
        f"{API}/assessments/{assessment.pk}/save-self/",
        {"version": seen, "self_scores": {"QD510.CQ.1": 1}},
        format="json",
    )
    assert saved.status_code == 200, saved.content
    stale = api(second).post(
        f"{API}/assessments/{assessment.pk}/save-self/",
        {"version": seen, "self_scores": {"QD510.CQ.1": 2}},
        format="json",
    )
    assert stale.status_code == 409
    assert "điểm tự chấm mục QD510.CQ.1" in refusal(stale.json()["detail"])["what"]
    assert Assessment.objects.get(pk=assessment.pk).self_scores == {"QD510.CQ.1": 1}

    reg_seen = api(unit_officer).get(f"{API}/registrations/{registration.pk}/").json()["version"]
    patch = {"version": reg_seen, "commitment_total": 150}
    first_patch = api(unit_officer).patch(f"{API}/registrations/{registration.pk}/", patch, format="json")
    assert first_patch.status_code == 200
    late = api(unit_officer).patch(
        f"{API}/registrations/{registration.pk}/", {**patch, "commitment_total": 90}, format="json"
    )
    assert late.status_code == 409
    refusal(late.json()["detail"])
    assert Registration.objects.get(pk=registration.pk).commitment_total == 150
    no_version = api(unit_officer).patch(
        f"{API}/registrations/{registration.pk}/", {"note": "x"}, format="json"
    )
    assert no_version.status_code == 400  # without a version nothing is saved

    unit_seen = api(admin).get(f"{API}/units/{tree.unit.pk}/").json()["version"]
    unit_first = api(admin).patch(
        f"{API}/units/{tree.unit.pk}/", {"version": unit_seen, "people_count": 400}, format="json"
    )
    assert unit_first.status_code == 200
    unit_late = api(admin).patch(
        f"{API}/units/{tree.unit.pk}/", {"version": unit_seen, "people_count": 999}, format="json"
    )
    assert unit_late.status_code == 409
    assert OrgNode.objects.get(pk=tree.unit.pk).people_count == 400
    assert (
        api(admin).put(f"{API}/units/{tree.unit.pk}/", {"people_count": 1}, format="json").status_code == 405
    )
    assert updates(tree.unit) == 1 and updates(registration) == 1 and updates(assessment) == 1


# ---- a real race on two connections ---------------------------------------------------------------


def _waiters_on_lock() -> int:
    """Other sessions of this database waiting for a row lock (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_two_connections_racing_the_same_save_let_exactly_one_win(assessment, officers, monkeypatch):
    """Both writers read version v and save at the same moment. On PostgreSQL each runs on its own
    connection: the first takes the row lock, holds it until it sees the second one waiting for it,
    and commits; the second then reads v + 1 under the lock and is refused. Without the lock both
    would have read v and both saved. SQLite's test database is a single in-memory connection, so
    there the two saves run one after the other and the second is refused the same way."""
    first, second = officers
    seen = Assessment.objects.get(pk=assessment.pk)
    outcomes: dict[str, Any] = {}
    waited: list[int] = []

    def save(user: Any, points: int) -> None:
        try:
            services.assessment_save_self(
                by=user,
                scope=Scope.for_user(user),
                assessment=seen,
                data={"self_scores": {"QD510.CQ.1": points}},
                expected_version=seen.version,
            )
            outcomes[user.username] = "saved"
        except ConcurrentEditError as exc:
            outcomes[user.username] = str(exc)

    if connection.vendor == "postgresql":
        original = services._locked
        holder = threading.Lock()

        def locked_and_held(obj: Any, expected_version: int | None) -> Any:
            row = original(obj, expected_version)
            if holder.acquire(blocking=False):  # the first one through holds the lock a while
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline and not _waiters_on_lock():
                    time.sleep(0.02)
                waited.append(_waiters_on_lock())
            return row

        monkeypatch.setattr(services, "_locked", locked_and_held)
        barrier = threading.Barrier(2)

        def run(user: Any, points: int) -> None:
            try:
                barrier.wait(timeout=10)
                save(user, points)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run, args=(u, p)) for u, p in ((first, 1), (second, 2))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert waited == [1], "the second writer never waited for the first one's row lock"
    else:
        assert connection.vendor == "sqlite"
        save(first, 1)
        save(second, 2)

    assert sorted(outcomes) == ["truong.a", "truong.b"]
    winners = [name for name, outcome in outcomes.items() if outcome == "saved"]
    assert len(winners) == 1
    loser = next(name for name in outcomes if name != winners[0])
    assert winners[0] in refusal(outcomes[loser])["who"]
    stored = Assessment.objects.get(pk=assessment.pk)
    assert stored.self_scores == {"QD510.CQ.1": 1 if winners[0] == "truong.a" else 2}
    assert stored.version == seen.version + 1
    assert updates(assessment) == 1
