"""Path converters for the apps' urls.py: `<id:name>` is `<int:name>` bounded to what an id can be.

Django's `int` converter accepts any number of digits. A number past a 64-bit id cannot name
anything, yet the database driver raises OverflowError on it (a server error, e.g. in a
`pk__in=[...]` lookup). Bounding it here answers 404 before any view or query runs.
"""
from __future__ import annotations

from django.urls import register_converter
from django.urls.converters import IntConverter

from .api_schema import MAX_ID


class IdConverter(IntConverter):
    """An unsigned integer no larger than the largest database id."""

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(f"{value} is larger than any id")  # Django reads ValueError as "no match": 404
        return number


register_converter(IdConverter, "id")
