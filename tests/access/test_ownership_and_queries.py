"""Ownership is recorded on creation (site, API, command); refused writes leave nothing behind;
snapshots keep no trace of a hidden model; list pages filter in the query, so their query count
does not grow with the number of private objects."""
from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from glassbox.accounts import roles
from glassbox.evaluations.forms import RunForm
from glassbox.evaluations.models import Run
from glassbox.registry.models import Dataset, Model
from glassbox.transparency.models import IndicatorScore

from .conftest import DOCUMENTS, client_for, finished_run, make_users

pytestmark = pytest.mark.django_db


def test_what_a_contributor_creates_is_owned_by_them_on_the_site_and_in_the_api(world, tiny_model_dir):
    cora = world.users["contributor"]
    client = client_for(cora)
    response = client.post("/models/register/", {"name": "Site model", "source": str(tiny_model_dir),
                                                 "is_private": "on"})
    assert response.status_code == 302
    assert Model.objects.filter(slug="site-model", owner=cora, is_private=True).exists()
    assert client.post("/api/models/", {"name": "Api model", "source": str(tiny_model_dir)},
                       format="json").status_code == 201
    assert Model.objects.filter(slug="api-model", owner=cora, is_private=False).exists()
    rows = "".join(f'{{"id": "{d["id"]}", "text": "{d["id"]}"}}\n' for d in DOCUMENTS).encode()
    response = client.post("/datasets/new/", {"name": "Mine", "kind": "text", "is_private": "on",
                                              "file": SimpleUploadedFile("mine.jsonl", rows)})
    assert response.status_code == 302
    assert Dataset.objects.filter(slug="mine", owner=cora, is_private=True).exists()
    # Nobody else sees it; cora does.
    assert client_for(world.users["user"]).get("/datasets/mine/").status_code == 404
    assert client.get("/datasets/mine/").status_code == 200


def test_the_commands_record_the_owner_they_are_given(tiny_model_dir, tmp_path):
    from tests.evaluations.conftest import write_jsonl

    olive = User.objects.create_user("olive")
    call_command("register_model", "--name", "Cmd", "--source", str(tiny_model_dir), "--owner", "olive",
                 "--private", stdout=StringIO())
    assert Model.objects.filter(slug="cmd", owner=olive, is_private=True).exists()
    call_command("add_dataset", str(write_jsonl(tmp_path / "d.jsonl", DOCUMENTS)), "--name", "Cmd data",
                 "--kind", "text", "--owner", "olive", stdout=StringIO())
    assert Dataset.objects.filter(slug="cmd-data", owner=olive, is_private=False).exists()
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("register_model", "--name", "X", "--source", str(tiny_model_dir), "--owner", "nobody")


def test_grant_role_makes_a_contributor_an_auditor_and_an_administrator():
    pat = User.objects.create_user("pat")
    assert not roles.can_contribute(pat) and not roles.can_audit(pat)
    call_command("grant_role", "pat", "contributor", stdout=StringIO())
    pat = User.objects.get(pk=pat.pk)
    assert roles.can_contribute(pat) and not roles.can_audit(pat)
    call_command("grant_role", "pat", "auditor", stdout=StringIO())
    call_command("grant_role", "pat", "contributor", "--revoke", stdout=StringIO())
    pat = User.objects.get(pk=pat.pk)
    assert roles.can_audit(pat) and not roles.can_contribute(pat) and not roles.is_admin(pat)
    call_command("grant_role", "pat", "admin", stdout=StringIO())
    assert roles.is_admin(User.objects.get(pk=pat.pk))
    with pytest.raises(CommandError, match="no user named 'ghost'"):
        call_command("grant_role", "ghost", "auditor")


def test_refused_writes_leave_nothing_behind(world):
    before = (Model.objects.count(), Dataset.objects.count(), Run.objects.count(), IndicatorScore.objects.count())
    for user in ("anonymous", "user", "auditor"):
        client = client_for(world.users[user])
        client.post("/api/models/", {"name": "New", "source": world.pub.source}, format="json")
        client.post("/api/runs/", {"evaluator": "perplexity", "model": "pub", "dataset": "docs", "force": True},
                    format="json")
        client.post(f"/runs/{world.queued_run.pk}/cancel/")
    for user in ("user", "contributor", "owner"):
        client_for(world.users[user]).post(f"/api/audits/{world.open_audit.pk}/scores/", {
            "indicator": world.open_audit.checklist.indicators.get().pk, "score": 1}, format="json")
    after = (Model.objects.count(), Dataset.objects.count(), Run.objects.count(), IndicatorScore.objects.count())
    assert after == before
    world.queued_run.refresh_from_db()
    assert world.queued_run.status == Run.Status.QUEUED


def test_a_contributor_cannot_pick_someone_elses_private_model_in_the_run_form(world):
    cora_form = RunForm(user=world.users["contributor"])
    olive_form = RunForm(user=world.users["owner"])
    assert set(cora_form.fields["model"].queryset.values_list("slug", flat=True)) == {"pub"}
    assert set(olive_form.fields["model"].queryset.values_list("slug", flat=True)) == {"pub", "priv"}
    assert "secret" not in {v.dataset.slug for v in cora_form.fields["dataset_version"].queryset}


def test_the_owner_reads_private_rows_of_an_export_with_an_api_token(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.users['owner']).key}")
    models = {row["model"] for row in client.get("/api/leaderboards/ppl/export.json").json()["rows"]}
    assert models == {"pub", "priv"}
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert {row["model"] for row in client.get("/api/leaderboards/ppl/export.json").json()["rows"]} == {"pub"}


def test_a_hidden_model_leaves_no_trace_in_live_tables_or_snapshots(world):
    # priv is a little better than pub, within noise: in the frozen snapshot priv leads group 1 and
    # pub's row is compared with priv. A visitor must see neither priv nor that comparison.
    frozen = {row["model"]: row for row in world.snapshot.table["rows"]}
    assert [row["model"] for row in world.snapshot.table["rows"]] == ["priv", "pub"]
    assert frozen["pub"]["rank_group"] == 1 and frozen["pub"]["group_leader"] == "priv"
    assert frozen["pub"]["vs_leader"]["method"] == "paired-bootstrap"
    anon = APIClient()
    (row,) = anon.get(f"/api/snapshots/{world.snapshot.uid}/export.json").json()["rows"]
    assert row["model"] == "pub" and row["group_leader"] is None and row["vs_leader"] is None
    assert "priv" not in anon.get(f"/api/snapshots/{world.snapshot.uid}/export.csv").content.decode()
    # The live table ranks the visible models only: pub leads its own group.
    (live,) = anon.get("/api/leaderboards/ppl/export.json").json()["rows"]
    assert (live["model"], live["rank_group"], live["group_leader"]) == ("pub", 1, "pub")


LIST_PAGES = ["/", "/models/", "/datasets/", "/runs/", "/leaderboards/", "/api/models/", "/api/datasets/",
              "/api/runs/", "/api/results/", "/api/leaderboards/", "/api/snapshots/"]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("user", ["anonymous", "owner", "admin"])
def test_list_pages_cost_the_same_queries_however_many_private_objects(user, tiny_model_dir, text_version, tmp_path):
    from glassbox.leaderboards.services import create_leaderboard, take_snapshot
    from glassbox.registry.services import create_dataset_with_version, register_model
    from tests.evaluations.conftest import write_jsonl

    users = make_users()
    olive = users["owner"]
    board = create_leaderboard(slug="ppl", name="Perplexity", dataset_version=text_version,
                               evaluator="perplexity", metrics=["perplexity"], primary_metric="perplexity")

    def add_private(index: int) -> None:
        model = register_model(name=f"Private {index}", source=str(tiny_model_dir), owner=olive, is_private=True)
        version = create_dataset_with_version(
            name=f"Secret {index}", kind="text", owner=olive, is_private=True, original_name="s.jsonl",
            uploaded_file_or_path=write_jsonl(tmp_path / f"s{index}.jsonl", DOCUMENTS[index % 3:]))
        finished_run(model, text_version, 2.0 + index / 10)
        finished_run(model, version, 2.0)
        create_leaderboard(slug=f"secret-{index}", name=f"Secret {index}", dataset_version=version,
                           evaluator="perplexity", metrics=["perplexity"], primary_metric="perplexity")

    finished_run(register_model(name="Public", source=str(tiny_model_dir)), text_version, 2.5)
    add_private(0)
    take_snapshot(board)
    client = client_for(users[user])
    few = {url: _queries(client, url) for url in LIST_PAGES}
    for index in range(1, 6):
        add_private(index)
    take_snapshot(board)
    many = {url: _queries(client, url) for url in LIST_PAGES}
    assert many == few
    # And the lists really differ by who asks: the private objects are filtered, not merely cheap.
    shown = {m["slug"] for m in client.get("/api/models/").json()["results"]}
    assert len(shown) == (1 if user == "anonymous" else 7)
