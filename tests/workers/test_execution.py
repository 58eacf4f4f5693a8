"""One attempt at a run, in this process: the stored numbers against a hand-written computation."""
from __future__ import annotations

import math
import socket

import pytest

from glassbox.evaluations import services
from glassbox.evaluations.execution import execute
from glassbox.evaluations.models import MetricResult, Run, SampleRecord
from tests.evaluations.conftest import DOCUMENTS, TINY_CONTEXT

pytestmark = pytest.mark.django_db
METRICS = {"perplexity", "word_perplexity", "byte_perplexity", "bits_per_byte"}


@pytest.fixture(scope="module")
def reference(tiny_model_dir):
    """The tiny model and tokenizer, loaded with transformers alone (not the evaluator's loader)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32).eval()
    return tokenizer, model


def document_nll(reference, text: str) -> tuple[float, int]:
    """(NLL in nats, scored tokens) of a document that fits the context, given a BOS (or EOS) token."""
    import torch

    tokenizer, model = reference
    prefix = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
    ids = [prefix, *tokenizer(text, add_special_tokens=False).input_ids]
    assert len(ids) <= TINY_CONTEXT, "the reference needs documents that fit the context"
    with torch.no_grad():
        log_probs = torch.log_softmax(model(torch.tensor([ids])).logits[0].float(), dim=-1)
    # Position p predicts token p + 1; the prefix itself is never a target.
    nll = sum(-float(log_probs[p, ids[p + 1]]) for p in range(len(ids) - 1))
    return nll, len(ids) - 1


@pytest.fixture
def run(tiny_model, text_version) -> Run:
    run = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version,
                             params={"batch_size": 4})
    execute(run.pk)
    run.refresh_from_db()
    return run


def test_a_run_succeeds_and_stores_every_metric_with_its_direction(run):
    assert run.status == Run.Status.SUCCEEDED, run.error
    assert (run.error, run.attempts, run.progress_done, run.progress_total) == ("", 1, len(DOCUMENTS),
                                                                               len(DOCUMENTS))
    assert run.started_at <= run.finished_at
    metrics = {m.name: m for m in run.metrics.all()}
    assert set(metrics) == METRICS
    for metric in metrics.values():
        assert metric.direction == MetricResult.Direction.LOWER
        assert metric.n == len(DOCUMENTS)
        assert math.isfinite(metric.value) and metric.value > 0


def test_the_stored_intervals_bracket_their_values(run):
    with_interval = [m for m in run.metrics.all() if m.ci_low is not None]
    assert {m.name for m in with_interval} >= {"perplexity", "bits_per_byte"}
    for metric in with_interval:
        assert metric.ci_low <= metric.value <= metric.ci_high, metric.name
        assert metric.ci_low < metric.ci_high, metric.name  # six different documents do vary


def test_the_stored_numbers_equal_a_token_by_token_computation(run, reference):
    nll = tokens = words = n_bytes = 0
    per_document = {}
    for row in DOCUMENTS:
        doc_nll, doc_tokens = document_nll(reference, row["text"])
        per_document[row["id"]] = (doc_nll, doc_tokens)
        nll += doc_nll
        tokens += doc_tokens
        words += len(row["text"].split())
        n_bytes += len(row["text"].encode("utf-8"))
    expected = {
        "perplexity": math.exp(nll / tokens),
        "word_perplexity": math.exp(nll / words),
        "byte_perplexity": math.exp(nll / n_bytes),
        "bits_per_byte": nll / n_bytes / math.log(2),
    }
    stored = {m.name: m.value for m in run.metrics.all()}
    for name, value in expected.items():
        assert stored[name] == pytest.approx(value, rel=1e-6), name
    records = {r.key: r.data for r in SampleRecord.objects.filter(run=run)}
    for key, (doc_nll, doc_tokens) in per_document.items():
        assert records[key]["nll"] == pytest.approx(doc_nll, rel=1e-6), key
        assert records[key]["tokens"] == doc_tokens
    assert run.summary["tokens"] == tokens and run.summary["bytes"] == n_bytes


def test_the_workers_environment_is_recorded(run):
    import torch
    import transformers

    assert (run.device, run.dtype) == ("cpu", "float32")
    assert run.worker_host == socket.gethostname()
    assert run.environment["torch"] == torch.__version__
    assert run.environment["transformers"] == transformers.__version__
    assert run.environment["device"] == "cpu"


def test_one_record_per_document_keyed_by_its_id_in_file_order(run):
    records = list(SampleRecord.objects.filter(run=run).order_by("index"))
    assert [(r.index, r.key) for r in records] == [(i, row["id"]) for i, row in enumerate(DOCUMENTS)]
    for record, row in zip(records, DOCUMENTS):
        assert record.data["words"] == len(row["text"].split())
        assert record.data["bytes"] == len(row["text"].encode("utf-8"))
