"""A number in a URL path larger than any database id answers 404, never a server error.

Django's `int` converter takes any number of digits, and the database driver raises OverflowError
on a number past 64 bits (e.g. `/runs/3/compare/<25 nines>/` was a 500). Every id in a path goes
through the bounded `<id:...>` converter instead.
"""
from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from glassbox.config.converters import IdConverter

pytestmark = pytest.mark.django_db
HUGE = "9" * 25
LARGEST_ID = 2**63 - 1  # a signed 64-bit integer: the widest id column in SQLite and PostgreSQL
SAMPLE = {"SlugConverter": "x", "StringConverter": "csv", "UUIDConverter": str(uuid.uuid4()), "PathConverter": "x"}


def _patterns(resolver: URLResolver, namespace: str = "", converters: dict | None = None):
    """Yield (name to reverse, converters by parameter) for every named route of the site."""
    for entry in resolver.url_patterns:
        found = {**(converters or {}), **entry.pattern.converters}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner, found)
        elif isinstance(entry, URLPattern) and entry.name and found:
            yield f"{namespace}{entry.name}", found


def _routes_with_ids() -> list[tuple[str, dict]]:
    return [(name, converters) for name, converters in _patterns(get_resolver())
            if any(isinstance(c, IntConverter) for c in converters.values())]


def test_every_number_in_a_path_is_a_bounded_id():
    routes = _routes_with_ids()
    assert len(routes) > 20  # the site's run, audit, checklist, schedule and version pages
    unbounded = [name for name, converters in routes
                 if any(isinstance(c, IntConverter) and not isinstance(c, IdConverter) for c in converters.values())]
    assert unbounded == []


def test_the_id_converter_takes_every_id_up_to_the_largest_and_nothing_above():
    converter = IdConverter()
    assert converter.to_python("0") == 0
    assert converter.to_python(str(LARGEST_ID)) == LARGEST_ID
    with pytest.raises(ValueError):
        converter.to_python(str(LARGEST_ID + 1))


@pytest.mark.parametrize("name, converters", _routes_with_ids(), ids=[name for name, _ in _routes_with_ids()])
def test_a_huge_id_in_any_path_is_a_404(client, name, converters):
    client.force_login(User.objects.create_user("ada", is_staff=True, is_superuser=True))
    kwargs = {key: HUGE if isinstance(c, IntConverter) else SAMPLE[type(c).__name__] for key, c in converters.items()}
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 404
    assert client.post(reverse(name, kwargs=kwargs)).status_code == 404


def test_comparing_with_a_huge_run_id_is_a_404_not_a_server_error(client):
    assert client.get(f"/runs/3/compare/{HUGE}/").status_code == 404
    assert client.get(f"/runs/{HUGE}/compare/3/").status_code == 404


def test_the_compare_form_with_a_number_that_is_not_an_ascii_digit_asks_again(client):
    # '²'.isdigit() is True but int('²') raises: this was a server error.
    response = client.get("/runs/3/compare/?with=%C2%B2")
    assert response.status_code == 302 and response["Location"] == "/runs/3/"
