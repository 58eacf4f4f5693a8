"""CSV and JSON exports of an audit's published scores, and the CSV export of a checklist. CSV goes
through the site's one formula-safe writer (glassbox.config.csv_export)."""
from __future__ import annotations

from evaluators.transparency.checklists import OPTIONAL, REQUIRED
from glassbox.config.csv_export import csv_text

from .models import Audit, Checklist, FinalScore


def audit_rows(audit: Audit) -> list[dict]:
    """Return one dict per indicator with its final score and justification."""
    finals = {f.indicator_id: f for f in FinalScore.objects.filter(audit=audit)}
    rows = []
    for indicator in audit.checklist.indicators.all():
        final = finals.get(indicator.pk)
        rows.append({"developer": audit.subject.developer, "subject": audit.subject.name,
                     "checklist": str(audit.checklist), "position": indicator.position,
                     "domain": indicator.domain, "subdomain": indicator.subdomain,
                     "indicator": indicator.name, "score": final.score if final else None,
                     "justification": final.justification if final else ""})
    return rows


def audit_csv(audit: Audit) -> str:
    """Return the audit's final scores as CSV text, formula-safe."""
    rows = audit_rows(audit)
    return csv_text(list(rows[0]) if rows else ["indicator"], [row.values() for row in rows])


def checklist_csv(checklist: Checklist) -> str:
    """Return the checklist's indicators as CSV text, formula-safe, in the columns its import reads.

    A cell escaped here comes back with its leading quote when the file is imported again: the
    quote is what keeps a spreadsheet from running it, and it is visible in the text.
    """
    rows = ([i.domain, i.subdomain, i.name, i.definition, i.notes, ";".join(i.keywords)]
            for i in checklist.indicators.all())
    return csv_text(REQUIRED + OPTIONAL, rows)


def audit_json(audit: Audit) -> dict:
    """Return the audit's totals and final scores as a JSON-able dict."""
    from .queries import final_totals

    return {"audit": audit.pk, "developer": audit.subject.developer, "subject": audit.subject.name,
            "checklist": audit.checklist.slug, "version": audit.checklist.version,
            "published_at": audit.published_at.isoformat() if audit.published_at else None,
            **final_totals(audit), "indicators": audit_rows(audit)}
