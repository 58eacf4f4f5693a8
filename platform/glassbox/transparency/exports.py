"""CSV and JSON exports of an audit's published scores. CSV cells that a spreadsheet would read
as a formula (starting with = + - @, or a tab or carriage return) get a leading quote."""
from __future__ import annotations

import csv
import io

from .models import Audit, FinalScore

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Return the value, with a leading ' when its text would start a spreadsheet formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


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
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["indicator"])
    writer.writeheader()
    for row in rows:
        writer.writerow({key: safe_cell(value) for key, value in row.items()})
    return out.getvalue()


def audit_json(audit: Audit) -> dict:
    """Return the audit's totals and final scores as a JSON-able dict."""
    from .queries import final_totals

    return {"audit": audit.pk, "developer": audit.subject.developer, "subject": audit.subject.name,
            "checklist": audit.checklist.slug, "version": audit.checklist.version,
            "published_at": audit.published_at.isoformat() if audit.published_at else None,
            **final_totals(audit), "indicators": audit_rows(audit)}
