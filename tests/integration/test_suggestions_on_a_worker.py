"""Suggested transparency scores through the whole spine: the service queues the task, a real
worker on queue "default" runs it with the packaged MiniLM embeddings, progress reaches 100%,
and the stored suggestions equal the command line's, with evidence offsets that point at the quotes."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evaluators.transparency.checklists import Checklist, Indicator, to_json

from .stack import REPO, base_env

pytestmark = pytest.mark.integration

CHECKLIST = Checklist("worker-check", (
    Indicator("Upstream", "Data", "Data size", "How much data the model was trained on, in tokens.",
              keywords=("tokens", "dataset size")),
    Indicator("Upstream", "Compute", "Compute usage",
              "The compute used to train the model, in FLOPs or GPU hours.", keywords=("GPUs", "FLOPs")),
    Indicator("Downstream", "Distribution", "License", "The license under which the model weights are released.",
              keywords=("license",)),
))
DOCUMENTS = {
    "data.txt": "Acme-1 was trained on 2 trillion tokens of web text, books and source code.\n\n"
                "The training data was deduplicated and filtered for quality.\n",
    "compute.txt": "Training used 512 H100 GPUs for 30 days, about 2.1e24 FLOPs in total.\n\n"
                   "The cluster is located in Finland.\n",
    "license.txt": "The model weights are released under the Apache 2.0 license, commercial use allowed.\n",
}


def _shell(stack, code: str):
    """Run Python inside the installation and return the JSON its last line prints."""
    return json.loads(stack.manage("shell", "-c", code).stdout.strip().splitlines()[-1])


def _queue(stack, folder: Path) -> int:
    return _shell(stack, f"""
import json
from pathlib import Path
from glassbox.transparency import services
folder = Path({str(folder)!r})
checklist = services.import_checklist_file(name="checklist.json", data=(folder / "checklist.json").read_bytes(),
                                           slug="worker-check")
audit = services.create_audit(checklist=checklist, developer="Acme", name="Acme-1")
for name in {sorted(DOCUMENTS)!r}:
    services.add_document(audit, name=name, data=(folder / name).read_bytes())
services.request_suggestions(audit)
print(json.dumps(audit.pk))
""")


def _state(stack, audit_id: int) -> dict:
    return _shell(stack, f"""
import json
from glassbox.transparency.models import Audit
audit = Audit.objects.get(pk={audit_id})
print(json.dumps({{"progress": audit.suggestion_progress, "suggestion": audit.suggestion,
                  "documents": {{d.title: [d.pk, d.text] for d in audit.documents.all()}},
                  "history": list(audit.changes.values_list("action", flat=True))}}))
""")


def _cli(folder: Path) -> dict:
    documents = [str(folder / name) for name in sorted(DOCUMENTS)]
    result = subprocess.run([sys.executable, "-m", "evaluators", "transparency", "--checklist",
                             str(folder / "checklist.json"), "--docs", *documents],
                            cwd=REPO, capture_output=True, text=True, timeout=300, env=base_env(folder, folder))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_worker_stores_suggestions_whose_evidence_points_at_the_quotes(stack, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "checklist.json").write_text(to_json(CHECKLIST), encoding="utf-8")
    for name, text in DOCUMENTS.items():
        (folder / name).write_text(text, encoding="utf-8")

    audit_id = _queue(stack, folder)
    assert _state(stack, audit_id)["progress"]["status"] == "queued"
    stack.start_worker(queues="default")
    deadline = time.monotonic() + 240
    while (state := _state(stack, audit_id))["progress"]["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, f"suggestions did not finish: {state['progress']}\n{stack.logs()}"
        time.sleep(1)
    assert state["progress"] == {"status": "done", "done": 3, "total": 3, "error": ""}, stack.logs()
    assert state["history"][-2:] == ["suggestions requested", "suggested"]

    suggestion, documents = state["suggestion"], state["documents"]
    assert [row["indicator"] for row in suggestion["indicators"]] == ["Data size", "Compute usage", "License"]
    for row in suggestion["indicators"]:
        assert row["evidence"], row["indicator"]
        for item in row["evidence"]:
            document_id, text = documents[item["document"]]
            assert item["document_id"] == document_id
            assert text[item["start"]:item["end"]] == item["quote"]
    # The sentence written about each indicator is among its evidence (recall@3, as the bench measures;
    # 5 passages in all, so this can fail).
    own = {"Data size": DOCUMENTS["data.txt"].split("\n\n")[0],
           "Compute usage": DOCUMENTS["compute.txt"].split("\n\n")[0], "License": DOCUMENTS["license.txt"].strip()}
    for row in suggestion["indicators"]:
        assert own[row["indicator"]] in [e["quote"] for e in row["evidence"]], row

    # The worker's result is the command line's on the same files (documents named by path there).
    expected = _cli(folder)
    assert (suggestion["total"], suggestion["max"]) == (expected["total"], expected["max"])
    assert suggestion["by_subdomain"] == expected["by_subdomain"]
    for ours, theirs in zip(suggestion["indicators"], expected["indicators"]):
        assert ours["score"] == theirs["score"]
        assert ours["confidence"] == pytest.approx(theirs["confidence"], rel=1e-5)
        assert [(e["document"], e["quote"], e["start"], e["end"]) for e in ours["evidence"]] == [
            (Path(e["document"]).name, e["quote"], e["start"], e["end"]) for e in theirs["evidence"]]
