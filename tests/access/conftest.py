"""Access fixtures: one small world of public and private things, and a client for each kind of user.

The world: models `pub` (public, no owner) and `priv` (private, owned by `olive`); datasets `docs`
(public) and `secret` (private, owned by `olive`); finished perplexity runs of pub on docs, priv on
docs and pub on secret; a queued run started by the contributor `cora`; leaderboard `ppl` on docs
(ranking pub and priv), leaderboard `secret-ppl` on secret, a snapshot of `ppl`; audits: one open,
one ready to publish, one published, and one published about `priv`; a suite `every-night` with one
entry on docs and one on secret, run by a schedule listing pub and priv.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from tests.evaluations.conftest import (  # noqa: F401 (fixtures used by name)
    DOCUMENTS, enqueued, private_storage, text_file, text_version, tiny_model_dir, write_jsonl)

KEYS = [doc["id"] for doc in DOCUMENTS]
TOKENS = [10, 12, 15, 1, 14, 11]
USERS = ("anonymous", "user", "contributor", "auditor", "admin", "owner")


def finished_run(model, version, rate: float, noise: tuple[float, ...] = (0,) * 6):
    """A succeeded perplexity run with per-sample records (nll = rate * tokens + noise), through the services."""
    from glassbox.evaluations import services

    run = services.start_run(evaluator="perplexity", model=model, dataset_version=version, force=True)
    nlls = [rate * tokens + extra for tokens, extra in zip(TOKENS, noise)]
    for index, (key, nll, tokens) in enumerate(zip(KEYS, nlls, TOKENS)):
        services.record_sample(run.pk, key, index, {"nll": nll, "tokens": tokens, "words": 1, "bytes": tokens})
    value = math.exp(sum(nlls) / sum(TOKENS))
    return services.finish_run(run.pk, {"perplexity": value, "perplexity_ci": [value - 0.5, value + 0.5],
                                        "bits_per_byte": sum(nlls) / sum(TOKENS) / math.log(2), "n": 6})


def make_users() -> dict[str, User | None]:
    from glassbox.accounts.services import grant_role

    users: dict[str, User | None] = {"anonymous": None}
    users["user"] = User.objects.create_user("pat")
    for key, name, role in (("contributor", "cora", "contributor"), ("auditor", "audrey", "auditor"),
                            ("owner", "olive", "contributor")):
        users[key] = User.objects.create_user(name)
        grant_role(users[key], role)
    users["admin"] = User.objects.create_user("ada", is_staff=True)
    return users


@dataclass
class World:
    users: dict
    pub: object
    priv: object
    docs: object
    secret: object
    pub_run: object
    priv_model_run: object
    priv_dataset_run: object
    queued_run: object
    snapshot: object
    open_audit: object
    ready_audit: object
    published_audit: object
    priv_audit: object


@pytest.fixture
def world(tiny_model_dir, text_version, tmp_path) -> World:
    from evaluators.transparency.checklists import Checklist as ChecklistFile, Indicator
    from glassbox.evaluations import services as runs
    from glassbox.leaderboards.services import create_leaderboard, take_snapshot
    from glassbox.registry.services import create_dataset_with_version, register_model
    from glassbox.schedules import services as schedules
    from glassbox.schedules.models import Schedule
    from glassbox.transparency import services as audits

    users = make_users()
    olive = users["owner"]
    pub = register_model(name="Public Llama", slug="pub", source=str(tiny_model_dir))
    priv = register_model(name="Private Llama", slug="priv", source=str(tiny_model_dir), owner=olive,
                          is_private=True)
    secret = create_dataset_with_version(name="Secret docs", slug="secret", kind="text", owner=olive,
                                         is_private=True, original_name="secret.jsonl",
                                         uploaded_file_or_path=write_jsonl(tmp_path / "secret.jsonl", DOCUMENTS))
    pub_run = finished_run(pub, text_version, 2.5)
    # Slightly better than pub on average but within noise: the two share rank group 1, led by priv.
    priv_model_run = finished_run(priv, text_version, 2.45, noise=(2, -2, 2, -2, 2, -1))
    priv_dataset_run = finished_run(pub, secret, 2.2)
    queued_run = runs.start_run(evaluator="perplexity", model=pub, dataset_version=text_version,
                                params={"batch_size": 2}, user=users["contributor"])
    board = create_leaderboard(slug="ppl", name="Perplexity on docs", dataset_version=text_version,
                               evaluator="perplexity", metrics=["perplexity"], primary_metric="perplexity")
    create_leaderboard(slug="secret-ppl", name="Perplexity on secret docs", dataset_version=secret,
                       evaluator="perplexity", metrics=["perplexity"], primary_metric="perplexity")
    snapshot = take_snapshot(board, note="for the paper")

    checklist = audits.import_checklist(ChecklistFile("mini", (Indicator("Upstream", "Data", "Data size"),)),
                                        slug="mini")
    admin, auditor = users["admin"], users["auditor"]
    open_audit = audits.create_audit(checklist=checklist, developer="Acme", name="Open", user=admin)
    ready_audit = audits.create_audit(checklist=checklist, developer="Acme", name="Ready", user=admin)
    published_audit = audits.create_audit(checklist=checklist, developer="Acme", name="Done", user=admin)
    indicator = checklist.indicators.get()
    for audit in (ready_audit, published_audit):
        for rater in (admin, auditor):
            audits.record_score(audit, indicator, rater=rater, score=1)
        audits.reconcile_agreements(audit, user=admin)
    audits.publish(published_audit, user=admin)
    priv_audit = audits.create_audit(checklist=checklist, developer="Olive", name="Llama in private", model=priv,
                                     user=admin)
    for rater in (admin, auditor):
        audits.record_score(priv_audit, indicator, rater=rater, score=0)
    audits.reconcile_agreements(priv_audit, user=admin)
    audits.publish(priv_audit, user=admin)

    suite = schedules.create_suite(name="Every night")
    for version in (text_version, secret):
        schedules.add_entry(suite, evaluator="perplexity", dataset_version=version, params={})
    schedules.save_schedule(Schedule(name="Every night run", suite=suite, cron="0 3 * * *"), listed_models=[pub, priv])
    return World(users, pub, priv, text_version.dataset, secret.dataset, pub_run, priv_model_run,
                 priv_dataset_run, queued_run, snapshot, open_audit, ready_audit, published_audit, priv_audit)


def client_for(user) -> APIClient:
    """A client signed in as `user` by session (pages and API alike); anonymous for None."""
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client
