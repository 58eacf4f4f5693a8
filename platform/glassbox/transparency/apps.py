from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "glassbox.transparency"
    label = "transparency"
    verbose_name = "Transparency audits"
