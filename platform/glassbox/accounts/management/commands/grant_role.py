"""`manage.py grant_role USER ROLE [--revoke]`: make a user a contributor, auditor or administrator."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from glassbox.accounts import services
from glassbox.accounts.queries import user_by_username
from glassbox.accounts.roles import ROLES


class Command(BaseCommand):
    help = "Give a user a role (contributor, auditor or admin), or take it away with --revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=[*ROLES, services.ADMIN])
        parser.add_argument("--revoke", action="store_true", help="take the role away instead")

    def handle(self, *args, username: str, role: str, revoke: bool, **options) -> None:
        user = user_by_username(username)
        if user is None:
            raise CommandError(f"no user named '{username}'; create one with `manage.py createsuperuser` "
                               "or in the admin")
        (services.revoke_role if revoke else services.grant_role)(user, role)
        self.stdout.write(f"{username}: {'no longer' if revoke else 'now'} {role}")
