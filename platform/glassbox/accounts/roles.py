"""Who may do what: the role predicates views, the API, exports and templates ask.

- anyone (anonymous too) reads public models, datasets, runs, leaderboards, snapshots and
  published audits;
- a *contributor* (group `contributor`) registers models, uploads datasets, starts runs and
  cancels the runs they started;
- an *auditor* (group `auditor`) scores transparency indicators, reconciles and publishes audits;
- an *administrator* (a staff user or superuser) may do everything. trust_remote_code and
  allow_pickle_weights stay settable in the admin only (superusers), never from the site or API.

A private model or dataset is visible only to its owner and to administrators. That rule is
`open_to` here; the queries applying it to each table live in the app owning the table
(registry.queries.visible_models / visible_datasets / visible_dataset_versions,
evaluations.queries.visible_runs, leaderboards.visibility.visible_leaderboards,
transparency.queries.visible_audits), since accounts sits below every app and imports none of
them. Visibility is a queryset filter (never a loop in Python), so a list costs the same queries
however many private objects exist; a run, leaderboard or snapshot is hidden when what it is
about is hidden.
"""
from __future__ import annotations

from django.db.models import Q

CONTRIBUTOR = "contributor"
AUDITOR = "auditor"
ROLES = (CONTRIBUTOR, AUDITOR)


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def is_admin(user) -> bool:
    """Return True for a staff user or a superuser."""
    return _signed_in(user) and bool(user.is_staff or user.is_superuser)


def visibility_scope(user) -> str:
    """Return a name shared by every reader who sees exactly the same objects (for caching)."""
    if is_admin(user):
        return "admin"
    return f"user:{user.pk}" if _signed_in(user) else "anonymous"


def has_role(user, role: str) -> bool:
    """Return True when `user` belongs to the role's group (administrators are not implied here)."""
    if not _signed_in(user):
        return False
    # One query per request: the group names are kept on the user object the request carries.
    names = getattr(user, "_glassbox_roles", None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        user._glassbox_roles = names
    return role in names


def can_contribute(user) -> bool:
    """Return True when `user` may register models, upload datasets and start runs."""
    return is_admin(user) or has_role(user, CONTRIBUTOR)


def can_audit(user) -> bool:
    """Return True when `user` may score indicators, reconcile and publish audits."""
    return is_admin(user) or has_role(user, AUDITOR)


def open_to(user, prefix: str = "") -> Q:
    """Return the condition "public, or owned by `user`" on the object at `prefix`.

    The one rule every app's visibility query is built from (registry.queries.visible_models,
    evaluations.queries.visible_runs, ...). Administrators see everything: those queries skip it.
    """
    condition = Q(**{f"{prefix}is_private": False})
    if _signed_in(user):
        condition |= Q(**{f"{prefix}owner_id": user.pk})
    return condition


def owns(user, obj) -> bool:
    """Return True when `user` is the recorded owner of a model or dataset."""
    return _signed_in(user) and obj.owner_id == user.pk


def can_add_version(user, dataset) -> bool:
    """Return True when `user` may upload a new version: a contributor, to an unowned dataset or their own."""
    return is_admin(user) or (can_contribute(user) and (dataset.owner_id is None or owns(user, dataset)))


def can_cancel_run(user, run) -> bool:
    """Return True for an administrator, or for a contributor cancelling a run they started."""
    return is_admin(user) or (can_contribute(user) and run.requested_by_id == user.pk)

