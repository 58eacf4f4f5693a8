"""Suggested scores: evidence passages and scores for a small checklist (fake embedder), the CLI's
JSON, the Celery task's stored result and progress, and one run of the real MiniLM embedder."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evaluators.transparency.checklists import Checklist, Indicator
from evaluators.transparency.exemplars import Exemplar, ExemplarBank
from evaluators.transparency.suggest import suggest

REPO = Path(__file__).resolve().parents[2]
CHECKLIST = Checklist("mini", (
    Indicator("Upstream", "Data", "Data size", keywords=("tokens", "trillion", "size")),
    Indicator("Upstream", "Compute", "Hardware", keywords=("gpus", "tpus", "accelerators")),
    Indicator("Downstream", "Policy", "Usage policy", keywords=("acceptable", "use", "policy", "prohibited")),
    Indicator("Downstream", "Policy", "Bug bounty", keywords=("bounty", "vulnerability", "reward")),
))
DOC = ("The model was trained on 2 trillion tokens of text.\n\n"
       "Training ran on 512 TPUs accelerators for three weeks.\n\n"
       "Our acceptable use policy lists prohibited uses of the model.\n")


def test_each_indicator_gets_its_own_passage_as_evidence(fake_embedder):
    # The hashing embedder's cosines are smaller than MiniLM's: a lower bar suits it.
    result = suggest(CHECKLIST, [("card.md", DOC)], embedder=fake_embedder, bank=None, min_cosine=0.05)
    rows = {r["indicator"]: r for r in result["indicators"]}
    for name, quote in (("Data size", "2 trillion tokens"), ("Hardware", "512 TPUs"),
                        ("Usage policy", "acceptable use policy")):
        best = rows[name]["evidence"][0]
        assert quote in best["quote"] and DOC[best["start"]:best["end"]] == best["quote"]
        assert rows[name]["score"] == 1
    # Three passages for four indicators: the bug bounty finds nothing of its own.
    assert rows["Bug bounty"]["score"] == 0
    assert result["total"] == 3 and result["max"] == 4
    assert result["by_domain"] == {"Upstream": {"score": 2, "max": 2}, "Downstream": {"score": 1, "max": 2}}
    assert result["by_subdomain"]["Policy"] == {"score": 1, "max": 2}
    assert all(0.5 <= r["confidence"] <= 1 for r in result["indicators"])


def test_exemplar_scores_decide_and_a_developers_own_exemplars_are_left_out(fake_embedder):
    bank = ExemplarBank("mini", (
        Exemplar(0, "trained on 2 trillion tokens of text", 1, "Acme"),
        Exemplar(1, "ran on 512 TPUs accelerators", 1, "Other"),
        Exemplar(2, "acceptable use policy lists prohibited uses", 0, "Other"),
        Exemplar(3, "a bug bounty pays rewards for each vulnerability", 1, "Other"),
    ))
    result = suggest(CHECKLIST, [("card.md", DOC)], embedder=fake_embedder, bank=bank)
    assert [r["score"] for r in result["indicators"]][:3] == [1, 1, 0]
    # Without Acme's exemplar the data-size indicator has none: its estimate stays at 0.5.
    excluded = suggest(CHECKLIST, [("card.md", DOC)], embedder=fake_embedder, bank=bank,
                       exclude_developer="ACME")
    assert excluded["indicators"][0]["confidence"] == 0.5


def test_a_passage_that_only_withholds_scores_0_whatever_its_exemplars_say(fake_embedder):
    bank = ExemplarBank("mini", (
        Exemplar(0, "trained on 2 trillion tokens of text", 1, "Other"),
        Exemplar(1, "hardware used was TPUs accelerators", 1, "Other"),
        Exemplar(2, "acceptable use policy lists prohibited uses", 1, "Other"),
    ))
    doc = DOC.replace("Training ran on 512 TPUs accelerators for three weeks.",
                      "The hardware (TPUs or other accelerators) used for training is not disclosed.")
    rows = suggest(CHECKLIST, [("card.md", doc)], embedder=fake_embedder, bank=bank)["indicators"]
    assert "not disclosed" in rows[1]["evidence"][0]["quote"]
    assert (rows[1]["score"], rows[1]["confidence"]) == (0, 0.98)
    assert [rows[0]["score"], rows[2]["score"]] == [1, 1]


def test_no_documents_means_no_points(fake_embedder):
    result = suggest(CHECKLIST, [("empty.txt", "   ")], embedder=fake_embedder, bank=None)
    assert result["total"] == 0 and all(r["evidence"] == [] for r in result["indicators"])


def test_the_command_line_prints_the_json(tmp_path):
    doc = tmp_path / "card.md"
    doc.write_text(DOC, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "evaluators", "transparency", "--checklist", "fmti-2025",
                           "--docs", str(doc), "--embedder", "hashing"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["checklist"] == "fmti-2025" and result["max"] == 100
    assert set(result) == {"checklist", "total", "max", "by_domain", "by_subdomain", "indicators"}
    assert sum(v["max"] for v in result["by_subdomain"].values()) == 100
    assert result["total"] == sum(r["score"] for r in result["indicators"])
    assert set(result["indicators"][0]) == {"domain", "subdomain", "indicator", "score", "confidence", "evidence"}
    bad = subprocess.run([sys.executable, "-m", "evaluators", "transparency", "--checklist", "fmti-1999",
                          "--docs", str(doc)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "unknown checklist 'fmti-1999'" in bad.stderr


@pytest.mark.django_db
def test_the_suggestion_task_stores_scores_and_progress(fake_embedder, queued_suggestions, monkeypatch):
    from glassbox.transparency import services
    from evaluators.transparency import embedding

    checklist = services.import_checklist(CHECKLIST, slug="mini")
    audit = services.create_audit(checklist=checklist, developer="Acme", name="Acme-1")
    with pytest.raises(services.AuditError, match="add a document first"):
        services.request_suggestions(audit)
    services.add_text_document(audit, title="card.md", text=DOC)
    services.request_suggestions(audit)
    assert queued_suggestions == [audit.pk]
    monkeypatch.setattr(embedding, "default_embedder", lambda: fake_embedder)
    from workers.transparency_tasks import suggest_scores

    total = suggest_scores.run(audit.pk)
    audit.refresh_from_db()
    assert audit.suggestion["total"] == total == sum(r["score"] for r in audit.suggestion["indicators"])
    assert audit.suggestion_progress == {"status": "done", "done": 4, "total": 4, "error": ""}
    first = audit.suggestion["indicators"][0]["evidence"][0]
    assert first["document_id"] == audit.documents.get().pk


def test_the_packaged_minilm_finds_the_passage(monkeypatch):
    """The one test with the real embedder (about 7 s to load, no download)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from evaluators.transparency.embedding import default_embedder

    embedder = default_embedder()
    vectors = embedder.encode(["graphics processors used for training"])
    assert vectors.shape == (1, 384)
    result = suggest(CHECKLIST, [("card.md", DOC)], embedder=embedder, bank=None)
    assert "512 TPUs" in result["indicators"][1]["evidence"][0]["quote"]


def test_built_in_exemplar_banks_ship_their_vectors_and_leave_a_developer_out():
    from evaluators.transparency.exemplars import builtin_bank, developer_words

    bank = builtin_bank("fmti-2025")
    assert bank is builtin_bank("fmti-2025")  # loaded once per process
    assert bank.stored is not None and bank.stored.shape == (len(bank.items), 384)
    assert builtin_bank("fmti-2023").name == "fmti-2024"  # same indicators as 2024
    assert max(item.position for item in bank.items) == 99 and {item.score for item in bank.items} == {0, 1}
    keep = bank.keep_mask("OpenAI")
    assert sum(not k for k in keep) == sum(item.developer == "OpenAI" for item in bank.items) > 0
    assert developer_words("BigCode_Hugging_Face_ServiceNow") & developer_words("Hugging Face")
    assert not developer_words("AI21 Labs") & developer_words("Stability AI")
