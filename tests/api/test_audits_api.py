"""Transparency audits over the REST API: who reads what, the whole auditing flow through the
endpoints with totals checked by hand, errors that name their field, token authentication."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from evaluators.transparency.checklists import Checklist as ChecklistFile, Indicator
from glassbox.transparency import services
from glassbox.transparency.models import Audit, Change, FinalScore, IndicatorScore

pytestmark = pytest.mark.django_db
DOC = "Our model was trained on 2 trillion tokens.\n\nWe used 512 GPUs for 30 days.\n"
# (domain, subdomain, indicator): 2 domains, 3 subdomains, 5 indicators.
ITEMS = [("Upstream", "Data", "Data size"), ("Upstream", "Data", "Data sources"),
         ("Upstream", "Compute", "Compute usage"), ("Upstream", "Compute", "Hardware"),
         ("Downstream", "Usage", "Usage policy")]


@pytest.fixture
def checklist():
    return services.import_checklist(ChecklistFile("tiny", tuple(Indicator(*item) for item in ITEMS)), slug="tiny")


@pytest.fixture
def second_rater() -> APIClient:
    """A second staff user, authenticated by token, so two raters can score independently."""
    user = User.objects.create_user("bob", password="pw", is_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _published_audit(checklist, scores: list[int], developer: str = "Acme") -> Audit:
    """An audit made through the services: two raters agree on `scores`, then it is published."""
    ada, bob = (User.objects.get_or_create(username=name, defaults={"is_staff": True})[0]
                for name in ("ada", "bob"))
    audit = services.create_audit(checklist=checklist, developer=developer, name=f"{developer}-1", user=ada)
    for indicator, score in zip(checklist.indicators.all(), scores):
        for rater in (ada, bob):
            services.record_score(audit, indicator, rater=rater, score=score)
    services.reconcile_agreements(audit, user=ada)
    return services.publish(audit, user=ada)


def test_anyone_reads_a_published_audit_with_its_final_scores_and_totals(anon, checklist):
    audit = _published_audit(checklist, [1, 0, 1, 1, 1])
    body = anon.get(f"/api/audits/{audit.pk}/").json()
    assert body["subject"]["developer"] == "Acme" and body["checklist"]["slug"] == "tiny"
    assert [(f["name"], f["score"]) for f in body["final_scores"]] == [
        ("Data size", 1), ("Data sources", 0), ("Compute usage", 1), ("Hardware", 1), ("Usage policy", 1)]
    # By hand: Data 1+0 of 2, Compute 1+1 of 2, Usage 1 of 1; Upstream 3 of 4, Downstream 1 of 1.
    assert body["totals"] == {
        "total": 4, "max": 5,
        "by_domain": {"Upstream": {"score": 3, "max": 4}, "Downstream": {"score": 1, "max": 1}},
        "by_subdomain": {"Data": {"score": 1, "max": 2}, "Compute": {"score": 2, "max": 2},
                         "Usage": {"score": 1, "max": 1}}}
    listed = anon.get("/api/audits/").json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert (row["total"], row["reconciled"], row["max"]) == (4, 5, 5)
    # Raters' scores and suggestions are the auditors' working material.
    assert anon.get(f"/api/audits/{audit.pk}/scores/").status_code == 401
    assert anon.get(f"/api/audits/{audit.pk}/suggestions/").status_code == 401


def test_an_unpublished_audit_is_hidden_from_anonymous_and_members_but_staff_see_it(anon, member, staff,
                                                                                    checklist):
    draft = services.create_audit(checklist=checklist, developer="Acme", name="Draft")
    assert anon.get(f"/api/audits/{draft.pk}/").status_code == 404
    assert member.get(f"/api/audits/{draft.pk}/").status_code == 404
    assert anon.get("/api/audits/").json()["count"] == 0
    seen = staff.get(f"/api/audits/{draft.pk}/")
    assert seen.status_code == 200 and seen.json()["published_at"] is None
    assert [a["id"] for a in staff.get("/api/audits/").json()["results"]] == [draft.pk]
    assert staff.get(f"/api/audits/{draft.pk}/scores/").json() == []


def test_staff_audit_two_raters_reconcile_and_publish_through_the_api(anon, staff, second_rater, checklist):
    created = staff.post("/api/audits/", {"checklist": checklist.pk, "developer": " Acme ", "name": "Acme-1"},
                         format="json")
    assert created.status_code == 201, created.content
    audit_id = created.json()["id"]
    assert created.json()["subject"] == {"id": created.json()["subject"]["id"], "developer": "Acme",
                                         "name": "Acme-1", "model": None}
    uploaded = staff.post(f"/api/audits/{audit_id}/documents/",
                          {"file": SimpleUploadedFile("card.md", DOC.encode())}, format="multipart")
    assert uploaded.status_code == 201, uploaded.content
    document = uploaded.json()["id"]
    assert uploaded.json()["chars"] == len(DOC)

    indicators = [i["id"] for i in anon.get(f"/api/checklists/{checklist.pk}/").json()["indicators"]]
    ada_scores, bob_scores = [1, 0, 1, 1, 0], [1, 1, 1, 0, 0]
    for indicator, a, b in zip(indicators, ada_scores, bob_scores):
        first = staff.post(f"/api/audits/{audit_id}/scores/", {
            "indicator": indicator, "score": a, "document": document, "quote": "512 GPUs",
            "justification": "the card says so"}, format="json")
        assert first.status_code == 201, first.content
        assert first.json()["rater"] == "staff"
        second = second_rater.post(f"/api/audits/{audit_id}/scores/", {"indicator": indicator, "score": b},
                                   format="json")
        assert second.status_code == 201 and second.json()["rater"] == "bob"
    evidence = first.json()
    assert DOC[evidence["start"]:evidence["end"]] == "512 GPUs"
    assert evidence["start"] == DOC.index("512 GPUs")
    assert len(staff.get(f"/api/audits/{audit_id}/scores/").json()) == 10

    early = staff.post(f"/api/audits/{audit_id}/publish/")
    assert early.status_code == 400 and "5 indicator(s) are not reconciled" in early.json()["non_field_errors"][0]
    # Raters agree on the first, third and fifth indicators.
    assert staff.post(f"/api/audits/{audit_id}/reconcile-agreements/").json() == {"reconciled": 3}
    for indicator, final in ((indicators[1], 1), (indicators[3], 0)):
        response = staff.post(f"/api/audits/{audit_id}/reconcile/",
                              {"indicator": indicator, "score": final, "justification": "talked it over"},
                              format="json")
        assert response.status_code == 200, response.content
        assert response.json()["score"] == final
    published = staff.post(f"/api/audits/{audit_id}/publish/")
    assert published.status_code == 200, published.content

    # Final scores [1, 1, 1, 0, 0]: Data 1+1, Compute 1+0, Usage 0; Upstream 3 of 4, Downstream 0 of 1.
    body = anon.get(f"/api/audits/{audit_id}/").json()
    assert published.json()["totals"] == body["totals"] == {
        "total": 3, "max": 5,
        "by_domain": {"Upstream": {"score": 3, "max": 4}, "Downstream": {"score": 0, "max": 1}},
        "by_subdomain": {"Data": {"score": 2, "max": 2}, "Compute": {"score": 1, "max": 2},
                         "Usage": {"score": 0, "max": 1}}}
    assert body["published_at"] is not None
    assert [f["score"] for f in body["final_scores"]] == [1, 1, 1, 0, 0]
    actions = list(Change.objects.filter(audit_id=audit_id).values_list("action", flat=True))
    assert actions[0] == "created" and actions[-1] == "published" and actions.count("reconciled") == 5

    late = second_rater.post(f"/api/audits/{audit_id}/scores/", {"indicator": indicators[0], "score": 0},
                             format="json")
    assert late.status_code == 400 and "published" in late.json()["non_field_errors"][0]


@pytest.mark.parametrize("payload, field, message", [
    ({"score": 2}, "score", '"2" is not a valid choice'),
    ({"score": 1, "quote": "4 trillion tokens"}, "quote", "does not occur in 'card.md'"),
    ({"score": 1, "quote": "512 GPUs", "start": 3}, "start", "not at offset 3"),
    ({"score": 1, "quote": "512 GPUs", "document": None}, "document", "needs the document"),
    ({"score": 1, "indicator": 10 ** 6}, "indicator", "no indicator 1000000 in this audit's checklist"),
    ({"score": 1, "document": 10 ** 6}, "document", "no document 1000000 in this audit"),
])
def test_a_bad_score_is_400_naming_the_field(staff, checklist, payload, field, message):
    audit = services.create_audit(checklist=checklist, developer="Acme", name="Acme-1")
    document = services.add_text_document(audit, title="card.md", text=DOC)
    request = {"indicator": checklist.indicators.first().pk, "document": document.pk, **payload}
    response = staff.post(f"/api/audits/{audit.pk}/scores/", request, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert message in response.json()[field][0]
    assert IndicatorScore.objects.count() == 0


def test_reconcile_and_create_errors_name_their_field(staff, checklist):
    audit = services.create_audit(checklist=checklist, developer="Acme", name="Acme-1")
    indicator = checklist.indicators.first()
    one_rater = staff.post(f"/api/audits/{audit.pk}/reconcile/", {"indicator": indicator.pk, "score": 1},
                           format="json")
    assert one_rater.status_code == 400
    assert "needs two raters' scores" in one_rater.json()["indicator"][0]
    assert FinalScore.objects.count() == 0
    unknown = staff.post("/api/audits/", {"checklist": 999, "developer": "Acme", "name": "X", "model": "nope"},
                         format="json")
    assert unknown.status_code == 400 and set(unknown.json()) == {"checklist", "model"}
    assert "nope" in unknown.json()["model"][0]
    blank = staff.post("/api/audits/", {"checklist": checklist.pk, "developer": "", "name": "X"}, format="json")
    assert blank.status_code == 400 and list(blank.json()) == ["developer"]
    no_docs = staff.post(f"/api/audits/{audit.pk}/suggestions/")
    assert no_docs.status_code == 400 and "add a document first" in no_docs.json()["documents"][0]


def test_writes_need_a_staff_token(anon, member, staff, checklist):
    payload = {"checklist": checklist.pk, "developer": "Acme", "name": "Acme-1"}
    assert anon.post("/api/audits/", payload, format="json").status_code == 401
    assert member.post("/api/audits/", payload, format="json").status_code == 403
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert forged.post("/api/audits/", payload, format="json").status_code == 401
    assert Audit.objects.count() == 0
    assert staff.post("/api/audits/", payload, format="json").status_code == 201
    assert Audit.objects.get().created_by.username == "staff"


def test_filters_by_checklist_subject_and_developer(anon, checklist, django_assert_num_queries):
    other = services.import_checklist(ChecklistFile("other", (Indicator("D", "S", "Only one"),)), slug="other")
    acme = _published_audit(checklist, [1, 1, 0, 0, 0], developer="Acme")
    beta = _published_audit(checklist, [0, 0, 0, 0, 1], developer="Beta")
    lone = _published_audit(other, [1], developer="Acme")

    def ids(query: str) -> set[int]:
        response = anon.get(f"/api/audits/?{query}")
        assert response.status_code == 200, response.content
        return {a["id"] for a in response.json()["results"]}

    with django_assert_num_queries(2):  # count + audits with subject, checklist and totals
        assert ids("") == {acme.pk, beta.pk, lone.pk}
    assert ids(f"checklist={checklist.pk}") == ids("checklist=tiny") == {acme.pk, beta.pk}
    assert lone.subject_id == acme.subject_id  # the same developer and model name: one subject
    assert ids(f"subject={acme.subject_id}") == {acme.pk, lone.pk}
    assert ids(f"subject={beta.subject_id}") == {beta.pk}
    assert ids(f"subject={acme.subject_id}&checklist=tiny") == {acme.pk}
    assert ids("developer=acme") == {acme.pk, lone.pk}
    assert ids("developer=acme&checklist=other") == {lone.pk}
    assert anon.get("/api/audits/?subject=acme").status_code == 400


def test_checklists_list_and_detail_with_indicators(anon, checklist):
    listed = anon.get("/api/checklists/").json()
    assert [(c["slug"], c["version"], c["indicator_count"]) for c in listed["results"]] == [("tiny", 1, 5)]
    detail = anon.get(f"/api/checklists/{checklist.pk}/").json()
    assert [(i["position"], i["domain"], i["subdomain"], i["name"]) for i in detail["indicators"]] == [
        (n, *item) for n, item in enumerate(ITEMS, start=1)]


def test_the_schema_names_the_audit_endpoints(anon):
    response = anon.get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("/api/checklists/{id}/", "/api/audits/", "/api/audits/{id}/scores/",
                 "/api/audits/{id}/reconcile/", "/api/audits/{id}/publish/", "/api/audits/{id}/documents/"):
        assert f"  {path}:" in text, path


def test_the_audit_endpoints_describe_themselves_without_schema_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    from glassbox.config.api_urls import router

    patterns = [p for p in router.urls if str(p.pattern).startswith(("^audits", "^checklists"))]
    assert len(patterns) >= 4
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert len(schema["paths"]) >= 9
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache, dict(GENERATOR_STATS._warn_cache)
