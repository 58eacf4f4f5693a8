"""Every write of the transparency app: checklists, audits, documents, scores, reconciliation,
publication, disputes and suggestions. Each change to an audit is kept in its history."""
from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from evaluators.transparency import checklists as checklist_files
from glassbox.config import jobs

from .extraction import extract
from .models import (Audit, Change, Checklist, Dispute, Document, FinalScore, Indicator,
                     IndicatorScore, ReferenceScore, Subject)


class AuditError(ValueError):
    """An audit action is not allowed now; the message says why and `field` names the input to blame."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _log(audit: Audit, action: str, actor=None, indicator: Indicator | None = None, **detail) -> None:
    Change.objects.create(audit=audit, indicator=indicator, actor=actor, action=action, detail=detail)


@transaction.atomic
def import_checklist(parsed: checklist_files.Checklist, *, slug: str, title: str = "",
                     source: str = "", builtin: bool = False) -> Checklist:
    """Return a new version of checklist `slug` holding the parsed indicators."""
    latest = Checklist.objects.filter(slug=slug).order_by("-version").first()
    checklist = Checklist.objects.create(slug=slug, version=(latest.version + 1) if latest else 1,
                                         title=title or parsed.title or slug, source=source or parsed.source,
                                         builtin=builtin)
    Indicator.objects.bulk_create([
        Indicator(checklist=checklist, position=number, domain=item.domain, subdomain=item.subdomain,
                  name=item.indicator, definition=item.definition, notes=item.notes,
                  keywords=list(item.keywords))
        for number, item in enumerate(parsed.indicators, start=1)])
    return checklist


def import_checklist_file(*, name: str, data: bytes, slug: str, title: str = "") -> Checklist:
    """Return the checklist imported from an uploaded CSV or JSON file (ChecklistError if malformed)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise checklist_files.ChecklistError(f"{name}: not UTF-8 text (byte {error.start})") from None
    return import_checklist(checklist_files.parse(text, name), slug=slug, title=title)


@transaction.atomic
def load_builtin_checklists() -> list[Checklist]:
    """Return the built-in FMTI checklists, creating them and their official scores if missing."""
    loaded, reference = [], checklist_files.reference_scores()
    for name in checklist_files.BUILTIN:
        checklist = Checklist.objects.filter(slug=name, builtin=True).first()
        if checklist is None:
            checklist = import_checklist(checklist_files.builtin(name), slug=name, builtin=True)
            indicators = list(checklist.indicators.order_by("position"))
            # Official scores join the indicators by row position (names differ between files).
            ReferenceScore.objects.bulk_create([
                ReferenceScore(indicator=indicator, developer=developer, score=score)
                for developer, scores in reference[name]["developers"].items()
                for indicator, score in zip(indicators, scores)])
        loaded.append(checklist)
    return loaded


@transaction.atomic
def create_audit(*, checklist: Checklist, developer: str, name: str, model=None, user=None) -> Audit:
    """Return a new audit of a subject (found or created by developer and name) against a checklist."""
    subject, _ = Subject.objects.get_or_create(developer=developer.strip(), name=name.strip(),
                                               defaults={"model": model})
    audit = Audit.objects.create(subject=subject, checklist=checklist, created_by=user)
    _log(audit, "created", user, checklist=str(checklist), subject=str(subject))
    return audit


@transaction.atomic
def add_document(audit: Audit, *, name: str, data: bytes, user=None) -> Document:
    """Return the document stored from an uploaded file's extracted text (ExtractionError if unreadable)."""
    kind, text = extract(name, data)
    document = Document.objects.create(audit=audit, title=name, file_format=kind, text=text,
                                       sha256=hashlib.sha256(data).hexdigest())
    _log(audit, "document added", user, document=name, format=kind, chars=len(text))
    return document


def add_text_document(audit: Audit, *, title: str, text: str, file_format: str = "txt", user=None) -> Document:
    """Return a document stored from text Glassbox wrote itself (such as a model card)."""
    document = Document.objects.create(audit=audit, title=title, file_format=file_format, text=text,
                                       sha256=hashlib.sha256(text.encode()).hexdigest())
    _log(audit, "document added", user, document=title, format=file_format, chars=len(text))
    return document


def add_model_card(audit: Audit, *, model, user=None) -> Document:
    """Return the model card Glassbox writes for a registered model, stored as an audit document."""
    from glassbox.evaluations.queries import visible_runs

    from .model_card import model_card

    # A published audit's documents are public: only runs anyone may see go into the card.
    return add_text_document(audit, title=f"Glassbox model card: {model.name}",
                             text=model_card(model, visible_runs(None)), file_format="card", user=user)


def _locate(document: Document | None, quote: str, start: int | None) -> tuple[int | None, int | None]:
    if document is None or not quote:
        return None, None
    if start is not None:
        if document.text[start:start + len(quote)] != quote:
            raise AuditError(f"the quote is not at offset {start} of '{document.title}'", field="start")
        return start, start + len(quote)
    found = document.text.find(quote)
    if found < 0:
        raise AuditError(f"the quote does not occur in '{document.title}'", field="quote")
    return found, found + len(quote)


@transaction.atomic
def record_score(audit: Audit, indicator: Indicator, *, rater, score: int, document: Document | None = None,
                 quote: str = "", justification: str = "", start: int | None = None) -> IndicatorScore:
    """Return the rater's score of an indicator, saved with evidence offsets located in the document."""
    if audit.published_at:
        raise AuditError("the audit is published; raise a dispute instead")
    if score not in (0, 1):
        raise AuditError("score must be 0 or 1", field="score")
    if indicator.checklist_id != audit.checklist_id:
        raise AuditError("the indicator belongs to another checklist", field="indicator")
    if document and document.audit_id != audit.pk:
        raise AuditError("the document belongs to another audit", field="document")
    begin, end = _locate(document, quote, start)
    previous = (IndicatorScore.objects.filter(audit=audit, indicator=indicator, rater=rater)
                .values_list("score", flat=True).first())
    entry, created = IndicatorScore.objects.update_or_create(
        audit=audit, indicator=indicator, rater=rater,
        defaults={"score": score, "document": document, "quote": quote, "start": begin, "end": end,
                  "justification": justification})
    _log(audit, "scored" if created else "rescored", rater, indicator, score=score, previous=previous,
         document=document.title if document else None, quote=quote, start=begin, end=end,
         justification=justification)
    return entry


@transaction.atomic
def reconcile(audit: Audit, indicator: Indicator, *, user, score: int, justification: str = "") -> FinalScore:
    """Return the final score of an indicator that at least two raters have scored."""
    if audit.published_at:
        raise AuditError("the audit is published; raise a dispute instead")
    if score not in (0, 1):
        raise AuditError("score must be 0 or 1", field="score")
    if IndicatorScore.objects.filter(audit=audit, indicator=indicator).count() < 2:
        raise AuditError(f"'{indicator.name}' needs two raters' scores before it is reconciled",
                         field="indicator")
    final, _ = FinalScore.objects.update_or_create(
        audit=audit, indicator=indicator,
        defaults={"score": score, "justification": justification, "reconciled_by": user})
    _log(audit, "reconciled", user, indicator, score=score, justification=justification)
    return final


def reconcile_agreements(audit: Audit, *, user) -> int:
    """Return how many indicators got a final score because their two raters agree."""
    from .queries import rater_table

    count = 0
    for row in rater_table(audit)["rows"]:
        scores = [s.score for s in row["scores"] if s is not None]
        if len(scores) >= 2 and len(set(scores)) == 1 and row["final"] is None:
            given = [s.justification for s in row["scores"] if s is not None and s.justification]
            reconcile(audit, row["indicator"], user=user, score=scores[0],
                      justification=given[0] if given else "raters agree")
            count += 1
    return count


def discard_unpublished(audit: Audit) -> None:
    """Delete an audit that was never published, with its documents and scores; a published audit
    is part of the record and cannot be discarded."""
    if audit.published_at:
        raise AuditError("a published audit cannot be discarded")
    audit.delete()


@transaction.atomic
def publish(audit: Audit, *, user) -> Audit:
    """Return the audit, published: only once every indicator has a reconciled final score."""
    missing = audit.checklist.indicators.exclude(
        pk__in=FinalScore.objects.filter(audit=audit).values("indicator"))
    if missing.exists():
        raise AuditError(f"{missing.count()} indicator(s) are not reconciled yet, "
                         f"first: '{missing.first().name}'")
    audit.published_at = timezone.now()
    audit.save(update_fields=["published_at"])
    _log(audit, "published", user)
    return audit


@transaction.atomic
def raise_dispute(audit: Audit, indicator: Indicator, *, user, text: str) -> Dispute:
    """Return a developer's dispute of a published final score."""
    if not audit.published_at:
        raise AuditError("only published scores can be disputed")
    if not text.strip():
        raise AuditError("say what is disputed", field="text")
    dispute = Dispute.objects.create(audit=audit, indicator=indicator, raised_by=user, text=text.strip())
    _log(audit, "disputed", user, indicator, text=dispute.text)
    return dispute


@transaction.atomic
def respond_to_dispute(dispute: Dispute, *, user, response: str, new_score: int | None = None) -> Dispute:
    """Return the dispute with the auditors' response; a new score, if given, replaces the final one."""
    if not response.strip():
        raise AuditError("the response is empty", field="response")
    dispute.response, dispute.responded_by, dispute.responded_at = response.strip(), user, timezone.now()
    dispute.save(update_fields=["response", "responded_by", "responded_at"])
    detail = {"response": dispute.response}
    if new_score is not None:
        final = FinalScore.objects.get(audit=dispute.audit, indicator=dispute.indicator)
        detail.update(old_score=final.score, score=new_score)
        final.score, final.reconciled_by = new_score, user
        final.save(update_fields=["score", "reconciled_by", "updated_at"])
    _log(dispute.audit, "dispute answered", user, dispute.indicator, **detail)
    return dispute


def set_suggestion_progress(audit_id: int, *, status: str, done: int = 0, total: int = 0,
                            error: str = "") -> None:
    """Store how far the suggestion task for an audit has got."""
    Audit.objects.filter(pk=audit_id).update(
        suggestion_progress={"status": status, "done": done, "total": total, "error": error})


def store_suggestion(audit_id: int, result: dict) -> None:
    """Store the suggested scores of an audit."""
    audit = Audit.objects.get(pk=audit_id)
    audit.suggestion = result
    audit.save(update_fields=["suggestion"])
    _log(audit, "suggested", None, total=result["total"], max=result["max"])


def request_suggestions(audit: Audit, *, user=None) -> None:
    """Queue the suggestion task for an audit (queue "default")."""
    if not audit.documents.exists():
        raise AuditError("add a document first", field="documents")
    set_suggestion_progress(audit.pk, status="queued")
    _log(audit, "suggestions requested", user)
    enqueue_suggestions(audit.pk)


def enqueue_suggestions(audit_id: int) -> None:
    """Send the suggestion task once the audit's queued state is committed (tests replace this)."""
    jobs.enqueue("workers.transparency_tasks.suggest_scores", audit_id, queue="default")


