"""Template helpers for the declared run-page sections: table cells formatted by their column's
format (escaped: record values are model output), and links that change one query parameter."""
from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.utils.html import format_html

from evaluators.core.pages import Column

from ..numbers import format_number, format_value
from ..numbers import unit_label as label_of

register = template.Library()


@register.filter
def unit_label(unit: str) -> str:
    return label_of(unit)


@register.filter
def metric_value(value, unit: str = "") -> str:
    """{{ m.value|metric_value:m.unit }}: the value formatted for its unit."""
    return format_value(value, unit)


@register.simple_tag
def cell(column: Column, value) -> str:
    """Return the <td> of one value in its column's format."""
    if value is None:
        return format_html('<td class="muted">—</td>')
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if column.format == "code":
        return format_html("<td><pre><code>{}</code></pre></td>", value)
    if column.format == "integer" and numeric:
        return format_html('<td class="num">{}</td>', f"{int(value):,}")
    if column.format == "percent" and numeric:
        return format_html('<td class="num">{}</td>', format_value(value, "share"))
    if column.format == "number" and numeric:
        return format_html('<td class="num">{}</td>', format_number(float(value)))
    return format_html("<td>{}</td>", value)


@register.simple_tag
def query_with(request, *pairs) -> str:
    """Return the request's query string with each (name, value) pair set; an empty value drops it."""
    params = request.GET.copy()
    for name, value in zip(pairs[::2], pairs[1::2]):
        if value in ("", None):
            params.pop(name, None)
        else:
            params[name] = str(value)
    return urlencode(sorted(params.items()))
