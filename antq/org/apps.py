from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "antq.org"
    label = "org"
    verbose_name = _("Cây tổ chức và danh bạ đơn vị")
