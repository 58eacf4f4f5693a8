"""The admin shows runs and their sample records, and never creates or edits them."""
from __future__ import annotations

import pytest
from django.urls import reverse

from glassbox.evaluations import services
from glassbox.evaluations.models import Run, SampleRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished_run(tiny_model, text_version) -> Run:
    run = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version)
    services.begin_attempt(run.pk)
    services.record_sample(run.pk, "fox", 1, {"nll": 31.5, "tokens": 26, "words": 9, "bytes": 44})
    services.finish_run(run.pk, {"perplexity": 3.25, "perplexity_ci": [3.0, 3.5], "n": 1})
    return Run.objects.get(pk=run.pk)


def test_run_changelist_and_change_page_render_for_a_superuser(admin_client, finished_run):
    listing = admin_client.get(reverse("admin:evaluations_run_changelist"))
    assert listing.status_code == 200
    assert reverse("admin:evaluations_run_change", args=[finished_run.pk]) in listing.content.decode()
    filtered = admin_client.get(reverse("admin:evaluations_run_changelist"), {"status__exact": "failed"})
    assert filtered.status_code == 200
    assert reverse("admin:evaluations_run_change", args=[finished_run.pk]) not in filtered.content.decode()
    searched = admin_client.get(reverse("admin:evaluations_run_changelist"), {"q": finished_run.fingerprint})
    assert reverse("admin:evaluations_run_change", args=[finished_run.pk]) in searched.content.decode()

    change = admin_client.get(reverse("admin:evaluations_run_change", args=[finished_run.pk]))
    assert change.status_code == 200
    html = change.content.decode()
    assert finished_run.fingerprint in html
    assert "perplexity" in html and "3.25" in html  # the metric inline


def test_sample_record_changelist_and_change_page_render_for_a_superuser(admin_client, finished_run):
    record = SampleRecord.objects.get()
    listing = admin_client.get(reverse("admin:evaluations_samplerecord_changelist"))
    assert listing.status_code == 200
    assert reverse("admin:evaluations_samplerecord_change", args=[record.pk]) in listing.content.decode()
    change = admin_client.get(reverse("admin:evaluations_samplerecord_change", args=[record.pk]))
    assert change.status_code == 200 and "31.5" in change.content.decode()


def test_runs_and_records_cannot_be_added_or_edited_in_the_admin(admin_client, finished_run):
    assert admin_client.get(reverse("admin:evaluations_run_add")).status_code == 403
    assert admin_client.get(reverse("admin:evaluations_samplerecord_add")).status_code == 403
    run_page = admin_client.get(reverse("admin:evaluations_run_change", args=[finished_run.pk])).content.decode()
    for field in ("status", "error", "spec", "fingerprint", "summary"):
        assert f'name="{field}"' not in run_page, field  # shown, not editable
    record = SampleRecord.objects.get()
    record_page = admin_client.get(reverse("admin:evaluations_samplerecord_change", args=[record.pk])).content
    assert b'name="data"' not in record_page
