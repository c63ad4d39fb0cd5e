from django.apps import AppConfig


class CriteriaConfig(AppConfig):
    name = "antq.criteria"
    label = "criteria"
    verbose_name = "Tiêu chí và bộ máy đánh giá"
