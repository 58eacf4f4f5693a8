"""Site views' guard: a role check from roles.py, with the answer a person can act on."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def role_required(check: Callable[[object], bool]) -> Callable:
    """Let a request through when `check(request.user)` holds; else send an anonymous visitor to the
    login page and answer 403 to a signed-in user who lacks the role."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if check(request.user):
                return view(request, *args, **kwargs)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied("your account does not have the role this page needs")
        return guarded

    return decorate
