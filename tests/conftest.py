"""Personas on a small tree shaped like the real one.

Toàn quốc
├── Tỉnh Gia Lai (province)              ── Phường Quy Nhơn (commune) ── KDC Tổ dân phố 1, Trường THCS
│                                        └─ Xã Tây Sơn (sibling commune) ── Thôn Kiên Mỹ
└── Tỉnh Quảng Trị (other province)      ── Phường Đông Hà ── Khu phố 5
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from antq.accounts.roles import Role
from antq.org.choices import EducationLevel, NodeKind
from antq.org.models import OrgNode
from tests import factories as f


@dataclass
class Tree:
    nation: OrgNode
    province: OrgNode
    commune: OrgNode
    unit: OrgNode
    school: OrgNode
    sibling_commune: OrgNode
    sibling_unit: OrgNode
    other_province: OrgNode
    other_commune: OrgNode
    other_unit: OrgNode


@pytest.fixture
def tree(db: None) -> Tree:
    return build_tree()


def build_tree() -> Tree:
    nation = f.node(NodeKind.NATION, "Toàn quốc", "VN")
    province = f.node(NodeKind.PROVINCE, "Tỉnh Gia Lai", "T52", nation)
    commune = f.node(NodeKind.COMMUNE, "Phường Quy Nhơn", "X21583", province, division="Phường")
    sibling = f.node(NodeKind.COMMUNE, "Xã Tây Sơn", "X21600", province, division="Xã")
    other_province = f.node(NodeKind.PROVINCE, "Tỉnh Quảng Trị", "T44", nation)
    other_commune = f.node(NodeKind.COMMUNE, "Phường Đông Hà", "X19000", other_province, division="Phường")
    return Tree(
        nation=nation,
        province=province,
        commune=commune,
        unit=f.unit(commune, "Tổ dân phố 1, phường Quy Nhơn", "X21583-KDC01", people_count=320),
        school=f.unit(
            commune,
            "Trường THCS Nguyễn Du",
            "X21583-CSGD01",
            kind=NodeKind.SCHOOL,
            education_level=EducationLevel.LOWER_SECONDARY,
        ),
        sibling_commune=sibling,
        sibling_unit=f.unit(sibling, "Thôn Kiên Mỹ", "X21600-KDC01"),
        other_province=other_province,
        other_commune=other_commune,
        other_unit=f.unit(other_commune, "Khu phố 5, phường Đông Hà", "X19000-KDC05"),
    )


@pytest.fixture
def admin(tree: Tree) -> User:
    return f.user_with_role("quantri", Role.SYSTEM_ADMIN, tree.nation)


@pytest.fixture
def province_officer(tree: Tree) -> User:
    return f.user_with_role("tinh.canbo", Role.PROVINCE_OFFICER, tree.province)


@pytest.fixture
def province_leader(tree: Tree) -> User:
    return f.user_with_role("tinh.lanhdao", Role.PROVINCE_LEADER, tree.province)


@pytest.fixture
def inspector(tree: Tree) -> User:
    return f.user_with_role("thanhtra", Role.INSPECTOR, tree.province)


@pytest.fixture
def commune_police(tree: Tree) -> User:
    return f.user_with_role("xa.congan", Role.COMMUNE_POLICE, tree.commune)


@pytest.fixture
def commune_leader(tree: Tree) -> User:
    return f.user_with_role("xa.lanhdao", Role.COMMUNE_LEADER, tree.commune)


@pytest.fixture
def unit_officer(tree: Tree) -> User:
    return f.user_with_role("donvi.canbo", Role.UNIT_OFFICER, tree.unit)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last. pytest groups tests by their session-scoped parameter (the browser name),
    which can move them ahead of pytest-django's order; a live-server test flushes the database at
    its end, and the rows that migrations seed (initiative types, report definitions) would then be
    missing for every test after it on that worker."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# The run's summary of counts (access matrix, API fuzzing, hostile inputs, kills): a hook of the
# conftest, so that the xdist controller, which runs no test, prints it too.
from tests.matrix import pytest_terminal_summary  # noqa: E402, F401
