"""The only code that changes a user's roles (and creates the accounts that act on their own)."""
from __future__ import annotations

from django.contrib.auth.models import Group

from .roles import ROLES

ADMIN = "admin"


class RoleError(ValueError):
    """A role that does not exist."""


def grant_role(user, role: str) -> None:
    """Give `user` the role: join its group, or for `admin` become a staff user."""
    if role == ADMIN:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    elif role in ROLES:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    else:
        raise RoleError(f"unknown role '{role}'; use one of {', '.join((*ROLES, ADMIN))}")
    user.__dict__.pop("_glassbox_roles", None)  # roles.has_role keeps the old names on the object


def revoke_role(user, role: str) -> None:
    """Take the role away from `user` (for `admin`: no longer a staff user)."""
    if role == ADMIN:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    elif role in ROLES:
        user.groups.remove(*Group.objects.filter(name=role))
    else:
        raise RoleError(f"unknown role '{role}'; use one of {', '.join((*ROLES, ADMIN))}")
    user.__dict__.pop("_glassbox_roles", None)


def named_account(username: str, role: str):
    """Return the user `username`, created without a usable password if missing, holding `role`.

    For accounts that act without anyone signing in as them (the demo's raters)."""
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    grant_role(user, role)
    return user
