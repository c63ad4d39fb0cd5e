"""A realistic demo province: Gia Lai (with the former Bình Định) and a few hundred units.

Everything here is illustrative: names are plausible, not real registry records.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from antq.accounts.models import Membership
from antq.accounts.roles import Role
from antq.core.errors import DomainError
from antq.criteria.models import FrameworkVersion
from antq.demo.cycle import load_demo_cycle
from antq.demo.totp import seed_demo_totp
from antq.initiatives.catalogue import sync_types
from antq.initiatives.models import InitiativeType
from antq.org.admin_units import load_current_admin_units, province_code
from antq.org.choices import EducationLevel, EnterpriseSize, ManagingAuthority, NodeKind
from antq.org.models import OrgNode
from antq.org.services import allocate_child_paths, prepare_node

DEMO_PROVINCE = 52  # Gia Lai
DEMO_PASSWORD = "antq-demo-2026"  # noqa: S105 - printed on purpose: demo logins only  # nosec B105

PEOPLE = [
    "Nguyễn Du",
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Quang Trung",
    "Võ Thị Sáu",
    "Lý Thường Kiệt",
    "Nguyễn Huệ",
    "Hùng Vương",
    "Chu Văn An",
    "Phan Bội Châu",
    "Nguyễn Trãi",
    "Lê Quý Đôn",
    "Trần Phú",
    "Ngô Mây",
    "Đào Duy Từ",
    "Xuân Diệu",
    "Hàn Mặc Tử",
    "Bùi Thị Xuân",
]
FIRMS = [
    "Hoàng Anh",
    "Phú Tài",
    "Đức Long",
    "Tân Phát",
    "Bình Minh",
    "Đại Thành",
    "Sông Côn",
    "Ánh Dương",
    "Trường Sơn",
    "Minh Phát",
    "Hưng Thịnh",
    "An Khê",
    "Kon Hà Nừng",
    "Tây Sơn",
]
FORMS = ["Công ty TNHH", "Công ty Cổ phần", "Doanh nghiệp tư nhân", "Hợp tác xã"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Rơ Châm", "Ksor"]
GIVEN = ["Văn Minh", "Thị Hoa", "Văn Hùng", "Thị Lan", "Đức Tài", "Thị Mai", "H'Len", "Văn Bình"]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    node: str


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"


def _units_for(commune: OrgNode, rng: random.Random) -> list[OrgNode]:
    """A handful of units of every kind for one commune, some of them outside TT 124's scope."""
    base = commune.name.split(" ", 1)[1] if " " in commune.name else commune.name
    is_ward = commune.division == "Phường"
    # "Phường Quy Nhơn" -> "phường Quy Nhơn", as written after "Ủy ban nhân dân".
    in_text = f"{commune.division.lower()} {base}"
    units: list[OrgNode] = []

    def add(kind: str, name: str, suffix: str, **attrs: object) -> None:
        units.append(
            OrgNode(
                kind=kind,
                name=name,
                code=f"{commune.code}-{suffix}",
                parent=commune,
                address=f"{base}, tỉnh Gia Lai",
                managing_authority=ManagingAuthority.COMMUNE,
                contact_name=_person(rng),
                contact_phone=f"09{rng.randrange(10**7, 10**8)}",
                **attrs,
            )
        )

    for n in range(1, rng.randint(2, 4) + 1):
        label = f"Tổ dân phố {n}" if is_ward else rng.choice([f"Thôn {n}", f"Làng {n}", f"Thôn Kim Sơn {n}"])
        add(
            NodeKind.RESIDENTIAL_AREA,
            f"{label}, {in_text}",
            f"KDC{n:02d}",
            short_name=label,
            people_count=rng.randint(80, 420),
        )
    add(
        NodeKind.AGENCY,
        f"Ủy ban nhân dân {in_text}",
        "CQ01",
        short_name="UBND",
        people_count=rng.randint(25, 60),
        subunit_count=rng.randint(4, 8),
    )
    add(NodeKind.AGENCY, f"Trạm Y tế {in_text}", "CQ02", people_count=rng.randint(6, 15), subunit_count=2)
    if rng.random() < 0.3:
        add(
            NodeKind.AGENCY,
            f"Ban Chỉ huy Quân sự {in_text}",
            "CQ03",
            is_armed_forces=True,
            people_count=rng.randint(5, 12),
        )
    for n in range(1, rng.randint(1, 2) + 1):
        size = rng.choice(
            [EnterpriseSize.MICRO, EnterpriseSize.SMALL, EnterpriseSize.MEDIUM, EnterpriseSize.LARGE]
        )
        add(
            NodeKind.ENTERPRISE,
            f"{rng.choice(FORMS)} {rng.choice(FIRMS)} {base}",
            f"DN{n:02d}",
            enterprise_size=size,
            tax_code=f"41{rng.randrange(10**7, 10**8)}",
            people_count=rng.randint(10, 900),
            subunit_count=rng.randint(2, 12),
        )
    person = rng.choice(PEOPLE)
    add(
        NodeKind.SCHOOL,
        f"Trường THCS {person}",
        "CSGD01",
        education_level=EducationLevel.LOWER_SECONDARY,
        people_count=rng.randint(30, 80),
        subunit_count=rng.randint(4, 8),
    )
    add(
        NodeKind.SCHOOL,
        f"Trường Tiểu học {rng.choice(PEOPLE)}",
        "CSGD02",
        education_level=EducationLevel.PRIMARY,
        people_count=rng.randint(20, 50),
        subunit_count=4,
    )
    if rng.random() < 0.4:
        add(
            NodeKind.SCHOOL,
            f"Trường Mầm non {rng.choice(['Hoa Sen', 'Sơn Ca', 'Họa Mi', 'Măng Non'])}",
            "CSGD03",
            education_level=EducationLevel.PRESCHOOL,
            people_count=rng.randint(10, 30),
        )
    return units


@transaction.atomic
def _home_agency(commune: OrgNode) -> OrgNode:
    """The agency of `coquan.canbo`, whose year shows the QĐ 510 points its movement records suggest
    (issue 5); added last under the home commune, apart from the units that play the year's states."""
    code = f"{commune.code}-CQ09"
    agency = OrgNode.objects.filter(code=code).first()
    if agency is None:
        agency = OrgNode(
            kind=NodeKind.AGENCY,
            # "Phường Quy Nhơn" -> "phường Quy Nhơn", as written inside a name.
            name=f"Trung tâm Văn hóa - Thể thao và Truyền thanh {commune.name[:1].lower()}{commune.name[1:]}",
            short_name="Trung tâm VH-TT",
            code=code,
            parent=commune,
            address=f"{commune.name}, tỉnh Gia Lai",
            managing_authority=ManagingAuthority.COMMUNE,
            people_count=36,
            subunit_count=4,
            contact_name="Đặng Thu Hà",
        )
        prepare_node(agency, path=allocate_child_paths(commune, 1)[0]).save()
    return agency


def load_demo(*, seed: int = 2026, communes_limit: int | None = None) -> list[DemoLogin]:
    """Load the tree, the demo province's units and one user per role; idempotent."""
    if settings.PRODUCTION:
        # Demo accounts have a published password and a nationwide administrator.
        raise DomainError("load_demo is refused when ANTQ_PRODUCTION=1.")
    load_current_admin_units()
    # The catalogue a migration seeds (idempotent): a database emptied by `flush`, as the browser
    # tests' live server leaves it, has lost it.
    sync_types(InitiativeType)
    province = OrgNode.objects.get(code=province_code(DEMO_PROVINCE))
    communes = list(OrgNode.objects.filter(parent=province, kind=NodeKind.COMMUNE).order_by("path"))
    if communes_limit:
        communes = communes[:communes_limit]
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets  # nosec B311
    if not OrgNode.objects.units().in_subtree(province).exists():
        new_units: list[OrgNode] = []
        for commune in communes:
            units = _units_for(commune, rng)
            for unit, path in zip(units, allocate_child_paths(commune, len(units)), strict=True):
                new_units.append(prepare_node(unit, path=path))
        OrgNode.objects.bulk_create(new_units, batch_size=1000)
        # A few province-managed agencies sit directly under the province.
        for n, name in enumerate(
            ["Sở Tư pháp tỉnh Gia Lai", "Bảo hiểm xã hội tỉnh Gia Lai", "Trường THPT chuyên Lê Quý Đôn"],
            start=1,
        ):
            kind = NodeKind.SCHOOL if name.startswith("Trường") else NodeKind.AGENCY
            unit = OrgNode(
                kind=kind,
                name=name,
                code=f"{province.code}-T{n:02d}",
                parent=province,
                managing_authority=ManagingAuthority.PROVINCE,
                people_count=rng.randint(40, 200),
                subunit_count=rng.randint(4, 10),
                education_level=EducationLevel.UPPER_SECONDARY if kind == NodeKind.SCHOOL else "",
            )
            prepare_node(unit, path=allocate_child_paths(province, 1)[0]).save()

    home_commune = communes[0]
    home_unit = (
        OrgNode.objects.filter(parent=home_commune, kind=NodeKind.RESIDENTIAL_AREA).order_by("path").first()
    )
    home_agency = _home_agency(home_commune)
    nation = OrgNode.objects.get(kind=NodeKind.NATION)
    plan = [
        ("quantri", "Quản trị hệ thống", Role.SYSTEM_ADMIN, nation),
        ("tinh.canbo", "Trần Quốc Bảo", Role.PROVINCE_OFFICER, province),
        ("tinh.lanhdao", "Lê Văn Thành", Role.PROVINCE_LEADER, province),
        ("thanhtra", "Phạm Thị Hằng", Role.INSPECTOR, province),
        ("xa.congan", "Nguyễn Văn An", Role.COMMUNE_POLICE, home_commune),
        ("xa.lanhdao", "Huỳnh Thị Mai", Role.COMMUNE_LEADER, home_commune),
        ("donvi.canbo", "Võ Minh Tuấn", Role.UNIT_OFFICER, home_unit),
        ("coquan.canbo", "Đặng Thu Hà", Role.UNIT_OFFICER, home_agency),
    ]
    logins = []
    users: dict[str, User] = {}
    for username, full_name, role, node in plan:
        assert node is not None  # noqa: S101 - the demo province always has units
        first, _sep, last = full_name.rpartition(" ")
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, node=node, role=role)
        users[username] = user
        logins.append(DemoLogin(username, str(Role(role).label), node.name))
    # Province and system roles must pass a TOTP code: one published demo secret (antq/demo/totp.py).
    # Not where enforcement is off (the test settings): a device would still ask for its code.
    if settings.ANTQ_2FA_REQUIRED:
        seed_demo_totp(users.values())
    if FrameworkVersion.objects.exists():
        # The year in progress needs the frameworks (`antq load_frameworks`, run before by `make run`).
        load_demo_cycle(province=province, commune=home_commune, users=users)
    return logins
