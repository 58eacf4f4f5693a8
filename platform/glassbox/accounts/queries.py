"""Reads of users for commands."""
from __future__ import annotations

from django.contrib.auth import get_user_model


def user_by_username(username: str):
    """Return the user with this username, or None."""
    return get_user_model().objects.filter(username=username).first()
