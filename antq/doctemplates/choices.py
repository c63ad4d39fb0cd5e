"""The kinds of generated document whose wording a province may replace."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TemplateKind(models.TextChoices):
    UNIT_CRITERIA_REPORT = "unit_criteria_report", _("Báo cáo kết quả thực hiện tiêu chuẩn ATANTT của đơn vị")
    SCORE_SHEET = "score_sheet", _("Bảng chấm điểm phân loại phong trào (QĐ 510)")
    REVIEW_SUBMISSION = "review_submission", _("Tờ trình đề nghị công nhận")
    REVIEW_MINUTES = "review_minutes", _("Biên bản họp xét công nhận")
    RECOGNITION_DECISION = "recognition_decision", _("Quyết định công nhận đạt tiêu chuẩn ATANTT")
    CLASSIFICATION_DECISION = "classification_decision", _("Quyết định phân loại phong trào")
    PERIODIC_REPORT = "periodic_report", _("Báo cáo định kỳ (6 tháng, năm)")
