"""The REST API's permission classes; the decisions themselves are glassbox.accounts.roles."""
from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from glassbox.accounts import roles


class ContributorWritesOrReadOnly(BasePermission):
    """Reads from anyone (what they see is narrowed by each view's queryset); writes from contributors.

    Object-level rules (cancelling only one's own run, adding versions to one's own dataset) are
    checked by the viewsets with roles.can_cancel_run and roles.can_add_version.
    """

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or roles.can_contribute(request.user)

