"""Template context: what the signed-in user may do, so templates show only the buttons that work."""
from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import roles


def user_roles(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    # Lazy: pages that never ask cost no query.
    return {"roles": SimpleLazyObject(lambda: _Roles(user))}


class _Roles:
    def __init__(self, user) -> None:
        self.contribute = roles.can_contribute(user)
        self.audit = roles.can_audit(user)
        self.admin = roles.is_admin(user)
