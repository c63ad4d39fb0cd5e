from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForcesConfig(AppConfig):
    name = "antq.forces"
    verbose_name = _("Lực lượng bảo vệ ANTT")
