"""The pre-reform units (before 1 July 2025) as ended nodes, and their lineage to the current ones."""

from __future__ import annotations

import importlib.util
import socket
import sys
from collections import Counter
from dataclasses import replace
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.urls import reverse

from antq.accounts.roles import Role
from antq.audit.models import AuditEvent
from antq.core.errors import DomainError
from antq.org import history
from antq.org.admin_units import REFORM_DATE, load_current_admin_units
from antq.org.choices import LineageKind, NodeKind
from antq.org.models import NodeLineage, OrgNode
from antq.org.selectors import child_admin_nodes
from tests import factories as f

# vietnamadminunits is in the `dev` extra, so these tests always run under `make test`.

OLD_PROVINCES, OLD_DISTRICTS, OLD_COMMUNES = 63, 696, 10_035
# Five island districts had no communes; they became special zones (đặc khu).
ISLAND_DISTRICTS = {"CU-H318", "CU-H471", "CU-H498", "CU-H536", "CU-H755"}


@pytest.fixture(scope="module")
def data() -> history.PreReformData:
    return history.read_pre_reform_data()


def _subset(data: history.PreReformData, *numbers: int) -> history.PreReformData:
    return replace(data, provinces=[p for p in data.provinces if p.number in numbers])


def test_the_bundled_files_are_read_offline_without_importing_the_package(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.delitem(sys.modules, "vietnamadminunits", raising=False)
    data = history.read_pre_reform_data()
    # The package's address converter can geocode online; only its data files are used.
    assert "vietnamadminunits" not in sys.modules
    districts = [d for p in data.provinces for d in p.districts]
    communes = [c for d in districts for c in d.communes]
    assert (len(data.provinces), len(districts), len(communes)) == (
        OLD_PROVINCES,
        OLD_DISTRICTS,
        OLD_COMMUNES,
    )
    assert 650 <= len(districts) <= 720 and 9_500 <= len(communes) <= 10_700
    assert Counter(d.division for d in districts) == {"Huyện": 508, "Thành phố": 87, "Thị xã": 52, "Quận": 49}
    assert Counter(c.division for c in communes) == {"Xã": 7695, "Phường": 1724, "Thị trấn": 616}
    # Every new commune of the conversion table is found in the official list by name.
    assert data.unmatched == []
    assert len({code for codes in data.commune_targets.values() for code in codes}) == 3321
    assert all(data.commune_targets.get(c.key) for c in communes)
    assert len(set(data.province_targets.values())) == 34


@pytest.mark.django_db
def test_pre_reform_load_counts_lineage_idempotence_and_current_screens():
    out = StringIO()
    call_command("load_admin_units", "--pre-reform", stdout=out)
    assert "63 tỉnh, 696 huyện, 10035 xã" in out.getvalue()
    old = OrgNode.objects.filter(code__startswith=history.HISTORY_PREFIX)
    counts = dict(old.values_list("kind").annotate(n=Count("id")).order_by())
    assert counts == {
        NodeKind.PROVINCE: OLD_PROVINCES,
        NodeKind.DISTRICT: OLD_DISTRICTS,
        NodeKind.COMMUNE: OLD_COMMUNES,
    }
    assert not old.filter(valid_to__isnull=True).exists()
    assert set(old.values_list("valid_to", flat=True)) == {REFORM_DATE}

    # Current screens only see what is in force today.
    assert OrgNode.objects.current().filter(kind=NodeKind.PROVINCE).count() == 34
    assert OrgNode.objects.current().filter(kind=NodeKind.COMMUNE).count() == 3321
    assert not OrgNode.objects.current().filter(kind=NodeKind.DISTRICT).exists()
    nation = OrgNode.objects.get(code="VN")
    assert child_admin_nodes(nation).count() == 34
    # …and an ended province still shows its ended districts.
    assert child_admin_nodes(OrgNode.objects.get(code="CU-T01")).count() == 30

    # Every old commune went into at least one current commune; every current commune came from
    # at least one old one; an old commune split between several is linked to each with SPLIT_INTO.
    assert not old.filter(kind=NodeKind.COMMUNE, lineage_out__isnull=True).exists()
    assert not OrgNode.objects.current().filter(kind=NodeKind.COMMUNE, lineage_in__isnull=True).exists()
    links = NodeLineage.objects.all()
    assert not links.exclude(target__valid_to__isnull=True).exists()
    assert set(links.values_list("effective_date", "legal_basis").distinct()) == {
        (REFORM_DATE, history.LEGAL_BASIS)
    }
    split_counts = Counter(
        links.filter(kind=LineageKind.SPLIT_INTO).values_list("source_id", flat=True)
    ).values()
    assert min(split_counts) >= 2
    assert links.filter(source__kind=NodeKind.COMMUNE).count() == 10_597
    assert links.filter(source__kind=NodeKind.COMMUNE, kind=LineageKind.SPLIT_INTO).count() == 1_033
    assert links.filter(source__kind=NodeKind.PROVINCE, kind=LineageKind.MERGED_INTO).count() == 63
    # Known facts of the reform: Bình Định + Gia Lai → Gia Lai; Huyện Côn Đảo → Đặc khu Côn Đảo.
    assert set(links.filter(target__code="T52").values_list("source__name", flat=True)) == {
        "Tỉnh Bình Định",
        "Tỉnh Gia Lai",
    }
    assert set(links.filter(source__kind=NodeKind.DISTRICT).values_list("source__code", flat=True)) == (
        ISLAND_DISTRICTS
    )
    assert links.get(source__code="CU-H755").target.name == "Đặc khu Côn Đảo"
    assert AuditEvent.objects.filter(reason=history.AUDIT_REASON).count() == (
        OLD_PROVINCES + OLD_DISTRICTS + OLD_COMMUNES + links.count()
    )

    # A second run creates nothing and changes nothing.
    before = list(old.order_by("pk").values_list("pk", "path", "name", "updated_at"))
    n_links, n_events = links.count(), AuditEvent.objects.count()
    again = history.load_pre_reform_units()
    assert (again.created, again.unmatched) == (0, [])
    assert list(old.order_by("pk").values_list("pk", "path", "name", "updated_at")) == before
    assert (NodeLineage.objects.count(), AuditEvent.objects.count()) == (n_links, n_events)


@pytest.mark.django_db
def test_links_to_units_not_loaded_yet_are_reported_then_completed(data):
    load_current_admin_units(province_numbers={52})
    # Old Bình Định and Gia Lai went into Gia Lai (loaded); old Bắc Kạn into Thái Nguyên (not yet).
    subset = _subset(data, 52, 64, 6)
    first = history.load_pre_reform_units(subset)
    bac_kan = sum(len(d.communes) for p in subset.provinces if p.number == 6 for d in p.districts)
    assert first.unmatched and len(first.unmatched) == bac_kan + 1  # its communes and the province
    assert all("CU-T06" in line or "CU-X" in line for line in first.unmatched)
    assert first.provinces == 3

    load_current_admin_units(province_numbers={19})
    second = history.load_pre_reform_units(subset)
    assert (second.provinces, second.districts, second.communes) == (0, 0, 0)
    assert second.lineage == bac_kan + 1 and second.unmatched == []
    assert NodeLineage.objects.filter(target__code="T19", source__code="CU-T06").exists()


@pytest.mark.django_db
def test_an_existing_node_with_a_reserved_code_is_refused(data):
    load_current_admin_units(province_numbers={52})
    commune = OrgNode.objects.get(code="X21583")
    clash = f.node(NodeKind.AGENCY, "Cơ quan thử", "CU-T52", commune)
    with pytest.raises(DomainError, match="CU-T52"):
        history.load_pre_reform_units(_subset(data, 52))
    assert not OrgNode.objects.filter(valid_to__isnull=False).exists()
    clash.delete()
    # Another code that merely starts with the prefix is no obstacle.
    f.node(NodeKind.AGENCY, "Công ty Cửu Long", "CU-LONG", commune)
    assert history.load_pre_reform_units(_subset(data, 52)).provinces == 1


@pytest.mark.django_db
def test_browse_shows_the_lineage_panel_both_ways(client, data, django_assert_max_num_queries):
    load_current_admin_units(province_numbers={52})
    history.load_pre_reform_units(_subset(data, 52, 64))
    merged = (
        OrgNode.objects.current()
        .filter(kind=NodeKind.COMMUNE, lineage_in__kind=LineageKind.MERGED_INTO)
        .annotate(n=Count("lineage_in"))
        .filter(n__gte=2)
        .order_by("code")
        .first()
    )
    assert merged is not None
    sources = list(OrgNode.objects.filter(lineage_out__target=merged, lineage_out__kind="merged_into"))
    client.force_login(f.user_with_role("quantri", Role.SYSTEM_ADMIN, OrgNode.objects.get(code="VN")))

    with django_assert_max_num_queries(15):
        page = client.get(reverse("org:browse"), {"node": merged.pk}).content.decode()
    assert "Lịch sử sắp xếp" in page and "Sáp nhập từ: " in page and "(01/07/2025)" in page
    for source in sources:
        assert f'?node={source.pk}">{source.name}</a>' in page

    old = sources[0]
    page = client.get(reverse("org:browse"), {"node": old.pk}).content.decode()
    assert f'Sáp nhập vào: <a href="{reverse("org:browse")}?node={merged.pk}">{merged.name}</a>' in page
    assert "Đã hết hiệu lực từ ngày 01/07/2025" in page


@pytest.mark.django_db
def test_a_user_outside_the_old_branch_sees_names_without_links(client, data):
    load_current_admin_units(province_numbers={52})
    history.load_pre_reform_units(_subset(data, 52))
    commune = OrgNode.objects.filter(code__startswith="X", lineage_in__isnull=False).order_by("code").first()
    assert commune is not None
    client.force_login(f.user_with_role("xa.congan", Role.COMMUNE_POLICE, commune))
    page = client.get(reverse("org:browse"), {"node": commune.pk}).content.decode()
    source = OrgNode.objects.filter(lineage_out__target=commune).first()
    assert source is not None and source.name in page and f"?node={source.pk}" not in page


@pytest.mark.django_db
def test_command_explains_how_to_install_the_optional_package(monkeypatch):
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return None if name == history.PACKAGE else real_find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(CommandError, match=r'pip install -e "\.\[history\]"'):
        call_command("load_admin_units", "--pre-reform", stdout=StringIO())
    assert not OrgNode.objects.exists()
