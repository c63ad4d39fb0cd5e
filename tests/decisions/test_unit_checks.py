"""What a draft says about the units it refuses: nothing about a unit outside the issuer's area or
the caller's scope (not even its name), and the reason for a unit that is excluded by TT 124 or no
longer in force. And the screens' hand-read numbers: no 500 on digits `int()` does not take."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from antq.accounts.roles import Role
from antq.decisions import services
from antq.decisions.choices import DecisionKind
from antq.decisions.models import Decision
from antq.org.choices import EducationLevel, EnterpriseSize, NodeKind
from tests import factories as f
from tests.decisions.helpers import assessment_row, cycle_row, scope

pytestmark = pytest.mark.django_db

MISSING = 987654


def draft(user, cycle, issuer, ids):  # type: ignore[no-untyped-def]
    return services.decision_draft_create(
        by=user,
        scope=scope(user),
        cycle=cycle,
        issuer=issuer,
        kind=DecisionKind.RECOGNITION,
        node_ids=ids,
    )


def neutral(pk: int) -> str:
    return f"Không tìm thấy đơn vị #{pk} trong phạm vi của bạn."


# ---- units out of scope ---------------------------------------------------------------------------


def test_a_draft_never_names_a_unit_of_another_commune_or_province(tree, commune_police):
    cycle = cycle_row(tree.province)
    assessment_row(cycle, tree.other_unit)
    assessment_row(cycle, tree.sibling_unit)
    ids = [tree.other_unit.pk, tree.sibling_unit.pk, tree.other_commune.pk, MISSING]
    with pytest.raises(services.UnitsRefused) as refused:
        draft(commune_police, cycle, tree.commune, ids)
    assert [(r.node_id, r.name, r.reason) for r in refused.value.refusals] == [
        (pk, f"#{pk}", neutral(pk)) for pk in ids
    ]
    message = str(refused.value)
    for name in ("Khu phố 5", "Thôn Kiên Mỹ", "Phường Đông Hà"):
        assert name not in message


def test_a_unit_under_the_issuer_that_the_caller_does_not_see_is_not_named(tree):
    # Drafting at the commune, but with a grant on the commune only (not its units).
    narrow = f.user_with_role("xa.hep", Role.COMMUNE_POLICE, tree.commune, include_descendants=False)
    cycle = cycle_row(tree.province)
    assessment_row(cycle, tree.unit)
    with pytest.raises(services.UnitsRefused) as refused:
        draft(narrow, cycle, tree.commune, [tree.unit.pk])
    assert [(r.name, r.reason) for r in refused.value.refusals] == [
        (f"#{tree.unit.pk}", neutral(tree.unit.pk))
    ]


def test_the_api_and_the_form_refuse_an_unseen_unit_without_its_name(client, tree, commune_police):
    cycle = cycle_row(tree.province)
    assessment_row(cycle, tree.other_unit)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=commune_police)[0].key}"
    response = client.post(
        reverse("api:decision-list"),
        {
            "cycle": cycle.pk,
            "issuer": tree.commune.pk,
            "kind": "recognition",
            "node_ids": [tree.other_unit.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["refused"] == [
        {"node": tree.other_unit.pk, "name": f"#{tree.other_unit.pk}", "reason": neutral(tree.other_unit.pk)}
    ]
    assert "Khu phố 5" not in response.content.decode()

    del client.defaults["HTTP_AUTHORIZATION"]
    client.force_login(commune_police)
    url = reverse("decisions:create") + f"?issuer={tree.commune.pk}&cycle={cycle.pk}&kind=recognition"
    page = client.post(url, {"units": [tree.other_unit.pk]})
    assert page.status_code == 200
    assert neutral(tree.other_unit.pk) in page.content.decode()
    assert "Khu phố 5" not in page.content.decode()
    assert Decision.objects.count() == 0


# ---- excluded and inactive units ------------------------------------------------------------------


def test_excluded_inactive_and_dissolved_units_are_refused_with_the_reason(tree, commune_police):
    cycle = cycle_row(tree.province)
    primary = f.unit(
        tree.commune,
        "Trường Tiểu học Lê Lợi",
        "X21583-CSGD02",
        kind=NodeKind.SCHOOL,
        education_level=EducationLevel.PRIMARY,
    )
    small = f.unit(
        tree.commune,
        "Công ty TNHH Bình An",
        "X21583-DN01",
        kind=NodeKind.ENTERPRISE,
        enterprise_size=EnterpriseSize.SMALL,
    )
    closed = f.unit(tree.commune, "Thôn Đã Giải Thể", "X21583-KDC09", is_active=False)
    merged = f.unit(
        tree.commune,
        "Thôn Đã Sáp Nhập",
        "X21583-KDC08",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2026, 7, 1),
    )
    assert primary.exclusion_code and small.exclusion_code
    for node in (primary, small, closed, merged, tree.unit):
        assessment_row(cycle, node)

    with pytest.raises(services.UnitsRefused) as refused:
        draft(
            commune_police, cycle, tree.commune, [n.pk for n in (tree.unit, primary, small, closed, merged)]
        )

    reasons = {r.name: r.reason for r in refused.value.refusals}
    assert set(reasons) == {primary.name, small.name, closed.name, merged.name}
    assert reasons[primary.name] == (
        "Không thuộc diện xét công nhận, phân loại: Cơ sở giáo dục tiểu học, mầm non, nhà trẻ: "
        "không thuộc phạm vi TT 124/2021/TT-BCA."
    )
    assert "Doanh nghiệp nhỏ, siêu nhỏ" in reasons[small.name]
    assert reasons[closed.name] == "Đơn vị đã ngừng hoạt động."
    assert (
        reasons[merged.name]
        == "Đơn vị đã hết hiệu lực từ ngày 01/07/2026 (sáp nhập, chia tách hoặc giải thể)."
    )
    # The eligible unit alone goes through.
    assert draft(commune_police, cycle, tree.commune, [tree.unit.pk]).items.get().node == tree.unit


# ---- numbers typed by hand ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["²", "١٢x", "", "-"])
def test_odd_digits_in_the_draft_form_are_ignored_not_a_500(client, tree, commune_police, raw):
    cycle = cycle_row(tree.province)
    assessment_row(cycle, tree.unit)
    client.force_login(commune_police)
    assert client.get(reverse("decisions:create"), {"issuer": raw}).status_code == 200
    url = reverse("decisions:create") + f"?issuer={tree.commune.pk}&cycle={cycle.pk}&kind=recognition"
    response = client.post(url, {"units": [raw]})
    assert response.status_code == 200
    assert "Chọn ít nhất một đơn vị" in response.content.decode()
    assert Decision.objects.count() == 0


def test_odd_digits_in_the_authority_year_fall_back_to_the_cycle_year(client, tree, province_officer):
    cycle_row(tree.province)
    client.force_login(province_officer)
    response = client.get(reverse("decisions:authorities", args=[tree.province.pk]), {"year": "²"})
    assert response.status_code == 200
    assert response.context["year"] == 2026
