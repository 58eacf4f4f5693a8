"""The run page shows a requested value and, where the worker resolved it, what it became."""
from __future__ import annotations

import pytest

from glassbox.evaluations import services
from glassbox.evaluations.specs import spec_rows

pytestmark = pytest.mark.django_db


def test_max_length_none_shows_the_context_it_resolved_to(client, tiny_model, text_version):
    run = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version, params={})
    services.begin_attempt(run.pk)
    services.finish_run(run.pk, {"perplexity": 12.0, "n": 6, "max_length": 128, "stride": 64, "batch_size": 8})
    run.refresh_from_db()
    rows = {row["name"]: row for row in spec_rows(run)}
    assert rows["max_length"] == {"name": "max_length", "requested": None, "resolved": 128}
    assert rows["batch_size"]["resolved"] is None          # asked 8, ran 8: nothing to add
    page = client.get(f"/runs/{run.pk}/").content.decode()
    assert "<code>None</code> <span class=\"muted\">→ <code>128</code> as resolved by the worker</span>" in page
