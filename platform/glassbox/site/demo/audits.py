"""The demo's transparency audit: the demo base model against the 2025 checklist, from the model
cards Glassbox writes for it (the registry's card, and the README.md the demo builder wrote beside
the weights), carried through every step a real audit takes.

The suggestion engine scores the cards; the first rater accepts every suggestion with its best
evidence; the second rater agrees except on the indicators the engine was least sure of, which that
rater scores the other way; agreements are reconciled at once, the disagreements by the lead with
a justification (the first rater's reading, which the card's text supports), and the audit is
published, so the index shows it beside the FMTI team's official scores.
"""
from __future__ import annotations

from pathlib import Path

from glassbox.accounts.services import named_account
from glassbox.registry.models import Model
from glassbox.transparency import services
from glassbox.transparency.models import Audit, Checklist

CHECKLIST = "fmti-2025"
DEVELOPER = "Glassbox"
# How many indicators the second rater reads differently: enough to show the reconciliation.
DISAGREEMENTS = 4
RATERS = ("demo-rater-ada", "demo-rater-grace")
LEAD = "demo-audit-lead"


def publish_demo_audit(model: Model, stdout, embedder=None) -> Audit:
    """Return the published demo audit of `model`, running it on first use."""
    from glassbox.transparency.suggestions import run_suggestions

    existing = Audit.objects.filter(subject__developer=DEVELOPER, subject__name=model.name,
                                    checklist__slug=CHECKLIST).first()
    if existing is not None and existing.published_at:
        return existing
    if existing is not None:  # an earlier demo job stopped midway: start the audit again
        services.discard_unpublished(existing)
    checklist = Checklist.objects.get(slug=CHECKLIST, builtin=True)
    first, second = (named_account(name, "auditor") for name in RATERS)
    lead = named_account(LEAD, "auditor")
    audit = services.create_audit(checklist=checklist, developer=DEVELOPER, name=model.name, model=model, user=lead)
    services.add_model_card(audit, model=model, user=lead)
    readme = Path(model.source) / "README.md"  # the card the demo builder wrote beside the weights
    if model.source_kind == Model.SourceKind.LOCAL and readme.is_file():
        services.add_text_document(audit, title=f"{model.name}: README.md", text=readme.read_text(encoding="utf-8"),
                                   file_format="md", user=lead)
    suggestions = run_suggestions(audit.pk, embedder=embedder)["indicators"]
    documents = {document.title: document for document in audit.documents.all()}
    doubtful = {row["indicator"] for row in sorted(suggestions, key=lambda r: r["confidence"])[:DISAGREEMENTS]}
    indicators = {indicator.name: indicator for indicator in checklist.indicators.all()}
    for row in suggestions:
        indicator = indicators[row["indicator"]]
        _score(audit, indicator, first, row["score"], row, documents)
        _score(audit, indicator, second, 1 - row["score"] if row["indicator"] in doubtful else row["score"], row,
               documents)
    services.reconcile_agreements(audit, user=lead)
    for row in suggestions:
        if row["indicator"] in doubtful:
            services.reconcile(audit, indicators[row["indicator"]], user=lead, score=row["score"],
                               justification=_reading(row))
    audit = services.publish(audit, user=lead)
    stdout.write(f"audit {audit.pk} of {model.slug} against {CHECKLIST}: published, "
                 f"{sum(row['score'] for row in suggestions)} of {len(suggestions)} indicators")
    return audit


def _score(audit: Audit, indicator, rater, score: int, row: dict, documents: dict) -> None:
    evidence = row["evidence"][0] if row["evidence"] else None
    document = documents.get(evidence["document"]) if evidence else None
    if score and document is not None:
        services.record_score(audit, indicator, rater=rater, score=1, document=document, quote=evidence["quote"],
                              start=evidence["start"], justification="The model card discloses it.")
    else:
        services.record_score(audit, indicator, rater=rater, score=score,
                              justification="" if score else "The model card does not say.")


def _reading(row: dict) -> str:
    if row["score"] and row["evidence"]:
        return f"The card's passage supports it: '{row['evidence'][0]['quote'][:120]}'"
    return "Nothing in the card discloses this; the second reading is not supported by the text."
