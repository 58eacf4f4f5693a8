"""The REST API's one permission rule: anyone may read, only staff users may write."""
from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission


class StaffWritesOrReadOnly(BasePermission):
    """Return True for reads from anyone and for writes from an authenticated staff user."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff)
