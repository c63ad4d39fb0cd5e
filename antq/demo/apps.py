from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "antq.demo"
    label = "demo"
