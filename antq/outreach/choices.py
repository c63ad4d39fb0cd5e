"""Kinds and statuses of the outreach app (identifiers in English, labels in Vietnamese)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionKind(models.TextChoices):
    # Tuyên truyền counts toward the share of the unit's people reached (QĐ 510 mục 2); tập huấn
    # trains the unit's security force and initiative members and is counted on its own.
    PROPAGANDA = "propaganda", _("Tuyên truyền")
    TRAINING = "training", _("Tập huấn")


class Audience(models.TextChoices):
    OFFICIALS = "officials", _("Cán bộ, công chức, viên chức")
    WORKERS = "workers", _("Công nhân, người lao động")
    STUDENTS = "students", _("Học sinh, sinh viên")
    RESIDENTS = "residents", _("Hộ gia đình, nhân dân")
    SECURITY_FORCE = "security_force", _("Lực lượng bảo vệ")
    INITIATIVE_MEMBERS = "initiative_members", _("Thành viên mô hình")


class DeliveryForm(models.TextChoices):
    CONFERENCE = "conference", _("Hội nghị, buổi nói chuyện")
    STAGED = "staged", _("Sân khấu hóa")
    LOUDSPEAKER = "loudspeaker", _("Loa phát thanh")
    SOCIAL_MEDIA = "social_media", _("Mạng xã hội")
    LEAFLETS = "leaflets", _("Tờ rơi, pa-nô, áp phích")
    CLASS = "class", _("Lớp học, lớp tập huấn")
    OTHER = "other", _("Hình thức khác")


class AttendanceMode(models.TextChoices):
    HEADCOUNT = "headcount", _("Chỉ ghi số lượng người tham dự")
    LIST = "list", _("Danh sách người tham dự (nhập từ tệp Excel)")


class FestivalStatus(models.TextChoices):
    PLANNED = "planned", _("Đã lên kế hoạch")
    HELD = "held", _("Đã tổ chức")


class Participation(models.TextChoices):
    # QĐ 510 mục 3: "tích cực hưởng ứng hoặc tổ chức Ngày hội": a unit that joined the commune's
    # festival day (or a neighbour's) earns the item as much as one that held its own.
    HOSTED = "hosted", _("Tự tổ chức")
    JOINED = "joined", _("Tham gia Ngày hội do nơi khác tổ chức")
