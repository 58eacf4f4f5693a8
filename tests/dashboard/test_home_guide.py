"""The home page says what Glassbox measures (every registered evaluator, from its registration)
and the three next steps with their links and commands."""
from __future__ import annotations

import re

import pytest

from evaluators import registry

pytestmark = pytest.mark.django_db


def test_every_evaluator_and_the_three_steps_are_on_the_home_page(client):
    page = client.get("/").content.decode()
    guide = page[page.index('id="guide"'):page.index("</section>", page.index('id="guide"'))]
    for name in registry.names():
        assert f'href="/evaluators/#evaluator-{name}"' in guide and registry.get(name).description[:40] in guide
    steps = re.findall(r"<li><strong>(.*?)</strong>", guide[guide.index('id="next-steps"'):])
    assert steps == ["Register your model", "Upload a dataset", "Start a run"]
    for link in ('href="/models/register/"', 'href="/datasets/new/"', 'href="/runs/new/"'):
        assert link in guide
    assert "manage.py register_model --name" in guide and "manage.py start_run perplexity" in guide
