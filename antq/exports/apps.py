from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "antq.exports"
    verbose_name = _("Xuất dữ liệu")

    def ready(self) -> None:
        # Every app's `exports.py` registers its exporters (antq.exports.registry).
        autodiscover_modules("exports")
