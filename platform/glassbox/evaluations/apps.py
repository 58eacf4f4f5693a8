from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "glassbox.evaluations"
    verbose_name = "Evaluations"
