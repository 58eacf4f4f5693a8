"""The REST API fuzzed against its own OpenAPI schema (schemathesis, in-process over WSGI).

Every operation is exercised anonymously, with a contributor's token and with an administrator's
token, with valid (positive) and invalid (negative) inputs. Every response must be free of server
errors, conform to the schema (status codes, content types, bodies), carry a message when it refuses
the input, and, for readers who may not see them, never name another user's private model, dataset,
run, leaderboard or unpublished audit.
"""
from __future__ import annotations

import json
from collections import Counter

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

EXAMPLES_PER_OPERATION = 25
READERS = ("anonymous", "contributor", "admin")

CONFIG = schemathesis.Config.from_dict({
    # The coverage phase enumerates every boundary value of every field (hundreds of cases per
    # operation); random positive and negative cases keep the file within its time budget.
    "phases": {"examples": {"enabled": True}, "fuzzing": {"enabled": True}, "coverage": {"enabled": False},
               "stateful": {"enabled": False}},
    "generation": {"mode": "all", "max-examples": EXAMPLES_PER_OPERATION},
    "seed": 8,
})
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), config=CONFIG)

# What the reader of the current case may not see; set by the `reader` fixture for each test.
_FORBIDDEN: set[str] = set()
SEEN: dict = {"cases": 0, "operations": set(), "statuses": Counter()}


@schemathesis.check
def no_private_object_leaks(ctx, response, case) -> bool | None:
    """Fail when the body names a private object the reader may not see (unless the request itself did)."""
    body = response.text or ""
    sent = json.dumps([case.path_parameters, case.query, case.body], default=str)
    leaked = sorted(marker for marker in _FORBIDDEN if marker in body and marker not in sent)
    if leaked:
        raise AssertionError(f"{case.method} {case.formatted_path} shows private {leaked} "
                             f"(status {response.status_code})")
    return None


@schemathesis.check
def refusals_say_why(ctx, response, case) -> bool | None:
    """Fail when a 4xx answer carries no message a client could show."""
    if 400 <= response.status_code < 500 and response.status_code != 405:
        try:
            body = response.json()
        except ValueError:
            raise AssertionError(f"{response.status_code} without a JSON message: {response.text[:200]!r}")
        if not body:
            raise AssertionError(f"{response.status_code} with an empty body")
    return None


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          no_private_object_leaks, refusals_say_why]


@pytest.fixture
def in_process_requests():
    # Django's WSGI handler closes connections it thinks are stale at each request's start and end;
    # inside the test's transaction that would close the test database (the test client does the same).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=READERS)
def reader(request, in_process_requests, world, settings) -> dict:
    """The headers of one kind of reader; the private things they may not see are in _FORBIDDEN."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    who = request.param
    _FORBIDDEN.clear()
    if who != "admin":
        _FORBIDDEN.update(world.hidden)
    yield {"Authorization": f"Token {world.tokens[who]}"} if who in world.tokens else {}
    _FORBIDDEN.clear()


@schema.parametrize()
@hypothesis.settings(deadline=None, suppress_health_check=list(hypothesis.HealthCheck), derandomize=True,
                     database=None)
def test_api_operation(case, reader):
    response = case.call_and_validate(headers=reader, checks=CHECKS)
    SEEN["cases"] += 1
    SEEN["operations"].add(case.operation.label)
    SEEN["statuses"][response.status_code] += 1



@pytest.mark.parametrize("who", ["anonymous", "contributor"])
def test_filters_and_exports_naming_private_things_show_nothing_of_them(world, who, client):
    """What the fuzzer cannot guess: filters and exports aimed at the private objects by name."""
    from tests.hardening.conftest import HIDDEN_BOARD_SLUG, HIDDEN_DATASET_SLUG, HIDDEN_MODEL_SLUG

    headers = {"HTTP_AUTHORIZATION": f"Token {world.tokens[who]}"} if who in world.tokens else {}
    for url in (f"/api/runs/?model={HIDDEN_MODEL_SLUG}", f"/api/runs/?dataset={HIDDEN_DATASET_SLUG}",
                f"/api/results/?model={HIDDEN_MODEL_SLUG}", f"/api/results/?dataset={HIDDEN_DATASET_SLUG}"):
        assert client.get(url, **headers).json()["count"] == 0, url
    for url in (f"/api/models/{HIDDEN_MODEL_SLUG}/", f"/api/datasets/{HIDDEN_DATASET_SLUG}/",
                f"/api/leaderboards/{HIDDEN_BOARD_SLUG}/", f"/api/leaderboards/{HIDDEN_BOARD_SLUG}/table/",
                f"/api/leaderboards/{HIDDEN_BOARD_SLUG}/export.json",
                f"/api/leaderboards/{HIDDEN_BOARD_SLUG}/export.csv"):
        assert client.get(url, **headers).status_code == 404, url
    from glassbox.leaderboards.models import Snapshot

    uid = Snapshot.objects.get().uid
    # Each page or export shows public things (the proof it rendered them) and none of the private ones.
    shown = {"/api/leaderboards/ppl/export.json": "Public Llama", "/api/leaderboards/ppl/export.csv": "Public Llama",
             f"/api/snapshots/{uid}/export.json": "Public Llama", f"/api/snapshots/{uid}/export.csv": "Public Llama",
             "/leaderboards/ppl/": "Public Llama", f"/snapshots/{uid}/": "Public Llama", "/": "Public Llama",
             "/models/": "Public Llama", "/datasets/": "Docs", "/runs/": "Public Llama",
             "/leaderboards/": "Perplexity on docs"}
    for url, public in shown.items():
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert public in body, url
        assert not [marker for marker in world.hidden if marker in body], url
