from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "antq.reports"
    verbose_name = _("Báo cáo định kỳ")

    def ready(self) -> None:
        # The national definitions follow `data/definitions.yaml` after every migrate (as Django
        # does for permissions), so `make run`, a deployment and the test database all have them.
        post_migrate.connect(_load_national_definitions, sender=self)


def _load_national_definitions(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from antq.reports.definitions import load_national

    load_national()
