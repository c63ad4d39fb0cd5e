from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "antq.outreach"
    verbose_name = _("Tuyên truyền, tập huấn, Ngày hội")
