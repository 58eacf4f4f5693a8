"""`make demo` queues the demo job and returns; a worker trains the demo models, reporting
progress to the home page, then registers them and queues the demo runs, which then run."""
from __future__ import annotations

import io
import time

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

STEPS = 3


def seed_demo(models_dir, steps: int = STEPS) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--models-dir", str(models_dir), "--steps", str(steps), stdout=out)
    return out.getvalue()


def test_seed_demo_returns_at_once_with_the_training_job_queued(demo_var, sent_jobs, enqueued):
    from glassbox.site.demo import progress
    from glassbox.evaluations.models import Run
    from glassbox.registry.models import Model

    started = time.monotonic()
    output = seed_demo(demo_var / "models", steps=1600)
    assert time.monotonic() - started < 5
    assert sent_jobs == ["workers.demo_tasks.prepare_demo"]
    job = progress.read()
    assert (job.state, job.done, job.steps, job.percent) == ("queued", 0, 1600, 0)
    assert job.models_dir == str(demo_var / "models")
    assert "queued the demo job" in output
    # Nothing trained, registered or queued yet: the worker does all of it.
    assert not (demo_var / "models").exists()
    assert not Model.objects.exists() and not Run.objects.exists() and enqueued == []


def test_seed_demo_refuses_a_models_folder_outside_the_model_roots(tmp_path, sent_jobs):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="outside GLASSBOX_MODEL_ROOTS"):
        seed_demo(tmp_path / "elsewhere")
    assert sent_jobs == []


def test_the_job_trains_with_progress_then_registers_the_models_and_queues_the_demo_runs(
        demo_var, cheap_training, written_states, enqueued, django_capture_on_commit_callbacks):
    from evaluators.demo.models import MARKER
    from glassbox.site.demo import progress
    from glassbox.evaluations.models import MedusaHeads, PrecisionSweep, Run
    from glassbox.registry.models import Model
    from workers.demo_tasks import prepare_demo

    seed_demo(demo_var / "models")
    written_states.clear()
    with django_capture_on_commit_callbacks(execute=True):
        state = prepare_demo.apply().get()
    assert state == "done", progress.read().error

    assert written_states == [("training", 0), ("training", 1), ("training", 2), ("training", 3),
                              ("seeding", 3), ("done", 3)]
    for name in ("base", "draft"):
        assert (demo_var / "models" / f"glassbox-demo-{name}" / MARKER).is_file()
    models = {model.slug: model for model in Model.objects.all()}
    # The two trained models, and three uploads of completions scored as models served elsewhere.
    uploaded = {"humaneval-canonical", "demo-half-broken", "demo-task-references"}
    assert set(models) == {"glassbox-demo-base", "glassbox-demo-draft", *uploaded}
    assert {m.slug for m in models.values() if m.served_elsewhere} == uploaded
    assert models["glassbox-demo-base"].source == str(demo_var / "models" / "glassbox-demo-base")
    runs = list(Run.objects.all())
    assert {run.evaluator for run in runs} == {"perplexity", "codegen", "bias", "speed", "passk", "glitch-tokens",
                                               "truthfulqa"}
    assert all(run.status == Run.Status.QUEUED for run in runs)
    # Two precision sweeps of the base model; each reuses the demo's own run at the workers' format
    # (float32 on the CPU) and adds a speed run per format.
    sweeps = {sweep.evaluator: sweep for sweep in PrecisionSweep.objects.all()}
    assert sorted(sweeps) == ["codegen", "perplexity"]
    for evaluator, sweep in sweeps.items():
        assert sweep.precisions == ["float32", "bfloat16", "int8"] and sweep.model.slug == "glassbox-demo-base"
        own = Run.objects.filter(evaluator=evaluator, model=sweep.model, spec__precision="float32").get()
        assert sweep.entries.get(position=0).quality_run == own
        assert sweep.entries.filter(speed_run__isnull=False).count() == 3
    assert Run.objects.filter(evaluator="speed").count() == 1 + 2 * 3
    # The demo's Medusa heads, trained in the job, join the base model's own speed run.
    heads = MedusaHeads.objects.get()
    assert (heads.slug, heads.model.slug, heads.training_run) == ("glassbox-demo-base-medusa", "glassbox-demo-base", None)
    assert (demo_var / "models" / "glassbox-demo-base-medusa" / "medusa_lm_head.safetensors").is_file()
    demo_speed = Run.objects.get(evaluator="speed", spec__medusa=heads.slug)
    assert demo_speed.spec["variants"] == ["greedy", "assisted", "prompt-lookup", "medusa", "medusa-typical"]
    assert demo_speed.spec["medusa"] == heads.slug and demo_speed.spec["draft"] == "glassbox-demo-draft"
    assert sorted(enqueued) == sorted(run.pk for run in runs)


def test_the_demo_runs_run_after_the_job(demo_var, cheap_training, enqueued):
    from glassbox.evaluations import execution
    from glassbox.evaluations.models import Run
    from glassbox.site.demo.training import prepare_demo

    seed_demo(demo_var / "models")
    job = prepare_demo()
    assert job.state == "done", job.error
    run = Run.objects.get(evaluator="bias", model__slug="glassbox-demo-base", spec__method="sentence")
    execution.execute(run.pk)
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED, run.error
    assert run.metrics.filter(name="pct_stereotype").exists()


def test_the_tasks_survive_a_lost_worker():
    from workers.app import app
    from workers.demo_tasks import prepare_demo, requeue_stale_demo

    assert prepare_demo.queue == "gpu"
    assert prepare_demo.acks_late and prepare_demo.reject_on_worker_lost
    assert prepare_demo.time_limit is None and prepare_demo.soft_time_limit is None, "a slow machine is no failure"
    assert requeue_stale_demo.acks_late
    sweep = app.conf.beat_schedule["requeue-stale-demo"]
    assert sweep["task"] == requeue_stale_demo.name and sweep["schedule"] <= 60


def test_a_job_that_stopped_reporting_is_sent_again(demo_var, settings, sent_jobs):
    from glassbox.site.demo import progress
    from glassbox.site.demo.training import requeue_if_stale

    settings.GLASSBOX_STALE_RUN_SECONDS = 600
    job = progress.write(progress.DemoJob(state="training", models_dir=str(demo_var / "models"), steps=1600,
                                          done=400))
    assert requeue_if_stale() is False and sent_jobs == []  # it reported just now

    backdate(job, seconds=601)
    assert requeue_if_stale() is True
    assert len(sent_jobs) == 1
    assert requeue_if_stale() is False, "the next sweep waits a full period again"
    assert progress.read().done == 400

    for final in ("done", "failed"):
        backdate(progress.write(job, state=final), seconds=601)
        assert requeue_if_stale() is False
    assert len(sent_jobs) == 1


def backdate(job, seconds: float) -> None:
    import json

    from glassbox.site.demo import progress

    path = progress.state_path()
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "updated_at": job.updated_at - seconds}))


def test_a_job_killed_after_saving_one_model_trains_only_the_other(demo_var, cheap_training, enqueued,
                                                                    written_states):
    import shutil

    from evaluators.demo.models import MARKER
    from glassbox.evaluations.models import PrecisionSweep, Run
    from glassbox.site.demo import progress
    from glassbox.site.demo.training import prepare_demo

    seed_demo(demo_var / "models")
    assert prepare_demo().state == "done"
    base, draft = (demo_var / "models" / f"glassbox-demo-{name}" for name in ("base", "draft"))
    base_built = (base / MARKER).stat().st_mtime_ns
    shutil.rmtree(draft)
    # What a worker killed mid-job leaves: the job still "training", one model not saved.
    progress.write(progress.read(), state="training", done=1)

    written_states.clear()
    assert prepare_demo().state == "done"
    assert written_states[:2] == [("training", 0), ("training", 1)], "progress starts over with the training"
    assert (draft / MARKER).is_file()
    assert (base / MARKER).stat().st_mtime_ns == base_built, "the saved model is kept, not retrained"
    # Seeding again queues no second sweep (its speed runs would be measured twice).
    assert PrecisionSweep.objects.count() == 2 and Run.objects.filter(evaluator="speed").count() == 7


def test_a_failed_job_says_what_failed_on_the_home_page(client, demo_var, monkeypatch):
    from evaluators.demo import models as demo_models
    from glassbox.site.demo.training import prepare_demo

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(demo_models, "build_demo_models", no_space)
    seed_demo(demo_var / "models")
    job = prepare_demo()
    assert job.state == "failed" and "No space left on device" in job.error

    page = client.get("/").content.decode()
    assert "Preparing the demo failed" in page and "No space left on device" in page
    assert "make demo" in page
