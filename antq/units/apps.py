from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "antq.units"
    label = "units"
