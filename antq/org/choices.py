"""Kinds of node in the administrative tree and the registry's closed vocabularies."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NodeKind(models.TextChoices):
    NATION = "nation", _("Toàn quốc")
    PROVINCE = "province", _("Tỉnh, thành phố")
    DISTRICT = "district", _("Huyện (trước 01/7/2025)")
    COMMUNE = "commune", _("Xã, phường, đặc khu")
    RESIDENTIAL_AREA = "residential_area", _("Khu dân cư")
    AGENCY = "agency", _("Cơ quan")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    SCHOOL = "school", _("Cơ sở giáo dục")


# The assessed units (TT 124 Điều 1) as opposed to the administrative levels above them.
UNIT_KINDS: frozenset[str] = frozenset(
    {NodeKind.RESIDENTIAL_AREA, NodeKind.AGENCY, NodeKind.ENTERPRISE, NodeKind.SCHOOL}
)
ADMIN_KINDS: frozenset[str] = frozenset(
    {NodeKind.NATION, NodeKind.PROVINCE, NodeKind.DISTRICT, NodeKind.COMMUNE}
)
# Which kinds a unit may hang under: a commune, or directly a province (province-managed units).
UNIT_PARENT_KINDS: frozenset[str] = frozenset({NodeKind.COMMUNE, NodeKind.PROVINCE})


class ManagingAuthority(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    PROVINCE = "province", _("Cấp tỉnh")
    MINISTRY = "ministry", _("Bộ, ngành trung ương")


class EnterpriseSize(models.TextChoices):
    MICRO = "micro", _("Siêu nhỏ")
    SMALL = "small", _("Nhỏ")
    MEDIUM = "medium", _("Vừa")
    LARGE = "large", _("Lớn")


class EducationLevel(models.TextChoices):
    CRECHE = "creche", _("Nhà trẻ")
    PRESCHOOL = "preschool", _("Mầm non, mẫu giáo")
    PRIMARY = "primary", _("Tiểu học")
    LOWER_SECONDARY = "lower_secondary", _("Trung học cơ sở")
    UPPER_SECONDARY = "upper_secondary", _("Trung học phổ thông")
    MULTI_LEVEL = "multi_level", _("Phổ thông nhiều cấp học")
    CONTINUING = "continuing", _("Giáo dục thường xuyên")
    VOCATIONAL = "vocational", _("Giáo dục nghề nghiệp")
    HIGHER = "higher", _("Đại học, cao đẳng")


class LineageKind(models.TextChoices):
    MERGED_INTO = "merged_into", _("Sáp nhập vào")
    SPLIT_INTO = "split_into", _("Chia tách thành")
    TRANSFERRED_TO = "transferred_to", _("Chuyển về")
    RENAMED_TO = "renamed_to", _("Đổi tên thành")
