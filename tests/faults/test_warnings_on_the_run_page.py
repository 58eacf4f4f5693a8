"""A run that lowered its batch after running out of memory says so on its page."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.evaluations.conftest import (  # noqa: F401 (fixtures used by name)
    DOCUMENTS, enqueued, private_storage, text_file, text_version, tiny_model, tiny_model_dir)

pytestmark = pytest.mark.django_db


def test_the_warning_is_shown_escaped(client, tiny_model, text_version, enqueued):
    from glassbox.evaluations import services

    run = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version)
    services.finish_run(run.pk, {"perplexity": 3.0, "n": 6, "warnings": [
        "out of memory at batch size 8; continued at batch size 4", "<b>not bold</b>"]})
    page = client.get(reverse("evaluations:run-detail", args=[run.pk])).content.decode()
    assert 'id="warnings"' in page
    assert "out of memory at batch size 8; continued at batch size 4" in page
    assert "&lt;b&gt;not bold&lt;/b&gt;" in page and "<b>not bold</b>" not in page
