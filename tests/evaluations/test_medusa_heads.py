"""Medusa heads on the site: trained by a medusa-train run or registered from a folder, named by a
speed run of their own model only once their weights exist, and swapped for their folder by the runner."""
from __future__ import annotations

import hashlib
import io

import pytest
from django.contrib.auth.models import User

from glassbox.evaluations import execution
from glassbox.evaluations.artifacts import heads_folder, run_output_dir
from glassbox.evaluations.heads import services as heads_services
from glassbox.evaluations.models import MedusaHeads, Run
from glassbox.evaluations.requests import RequestError, check_request
from glassbox.evaluations.services import start_run
from tests.evaluations.conftest import write_jsonl

pytestmark = pytest.mark.django_db

TRAIN = {"heads": 2, "steps": 3, "batch_size": 2, "block_size": 32}
SPEED = {"variants": ["greedy", "medusa"], "max_new_tokens": 8, "warmup": 0, "min_repeats": 1,
         "min_seconds": 0.0}


@pytest.fixture
def prompts_version(tmp_path):
    from glassbox.registry.services import create_dataset_with_version

    path = write_jsonl(tmp_path / "prompts.jsonl", [{"id": "a", "prompt": "def add(a, b):\n"},
                                                   {"id": "b", "prompt": "for i in range(3):\n"}])
    return create_dataset_with_version(name="Prompts", slug="prompts", kind="prompts",
                                       uploaded_file_or_path=path, original_name="prompts.jsonl")


@pytest.fixture
def other_model(tiny_model_dir):
    from glassbox.registry.services import register_model

    return register_model(name="Another entry", slug="other", source=str(tiny_model_dir))


@pytest.fixture
def trained(tiny_model, text_version):
    """Heads of the tiny model, trained by executing their medusa-train run as a worker would."""
    heads = heads_services.train_heads(model=tiny_model, dataset_version=text_version, slug="tiny-medusa",
                                       name="Tiny heads", params=TRAIN)
    execution.execute(heads.training_run_id)
    heads.training_run.refresh_from_db()
    assert heads.training_run.status == Run.Status.SUCCEEDED, heads.training_run.error
    return heads


def sha256_of(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_training_queues_one_medusa_train_run_and_names_its_heads(tiny_model, text_version, enqueued,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        heads = heads_services.train_heads(model=tiny_model, dataset_version=text_version, slug="tiny-medusa",
                                           name="", params=TRAIN)
    run = heads.training_run
    assert (run.evaluator, run.status, run.model, run.dataset_version) == ("medusa-train", "queued", tiny_model,
                                                                          text_version)
    assert run.spec["heads"] == 2 and run.spec["steps"] == 3
    assert (heads.name, heads.folder, enqueued) == ("tiny-medusa", "", [run.pk])
    assert heads_folder(heads) == run_output_dir(run.pk)


def test_a_refused_training_request_leaves_nothing_behind(tiny_model, text_version, prompts_version, enqueued,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RequestError) as caught:
        heads_services.train_heads(model=tiny_model, dataset_version=prompts_version, slug="h", name="")
    assert caught.value.field == "dataset_version"
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RequestError) as caught:
        heads_services.train_heads(model=tiny_model, dataset_version=text_version, slug="h", name="",
                                   params={"heads": 0})
    assert caught.value.field == "params" and "heads" in str(caught.value)
    assert not MedusaHeads.objects.exists() and not Run.objects.exists() and enqueued == []
    heads_services.train_heads(model=tiny_model, dataset_version=text_version, slug="h", name="", params=TRAIN)
    with pytest.raises(RequestError, match="slug 'h' already exist") as caught:
        heads_services.train_heads(model=tiny_model, dataset_version=text_version, slug="h", name="", params=TRAIN)
    assert caught.value.field == "slug" and Run.objects.count() == 1


def test_heads_can_be_named_only_by_a_run_of_their_model_once_trained(tiny_model, other_model, text_version,
                                                                      prompts_version):
    heads = heads_services.train_heads(model=tiny_model, dataset_version=text_version, slug="tiny-medusa",
                                       name="", params=TRAIN)
    params = {**SPEED, "medusa": "tiny-medusa"}

    def refused(model, params=params) -> str:
        with pytest.raises(RequestError) as caught:
            check_request("speed", prompts_version, params, model=model)
        assert caught.value.field == "params"
        return str(caught.value)

    assert f"still training (run #{heads.training_run_id}, queued)" in refused(tiny_model)
    Run.objects.filter(pk=heads.training_run_id).update(status=Run.Status.FAILED)
    assert f"have no weights: their training run #{heads.training_run_id} failed" in refused(tiny_model)
    Run.objects.filter(pk=heads.training_run_id).update(status=Run.Status.SUCCEEDED,
                                                         summary={"weights_sha256": "ab" * 32})
    # The same weights, registered as another model, are still another model's heads.
    assert "trained for model 'tiny', not 'other'" in refused(other_model)
    assert "no registered Medusa heads with slug 'nope'" in refused(tiny_model, {**SPEED, "medusa": "nope"})
    with pytest.raises(RequestError, match="name them in a run, not in a leaderboard"):
        check_request("speed", prompts_version, params)
    checked = check_request("speed", prompts_version, params, model=tiny_model)
    assert checked.named_models == {"medusa": {"medusa_heads": "tiny-medusa", "weights_sha256": "ab" * 32}}


def test_a_folder_of_heads_registers_with_its_hash_and_only_under_the_model_roots(tiny_model, trained, tmp_path,
                                                                                  settings):
    folder = run_output_dir(trained.training_run_id)
    heads = heads_services.register_heads_folder(model=tiny_model, folder=folder, slug="copied")
    assert heads.weights_sha256 == sha256_of(folder / "medusa_lm_head.safetensors") != ""
    assert heads_folder(heads) == folder.resolve()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RequestError, match="holds no medusa_lm_head.safetensors"):
        heads_services.register_heads_folder(model=tiny_model, folder=empty, slug="empty")
    settings.GLASSBOX_MODEL_ROOTS = [tmp_path / "elsewhere"]
    with pytest.raises(RequestError, match="outside the folders models may be loaded from") as caught:
        heads_services.register_heads_folder(model=tiny_model, folder=folder, slug="outside")
    assert caught.value.field == "folder"
    assert MedusaHeads.objects.count() == 2


def test_trained_heads_drive_a_speed_run_identical_to_greedy(tiny_model, trained, prompts_version):
    summary = trained.training_run.summary
    weights = run_output_dir(trained.training_run_id) / "medusa_lm_head.safetensors"
    assert summary["weights_sha256"] == sha256_of(weights)
    assert trained.training_run.metrics.filter(name="final_loss").exists()

    run = start_run(evaluator="speed", model=tiny_model, dataset_version=prompts_version,
                    params={**SPEED, "medusa": trained.slug})
    # The stored spec names the heads by slug, never by a path on a worker.
    assert run.spec["medusa"] == "tiny-medusa"
    execution.execute(run.pk)
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED, run.error
    (medusa,) = [variant for variant in run.summary["variants"] if variant["name"] == "medusa"]
    assert medusa["identical_to_greedy"] is True and medusa["mean_accepted_tokens"] >= 1.0
    assert run.metrics.get(name="medusa_mean_accepted_tokens").value == pytest.approx(medusa["mean_accepted_tokens"])


def test_heads_deleted_after_the_request_fail_the_run_with_a_message(tiny_model, trained, prompts_version):
    run = start_run(evaluator="speed", model=tiny_model, dataset_version=prompts_version,
                    params={**SPEED, "medusa": trained.slug})
    MedusaHeads.objects.filter(pk=trained.pk).delete()
    execution.execute(run.pk)
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED
    assert run.error == "medusa: no registered Medusa heads with slug 'tiny-medusa' (were they deleted?)"


def test_the_model_page_offers_training_to_contributors_and_lists_the_heads(client, tiny_model, text_version,
                                                                            enqueued, django_capture_on_commit_callbacks):
    from glassbox.accounts.roles import CONTRIBUTOR
    from glassbox.accounts.services import grant_role

    viewer = User.objects.create_user("viewer", password="pw")
    client.force_login(viewer)
    assert "train-heads" not in client.get("/models/tiny/").content.decode()
    assert client.get("/models/tiny/medusa-heads/new/").status_code == 403

    contributor = User.objects.create_user("contributor", password="pw")
    grant_role(contributor, CONTRIBUTOR)
    client.force_login(contributor)
    assert 'id="train-heads"' in client.get("/models/tiny/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/models/tiny/medusa-heads/new/", {
            "name": "<b>heads</b>", "slug": "tiny-medusa", "dataset_version": text_version.pk, "heads": 3,
            "steps": 5})
    heads = MedusaHeads.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/runs/{heads.training_run_id}/"
    assert heads.training_run.spec["heads"] == 3 and heads.training_run.spec["self_distill"] is False
    assert enqueued == [heads.training_run_id]
    page = client.get("/models/tiny/").content.decode()
    assert "tiny-medusa" in page and "&lt;b&gt;heads&lt;/b&gt;" in page and "<b>heads</b>" not in page
    assert "training, 0%" in page


def test_the_command_registers_a_folder_and_names_the_bad_option(tiny_model, trained, tmp_path):
    from django.core.management import CommandError, call_command

    folder = run_output_dir(trained.training_run_id)
    out = io.StringIO()
    call_command("register_medusa_heads", "--model", "tiny", "--folder", str(folder), "--slug", "shell-heads",
                 stdout=out)
    heads = MedusaHeads.objects.get(slug="shell-heads")
    assert heads.folder == str(folder.resolve()) and heads.weights_sha256 in out.getvalue()
    with pytest.raises(CommandError, match="--model: no registered model with slug 'nope'"):
        call_command("register_medusa_heads", "--model", "nope", "--folder", str(folder), "--slug", "x")
    with pytest.raises(CommandError, match="--folder: .* holds no medusa_lm_head.safetensors"):
        call_command("register_medusa_heads", "--model", "tiny", "--folder", str(tmp_path), "--slug", "x")
    with pytest.raises(CommandError, match="--slug: Medusa heads with slug 'shell-heads' already exist"):
        call_command("register_medusa_heads", "--model", "tiny", "--folder", str(folder), "--slug", "shell-heads")


def test_the_training_run_page_shows_the_losses_and_how_to_use_the_heads(client, trained):
    run = trained.training_run
    html = client.get(f"/runs/{run.pk}/").content.decode()
    losses = run.summary["final_losses"]
    assert "final_loss" in html and "head1_loss" in html and len(losses) == 2
    assert '<span id="progress">3 / 3 steps (100%)</span>' in html  # the training's steps, not samples
    for k, loss in enumerate(losses, start=1):
        assert f'<td class="num">{k}</td><td><code>t+{k + 1}</code></td><td class="num">{loss:.4f}</td>' in html
    assert "These are the heads <code>tiny-medusa</code> (Tiny heads)" in html
    assert ("{&quot;variants&quot;: [&quot;greedy&quot;, &quot;medusa&quot;, &quot;medusa-typical&quot;], "
            "&quot;medusa&quot;: &quot;tiny-medusa&quot;}") in html
