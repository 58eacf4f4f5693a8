"""start_run checks the request, reuses an equal evaluation, and queues a new one only after commit."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from glassbox.evaluations.models import Run
from glassbox.evaluations.services import RunRequestError, start_run
from glassbox.registry.services import add_dataset_version

from .conftest import DOCUMENTS, write_jsonl

pytestmark = pytest.mark.django_db


def start(model, version, **kwargs) -> Run:
    return start_run(evaluator="perplexity", model=model, dataset_version=version, **kwargs)


@pytest.mark.parametrize("params, named", [
    ({"windw": 8}, "windw"),
    ({"batch_size": "8"}, "batch_size"),
    ({"batch_size": 2.0}, "batch_size"),
    ({"batch_size": True}, "batch_size"),
    ({"max_length": False}, "max_length"),
    ({"max_length": 16, "stride": 32}, "stride"),
    ({"max_length": 16, "stride": 16}, "stride"),
    ({"batch_size": 0}, "batch_size"),
])
def test_bad_params_are_refused_naming_the_field_and_nothing_is_queued(tiny_model, text_version, enqueued,
                                                                       django_capture_on_commit_callbacks,
                                                                       params, named):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RunRequestError, match=named):
            start(tiny_model, text_version, params=params)
    assert not Run.objects.exists()
    assert enqueued == []


def test_params_that_are_not_an_object_are_refused(tiny_model, text_version):
    with pytest.raises(RunRequestError, match="JSON object"):
        start(tiny_model, text_version, params=[8])


def test_a_dataset_of_another_kind_is_refused(tiny_model, code_version):
    with pytest.raises(RunRequestError) as refused:
        start(tiny_model, code_version)
    assert "'text'" in str(refused.value) and "'codegen'" in str(refused.value)
    assert not Run.objects.exists()


def test_an_unknown_evaluator_is_refused_listing_the_known_ones(tiny_model, text_version):
    with pytest.raises(RunRequestError) as refused:
        start_run(evaluator="bleu", model=tiny_model, dataset_version=text_version)
    assert "bleu" in str(refused.value) and "perplexity" in str(refused.value)
    assert not Run.objects.exists()


def test_a_new_run_is_queued_once_after_commit_with_every_row_to_do(tiny_model, text_version, enqueued,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = start(tiny_model, text_version, params={"batch_size": 2})
        assert enqueued == []  # nothing leaves before the run's row is committed
    assert len(callbacks) == 1
    callbacks[0]()
    assert enqueued == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.evaluator, run.evaluator_version, run.queue) == ("queued", "perplexity", "1", "gpu")
    assert (run.progress_done, run.progress_total, run.attempts) == (0, len(DOCUMENTS), 0)
    assert run.spec["batch_size"] == 2


@pytest.mark.django_db(transaction=True)
def test_the_queue_hears_of_a_run_only_when_the_outer_transaction_commits(tiny_model, text_version, enqueued):
    with transaction.atomic():
        run = start(tiny_model, text_version)
        assert enqueued == []
    assert enqueued == [run.pk]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_request_queues_nothing(tiny_model, text_version, enqueued):
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            start(tiny_model, text_version)
            1 / 0
    assert enqueued == [] and not Run.objects.exists()


@pytest.mark.parametrize("status", [Run.Status.SUCCEEDED, Run.Status.QUEUED, Run.Status.RUNNING])
def test_a_succeeded_or_in_flight_run_with_the_same_fingerprint_is_reused(tiny_model, text_version, enqueued,
                                                                          django_capture_on_commit_callbacks,
                                                                          status):
    with django_capture_on_commit_callbacks(execute=True):
        first = start(tiny_model, text_version)
    Run.objects.filter(pk=first.pk).update(status=status)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = start(tiny_model, text_version)
    assert again.pk == first.pk
    assert callbacks == [] and enqueued == [first.pk]
    assert Run.objects.count() == 1


@pytest.mark.parametrize("status", [Run.Status.FAILED, Run.Status.CANCELLED])
def test_a_failed_or_cancelled_run_is_not_reused(tiny_model, text_version, enqueued,
                                                 django_capture_on_commit_callbacks, status):
    with django_capture_on_commit_callbacks(execute=True):
        first = start(tiny_model, text_version)
    Run.objects.filter(pk=first.pk).update(status=status)
    with django_capture_on_commit_callbacks(execute=True):
        again = start(tiny_model, text_version)
    assert again.pk != first.pk
    assert again.fingerprint == first.fingerprint
    assert enqueued == [first.pk, again.pk]


def test_force_queues_a_new_run_even_after_a_success(tiny_model, text_version, enqueued,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = start(tiny_model, text_version)
    Run.objects.filter(pk=first.pk).update(status=Run.Status.SUCCEEDED)
    with django_capture_on_commit_callbacks(execute=True):
        forced = start(tiny_model, text_version, force=True)
    assert forced.pk != first.pk and forced.status == Run.Status.QUEUED
    assert enqueued == [first.pk, forced.pk]
    # Without force the newest equal run is the one reused.
    assert start(tiny_model, text_version).pk == forced.pk


def test_other_params_or_a_new_dataset_version_make_a_new_run(tiny_model, text_version, tmp_path):
    first = start(tiny_model, text_version)
    other_params = start(tiny_model, text_version, params={"batch_size": 3})
    more_documents = DOCUMENTS + [{"id": "extra", "text": "one more document"}]
    version2, created = add_dataset_version(dataset=text_version.dataset, original_name="docs.jsonl",
                                            uploaded_file_or_path=write_jsonl(tmp_path / "v2.jsonl", more_documents))
    assert created
    other_data = start(tiny_model, version2)
    assert len({first.pk, other_params.pk, other_data.pk}) == 3
    assert len({first.fingerprint, other_params.fingerprint, other_data.fingerprint}) == 3
    assert other_data.progress_total == len(DOCUMENTS) + 1


def test_the_requesting_user_is_kept_and_an_anonymous_one_is_not(tiny_model, text_version):
    ada = User.objects.create_user("ada")
    assert start(tiny_model, text_version, user=ada).requested_by == ada
    assert start(tiny_model, text_version, user=AnonymousUser(), force=True).requested_by is None
