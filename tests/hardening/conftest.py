"""Hardening fixtures: one small world in which another user owns private things, and API clients.

The world: a public model and dataset with a finished run and a public leaderboard; the model
`olives-hidden-model`, the dataset `olives-hidden-data` and a run of each, owned by `olive` and private,
a leaderboard `olives-hidden-board` on the private dataset, a snapshot of the public leaderboard taken
while it ranked the private model, and an unpublished audit. HIDDEN lists the strings that must never
reach a reader who may not see those things.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from tests.access.conftest import finished_run
from tests.evaluations.conftest import (  # noqa: F401 (fixtures used by name)
    DOCUMENTS, enqueued, private_storage, text_file, text_version, tiny_model_dir, write_jsonl)

# Distinctive on purpose: none of them can occur by chance in a response about public things.
HIDDEN_MODEL_SLUG = "olives-hidden-model"
HIDDEN_MODEL_NAME = "Olive Hidden Llama"
HIDDEN_DATASET_SLUG = "olives-hidden-data"
HIDDEN_DATASET_NAME = "Olive Hidden Corpus"
HIDDEN_BOARD_SLUG = "olives-hidden-board"
HIDDEN_AUDIT_NAME = "Olive Unpublished Audit"


@dataclass
class World:
    users: dict
    tokens: dict
    hidden: set[str] = field(default_factory=set)
    """Strings naming the private things: slugs, names and the private runs' fingerprints."""


@pytest.fixture(autouse=True)
def no_suggestion_queue(monkeypatch) -> list[int]:
    """Audit ids sent to the suggestion queue; no broker is involved."""
    from glassbox.transparency import services

    sent: list[int] = []
    monkeypatch.setattr(services, "enqueue_suggestions", sent.append)
    return sent


@pytest.fixture
def world(db, tiny_model_dir, text_version, tmp_path) -> World:
    from evaluators.transparency.checklists import Checklist as ChecklistFile, Indicator
    from glassbox.accounts.services import grant_role
    from glassbox.leaderboards.services import create_leaderboard, take_snapshot
    from glassbox.registry.services import create_dataset_with_version, register_model
    from glassbox.transparency import services as audits

    olive = User.objects.create_user("olive")
    grant_role(olive, "contributor")
    cora = User.objects.create_user("cora")
    grant_role(cora, "contributor")
    ada = User.objects.create_user("ada", is_staff=True)
    users = {"anonymous": None, "contributor": cora, "admin": ada, "owner": olive}
    tokens = {key: Token.objects.create(user=user).key for key, user in users.items() if user is not None}

    pub = register_model(name="Public Llama", slug="pub", source=str(tiny_model_dir))
    hidden_model = register_model(name=HIDDEN_MODEL_NAME, slug=HIDDEN_MODEL_SLUG, source=str(tiny_model_dir),
                                  owner=olive, is_private=True)
    hidden_version = create_dataset_with_version(
        name=HIDDEN_DATASET_NAME, slug=HIDDEN_DATASET_SLUG, kind="text", owner=olive, is_private=True,
        original_name="hidden.jsonl",
        # Other content than the public dataset's, so its runs' fingerprints are its own.
        uploaded_file_or_path=write_jsonl(tmp_path / "hidden.jsonl", DOCUMENTS[::-1]))
    finished_run(pub, text_version, 2.5)
    hidden_runs = [finished_run(hidden_model, text_version, 2.4), finished_run(pub, hidden_version, 2.2)]
    board = create_leaderboard(slug="ppl", name="Perplexity on docs", dataset_version=text_version,
                               evaluator="perplexity", metrics=["perplexity"], primary_metric="perplexity")
    create_leaderboard(slug=HIDDEN_BOARD_SLUG, name="Perplexity on the hidden corpus",
                       dataset_version=hidden_version, evaluator="perplexity", metrics=["perplexity"],
                       primary_metric="perplexity")
    take_snapshot(board, note="ranks the hidden model too")

    checklist = audits.import_checklist(ChecklistFile("mini", (Indicator("Upstream", "Data", "Data size"),)),
                                        slug="mini")
    audits.create_audit(checklist=checklist, developer="Acme", name=HIDDEN_AUDIT_NAME, user=ada)
    # The hidden model's run shares its fingerprint with the public model's (same weights, same data),
    # so only the run on the hidden dataset has a fingerprint nobody else may see.
    hidden = {HIDDEN_MODEL_SLUG, HIDDEN_MODEL_NAME, HIDDEN_DATASET_SLUG, HIDDEN_DATASET_NAME, HIDDEN_BOARD_SLUG,
              HIDDEN_AUDIT_NAME, hidden_runs[1].fingerprint}
    return World(users, tokens, hidden)


def pytest_terminal_summary(terminalreporter) -> None:
    """Print how much the API fuzzing did: the figures the hardening report quotes."""
    import sys

    fuzz = sys.modules.get("tests.hardening.test_api_fuzz")
    seen = getattr(fuzz, "SEEN", None)
    if seen and seen["cases"]:
        statuses = ", ".join(f"{code}: {count}" for code, count in sorted(seen["statuses"].items()))
        terminalreporter.write_line(f"API fuzzing: {len(seen['operations'])} operations, {seen['cases']} requests "
                                    f"({statuses})")
