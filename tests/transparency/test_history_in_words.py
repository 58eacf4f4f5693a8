"""An audit's history reads as changes in words, never as a Python dict."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from glassbox.accounts.services import grant_role
from glassbox.transparency import services
from glassbox.transparency.history import describe

pytestmark = pytest.mark.django_db
TEXT = "The report gives the GPU hours. It took 1,200 A100 hours.\n"


def test_a_rescore_reads_old_to_new_with_its_evidence(client):
    checklist = services.load_builtin_checklists()[1]
    audit = services.create_audit(checklist=checklist, developer="Acme", name="Acme-7B")
    rater = User.objects.create_user("ada")
    grant_role(rater, "auditor")
    document = services.add_text_document(audit, title="report.md", text=TEXT, file_format="md")
    indicator = checklist.indicators.get(position=1)
    services.record_score(audit, indicator, rater=rater, score=0)
    services.record_score(audit, indicator, rater=rater, score=1, document=document,
                          quote="The report gives the GPU hours.", justification="stated in the report")
    rescored = audit.changes.get(action="rescored")
    assert rescored.summary == ("score 0 → 1, evidence: 'The report gives the GPU hours.' in 'report.md', "
                                "because 'stated in the report'")
    assert audit.changes.get(action="scored").summary == "score 0"
    assert audit.changes.get(action="document added").summary == f"'report.md' (md, {len(TEXT)} characters)"

    client.force_login(rater)
    page = client.get(reverse("transparency:audit-detail", args=[audit.pk])).content.decode()
    assert "score 0 → 1, evidence: &#x27;The report gives the GPU hours.&#x27;" in page
    assert "{&#x27;" not in page and "{'" not in page


def test_entries_from_before_and_unknown_actions_still_read_as_words():
    # A score recorded before the previous value was kept has no arrow; unknown keys are listed.
    assert describe("rescored", {"score": 1, "document": None, "start": None}) == "score 1"
    assert describe("exported", {"format": "csv", "rows": 3, "note": None}) == "format: csv, rows: 3"
    assert describe("dispute answered", {"response": "We disagree.", "old_score": 0, "score": 1}) == \
        "response: 'We disagree.', score 0 → 1"
