"""The code-generation run page: a sample browser with prompt, generation, reference and diff.

Samples sort by per-sample CodeBLEU (?sort=codebleu, worst first; ?sort=-codebleu, best first)
or by dataset order (the default), PAGE_SIZE to a page (?page=N). Every text reaches the
template as plain strings, so Django's autoescaping shows a generation's HTML as text.
"""
from __future__ import annotations

import difflib

from django.core.paginator import Paginator
from django.db.models import F

from ..models import Run, SampleRecord

PAGE_SIZE = 20
SORTS = {
    "index": ("index",),
    "codebleu": (F("data__scores__codebleu").asc(nulls_first=True), "index"),
    "-codebleu": (F("data__scores__codebleu").desc(nulls_last=True), "index"),
}


def diff_lines(reference: str, generation: str) -> list[dict]:
    """Return a unified diff from the reference to the generation as [{"kind", "text"}] lines."""
    lines = []
    for line in difflib.unified_diff(reference.splitlines(), generation.splitlines(),
                                     "reference", "generation", lineterm="", n=2):
        if line.startswith(("---", "+++")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "del"
        else:
            kind = "same"
        lines.append({"kind": kind, "text": line})
    return lines


def _sample(record: SampleRecord) -> dict:
    data = record.data or {}
    references = data.get("references") or [""]
    generation = data.get("generation", "")
    scores = data.get("scores") or {}
    return {"index": record.index, "key": record.key, "prompt": data.get("prompt", ""),
            "generation": generation, "references": references, "scores": scores,
            "codebleu": scores.get("codebleu"), "diff": diff_lines(references[0], generation),
            "identical": generation.strip() == references[0].strip()}


def context(run: Run, request=None) -> dict:
    """Return one page of samples in the asked order, and what the page's links need."""
    params = request.GET if request is not None else {}
    sort = params.get("sort", "index")
    if sort not in SORTS:
        sort = "index"
    records = SampleRecord.objects.filter(run=run).order_by(*SORTS[sort])
    page = Paginator(records, PAGE_SIZE).get_page(params.get("page"))
    summary = run.summary or {}
    return {"codegen_page": page, "codegen_samples": [_sample(record) for record in page],
            "codegen_sort": sort, "codegen_bleu_signature": summary.get("bleu_signature"),
            "codegen_few_shot_ids": summary.get("few_shot_ids") or [],
            "codegen_lang": summary.get("lang") or run.spec.get("lang")}
