"""The schedules page shows each reader only the suite entries they may see: an entry on a private
dataset, or one whose parameters name a private model (a speed run's draft), is left out for
everyone but the owner and the administrators."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.evaluations.conftest import write_jsonl

pytestmark = pytest.mark.django_db


@pytest.fixture
def olive():
    return User.objects.create_user("olive")


@pytest.fixture
def suite(olive, text_version, tiny_model_dir, tmp_path):
    from glassbox.registry.services import create_dataset_with_version, register_model
    from glassbox.schedules import services

    register_model(name="Olive's draft", slug="olives-draft", source=str(tiny_model_dir), owner=olive,
                   is_private=True)
    hidden = create_dataset_with_version(
        name="Olive's corpus", slug="olives-corpus", kind="text", owner=olive, is_private=True,
        original_name="c.jsonl", uploaded_file_or_path=write_jsonl(tmp_path / "c.jsonl", [{"id": "a", "text": "x"}]))
    prompts = create_dataset_with_version(
        name="Open prompts", slug="open-prompts", kind="prompts", original_name="p.jsonl",
        uploaded_file_or_path=write_jsonl(tmp_path / "p.jsonl", [{"id": "p", "prompt": "def f():"}]))
    suite = services.create_suite(name="Mixed")
    services.add_entry(suite, evaluator="perplexity", dataset_version=text_version, params={})
    services.add_entry(suite, evaluator="perplexity", dataset_version=hidden, params={})
    services.add_entry(suite, evaluator="speed", dataset_version=prompts,
                       params={"variants": "greedy,assisted", "draft": "olives-draft"})
    return suite


def _page(client, user=None) -> str:
    if user is not None:
        client.force_login(user)
    response = client.get("/schedules/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_visitor_sees_the_public_entry_only(client, suite):
    page = _page(client)
    assert "/datasets/docs/" in page
    assert "olives-corpus" not in page and "olives-draft" not in page and "open-prompts" not in page


def test_the_owner_and_an_administrator_see_every_entry(client, suite, olive):
    for user in (olive, User.objects.create_user("ada", is_staff=True)):
        page = _page(client, user)
        assert "/datasets/docs/" in page and "/datasets/olives-corpus/" in page and "olives-draft" in page


def test_the_entries_are_read_in_a_fixed_number_of_queries(suite, olive, django_assert_num_queries):
    from glassbox.schedules import queries

    # suites, their visible entries, and the hidden-model check of the speed entry's draft
    with django_assert_num_queries(3):
        listed = queries.suites(None)
    assert [[entry.dataset_version.dataset.slug for entry in s.shown_entries] for s in listed] == [["docs"]]
