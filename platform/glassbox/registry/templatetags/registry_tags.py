"""Template filters for registry pages."""
from __future__ import annotations

from django import template

from ..paths import shown_source as _shown_source

register = template.Library()


@register.filter
def shown_source(model, full_paths: bool = False) -> str:
    """`{{ model|shown_source:roles.admin }}`: the source as the reader may see it (see registry.paths)."""
    return _shown_source(model, full_paths=bool(full_paths))
