"""The one place that decides who may do what; views, the API, exports and templates ask here.

- anyone (anonymous too) reads public models, datasets, runs, leaderboards, snapshots and
  published audits;
- a *contributor* (group `contributor`) registers models, uploads datasets, starts runs and
  cancels the runs they started;
- an *auditor* (group `auditor`) scores transparency indicators, reconciles and publishes audits;
- an *administrator* (a staff user or superuser) may do everything. trust_remote_code and
  allow_pickle_weights stay settable in the admin only (superusers), never from the site or API.

A private model or dataset is visible only to its owner and to administrators. Visibility is a
queryset filter (never a loop in Python), so a list costs the same queries however many private
objects exist; a run, leaderboard or snapshot is hidden when what it is about is hidden.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

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


def _open_to(user, prefix: str = "") -> Q:
    """Return the condition "public, or owned by `user`" on the object at `prefix`."""
    condition = Q(**{f"{prefix}is_private": False})
    if _signed_in(user):
        condition |= Q(**{f"{prefix}owner_id": user.pk})
    return condition


def visible_models(user, queryset: QuerySet | None = None) -> QuerySet:
    """Return the models `user` may see (narrowing `queryset` when given)."""
    from glassbox.registry.models import Model

    queryset = Model.objects.all() if queryset is None else queryset
    return queryset if is_admin(user) else queryset.filter(_open_to(user))


def visible_datasets(user, queryset: QuerySet | None = None) -> QuerySet:
    """Return the datasets `user` may see (narrowing `queryset` when given)."""
    from glassbox.registry.models import Dataset

    queryset = Dataset.objects.all() if queryset is None else queryset
    return queryset if is_admin(user) else queryset.filter(_open_to(user))


def visible_dataset_versions(user, queryset: QuerySet | None = None) -> QuerySet:
    """Return the dataset versions of datasets `user` may see."""
    from glassbox.registry.models import DatasetVersion

    queryset = DatasetVersion.objects.all() if queryset is None else queryset
    return queryset if is_admin(user) else queryset.filter(_open_to(user, "dataset__"))


def visible_runs(user, queryset: QuerySet | None = None, prefix: str = "") -> QuerySet:
    """Return the runs `user` may see: both the model and the dataset must be visible.

    `prefix` narrows another table by its run (e.g. "run__" for metric results).
    """
    from glassbox.evaluations.models import Run

    queryset = Run.objects.all() if queryset is None else queryset
    if is_admin(user):
        return queryset
    return queryset.filter(_open_to(user, f"{prefix}model__") & _open_to(user, f"{prefix}dataset_version__dataset__"))


def visible_leaderboards(user, queryset: QuerySet | None = None, prefix: str = "") -> QuerySet:
    """Return the leaderboards `user` may see: a leaderboard on a hidden dataset is hidden whole.

    `prefix` narrows another table by its leaderboard (e.g. "leaderboard__" for snapshots).
    """
    from glassbox.leaderboards.models import Leaderboard

    queryset = Leaderboard.objects.all() if queryset is None else queryset
    return queryset if is_admin(user) else queryset.filter(_open_to(user, f"{prefix}dataset_version__dataset__"))


def visible_audits(user, queryset: QuerySet | None = None) -> QuerySet:
    """Return the audits `user` may see: auditors see every audit; everyone else the published ones
    whose subject is not a model hidden from them."""
    from glassbox.transparency.models import Audit

    queryset = Audit.objects.all() if queryset is None else queryset
    if can_audit(user):
        return queryset
    return queryset.filter(Q(published_at__isnull=False)
                           & (Q(subject__model__isnull=True) | _open_to(user, "subject__model__")))


def hidden_model_slugs(user, slugs: Iterable[str]) -> set[str]:
    """Return which of `slugs` name models `user` may not see (one query; none for administrators)."""
    from glassbox.registry.models import Model

    slugs = set(slugs)
    if not slugs or is_admin(user):
        return set()
    return set(Model.objects.filter(slug__in=slugs, is_private=True).exclude(_open_to(user))
               .values_list("slug", flat=True))


def can_see_model(user, model) -> bool:
    """Return True when `user` may see this one model (the rule of visible_models, without a query)."""
    return is_admin(user) or not model.is_private or owns(user, model)


def owns(user, obj) -> bool:
    """Return True when `user` is the recorded owner of a model or dataset."""
    return _signed_in(user) and obj.owner_id == user.pk


def can_add_version(user, dataset) -> bool:
    """Return True when `user` may upload a new version: a contributor, to an unowned dataset or their own."""
    return is_admin(user) or (can_contribute(user) and (dataset.owner_id is None or owns(user, dataset)))


def can_cancel_run(user, run) -> bool:
    """Return True for an administrator, or for a contributor cancelling a run they started."""
    return is_admin(user) or (can_contribute(user) and run.requested_by_id == user.pk)

