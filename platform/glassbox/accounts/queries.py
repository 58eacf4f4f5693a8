"""Reads of users for commands."""
from __future__ import annotations

from django.contrib.auth import get_user_model


def user_by_username(username: str):
    """Return the user with this username, or None."""
    return get_user_model().objects.filter(username=username).first()


def owner_option(username: str | None):
    """Return the user a command's --owner names, None when it names none; refuse an unknown name."""
    from django.core.management.base import CommandError

    if not username:
        return None
    user = user_by_username(username)
    if user is None:
        raise CommandError(f"--owner: no user named '{username}'")
    return user
