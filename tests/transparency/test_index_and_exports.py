"""Built-in checklists, the index (totals and heatmap), the comparison with official FMTI
scores, and formula-safe CSV/JSON exports."""
from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from evaluators.transparency.checklists import reference_scores
from glassbox.transparency import queries, services
from glassbox.config.csv_export import safe_cell
from glassbox.transparency.models import Checklist, ReferenceScore

pytestmark = pytest.mark.django_db


def _published(checklist, developer, scores, justification=""):
    """An audit whose two raters both gave `scores`, reconciled and published."""
    a = User.objects.get_or_create(username="a")[0]
    b = User.objects.get_or_create(username="b")[0]
    audit = services.create_audit(checklist=checklist, developer=developer, name=f"{developer} flagship")
    for indicator, score in zip(checklist.indicators.all(), scores):
        services.record_score(audit, indicator, rater=a, score=score, justification=justification)
        services.record_score(audit, indicator, rater=b, score=score)
    services.reconcile_agreements(audit, user=a)
    return services.publish(audit, user=a)


def test_load_checklists_builds_the_three_editions_once():
    call_command("load_checklists")
    call_command("load_checklists")
    assert sorted(Checklist.objects.values_list("slug", flat=True)) == ["fmti-2023", "fmti-2024", "fmti-2025"]
    v2 = Checklist.objects.get(slug="fmti-2024")
    assert v2.indicators.count() == 100 and "CC BY 4.0" in v2.source
    assert ReferenceScore.objects.filter(indicator__checklist=v2).count() == 14 * 100
    assert queries.reference_totals(v2, "BigCode")["total"] == 85


def test_reference_subdomain_totals_match_the_published_files(fmti):
    checklist = services.load_builtin_checklists()[0]
    with open(fmti / "October2023" / "October2023_scores.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))[:100]
    expected = {}
    for row in rows:
        key = " ".join(row["Subdomain"].split())
        expected[key] = expected.get(key, 0) + int(row["Meta"])
    got = queries.reference_totals(checklist, "Meta")
    assert {k: v["score"] for k, v in got["by_subdomain"].items()} == expected
    assert got["total"] == 54


def test_index_shows_published_audits_beside_the_official_scores_with_a_heatmap(client):
    checklist = services.load_builtin_checklists()[2]
    developers = reference_scores()["fmti-2025"]["developers"]
    _published(checklist, "IBM", developers["IBM"])
    _published(checklist, "Tiny", [1] * 10 + [0] * 90)
    services.create_audit(checklist=checklist, developer="Draft", name="unpublished")
    html = client.get(reverse("transparency:index", args=[checklist.pk])).content.decode()
    assert reverse("evaluations:plotly-js") in html and 'id="heatmap-data"' in html
    assert "IBM · IBM flagship" in html and "95 / 100" in html and "10 / 100" in html
    assert "Draft" not in html and "Published audits (2)" in html
    assert '<tr class="official"><td>IBM (official, FMTI team)</td>' in html
    data = queries.index(checklist, queries.visible_audits(None))
    labels = [e["label"] for e in data["entries"]]
    # Thirteen developers were scored officially; an audit ties with its official row and comes first.
    assert len(labels) == 2 + len(developers) == 15
    assert labels.index("IBM · IBM flagship") + 1 == labels.index("IBM (official, FMTI team)")
    official = {e["label"]: e["total"] for e in data["entries"] if e["official"]}
    assert official == {f"{name} (official, FMTI team)": sum(scores) for name, scores in developers.items()}
    totals = [e["total"] for e in data["entries"]]
    assert totals == sorted(totals, reverse=True) and labels[-1] == "Tiny · Tiny flagship"
    first = data["subdomains"][0]
    count = sum(1 for i in checklist.indicators.all() if i.subdomain == first)
    assert data["grid"][-1][0] == round(100 * min(10, count) / count)


def test_the_index_shows_the_official_scores_before_any_audit(client):
    checklist = services.load_builtin_checklists()[0]
    html = client.get(reverse("transparency:index", args=[checklist.pk])).content.decode()
    assert "No published Glassbox audits against this checklist yet" in html
    assert "Meta (official, FMTI team)" in html and "54 / 100" in html


def test_comparison_with_the_official_scores(client):
    checklist = services.load_builtin_checklists()[1]
    official = reference_scores()["fmti-2024"]["developers"]["Mistral"]
    ours = [1 - official[0]] + official[1:]
    audit = _published(checklist, "Mistral", ours)
    result = queries.comparison(audit)
    assert result["agree"] == 99 and result["compared"] == 100
    assert result["official"]["total"] == 55 and result["ours"]["total"] == sum(ours)
    html = client.get(reverse("transparency:compare", args=[audit.pk])).content.decode()
    assert "same score on 99 of 100 indicators" in html


def test_exports_are_formula_safe(client):
    checklist = services.load_builtin_checklists()[1]
    audit = _published(checklist, "=HYPERLINK(1)", [1] * 50 + [0] * 50, justification="-2+3")
    rows = list(csv.DictReader(io.StringIO(client.get(
        reverse("transparency:audit-export", args=[audit.pk, "csv"])).content.decode())))
    assert len(rows) == 100
    assert rows[0]["developer"] == "'=HYPERLINK(1)" and rows[0]["justification"] == "'-2+3"
    data = json.loads(client.get(reverse("transparency:audit-export", args=[audit.pk, "json"])).content)
    assert data["total"] == 50 and data["developer"] == "=HYPERLINK(1)"
    assert sum(v["score"] for v in data["by_domain"].values()) == 50
    assert [safe_cell(v) for v in ("@x", "+1", "ok", 3)] == ["'@x", "'+1", "ok", 3]


def test_checklist_pages_attribute_fmti_and_export(client):
    checklist = services.load_builtin_checklists()[2]
    html = client.get(reverse("transparency:checklist-detail", args=[checklist.pk])).content.decode()
    assert "CC BY 4.0" in html and "Foundation Model Transparency Index" in html
    text = client.get(reverse("transparency:checklist-export", args=[checklist.pk, "csv"])).content.decode()
    assert text.splitlines()[0] == "domain,subdomain,indicator,definition,notes,keywords"


def test_staff_import_a_checklist_and_see_errors_with_the_line(client):
    client.force_login(User.objects.create_user("s", is_staff=True))
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("mine.csv", b"domain,subdomain,indicator\nA,B,C\nA,,D\n")
    html = client.post(reverse("transparency:checklist-import"), {"slug": "mine", "file": bad},
                       follow=True).content.decode()
    assert "mine.csv: line 3: field &#x27;subdomain&#x27; is missing" in html
    good = SimpleUploadedFile("mine.csv", b"domain,subdomain,indicator\nA,B,C\nA,B,D\n")
    client.post(reverse("transparency:checklist-import"), {"slug": "mine", "file": good})
    assert Checklist.objects.get(slug="mine").indicators.count() == 2
