"""Runs the suggestion engine on an audit's documents and stores the result (the worker's job)."""
from __future__ import annotations

from evaluators.transparency import checklists as checklist_files
from evaluators.transparency.suggest import suggest

from . import services
from .models import Audit


def checklist_of(audit: Audit) -> checklist_files.Checklist:
    """Return the audit's checklist in the evaluators' form."""
    return checklist_files.Checklist(
        name=audit.checklist.slug, title=audit.checklist.title,
        indicators=tuple(checklist_files.Indicator(i.domain, i.subdomain, i.name, i.definition, i.notes,
                                                   tuple(i.keywords)) for i in audit.checklist.indicators.all()))


def run_suggestions(audit_id: int, embedder=None) -> dict:
    """Return the suggested scores for an audit, stored on it, with progress reported as it goes."""
    audit = Audit.objects.select_related("checklist").get(pk=audit_id)
    documents = [(d.title, d.text) for d in audit.documents.all()]
    total = audit.checklist.indicators.count()
    services.set_suggestion_progress(audit_id, status="running", done=0, total=total)

    def on_progress(done: int, count: int) -> None:
        if done == count or done % 10 == 0:
            services.set_suggestion_progress(audit_id, status="running", done=done, total=count)

    try:
        result = suggest(checklist_of(audit), documents, embedder=embedder, on_progress=on_progress)
    except Exception as error:
        services.set_suggestion_progress(audit_id, status="failed", total=total, error=str(error))
        raise
    # Evidence names the document by title; keep its id too, so pages can link and highlight.
    ids = {d.title: d.pk for d in audit.documents.all()}
    for row in result["indicators"]:
        for item in row["evidence"]:
            item["document_id"] = ids.get(item["document"])
    services.store_suggestion(audit_id, result)
    services.set_suggestion_progress(audit_id, status="done", done=total, total=total)
    return result
