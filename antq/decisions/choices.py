"""Kinds and statuses of decisions and award proposals."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionKind(models.TextChoices):
    RECOGNITION = "recognition", _("Quyết định công nhận đạt tiêu chuẩn “An toàn về ANTT”")
    CLASSIFICATION = "classification", _("Quyết định phân loại phong trào")


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")
    REVOKED = "revoked", _("Đã thu hồi")
    CANCELLED = "cancelled", _("Đã hủy dự thảo")


class AuthorityLevel(models.TextChoices):
    """Which committee decides: the one of the unit's commune, of the province, or the ministry."""

    COMMUNE = "commune", _("UBND cấp xã")
    PROVINCE = "province", _("UBND cấp tỉnh")
    MINISTRY = "ministry", _("Bộ Công an")


class AwardKind(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class AwardStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đã đề nghị")
    WITHDRAWN = "withdrawn", _("Đã rút đề nghị")


class SignerPrefix(models.TextChoices):
    """How the signer signs (NĐ 30/2020 Điều 13): in their own right, for, or on behalf of."""

    NONE = "", _("Chủ tịch ký")
    DEPUTY = "KT. CHỦ TỊCH", _("KT. CHỦ TỊCH (Phó Chủ tịch ký thay)")
    ON_BEHALF = "TM. ỦY BAN NHÂN DÂN", _("TM. ỦY BAN NHÂN DÂN")
