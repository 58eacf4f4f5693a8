"""The demo's audit: the demo base model's card scored by the suggestion engine, two raters who
disagree on a few indicators, a reconciliation, and publication into the index."""
from __future__ import annotations

import io

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_base(tmp_path_factory):
    from evaluators.demo.models import build_tiny_model
    from glassbox.registry.services import register_model

    from evaluators.demo.cards import model_card

    directory = build_tiny_model(tmp_path_factory.mktemp("demo-audit") / "tiny", seed=0)
    facts = {"files": 180, "steps": 10, "batch_size": 2, "block_size": 512, "training_tokens": 10240,
             "corpus_tokens": 3_000_000, "peak_lr": 0.002, "seed": 0, "build_seconds": 60.0}
    (directory / "README.md").write_text(model_card("base", 6_000_000, 2.5, facts, (256, 4, 4, 688)))
    return register_model(name="Glassbox demo base", slug="glassbox-demo-base", source=str(directory))


def test_the_demo_audit_is_scored_twice_reconciled_and_published(demo_base, fake_embedder, client):
    from django.urls import reverse

    from glassbox.site.demo.audits import DISAGREEMENTS, publish_demo_audit
    from glassbox.transparency import queries, services
    from glassbox.transparency.models import FinalScore, IndicatorScore

    checklists = {c.slug: c for c in services.load_builtin_checklists()}
    # A demo job that stopped midway left an unpublished audit: it is discarded and done again.
    stopped = services.create_audit(checklist=checklists["fmti-2025"], developer="Glassbox", name=demo_base.name,
                                    model=demo_base)
    audit = publish_demo_audit(demo_base, io.StringIO(), embedder=fake_embedder)
    assert audit.pk != stopped.pk and not type(audit).objects.filter(pk=stopped.pk).exists()
    with pytest.raises(services.AuditError, match="cannot be discarded"):
        services.discard_unpublished(audit)
    assert audit.published_at is not None and audit.checklist.slug == "fmti-2025"
    assert sorted(audit.documents.values_list("title", flat=True)) == [
        "Glassbox demo base: README.md", "Glassbox model card: Glassbox demo base"]
    by_rater: dict[str, dict[int, int]] = {}
    for score in IndicatorScore.objects.filter(audit=audit).select_related("rater"):
        by_rater.setdefault(score.rater.username, {})[score.indicator_id] = score.score
    first, second = by_rater["demo-rater-ada"], by_rater["demo-rater-grace"]
    assert len(first) == len(second) == 100
    differ = [i for i in first if first[i] != second[i]]
    assert len(differ) == DISAGREEMENTS
    finals = dict(FinalScore.objects.filter(audit=audit).values_list("indicator_id", "score"))
    assert finals == first  # the lead kept the first reading where the two differed
    # Every 1 scored with evidence quotes its document where the quote is.
    quoted = list(IndicatorScore.objects.filter(audit=audit, score=1).exclude(quote="").select_related("document"))
    assert quoted
    for score in quoted:
        assert score.document.text[score.start:score.end] == score.quote

    index = queries.index(audit.checklist, queries.visible_audits(None))
    labels = [entry["label"] for entry in index["entries"]]
    assert "Glassbox · Glassbox demo base" in labels and "OpenAI (official, FMTI team)" in labels
    page = client.get(reverse("transparency:index", args=[audit.checklist.pk])).content.decode()
    assert "Published audits (1)" in page
    # Seeding again keeps the one published audit.
    assert publish_demo_audit(demo_base, io.StringIO(), embedder=fake_embedder).pk == audit.pk
