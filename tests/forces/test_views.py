"""Screens of the forces app, end to end: list (query count), record a team, the round table with
per-row errors, submit refused with the rule's message, approve."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent
from antq.forces import demo, services
from antq.forces.models import GuardForceRating, RatingRound, SecurityTeam, TeamRating
from tests.forces.conftest import YEAR


def test_team_list_is_flat_in_queries(
    client, tree, kdcs, commune_police, make_team, make_member, django_assert_max_num_queries
):
    for node in kdcs:
        make_member(make_team(node))
    client.force_login(commune_police)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("forces:list"))
    assert response.status_code == 200
    assert response.content.decode().count("Tổ bảo vệ ANTT số 1") == 12


def test_recording_a_team_from_the_form(client, tree, commune_police):
    client.force_login(commune_police)
    response = client.post(
        reverse("forces:team_create"),
        {"node": tree.unit.pk, "kind": "grassroots_team", "name": "Tổ Hòa Bình", "founded_on": "2024-02-01"},
    )
    team = SecurityTeam.objects.get(name="Tổ Hòa Bình")
    assert response.status_code == 302 and response["Location"] == reverse(
        "forces:team_detail", args=[team.pk]
    )


def test_team_form_names_the_wrong_kind(client, tree, commune_police):
    client.force_login(commune_police)
    response = client.post(
        reverse("forces:team_create"),
        {"node": tree.unit.pk, "kind": "guard_force", "name": "Bảo vệ", "founded_on": "2024-02-01"},
    )
    assert response.status_code == 200
    assert (
        "Lực lượng bảo vệ thuộc một cơ quan, doanh nghiệp hoặc cơ sở giáo dục." in response.content.decode()
    )


def test_round_screen_saves_shows_row_errors_and_refuses_submission(client, tree, commune_police, make_team):
    team = make_team(tree.unit, "Tổ Mới", founded_on=dt.date(YEAR, 3, 1))
    rnd = services.round_open(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        commune=tree.commune,
        year=YEAR,
        evaluated_on=dt.date(YEAR, 10, 10),
    )
    row = TeamRating.objects.get(round=rnd, team=team)
    client.force_login(commune_police)
    url = reverse("forces:round_detail", args=[rnd.pk])
    response = client.post(
        url, {"version": rnd.version, f"team-{row.pk}-level": "good", f"team-{row.pk}-reason": ""}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Tổ Tổ Mới mới hoạt động 7 tháng (từ 01/03/2025), chưa đủ 9 tháng để xếp loại." in page
    assert f'aria-describedby="team-{row.pk}-error"' in page
    rnd.refresh_from_db()
    response = client.post(
        reverse("forces:round_submit", args=[rnd.pk]), {"version": rnd.version}, follow=True
    )
    assert "chưa đủ 9 tháng" in response.content.decode()
    assert RatingRound.objects.get(pk=rnd.pk).status == "draft"


def test_a_stale_round_page_keeps_the_typed_values(client, tree, commune_police, make_team):
    make_team(tree.unit)
    rnd = services.round_open(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        commune=tree.commune,
        year=YEAR,
        evaluated_on=dt.date(YEAR, 11, 1),
    )
    row = TeamRating.objects.get(round=rnd)
    client.force_login(commune_police)
    response = client.post(
        reverse("forces:round_detail", args=[rnd.pk]),
        {
            "version": rnd.version + 5,
            f"team-{row.pk}-level": "completed",
            f"team-{row.pk}-note": "Ghi chú gõ dở",
        },
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "vừa được người khác thay đổi" in body and 'value="Ghi chú gõ dở"' in body


def test_commune_leader_approves_from_the_screen(client, tree, commune_police, commune_leader, make_team):
    make_team(tree.unit)
    scope = Scope.for_user(commune_police)
    rnd = services.round_open(
        by=commune_police, scope=scope, commune=tree.commune, year=YEAR, evaluated_on=dt.date(YEAR, 11, 1)
    )
    row = TeamRating.objects.get(round=rnd)
    rnd = services.round_save(
        by=commune_police,
        scope=scope,
        round=rnd,
        teams={row.pk: {"level": "good"}},
        expected_version=rnd.version,
    )
    rnd = services.round_submit(by=commune_police, scope=scope, round=rnd, expected_version=rnd.version)
    client.force_login(commune_leader)
    assert "Phê duyệt" in client.get(reverse("forces:round_detail", args=[rnd.pk])).content.decode()
    client.post(reverse("forces:round_approve", args=[rnd.pk]), {"version": rnd.version})
    assert RatingRound.objects.get(pk=rnd.pk).status == "approved"


def test_guard_rating_form_records_and_versions(client, tree, agency, commune_police, make_team):
    team = make_team(agency)
    client.force_login(commune_police)
    url = reverse("forces:guard_rating", args=[team.pk, YEAR])
    assert client.post(url, {"result": "good", "version": 0}).status_code == 302
    row = GuardForceRating.objects.get(team=team, year=YEAR)
    assert client.post(url, {"result": "collective_advanced", "version": row.version}).status_code == 302
    response = client.post(url, {"result": "completed", "version": row.version})
    assert response.status_code == 200 and "vừa được người khác thay đổi" in response.content.decode()
    assert GuardForceRating.objects.get(pk=row.pk).result == "collective_advanced"


def test_demo_seed_builds_teams_a_round_and_guard_forces(tree, kdcs, agency, admin, commune_leader):
    demo.seed([tree.commune], [tree.unit, *kdcs[:5]], [agency], YEAR, admin)
    rnd = RatingRound.objects.get(commune=tree.commune, year=YEAR)
    # Submitted by the actor, approved by the commune's chairman: never one person for both.
    assert rnd.status == "approved" and rnd.submitted_by == admin
    approval = AuditEvent.objects.filter(
        object_type="forces.ratinground", object_id=str(rnd.pk), changes__status=["submitted", "approved"]
    ).get()
    assert approval.actor == commune_leader
    assert TeamRating.objects.filter(round=rnd).exclude(level="").count() == 6
    assert GuardForceRating.objects.filter(team__node=agency).count() == 1


def test_demo_seed_without_a_chairman_leaves_the_round_submitted(tree, kdcs, agency, admin):
    demo.seed([tree.commune], [tree.unit, *kdcs[:2]], [agency], YEAR, admin)
    assert RatingRound.objects.get(commune=tree.commune, year=YEAR).status == "submitted"


def test_the_submitter_is_not_offered_the_approval(client, tree, admin, make_team):
    make_team(tree.unit)
    scope = Scope.for_user(admin)
    rnd = services.round_open(
        by=admin, scope=scope, commune=tree.commune, year=YEAR, evaluated_on=dt.date(YEAR, 11, 1)
    )
    row = TeamRating.objects.get(round=rnd)
    rnd = services.round_save(
        by=admin, scope=scope, round=rnd, teams={row.pk: {"level": "good"}}, expected_version=rnd.version
    )
    rnd = services.round_submit(by=admin, scope=scope, round=rnd, expected_version=rnd.version)
    client.force_login(admin)
    page = client.get(reverse("forces:round_detail", args=[rnd.pk])).content.decode()
    assert "không thể tự phê duyệt" in page
    assert reverse("forces:round_approve", args=[rnd.pk]) not in page
    response = client.post(
        reverse("forces:round_approve", args=[rnd.pk]), {"version": rnd.version}, follow=True
    )
    assert "không thể tự phê duyệt" in response.content.decode()
    assert RatingRound.objects.get(pk=rnd.pk).status == "submitted"


def test_the_commune_leader_cannot_save_nor_submit_from_the_screen(
    client, tree, commune_police, commune_leader, make_team
):
    make_team(tree.unit)
    rnd = services.round_open(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        commune=tree.commune,
        year=YEAR,
        evaluated_on=dt.date(YEAR, 11, 1),
    )
    client.force_login(commune_leader)
    page = client.get(reverse("forces:round_detail", args=[rnd.pk])).content.decode()
    assert reverse("forces:round_submit", args=[rnd.pk]) not in page
    assert (
        client.post(reverse("forces:round_submit", args=[rnd.pk]), {"version": rnd.version}).status_code
        == 403
    )
    assert (
        client.post(reverse("forces:round_detail", args=[rnd.pk]), {"version": rnd.version}).status_code
        == 403
    )


def _document(node, user, **overrides):
    from antq.evidence.models import DocType, EvidenceDocument

    data = {
        "node": node,
        "year": YEAR,
        "doc_type": DocType.NOI_QUY,
        "number_symbol": "07/QĐ-TDP",
        "issue_date": dt.date(YEAR, 2, 10),
        "title": "Quyết định thành lập tổ bảo vệ ANTT",
        "file": "evidence/qd.pdf",
        "original_name": "qd.pdf",
        "content_type": "application/pdf",
        "size": 1024,
        "sha256": "0" * 64,
        "uploaded_by": user,
    }
    data.update(overrides)
    return EvidenceDocument.objects.create(**data)


def test_the_round_link_shows_only_to_whoever_sees_the_commune(
    client, tree, commune_police, unit_officer, make_team
):
    team = make_team(tree.unit)
    rnd = services.round_open(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        commune=tree.commune,
        year=YEAR,
        evaluated_on=dt.date(YEAR, 11, 1),
    )
    link = reverse("forces:round_detail", args=[rnd.pk])
    client.force_login(unit_officer)
    page = client.get(reverse("forces:team_detail", args=[team.pk])).content.decode()
    assert rnd.get_status_display() in page and link not in page
    assert client.get(link).status_code == 404
    client.force_login(commune_police)
    assert link in client.get(reverse("forces:team_detail", args=[team.pk])).content.decode()


def test_a_refused_submission_states_each_broken_rule_once(client, tree, commune_police, make_team):
    team = make_team(tree.unit, "Tổ Mới", founded_on=dt.date(YEAR, 3, 1))
    scope = Scope.for_user(commune_police)
    rnd = services.round_open(
        by=commune_police, scope=scope, commune=tree.commune, year=YEAR, evaluated_on=dt.date(YEAR, 10, 10)
    )
    row = TeamRating.objects.get(round=rnd, team=team)
    rnd = services.round_save(
        by=commune_police,
        scope=scope,
        round=rnd,
        teams={row.pk: {"level": "good"}},
        expected_version=rnd.version,
    )
    client.force_login(commune_police)
    body = client.post(
        reverse("forces:round_submit", args=[rnd.pk]), {"version": rnd.version}, follow=True
    ).content.decode()
    assert body.count("Tổ Tổ Mới mới hoạt động 7 tháng") == 1
    assert "Chưa trình được: bản xếp loại còn" in body


def test_the_team_form_offers_the_units_documents_from_the_start(
    client, tree, commune_police, unit_officer, agency
):
    _document(tree.unit, commune_police)
    _document(agency, commune_police, number_symbol="09/QĐ-CQ", title="Quyết định của Sở")
    _document(tree.sibling_unit, commune_police, number_symbol="99/QĐ", title="Tài liệu xã khác")
    client.force_login(unit_officer)
    page = client.get(reverse("forces:team_create")).content.decode()
    assert "07/QĐ-TDP, 10/02/2025 — Quyết định thành lập tổ bảo vệ ANTT" in page
    assert "Quyết định của Sở" not in page and "Tài liệu xã khác" not in page
    client.force_login(commune_police)
    page = client.get(reverse("forces:team_create")).content.decode()
    assert "Quyết định thành lập tổ bảo vệ ANTT" in page and "Quyết định của Sở" in page
    assert f'data-node="{agency.pk}"' in page and "Tài liệu xã khác" not in page
    page = client.get(reverse("forces:team_create") + f"?node={tree.unit.pk}").content.decode()
    assert "Quyết định thành lập tổ bảo vệ ANTT" in page and "Quyết định của Sở" not in page


def test_the_team_form_refuses_another_units_document(client, tree, commune_police, agency):
    doc = _document(agency, commune_police)
    client.force_login(commune_police)
    response = client.post(
        reverse("forces:team_create"),
        {
            "node": tree.unit.pk,
            "kind": "grassroots_team",
            "name": "Tổ Hòa Bình",
            "founded_on": "2024-02-01",
            "founding_document": doc.pk,
        },
    )
    assert response.status_code == 200
    assert 'id="id_founding_document_error"' in response.content.decode() or "errorlist" in (
        response.content.decode()
    )
    assert not SecurityTeam.objects.filter(name="Tổ Hòa Bình").exists()
