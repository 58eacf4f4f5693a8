"""API fixtures: the evaluation fixtures (tiny model, text dataset, no broker) plus API clients."""
from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.evaluations.conftest import (  # noqa: F401 (fixtures used by name)
    code_version, enqueued, private_storage, text_file, text_version, tiny_model, tiny_model_dir, write_jsonl)


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture
def staff(db) -> APIClient:
    """A client authenticated with a staff user's token."""
    from django.contrib.auth.models import User

    user = User.objects.create_user("staff", password="pw", is_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def member(db) -> APIClient:
    """A client authenticated with a token of a user who is not staff."""
    from django.contrib.auth.models import User

    user = User.objects.create_user("member", password="pw")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def finished_run(model, version, value: float, *, params: dict | None = None, ci=(None, None), n: int = 6):
    """Start a perplexity run through the services and finish it with a given perplexity."""
    from glassbox.evaluations import services

    run = services.start_run(evaluator="perplexity", model=model, dataset_version=version, params=params,
                             force=True)
    return services.finish_run(run.pk, {"perplexity": value, "perplexity_ci": list(ci), "n": n})
