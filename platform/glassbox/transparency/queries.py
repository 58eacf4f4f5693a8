"""Reads for the transparency pages and exports: which audits a reader may see, rater tables,
agreement, totals, the index and the comparison with official FMTI scores."""
from __future__ import annotations

from collections import OrderedDict

from django.db.models import Q, QuerySet

from evaluators.transparency.agreement import cohen_kappa, percent_agreement
from glassbox.accounts import roles

from .models import Audit, FinalScore, IndicatorScore, ReferenceScore


def visible_audits(user, queryset: QuerySet | None = None) -> QuerySet:
    """Return the audits `user` may see: auditors see every audit; everyone else the published ones
    whose subject is not a model hidden from them."""
    queryset = Audit.objects.all() if queryset is None else queryset
    if roles.can_audit(user):
        return queryset
    return queryset.filter(Q(published_at__isnull=False)
                           & (Q(subject__model__isnull=True) | roles.open_to(user, "subject__model__")))


def audit_detail(audit_id: int, audits: QuerySet[Audit] | None = None) -> Audit:
    """Return an audit with its subject and checklist, among `audits` when given (Audit.DoesNotExist if none)."""
    audits = Audit.objects.all() if audits is None else audits
    return audits.select_related("subject", "checklist").get(pk=audit_id)


def raters(audit: Audit) -> list:
    """Return the users who scored the audit, in the order they first scored."""
    seen = OrderedDict()
    for score in IndicatorScore.objects.filter(audit=audit).select_related("rater").order_by("pk"):
        seen.setdefault(score.rater_id, score.rater)
    return list(seen.values())


def rater_table(audit: Audit) -> dict:
    """Return {"raters", "rows"}: per indicator, each rater's score (or None) and the final score."""
    people = raters(audit)
    by_key = {(s.indicator_id, s.rater_id): s for s in
              IndicatorScore.objects.filter(audit=audit).select_related("document")}
    finals = {f.indicator_id: f for f in FinalScore.objects.filter(audit=audit)}
    rows = []
    for indicator in audit.checklist.indicators.all():
        scores = [by_key.get((indicator.pk, person.pk)) for person in people]
        given = [s.score for s in scores if s is not None]
        rows.append({"indicator": indicator, "scores": scores, "final": finals.get(indicator.pk),
                     "disagree": len(set(given)) > 1})
    return {"raters": people, "rows": rows}


def agreement(audit: Audit) -> dict | None:
    """Return the first two raters' agreement on the indicators both scored, or None."""
    table = rater_table(audit)
    if len(table["raters"]) < 2:
        return None
    pairs = [(r["scores"][0].score, r["scores"][1].score) for r in table["rows"]
             if r["scores"][0] is not None and r["scores"][1] is not None]
    if not pairs:
        return None
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    return {"n": len(pairs), "percent": 100 * percent_agreement(a, b), "kappa": cohen_kappa(a, b),
            "disagreements": [r for r in table["rows"] if r["disagree"] and r["final"] is None]}


def totals(rows: list[tuple]) -> dict:
    """Return {"total", "max", "by_domain", "by_subdomain"} from (indicator, score) pairs."""
    result = {"total": 0, "max": 0, "by_domain": {}, "by_subdomain": {}}
    for indicator, score in rows:
        result["total"] += score
        result["max"] += 1
        for key, name in (("by_domain", indicator.domain), ("by_subdomain", indicator.subdomain)):
            entry = result[key].setdefault(name, {"score": 0, "max": 0})
            entry["score"] += score
            entry["max"] += 1
    return result


def final_totals(audit: Audit) -> dict:
    """Return the totals of an audit's final scores."""
    return totals([(f.indicator, f.score) for f in
                   FinalScore.objects.filter(audit=audit).select_related("indicator")])


def reference_totals(checklist, developer: str) -> dict | None:
    """Return the totals of the official scores of `developer` on a checklist, or None."""
    rows = [(r.indicator, r.score) for r in ReferenceScore.objects.filter(
        indicator__checklist=checklist, developer=developer).select_related("indicator")]
    return totals(rows) if rows else None


def reference_developers(checklist) -> list[str]:
    """Return the developers with official scores on a checklist."""
    return sorted(set(ReferenceScore.objects.filter(indicator__checklist=checklist)
                      .values_list("developer", flat=True)))


def comparison(audit: Audit) -> dict | None:
    """Return the audit's final scores beside the official ones for the same developer, or None."""
    developer = audit.subject.developer
    official = {r.indicator_id: r.score for r in ReferenceScore.objects.filter(
        indicator__checklist=audit.checklist, developer=developer)}
    if not official:
        return None
    finals = {f.indicator_id: f.score for f in FinalScore.objects.filter(audit=audit)}
    rows = [{"indicator": i, "ours": finals.get(i.pk), "official": official.get(i.pk)}
            for i in audit.checklist.indicators.all()]
    both = [r for r in rows if r["ours"] is not None and r["official"] is not None]
    return {"developer": developer, "rows": rows, "ours": final_totals(audit),
            "official": reference_totals(audit.checklist, developer),
            "agree": sum(r["ours"] == r["official"] for r in both), "compared": len(both)}


def index(checklist, audits: QuerySet[Audit]) -> dict:
    """Return the index of a checklist: published audits' totals beside the official scores the
    checklist's authors published (the FMTI team's, labelled as theirs), and a rows × subdomains grid.

    `audits` is what the reader may see (visible_audits): an audit of a private model is
    left out for everyone who may not see that model, totals and link included. Rows are sorted by
    total, best first, so an audit is read against the developers scored officially.
    """
    subdomains = list(dict.fromkeys(checklist.indicators.values_list("subdomain", flat=True)))
    entries = []
    for audit in audits.filter(checklist=checklist, published_at__isnull=False).select_related("subject"):
        entries.append({"audit": audit, "label": str(audit.subject), "official": False, **final_totals(audit)})
    entries.extend(_official_entries(checklist))
    entries.sort(key=lambda e: (-e["total"], e["official"], e["label"]))
    grid = [[round(100 * e["by_subdomain"].get(s, {"score": 0})["score"]
                   / max(1, e["by_subdomain"].get(s, {"max": 1})["max"])) for s in subdomains]
            for e in entries]
    return {"entries": entries, "subdomains": subdomains, "grid": grid,
            "audited": sum(not e["official"] for e in entries), "source": checklist.source}


OFFICIAL_LABEL = "{developer} (official, FMTI team)"


def _official_entries(checklist) -> list[dict]:
    """The official scores of each developer on the checklist, as index rows (one query)."""
    by_developer: dict[str, list[tuple]] = {}
    for score in (ReferenceScore.objects.filter(indicator__checklist=checklist).select_related("indicator")
                  .order_by("developer", "indicator__position")):
        by_developer.setdefault(score.developer, []).append((score.indicator, score.score))
    return [{"audit": None, "label": OFFICIAL_LABEL.format(developer=developer), "official": True,
             **totals(rows)} for developer, rows in by_developer.items()]
