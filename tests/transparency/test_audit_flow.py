"""An audit through its pages: two raters score independently, their agreement is shown,
disagreements are reconciled, the audit is published only then, a developer disputes a score
and gets a response, and every change is in the history."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from glassbox.accounts.services import grant_role
from glassbox.transparency.models import Audit, Change, Checklist, FinalScore, IndicatorScore
from glassbox.transparency.services import import_checklist
from evaluators.transparency.checklists import Checklist as ChecklistFile, Indicator

pytestmark = pytest.mark.django_db
DOC = "Our model was trained on 2 trillion tokens.\n\nWe used 512 GPUs for 30 days.\n"


@pytest.fixture
def checklist() -> Checklist:
    items = tuple(Indicator("Upstream", sub, name) for sub, name in [
        ("Data", "Data size"), ("Data", "Data sources"), ("Compute", "Compute usage"),
        ("Compute", "Hardware"), ("Compute", "Energy"), ("Model", "Model size")])
    return import_checklist(ChecklistFile("tiny", items), slug="tiny")


def _client(name: str, staff: bool = False, role: str | None = None) -> Client:
    client = Client()
    user = User.objects.create_user(name, password="pw", is_staff=staff)
    if role:
        grant_role(user, role)
    client.force_login(user)
    return client


def _score(client, audit, indicator, score, follow=False, **extra):
    return client.post(reverse("transparency:score", args=[audit.pk]),
                       {"indicator": indicator.pk, "score": score, **extra}, follow=follow)


def test_two_raters_reconcile_publish_and_a_dispute_is_answered(checklist):
    # ada administers, bob is an auditor, the developer only has an account (enough to dispute).
    ada, bob, dev = _client("ada", staff=True), _client("bob", role="auditor"), _client("developer")
    ada.post(reverse("transparency:audit-create"),
             {"checklist": checklist.pk, "developer": "Acme", "name": "Acme-1"})
    audit = Audit.objects.get()
    ada.post(reverse("transparency:document-upload", args=[audit.pk]),
             {"file": _upload("card.md", DOC.encode())})
    document = audit.documents.get()
    indicators = list(checklist.indicators.all())
    a_scores = [1, 0, 1, 1, 0, 0]
    b_scores = [1, 1, 1, 0, 0, 0]
    for indicator, a, b in zip(indicators, a_scores, b_scores):
        _score(ada, audit, indicator, a, document=document.pk, quote="2 trillion tokens", justification="card")
        _score(bob, audit, indicator, b)
    assert IndicatorScore.objects.filter(audit=audit).count() == 12

    page = ada.get(reverse("transparency:audit-detail", args=[audit.pk])).content.decode()
    # By hand: agree on 4 of 6; p_o = 4/6, rater a gives 1 three times, b three times,
    # p_e = 0.5*0.5 + 0.5*0.5 = 0.5, kappa = (2/3 - 1/2) / (1/2) = 1/3.
    assert "66.7% of 6 indicators" in page and "κ = 0.333" in page
    assert "2 disagreement(s)" in page

    response = ada.post(reverse("transparency:publish", args=[audit.pk]), follow=True)
    assert "not reconciled yet" in response.content.decode()
    audit.refresh_from_db()
    assert audit.published_at is None

    ada.post(reverse("transparency:reconcile-agreements", args=[audit.pk]))
    assert FinalScore.objects.filter(audit=audit).count() == 4
    ada.post(reverse("transparency:reconcile", args=[audit.pk]),
             {"indicator": indicators[1].pk, "score": 0, "justification": "sources not named"})
    ada.post(reverse("transparency:reconcile", args=[audit.pk]),
             {"indicator": indicators[3].pk, "score": 1, "justification": "512 GPUs"})
    ada.post(reverse("transparency:publish", args=[audit.pk]))
    audit.refresh_from_db()
    assert audit.published_at is not None
    assert sorted(FinalScore.objects.filter(audit=audit).values_list("score", flat=True)) == [0, 0, 0, 1, 1, 1]

    # Published: no more rescoring, but the developer may dispute.
    response = _score(bob, audit, indicators[0], 0, follow=True)
    assert "raise a dispute" in response.content.decode()
    dev.post(reverse("transparency:dispute", args=[audit.pk]),
             {"indicator": indicators[4].pk, "text": "Energy is on page 4 of our report."})
    dispute = audit.disputes.get()
    ada.post(reverse("transparency:dispute-respond", args=[dispute.pk]),
             {"response": "Confirmed, point awarded.", "score": 1})
    assert FinalScore.objects.get(audit=audit, indicator=indicators[4]).score == 1
    actions = list(Change.objects.filter(audit=audit).values_list("action", flat=True))
    assert actions.count("scored") == 12 and actions.count("reconciled") == 6
    assert actions[-3:] == ["published", "disputed", "dispute answered"]
    page = ada.get(reverse("transparency:audit-detail", args=[audit.pk])).content.decode()
    assert "Confirmed, point awarded." in page and "4 / 6" in page


def test_kappa_matches_scikit_learn():
    sklearn = pytest.importorskip("sklearn.metrics")
    from evaluators.transparency.agreement import cohen_kappa

    a = [1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1]
    b = [1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 1, 1]
    assert cohen_kappa(a, b) == pytest.approx(sklearn.cohen_kappa_score(a, b))


def test_strangers_cannot_score(checklist, client):
    audit = Audit.objects.create(subject_id=_subject().pk, checklist=checklist)
    response = _score(client, audit, checklist.indicators.first(), 1)
    assert response.status_code == 302 and "login" in response["Location"]
    assert _score(_client("eve"), audit, checklist.indicators.first(), 1).status_code == 403  # no auditor role
    assert not IndicatorScore.objects.exists()


def _subject():
    from glassbox.transparency.models import Subject

    return Subject.objects.create(developer="Acme", name="Acme-1")


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
