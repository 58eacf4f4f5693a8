"""Template tags that let pages owned by other apps show changes and reproductions without
those apps' views importing this one."""
from __future__ import annotations

from django import template

from .. import queries

register = template.Library()


@register.simple_tag(takes_context=True)
def changes_for_model(context, model) -> list:
    return queries.changes_for_model(model, user=context.get("user"))


@register.simple_tag(takes_context=True)
def recent_changes(context, limit: int = 10) -> list:
    return queries.recent_changes(limit, user=context.get("user"))


@register.simple_tag
def reproductions(run) -> dict:
    return queries.reproductions(run)
