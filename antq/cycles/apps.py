from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclesConfig(AppConfig):
    name = "antq.cycles"
    verbose_name = _("Kỳ đánh giá hằng năm: lịch, đăng ký, tự đánh giá, cấp trên chấm")
