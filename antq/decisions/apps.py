from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "antq.decisions"
    verbose_name = _("Quyết định công nhận, phân loại và đề nghị khen thưởng")
