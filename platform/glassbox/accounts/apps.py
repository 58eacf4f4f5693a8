from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "glassbox.accounts"
    verbose_name = "Accounts and roles"
