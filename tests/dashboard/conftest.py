"""Dashboard fixtures: the evaluation fixtures (tiny model, text dataset, no broker) and helpers
that seed finished runs through the services with known per-sample records."""
from __future__ import annotations

import math

import pytest

from tests.evaluations.conftest import (  # noqa: F401 (fixtures used by name)
    DOCUMENTS, enqueued, private_storage, text_file, text_version, tiny_model, tiny_model_dir, write_jsonl)

KEYS = [doc["id"] for doc in DOCUMENTS]
TOKENS = [10, 12, 15, 1, 14, 11]
BYTES = [33, 44, 60, 1, 38, 37]
CODE_ROWS = [{"id": f"f{i}", "prompt": f"def f{i}():\n", "references": [f"    return {i}\n"], "lang": "python"}
             for i in range(5)]


def seed_perplexity_run(model, version, nlls: list[float], *, params: dict | None = None):
    """Store per-document records and the pooled figures through the services; return the run."""
    from glassbox.evaluations import services

    run = services.start_run(evaluator="perplexity", model=model, dataset_version=version, params=params,
                             force=True)
    for index, (key, nll, tokens, size) in enumerate(zip(KEYS, nlls, TOKENS, BYTES)):
        services.record_sample(run.pk, key, index, {"nll": nll, "tokens": tokens, "words": 2, "bytes": size})
    value = math.exp(sum(nlls) / sum(TOKENS))
    bpb = sum(nlls) / sum(BYTES) / math.log(2)
    return services.finish_run(run.pk, {"perplexity": value, "perplexity_ci": [value * 0.9, value * 1.1],
                                        "bits_per_byte": bpb, "bits_per_byte_ci": [bpb - 0.1, bpb + 0.1], "n": 6})


def seed_codegen_run(model, version, hits: list[int], codebleu: list[float], generations: list[str]):
    """A finished code-generation run whose samples have the given exact-match hits and CodeBLEU."""
    from glassbox.evaluations import services

    run = services.start_run(evaluator="codegen", model=model, dataset_version=version, params={"max_new_tokens": 64},
                             force=True)
    for index, (row, hit, score, text) in enumerate(zip(CODE_ROWS, hits, codebleu, generations)):
        services.record_sample(run.pk, row["id"], index, {
            "prompt": row["prompt"], "generation": text, "references": row["references"],
            "scores": {"exact_match": hit, "exact_match_strict": hit, "codebleu": score}})
    return services.finish_run(run.pk, {"exact_match": sum(hits) / len(hits), "codebleu": sum(codebleu) / len(hits),
                                        "n": len(hits)})


@pytest.fixture
def code_version(tmp_path):
    from glassbox.registry.services import create_dataset_with_version

    return create_dataset_with_version(name="Functions", slug="functions", kind="codegen",
                                       uploaded_file_or_path=write_jsonl(tmp_path / "code.jsonl", CODE_ROWS),
                                       original_name="code.jsonl")


@pytest.fixture
def other_model(tiny_model_dir):
    from glassbox.registry.services import register_model

    return register_model(name="Other Llama", slug="other", source=str(tiny_model_dir))


@pytest.fixture
def second_text_version(text_version, tmp_path):
    """Version 2 of the docs dataset: the first two documents only."""
    from glassbox.registry.services import add_dataset_version

    path = write_jsonl(tmp_path / "docs-v2.jsonl", DOCUMENTS[:2])
    version, _ = add_dataset_version(dataset=text_version.dataset, uploaded_file_or_path=path,
                                     original_name="docs-v2.jsonl", note="shorter")
    return version


@pytest.fixture
def audit(tiny_model):
    from glassbox.transparency import services

    checklist = services.import_checklist_file(
        name="mini.csv", slug="mini", title="Mini checklist",
        data=b"domain,subdomain,indicator,definition,notes\nUpstream,Data,Data size,How much data,\n")
    return services.create_audit(checklist=checklist, developer="Glassbox", name="Tiny audit", model=tiny_model)
