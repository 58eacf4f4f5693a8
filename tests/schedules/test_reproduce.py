"""Reproduce: the run page's button queues the same spec again (never reused) and the copy's
page says what it reproduces, linking to the comparison once both succeeded."""
from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import finish, seed_perplexity_run

pytestmark = pytest.mark.django_db
NLLS = [20.0, 25.0, 30.0, 3.0, 28.0, 22.0]


def test_reproduce_queues_the_same_spec_and_links_the_two_runs(
        admin_client, tiny_model, text_version, enqueued, django_capture_on_commit_callbacks):
    from glassbox.evaluations.models import Run
    from glassbox.schedules.models import Reproduction

    original = seed_perplexity_run(tiny_model, text_version, NLLS, params={"batch_size": 3, "max_length": 64})
    page = admin_client.get(reverse("evaluations:run-detail", args=[original.pk])).content.decode()
    assert reverse("schedules:run-reproduce", args=[original.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("schedules:run-reproduce", args=[original.pk]))
    copy = Run.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302 and response.url == reverse("evaluations:run-detail", args=[copy.pk])
    assert (copy.spec, copy.fingerprint, copy.model, copy.dataset_version, copy.status) == \
        (original.spec, original.fingerprint, original.model, original.dataset_version, "queued")
    assert enqueued[-1] == copy.pk
    assert Reproduction.objects.filter(original=original, copy=copy).exists()
    compare = reverse("evaluations:run-compare", args=[original.pk, copy.pk])
    page = admin_client.get(response.url).content.decode()
    assert "Reproduction of" in page and f"run {original.pk}</a>" in page and compare not in page
    finish(copy, 9.0, (8.0, 10.0))
    page = admin_client.get(response.url).content.decode()
    assert compare in page
    original_page = admin_client.get(reverse("evaluations:run-detail", args=[original.pk])).content.decode()
    assert f"run {copy.pk}</a>" in original_page


def test_only_staff_may_reproduce_and_only_by_post(client, admin_client, tiny_model, text_version):
    from glassbox.evaluations.models import Run

    original = seed_perplexity_run(tiny_model, text_version, NLLS)
    url = reverse("schedules:run-reproduce", args=[original.pk])
    assert client.post(url).status_code == 302 and Run.objects.count() == 1
    assert url not in client.get(reverse("evaluations:run-detail", args=[original.pk])).content.decode()
    assert admin_client.get(url).status_code == 405 and Run.objects.count() == 1
