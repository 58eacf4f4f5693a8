"""Reuse never crosses what the requester may see, and a reused result belongs to the requested
model and dataset version: its own succeeded run holding copies of the source's results."""
from __future__ import annotations

import math

import pytest

from glassbox.evaluations.models import Run
from glassbox.evaluations.services import start_run

from .reuse_world import computed_run, metric_rows, reuse_world, sample_rows  # noqa: F401 (fixture by name)

pytestmark = pytest.mark.django_db


def start(model, version, **kwargs) -> Run:
    return start_run(evaluator="perplexity", model=model, dataset_version=version, **kwargs)


def test_a_private_run_is_not_reused_for_someone_who_cannot_see_it(reuse_world, enqueued,
                                                                    django_capture_on_commit_callbacks):
    w = reuse_world
    source = computed_run(w.olive_private, w.docs, 2.5)
    with django_capture_on_commit_callbacks(execute=True):
        run = start(w.cora_model, w.docs, user=w.cora)
    assert run.pk != source.pk
    assert (run.model, run.dataset_version, run.status, run.reused_from) == (w.cora_model, w.docs, "queued", None)
    assert run.fingerprint == source.fingerprint
    assert enqueued == [run.pk]


def test_a_run_on_a_private_dataset_is_not_reused_for_someone_who_cannot_see_it(reuse_world, enqueued,
                                                                                 django_capture_on_commit_callbacks):
    w = reuse_world
    computed_run(w.pub, w.secret, 2.5)
    with django_capture_on_commit_callbacks(execute=True):
        run = start(w.cora_model, w.docs, user=w.cora)
    assert (run.status, run.reused_from) == ("queued", None)
    assert enqueued == [run.pk]


def test_the_owner_reuses_her_private_run_for_her_second_registration(reuse_world, enqueued,
                                                                       django_capture_on_commit_callbacks):
    w = reuse_world
    source = computed_run(w.olive_private, w.docs, 2.5)
    with django_capture_on_commit_callbacks(execute=True):
        run = start(w.olive_second, w.docs, user=w.olive)
    assert enqueued == []  # nothing computed again
    assert (run.model, run.dataset_version, run.status, run.reused_from) == (w.olive_second, w.docs, "succeeded",
                                                                             source)
    assert run.requested_by == w.olive and run.finished_at is not None
    value = math.exp(2.5)
    assert metric_rows(run)["perplexity"] == pytest.approx((value, value - 0.5, value + 0.5, 6, "lower"))
    assert metric_rows(run) == metric_rows(source) and run.summary == source.summary
    # The run's own records, equal to the source's (the pages, comparisons and rank groups read them by run).
    assert run.samples.count() == 6 and sample_rows(run) == sample_rows(source)
    assert source.samples.count() == 6


def test_a_public_run_is_reused_across_owners_and_dataset_registrations(reuse_world, enqueued,
                                                                        django_capture_on_commit_callbacks):
    w = reuse_world
    source = computed_run(w.pub, w.docs, 2.5)
    with django_capture_on_commit_callbacks(execute=True):
        run = start(w.cora_model, w.docs_copy, user=w.cora)
        again = start(w.cora_model, w.docs_copy, user=w.cora)
    assert (run.model, run.dataset_version, run.status, run.reused_from) == (w.cora_model, w.docs_copy,
                                                                             "succeeded", source)
    assert again.pk == run.pk  # the requester's own registration pair is reused as it is, not copied again
    assert enqueued == [] and Run.objects.count() == 2
    assert sample_rows(run) == sample_rows(source)


def test_a_run_started_by_the_system_reuses_public_runs_only(reuse_world, enqueued,
                                                             django_capture_on_commit_callbacks):
    w = reuse_world
    private = computed_run(w.olive_private, w.docs, 2.5)
    with django_capture_on_commit_callbacks(execute=True):
        queued = start(w.cora_model, w.docs)
    assert (queued.status, queued.reused_from) == ("queued", None) and enqueued == [queued.pk]
    public = computed_run(w.pub, w.docs_copy, 3.0)
    with django_capture_on_commit_callbacks(execute=True):
        reused = start(w.cora_model, w.docs_copy)
    assert (reused.status, reused.reused_from, reused.requested_by) == ("succeeded", public, None)
    assert reused.reused_from != private and enqueued == [queued.pk]


def test_a_schedule_reuses_a_public_run_for_its_model_and_never_a_private_one(reuse_world, enqueued,
                                                                               django_capture_on_commit_callbacks):
    from glassbox.schedules import services as schedules

    w = reuse_world
    suite = schedules.create_suite(name="Nightly")
    schedules.add_entry(suite, evaluator="perplexity", dataset_version=w.docs)
    computed_run(w.olive_private, w.docs, 2.5)
    with django_capture_on_commit_callbacks(execute=True):
        [queued] = schedules.run_suite(suite, [w.cora_model])
    assert (queued.model, queued.status, queued.reused_from) == (w.cora_model, "queued", None)
    public = computed_run(w.pub, w.docs, 3.0)
    with django_capture_on_commit_callbacks(execute=True):
        [reused] = schedules.run_suite(suite, [w.olive_second])
    assert (reused.model, reused.status, reused.reused_from) == (w.olive_second, "succeeded", public)
    assert enqueued == [queued.pk]


def test_a_run_still_in_flight_on_another_registration_is_not_waited_on(reuse_world, enqueued,
                                                                        django_capture_on_commit_callbacks):
    w = reuse_world
    with django_capture_on_commit_callbacks(execute=True):
        first = start(w.pub, w.docs, user=w.cora)
        second = start(w.cora_model, w.docs, user=w.cora)
    # No results exist yet to attach to cora's model, so it gets its own computation.
    assert second.pk != first.pk and second.model == w.cora_model
    assert enqueued == [first.pk, second.pk]


def test_a_copy_outlives_its_source(reuse_world):
    w = reuse_world
    source = computed_run(w.pub, w.docs, 2.5)
    run = start(w.cora_model, w.docs, user=w.cora)
    expected = (metric_rows(run), sample_rows(run))
    source.delete()
    run.refresh_from_db()
    assert run.reused_from is None and (metric_rows(run), sample_rows(run)) == expected


def test_a_reused_run_ranks_on_the_requesters_leaderboard_paired_by_its_records(reuse_world):
    from glassbox.leaderboards.ranking import leaderboard_table
    from glassbox.leaderboards.services import create_leaderboard
    from glassbox.registry.queries import visible_models

    w = reuse_world
    computed_run(w.pub, w.docs, 2.5)
    start(w.cora_model, w.docs_copy, user=w.cora)
    computed_run(w.olive_second, w.docs_copy, 3.0)
    board = create_leaderboard(slug="copy-ppl", name="Perplexity on the copy", dataset_version=w.docs_copy,
                               evaluator="perplexity", metrics=["perplexity"], primary_metric="perplexity")
    table = leaderboard_table(board, visible_models(w.cora))
    [row] = table["rows"]  # olive's private second model is hidden from cora
    assert row["model"] == "cora-llama" and row["cells"]["perplexity"]["value"] == pytest.approx(math.exp(2.5))
    everyone = leaderboard_table(board)
    assert [r["model"] for r in everyone["rows"]] == ["cora-llama", "olive-second"]
    # Rank groups pair the reused run's own records with the other run's (without records they would fall
    # back to overlapping intervals): nll per token is 0.5 higher on every document, so the paired
    # difference is significant in every resample and olive-second leads a group of its own.
    assert everyone["tie_method"] == ["paired-bootstrap"]
    assert [r["rank_group"] for r in everyone["rows"]] == [1, 2]


def test_a_reused_run_compares_sample_by_sample(reuse_world):
    from glassbox.evaluations.comparison import compare_runs

    w = reuse_world
    computed_run(w.pub, w.docs, 2.5)
    copy = start(w.cora_model, w.docs, user=w.cora)
    other = computed_run(w.olive_private, w.docs, 3.0)
    assert copy.model == w.cora_model
    result = compare_runs(copy, other)
    assert result["shared"] == 6
    [row] = [row for row in result["metrics"] if row["name"] == "perplexity"]
    assert row["method"] == "paired-bootstrap" and row["n"] == 6
    assert row["diff"] == pytest.approx(math.exp(3.0) - math.exp(2.5))
