"""Private models stay hidden where review found them showing: audits about them, schedules listing
them, speed runs on private prompt sets, and an audit created on one."""
from __future__ import annotations

import pytest

from .conftest import client_for

pytestmark = pytest.mark.django_db


def _published_audit_of(model, world):
    from glassbox.transparency import services as audits

    admin, auditor = world.users["admin"], world.users["auditor"]
    audit = audits.create_audit(checklist=world.published_audit.checklist, developer="Olive", name="Priv audit",
                                model=model, user=admin)
    indicator = audit.checklist.indicators.get()
    for rater in (admin, auditor):
        audits.record_score(audit, indicator, rater=rater, score=1)
    audits.reconcile_agreements(audit, user=admin)
    return audits.publish(audit, user=admin)


def test_a_published_audit_of_a_private_model_is_hidden_from_those_who_cannot_see_the_model(world):
    from glassbox.transparency.queries import visible_audits

    audit = _published_audit_of(world.priv, world)
    assert audit not in visible_audits(None) and audit not in visible_audits(world.users["contributor"])
    assert audit in visible_audits(world.users["owner"]) and audit in visible_audits(world.users["auditor"])
    assert world.published_audit in visible_audits(None)  # an audit without a model stays public
    body = client_for(None).get("/api/audits/").content.decode()
    assert "Priv audit" not in body and "priv" not in body.replace("private", "")


def test_the_schedules_page_lists_only_the_models_a_reader_may_see(world, client):
    from glassbox.schedules import services
    from glassbox.schedules.models import Schedule

    suite = services.create_suite(name="Nightly")
    services.save_schedule(Schedule(name="Both", suite=suite, cron="0 3 * * *"), listed_models=[world.pub, world.priv])
    assert "Private Llama" not in client.get("/schedules/").content.decode()
    assert "Private Llama" in client_for(world.users["owner"]).get("/schedules/").content.decode()
    assert "Public Llama" in client.get("/schedules/").content.decode()


def test_an_auditor_cannot_make_someone_elses_private_model_an_audit_subject(world):
    auditor = world.users["auditor"]
    response = client_for(auditor).post("/api/audits/", {"checklist": world.published_audit.checklist.pk,
                                                         "developer": "Olive", "name": "X", "model": "priv"},
                                        format="json")
    assert response.status_code == 400 and "model" in response.json()


def test_the_speed_chart_ignores_speed_runs_the_reader_cannot_see(world, tmp_path):
    from glassbox.evaluations import services
    from glassbox.evaluations.queries import visible_runs
    from glassbox.leaderboards.speed_chart import latest_speed
    from glassbox.registry.services import create_dataset_with_version

    path = tmp_path / "prompts.jsonl"
    path.write_text('{"id": "p", "prompt": "def f():"}\n', encoding="utf-8")
    hidden = create_dataset_with_version(name="Olive's prompts", slug="olive-prompts", kind="prompts",
                                         owner=world.users["owner"], is_private=True, original_name="p.jsonl",
                                         uploaded_file_or_path=path)
    run = services.start_run(evaluator="speed", model=world.pub, dataset_version=hidden, params={"variants": "greedy"})
    services.finish_run(run.pk, {"output_tokens_per_s": 99.0, "n": 1})
    assert latest_speed(["pub"], visible_runs(None)) == {}
    assert latest_speed(["pub"], visible_runs(world.users["owner"]))["pub"]["tokens_per_s"] == 99.0


def test_an_auditor_who_cannot_see_a_private_model_neither_reads_its_slug_nor_adds_its_card(world):
    from django.test import Client

    from glassbox.transparency import services as audits
    from glassbox.transparency.models import Document

    auditor, admin = world.users["auditor"], world.users["admin"]
    audit = audits.create_audit(checklist=world.published_audit.checklist, developer="Olive", name="Draft",
                                model=world.priv, user=admin)
    assert client_for(auditor).get(f"/api/audits/{audit.pk}/").json()["subject"]["model"] is None
    assert client_for(admin).get(f"/api/audits/{audit.pk}/").json()["subject"]["model"] == "priv"
    site = Client()
    site.force_login(auditor)
    assert "model card</button>" not in site.get(f"/transparency/audits/{audit.pk}/").content.decode()
    response = site.post(f"/transparency/audits/{audit.pk}/model-card/", follow=True)
    assert "only its owner or an administrator" in response.content.decode()
    assert not Document.objects.filter(audit=audit).exists()
    site.force_login(admin)
    assert "model card</button>" in site.get(f"/transparency/audits/{audit.pk}/").content.decode()
    site.post(f"/transparency/audits/{audit.pk}/model-card/")
    assert Document.objects.filter(audit=audit).count() == 1
