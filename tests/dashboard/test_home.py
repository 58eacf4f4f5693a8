"""The home page: running runs with progress, recent runs, leaderboards and audits, in a fixed
number of queries however many runs there are."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from glassbox.accounts.services import grant_role
from glassbox.evaluations import services
from glassbox.leaderboards.services import create_leaderboard

from .conftest import seed_perplexity_run

pytestmark = pytest.mark.django_db
NLLS = [20.0, 25.0, 30.0, 3.0, 28.0, 22.0]
SECTIONS = 5  # running, recent, changes, leaderboards, audits: one query each


def run_href(run) -> str:
    return f'href="{reverse("evaluations:run-detail", args=[run.pk])}"'


def seed_runs(model, version, count: int) -> list:
    return [seed_perplexity_run(model, version, NLLS) for _ in range(count)]


def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("evaluations:home")).status_code == 200
    return len(captured)


def test_home_shows_a_running_run_with_its_progress_and_the_other_sections(client, tiny_model, text_version, audit):
    running = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version,
                                 params={"batch_size": 2})
    services.begin_attempt(running.pk)
    services.report_progress(running.pk, 2, 6)
    finished = seed_perplexity_run(tiny_model, text_version, NLLS)
    board = create_leaderboard(slug="ppl", name="Perplexity on docs", dataset_version=text_version,
                               evaluator="perplexity", metrics=["perplexity"], primary_metric="perplexity")
    html = client.get(reverse("evaluations:home")).content.decode()
    running_part, rest = html.split('id="recent"')
    assert run_href(running) in running_part and f"{100 * 2 // 6}%" in running_part
    assert run_href(finished) not in running_part
    assert run_href(finished) in rest and run_href(running) not in rest
    assert reverse("leaderboards:detail", args=[board.slug]) in rest and "Perplexity on docs" in rest
    # The audit is not published yet: auditors see it, visitors do not.
    assert reverse("transparency:audit-detail", args=[audit.pk]) not in rest
    auditor = User.objects.create_user("ada")
    grant_role(auditor, "auditor")
    client.force_login(auditor)
    html = client.get(reverse("evaluations:home")).content.decode()
    assert reverse("transparency:audit-detail", args=[audit.pk]) in html and "Glassbox · Tiny audit" in html


def test_home_lists_only_the_twenty_most_recent_finished_runs(client, tiny_model, text_version):
    runs = seed_runs(tiny_model, text_version, 22)
    html = client.get(reverse("evaluations:home")).content.decode()
    assert all(run_href(run) in html for run in runs[2:])
    assert not any(run_href(run) in html for run in runs[:2])


def test_home_query_count_does_not_grow_with_the_number_of_runs(
        client, tiny_model, other_model, text_version, audit, django_assert_num_queries):
    create_leaderboard(slug="ppl", name="Perplexity", dataset_version=text_version, evaluator="perplexity",
                       metrics=["perplexity"], primary_metric="perplexity")
    seed_runs(tiny_model, text_version, 3)
    few = home_queries(client)
    seed_runs(other_model, text_version, 27)
    for _ in range(5):
        services.begin_attempt(services.start_run(evaluator="perplexity", model=other_model,
                                                  dataset_version=text_version, force=True).pk)
    assert home_queries(client) == few
    with django_assert_num_queries(SECTIONS):
        client.get(reverse("evaluations:home"))
