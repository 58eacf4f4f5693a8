from django.apps import AppConfig


class LeaderboardsConfig(AppConfig):
    name = "glassbox.leaderboards"
    verbose_name = "Leaderboards"
