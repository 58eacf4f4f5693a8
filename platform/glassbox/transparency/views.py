"""Transparency pages. Thin: forms are read here, every write is a service call."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from evaluators.transparency.checklists import ChecklistError, to_json
from evaluators.transparency import checklists as checklist_files

from glassbox.accounts import roles
from glassbox.accounts.decorators import role_required
from glassbox.registry.models import Model
from glassbox.registry.queries import can_see_model, visible_models

from . import exports, queries, services

from .extraction import ExtractionError
from .models import Audit, Checklist, Dispute, Document, Indicator


def _audit(request: HttpRequest, audit_id: int) -> Audit:
    """Return the audit if the visitor may see it (unpublished ones are for auditors), else 404."""
    try:
        return queries.audit_detail(audit_id, queries.visible_audits(request.user))
    except Audit.DoesNotExist:
        raise Http404("no such audit") from None


def _int(value: str | None) -> int | None:
    return int(value) if value not in (None, "") and str(value).lstrip("-").isdigit() else None


def checklist_list(request: HttpRequest) -> HttpResponse:
    return render(request, "transparency/checklist_list.html",
                  {"checklists": Checklist.objects.all(), "audits": queries.visible_audits(
                      request.user, Audit.objects.select_related("subject", "checklist"))[:50]})


@role_required(roles.is_admin)
@require_POST
def checklist_import(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    slug = (request.POST.get("slug") or "").strip()
    if upload is None or not slug:
        messages.error(request, "Choose a CSV or JSON file and give the checklist a slug.")
        return redirect("transparency:checklist-list")
    try:
        checklist = services.import_checklist_file(name=upload.name, data=upload.read(), slug=slug,
                                                   title=request.POST.get("title", ""))
    except ChecklistError as error:
        messages.error(request, str(error))
        return redirect("transparency:checklist-list")
    return redirect("transparency:checklist-detail", checklist_id=checklist.pk)


def checklist_detail(request: HttpRequest, checklist_id: int) -> HttpResponse:
    checklist = get_object_or_404(Checklist, pk=checklist_id)
    return render(request, "transparency/checklist_detail.html", {
        "checklist": checklist, "indicators": checklist.indicators.all(),
        "developers": queries.reference_developers(checklist)})


def _as_file(checklist: Checklist) -> checklist_files.Checklist:
    return checklist_files.Checklist(name=checklist.slug, title=checklist.title, source=checklist.source,
                                     indicators=tuple(checklist_files.Indicator(
                                         i.domain, i.subdomain, i.name, i.definition, i.notes,
                                         tuple(i.keywords)) for i in checklist.indicators.all()))


def checklist_export(request: HttpRequest, checklist_id: int, fmt: str) -> HttpResponse:
    checklist = get_object_or_404(Checklist, pk=checklist_id)
    if fmt not in ("csv", "json"):
        raise Http404("export as csv or json")
    text = exports.checklist_csv(checklist) if fmt == "csv" else to_json(_as_file(checklist))
    response = HttpResponse(text, content_type="text/csv" if fmt == "csv" else "application/json")
    response["Content-Disposition"] = f'attachment; filename="{checklist.slug}-v{checklist.version}.{fmt}"'
    return response


def index(request: HttpRequest, checklist_id: int) -> HttpResponse:
    checklist = get_object_or_404(Checklist, pk=checklist_id)
    data = queries.index(checklist, queries.visible_audits(request.user))
    heatmap = {"z": data["grid"], "x": data["subdomains"], "y": [e["label"] for e in data["entries"]]}
    # Room for every row's label (about 22 px each) above the slanted subdomain names.
    height = max(320, 22 * len(data["entries"]) + 200)
    return render(request, "transparency/index.html", {"checklist": checklist, **data,
                                                       "heatmap": heatmap, "heatmap_height": height})


def audit_list(request: HttpRequest) -> HttpResponse:
    return redirect("transparency:checklist-list")


@role_required(roles.can_audit)
def audit_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        checklist = get_object_or_404(Checklist, pk=_int(request.POST.get("checklist")) or 0)
        developer, name = request.POST.get("developer", "").strip(), request.POST.get("name", "").strip()
        model = visible_models(request.user, Model.objects.all()).filter(
            pk=_int(request.POST.get("model")) or 0).first()
        if developer and name:
            audit = services.create_audit(checklist=checklist, developer=developer, name=name,
                                          model=model, user=request.user)
            return redirect("transparency:audit-detail", audit_id=audit.pk)
        messages.error(request, "Give the developer and the model's name.")
    return render(request, "transparency/audit_form.html",
                  {"checklists": Checklist.objects.all(), "models": visible_models(request.user)})


def audit_detail(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _audit(request, audit_id)
    table = queries.rater_table(audit)
    suggested = {row["indicator"]: row for row in (audit.suggestion or {}).get("indicators", [])}
    for row in table["rows"]:
        row["suggested"] = suggested.get(row["indicator"].name)
        row["mine"] = next((s for s, r in zip(row["scores"], table["raters"])
                            if s is not None and r.pk == request.user.pk), None)
    return render(request, "transparency/audit_detail.html", {
        "audit": audit, "table": table, "agreement": queries.agreement(audit),
        "card_allowed": audit.subject.model is not None and can_see_model(request.user, audit.subject.model),
        "totals": queries.final_totals(audit) if audit.published_at else None,
        "documents": audit.documents.all(), "disputes": audit.disputes.select_related("indicator"),
        "history": audit.changes.select_related("indicator", "actor").order_by("-created_at", "-pk")[:100]})


def _back(audit: Audit) -> HttpResponse:
    return redirect("transparency:audit-detail", audit_id=audit.pk)


@role_required(roles.can_audit)
@require_POST
def document_upload(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _audit(request, audit_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a file.")
        return _back(audit)
    try:
        services.add_document(audit, name=upload.name, data=upload.read(), user=request.user)
    except ExtractionError as error:
        messages.error(request, str(error))
    return _back(audit)


def document_detail(request: HttpRequest, audit_id: int, document_id: int) -> HttpResponse:
    document = get_object_or_404(Document, pk=document_id, audit=_audit(request, audit_id))
    start, end = _int(request.GET.get("start")), _int(request.GET.get("end"))
    text = document.text
    if start is not None and end is not None and 0 <= start <= end <= len(text):
        body = mark_safe(escape(text[:start]) + '<mark id="evidence">' + escape(text[start:end])
                         + "</mark>" + escape(text[end:]))
    else:
        body = text
    return render(request, "transparency/document_detail.html", {"document": document, "body": body})


@role_required(roles.can_audit)
@require_POST
def model_card(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _audit(request, audit_id)
    if audit.subject.model is None:
        messages.error(request, "This audit's subject is not a registered model.")
    elif not can_see_model(request.user, audit.subject.model):
        messages.error(request, "This audit's model is private: only its owner or an administrator can add its card.")
    else:
        services.add_model_card(audit, model=audit.subject.model, user=request.user)
    return _back(audit)


@role_required(roles.can_audit)
@require_POST
def score(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _audit(request, audit_id)
    indicator = get_object_or_404(Indicator, pk=_int(request.POST.get("indicator")) or 0,
                                  checklist=audit.checklist)
    document_id = _int(request.POST.get("document"))
    document = get_object_or_404(Document, pk=document_id, audit=audit) if document_id else None
    try:
        services.record_score(audit, indicator, rater=request.user, score=_int(request.POST.get("score")),
                              document=document, quote=request.POST.get("quote", ""),
                              justification=request.POST.get("justification", ""),
                              start=_int(request.POST.get("start")))
    except services.AuditError as error:
        messages.error(request, f"{indicator.name}: {error}")
    return _back(audit)


@role_required(roles.can_audit)
@require_POST
def reconcile(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _audit(request, audit_id)
    indicator = get_object_or_404(Indicator, pk=_int(request.POST.get("indicator")) or 0,
                                  checklist=audit.checklist)
    try:
        services.reconcile(audit, indicator, user=request.user, score=_int(request.POST.get("score")),
                           justification=request.POST.get("justification", ""))
    except services.AuditError as error:
        messages.error(request, str(error))
    return _back(audit)


@role_required(roles.can_audit)
@require_POST
def reconcile_agreements(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _audit(request, audit_id)
    count = services.reconcile_agreements(audit, user=request.user)
    messages.info(request, f"{count} indicator(s) where the raters agree are now final.")
    return _back(audit)


@role_required(roles.can_audit)
@require_POST
def publish(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _audit(request, audit_id)
    try:
        services.publish(audit, user=request.user)
    except services.AuditError as error:
        messages.error(request, str(error))
    return _back(audit)


@login_required  # the audited developer, or anyone, may dispute a published score
@require_POST
def dispute(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _audit(request, audit_id)
    indicator = get_object_or_404(Indicator, pk=_int(request.POST.get("indicator")) or 0,
                                  checklist=audit.checklist)
    try:
        services.raise_dispute(audit, indicator, user=request.user, text=request.POST.get("text", ""))
    except services.AuditError as error:
        messages.error(request, str(error))
    return _back(audit)


@role_required(roles.can_audit)
@require_POST
def dispute_respond(request: HttpRequest, dispute_id: int) -> HttpResponse:
    entry = get_object_or_404(Dispute, pk=dispute_id)
    try:
        services.respond_to_dispute(entry, user=request.user, response=request.POST.get("response", ""),
                                    new_score=_int(request.POST.get("score")))
    except services.AuditError as error:
        messages.error(request, str(error))
    return _back(entry.audit)


@role_required(roles.can_audit)
@require_POST
def suggest(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _audit(request, audit_id)
    try:
        services.request_suggestions(audit, user=request.user)
    except services.AuditError as error:
        messages.error(request, str(error))
    return _back(audit)


def suggestion_progress(request: HttpRequest, audit_id: int) -> JsonResponse:
    return JsonResponse(_audit(request, audit_id).suggestion_progress or {"status": "none"})


def compare(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = _audit(request, audit_id)
    return render(request, "transparency/compare.html", {"audit": audit, "comparison": queries.comparison(audit)})


def audit_export(request: HttpRequest, audit_id: int, fmt: str) -> HttpResponse:
    audit = _audit(request, audit_id)
    if not audit.published_at:
        raise Http404("the audit is not published yet")
    if fmt == "csv":
        response = HttpResponse(exports.audit_csv(audit), content_type="text/csv")
    elif fmt == "json":
        response = JsonResponse(exports.audit_json(audit))
    else:
        raise Http404("export as csv or json")
    response["Content-Disposition"] = f'attachment; filename="audit-{audit.pk}.{fmt}"'
    return response
