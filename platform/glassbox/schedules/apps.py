from django.apps import AppConfig


class SchedulesConfig(AppConfig):
    name = "glassbox.schedules"
    verbose_name = "Suites and schedules"

    def ready(self) -> None:
        # Receivers hook registration and finished runs without registry or evaluations importing us.
        from . import signals  # noqa: F401
