"""The site's new-run form reuses only what the requester may see: it always lands on a run the
requester can open, on their own model, and that run fills their model page and leaderboard."""
from __future__ import annotations

import math

import pytest
from django.test import Client

from glassbox.evaluations.models import Run
from tests.evaluations.reuse_world import computed_run, reuse_world  # noqa: F401 (fixture by name)

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ask(client: Client, model, version) -> Run:
    """Post the new-run form and return the run it redirects to (checking that it is a run page)."""
    response = client.post("/runs/new/", {"evaluator": "perplexity", "model": model.pk,
                                          "dataset_version": version.pk, "params": "{}"})
    assert response.status_code == 302, response.content
    run_id = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert response["Location"] == f"/runs/{run_id}/"
    return Run.objects.get(pk=run_id)


def test_the_form_never_lands_on_a_private_run_of_someone_else(reuse_world, enqueued,
                                                                django_capture_on_commit_callbacks):
    w = reuse_world
    source = computed_run(w.olive_private, w.docs, 2.5)
    cora = signed_in(w.cora)
    with django_capture_on_commit_callbacks(execute=True):
        run = ask(cora, w.cora_model, w.docs)
    assert run.pk != source.pk and (run.model, run.status) == (w.cora_model, "queued")
    assert enqueued == [run.pk]
    assert cora.get(f"/runs/{run.pk}/").status_code == 200


def test_the_form_reuses_a_public_run_onto_the_requesters_model_and_pages(reuse_world, enqueued,
                                                                          django_capture_on_commit_callbacks):
    from glassbox.leaderboards.services import create_leaderboard

    w = reuse_world
    source = computed_run(w.pub, w.docs, 2.5)
    create_leaderboard(slug="copy-ppl", name="Perplexity on cora's copy", dataset_version=w.docs_copy,
                       evaluator="perplexity", metrics=["perplexity"], primary_metric="perplexity")
    cora = signed_in(w.cora)
    with django_capture_on_commit_callbacks(execute=True):
        run = ask(cora, w.cora_model, w.docs_copy)
    assert enqueued == []
    assert (run.model, run.dataset_version, run.status, run.reused_from) == (w.cora_model, w.docs_copy,
                                                                             "succeeded", source)
    page = cora.get(f"/runs/{run.pk}/")
    assert page.status_code == 200
    # The perplexity section reads the run's own per-sample records.
    assert page.context["sections"][0]["data"]["count"] == 6
    assert page.context["reused_from"] == source and f'href="/runs/{source.pk}/"' in page.content.decode()

    model_page = cora.get("/models/cora-llama/")
    [group] = model_page.context["groups"]
    assert [row["run"].pk for row in group["runs"]] == [run.pk]
    board = cora.get("/leaderboards/copy-ppl/").context["table"]
    [row] = board["rows"]
    assert (row["model"], row["run"]) == ("cora-llama", run.pk)
    assert row["cells"]["perplexity"]["value"] == pytest.approx(math.exp(2.5))


def test_a_reused_run_does_not_link_a_source_the_reader_cannot_see(reuse_world):
    w = reuse_world
    source = computed_run(w.olive_private, w.docs, 2.5)
    # olive may reuse her private run for her public registration; its readers do not see the source.
    run = ask(signed_in(w.olive), w.pub, w.docs)
    assert (run.model, run.reused_from) == (w.pub, source)
    for reader in (Client(), signed_in(w.cora)):
        page = reader.get(f"/runs/{run.pk}/")
        assert page.status_code == 200 and page.context["reused_from"] is None
        html = page.content.decode()
        assert 'id="reused-from"' in html and f"/runs/{source.pk}/" not in html
        assert reader.get(f"/runs/{source.pk}/").status_code == 404
