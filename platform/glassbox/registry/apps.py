from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "glassbox.registry"
    verbose_name = "Registry"
