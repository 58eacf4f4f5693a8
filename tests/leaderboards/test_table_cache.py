"""The cached leaderboard table: computed once per change of its runs, per visibility scope."""
from __future__ import annotations

import pytest

from .conftest import TOKENS, seed_run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def memory_cache(settings):
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "table-cache-tests"}}
    cache.clear()
    yield
    cache.clear()


def test_a_second_read_is_served_from_the_cache_until_a_run_finishes(seeded, models, board, text_version,
                                                                     monkeypatch, django_assert_max_num_queries):
    from glassbox.leaderboards import table_cache

    computed = []
    real = table_cache.leaderboard_table
    monkeypatch.setattr(table_cache, "leaderboard_table", lambda *a: computed.append(1) or real(*a))
    first = table_cache.cached_table(board, None, "anonymous")
    with django_assert_max_num_queries(1):  # only the aggregate that versions the key
        again = table_cache.cached_table(board, None, "anonymous")
    assert again == first and len(computed) == 1
    # B's new, better run changes the column: the table is computed again and B now leads.
    seed_run(models["b"], text_version, [1.0 * t for t in TOKENS])
    fresh = table_cache.cached_table(board, None, "anonymous")
    assert len(computed) == 2 and fresh["rows"][0]["model"] == "b"


def test_readers_with_other_visibility_get_their_own_table(seeded, models, board, django_user_model):
    from glassbox.accounts import roles
    from glassbox.leaderboards.table_cache import cached_table
    from glassbox.registry.queries import visible_models

    owner = django_user_model.objects.create_user("owner")
    models["a"].owner, models["a"].is_private = owner, True
    models["a"].save()
    anonymous = cached_table(board, visible_models(None), roles.visibility_scope(None))
    mine = cached_table(board, visible_models(owner), roles.visibility_scope(owner))
    assert "a" not in {row["model"] for row in anonymous["rows"]}
    assert "a" in {row["model"] for row in mine["rows"]}


def test_the_json_export_body_is_cached_and_follows_new_runs(anon, seeded, models, board, text_version,
                                                             monkeypatch):
    import json

    from glassbox.leaderboards import exports

    rendered = []
    real = exports.json_bytes
    monkeypatch.setattr("glassbox.leaderboards.export_api.json_bytes", lambda table: rendered.append(1) or real(table))
    first = anon.get("/api/leaderboards/ppl/export.json").content
    assert anon.get("/api/leaderboards/ppl/export.json").content == first
    assert len(rendered) == 1  # the second body came from the cache
    seed_run(models["d"], text_version, [0.5 * t for t in TOKENS])
    body = json.loads(anon.get("/api/leaderboards/ppl/export.json").content)
    assert body["rows"][0]["model"] == "d" and body["rows"][0]["cells"]["perplexity"]["value"] < 2
