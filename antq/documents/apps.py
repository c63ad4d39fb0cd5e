from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "antq.documents"
    verbose_name = _("Văn bản hành chính theo Nghị định 30/2020")
