"""The run pages: anyone reads; staff start and cancel runs; errors are shown, never a 500."""
from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from glassbox.accounts.services import grant_role
from glassbox.evaluations import services
from glassbox.evaluations.models import Run
from glassbox.registry.services import register_model

pytestmark = pytest.mark.django_db
EVIL = '<script>alert("x")</script>'
SUMMARY = {"perplexity": 12.345678, "perplexity_ci": [11.5, 13.25], "word_perplexity": 40.0,
           "byte_perplexity": 2.5, "bits_per_byte": 1.3219, "bits_per_byte_ci": [1.25, 1.75], "n": 6}


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_user("grace", password="pw", is_staff=True))
    return client


@pytest.fixture
def run(tiny_model, text_version) -> Run:
    return services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version,
                              params={"batch_size": 3})


@pytest.fixture
def finished_run(run) -> Run:
    services.begin_attempt(run.pk)
    services.record_environment(run.pk, {"host": "gpu-host-7", "device": "cpu", "dtype": "float32",
                                         "torch": "9.8.7-test", "transformers": "6.5.4-test"})
    services.record_sample(run.pk, "fox", 1, {"nll": 31.5, "tokens": 26, "words": 9, "bytes": 44})
    services.finish_run(run.pk, SUMMARY)
    return Run.objects.get(pk=run.pk)


def detail_url(run: Run) -> str:
    return reverse("evaluations:run-detail", args=[run.pk])


def test_home_lists_recent_runs(client, run):
    response = client.get(reverse("evaluations:home"))
    assert response.status_code == 200
    assert f'href="{detail_url(run)}"' in response.content.decode()


def test_home_and_the_run_list_render_with_no_runs(client):
    for url in (reverse("evaluations:home"), reverse("evaluations:run-list")):
        response = client.get(url)
        assert response.status_code == 200 and "No runs yet." in response.content.decode()


def test_the_run_list_filters_by_status(client, run, finished_run, tiny_model, text_version):
    queued = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version)
    everything = client.get(reverse("evaluations:run-list")).content.decode()
    assert f'href="{detail_url(finished_run)}"' in everything and f'href="{detail_url(queued)}"' in everything
    succeeded = client.get(reverse("evaluations:run-list"), {"status": "succeeded"}).content.decode()
    assert f'href="{detail_url(finished_run)}"' in succeeded and f'href="{detail_url(queued)}"' not in succeeded
    waiting = client.get(reverse("evaluations:run-list"), {"status": "queued"}).content.decode()
    assert f'href="{detail_url(queued)}"' in waiting and f'href="{detail_url(finished_run)}"' not in waiting


def test_the_run_page_shows_metrics_with_intervals_spec_fingerprint_and_environment(client, finished_run):
    response = client.get(detail_url(finished_run))
    assert response.status_code == 200
    html = response.content.decode()
    # Values to four decimals, as the page rounds them.
    for shown in ("perplexity", "12.3457", "[11.5000, 13.2500]", "bits_per_byte", "1.3219", "[1.2500, 1.7500]",
                  "word_perplexity", "40.0000", "byte_perplexity", "2.5000"):
        assert shown in html, shown
    assert html.count("lower") >= 4
    assert "batch_size" in html and "<code>3</code>" in html and "max_length" in html
    assert finished_run.fingerprint in html
    for shown in ("gpu-host-7", "float32", "9.8.7-test", "6.5.4-test"):
        assert shown in html, shown
    assert "fox" in html  # the per-document table
    assert "Cancel</button>" not in html  # nothing left to cancel


def test_the_run_page_escapes_html_in_model_and_dataset_names(client, tiny_model_dir, text_version):
    model = register_model(name=f"Tiny {EVIL}", source=str(tiny_model_dir))
    run = services.start_run(evaluator="perplexity", model=model, dataset_version=text_version)
    services.fail_run(run.pk, f"bad {EVIL}")
    for url in (detail_url(run), reverse("evaluations:run-list"), reverse("evaluations:home")):
        html = client.get(url).content.decode()
        assert EVIL not in html
        assert "&lt;script&gt;" in html


def test_an_unknown_run_is_404(client):
    assert client.get(reverse("evaluations:run-detail", args=[999])).status_code == 404
    assert client.get(reverse("evaluations:run-progress", args=[999])).status_code == 404


def test_progress_json_has_status_progress_and_metrics(client, run, finished_run):
    queued = services.start_run(evaluator="perplexity", model=run.model, dataset_version=run.dataset_version,
                                force=True)
    services.report_progress(queued.pk, 2, 6)
    polled = client.get(reverse("evaluations:run-progress", args=[queued.pk]))
    assert polled.status_code == 200 and polled["Content-Type"] == "application/json"
    data = polled.json()
    assert data["status"] == "queued"
    assert data["progress"] == {"done": 2, "total": 6, "percent": 33}
    assert data["metrics"] == {}

    done = client.get(reverse("evaluations:run-progress", args=[finished_run.pk])).json()
    assert done["status"] == "succeeded"
    assert done["progress"] == {"done": 6, "total": 6, "percent": 100}
    goal = {"direction": "lower", "goal": "lower", "goal_label": "lower is better"}
    assert done["metrics"]["perplexity"] == {"value": 12.345678, "ci": [11.5, 13.25], "n": 6, **goal}
    assert done["metrics"]["word_perplexity"] == {"value": 40.0, "ci": [None, None], "n": 6, **goal}
    assert set(done["metrics"]) == {"perplexity", "word_perplexity", "byte_perplexity", "bits_per_byte"}
    assert done["environment"]["torch"] == "9.8.7-test"


def test_starting_a_run_needs_the_contributor_role(client, tiny_model, text_version):
    url = reverse("evaluations:run-create")
    for response in (client.get(url), client.post(url, {"evaluator": "perplexity", "model": tiny_model.pk,
                                                         "dataset_version": text_version.pk, "params": "{}"})):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    ada = User.objects.create_user("ada", password="pw")
    client.force_login(ada)
    assert client.get(url).status_code == 403  # signed in, but not a contributor
    assert client.post(url, {"evaluator": "perplexity", "model": tiny_model.pk,
                             "dataset_version": text_version.pk, "params": "{}"}).status_code == 403
    assert not Run.objects.exists()
    grant_role(ada, "contributor")
    assert client.get(url).status_code == 200


def test_the_new_run_form_lists_the_evaluators(staff_client):
    response = staff_client.get(reverse("evaluations:run-create"))
    assert response.status_code == 200
    assert '<option value="perplexity">' in response.content.decode()


@pytest.mark.parametrize("params, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    ('{"max_length": 16, "stride": 32}', "stride (32) must not exceed max_length (16)"),
    ('{"batch_size": "big"}', "parameter &#x27;batch_size&#x27; must be integer"),
])
def test_bad_params_are_shown_in_the_form(staff_client, tiny_model, text_version, enqueued, params, message):
    response = staff_client.post(reverse("evaluations:run-create"), {
        "evaluator": "perplexity", "model": tiny_model.pk, "dataset_version": text_version.pk, "params": params})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Run.objects.exists() and enqueued == []


def test_a_valid_form_queues_a_run_and_shows_it(staff_client, tiny_model, text_version, enqueued,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("evaluations:run-create"), {
            "evaluator": "perplexity", "model": tiny_model.pk, "dataset_version": text_version.pk,
            "params": '{"batch_size": 2}'})
    run = Run.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(run)
    assert run.spec["batch_size"] == 2 and run.requested_by.username == "grace"
    assert enqueued == [run.pk]
    page = staff_client.get(detail_url(run)).content.decode()
    assert "Cancel</button>" in page and "No results yet" in page


def test_cancel_takes_a_post_from_staff_only(staff_client, run):
    url = reverse("evaluations:run-cancel", args=[run.pk])
    assert staff_client.get(url).status_code == 405
    response = Client().post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    run.refresh_from_db()
    assert run.status == Run.Status.QUEUED


def test_staff_cancel_a_queued_run_at_once_and_ask_a_running_one_to_stop(staff_client, run, tiny_model,
                                                                         text_version):
    response = staff_client.post(reverse("evaluations:run-cancel", args=[run.pk]), follow=True)
    run.refresh_from_db()
    assert run.status == Run.Status.CANCELLED
    assert response.redirect_chain[-1][0] == detail_url(run) and "Cancelled." in response.content.decode()

    running = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version,
                                 force=True)
    services.begin_attempt(running.pk)
    response = staff_client.post(reverse("evaluations:run-cancel", args=[running.pk]), follow=True)
    running.refresh_from_db()
    assert (running.status, running.cancel_requested) == (Run.Status.RUNNING, True)
    assert "Asked the worker to stop." in response.content.decode()
    assert json.loads(staff_client.get(reverse("evaluations:run-progress", args=[running.pk])).content)[
        "status"] == "running"
