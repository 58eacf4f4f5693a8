"""Speculative variants near the end of the context, and a variant that fails without losing the
others: on a GPT-2-style model of 128 positions (learned position embeddings, so a position past
the table is an error rather than a silent extrapolation) and a prompt of 300+ tokens."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse

from evaluators.__main__ import main

POSITIONS = 128
MAX_NEW_TOKENS = 64
LOOKUP_TOKENS = 10
# Repetitive code: prompt lookup finds matches and proposes its full number of candidates.
LONG_PROMPT = "for i in range(10):\n    print(i * i)\n" * 40


@pytest.fixture(scope="module")
def gpt2_128(tmp_path_factory) -> Path:
    """A seeded random-init GPT-2 of 128 positions with the test BPE tokenizer."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    from evaluators.demo.models import _TINY_TEXT
    from evaluators.demo.training import train_tokenizer

    out = tmp_path_factory.mktemp("gpt2-128") / "gpt2"
    tokenizer = train_tokenizer([_TINY_TEXT] * 4, vocab_size=320, context_length=POSITIONS)
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=POSITIONS, n_embd=32, n_layer=2, n_head=4,
                        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                        pad_token_id=tokenizer.pad_token_id)
    GPT2LMHeadModel(config).eval().save_pretrained(out)
    tokenizer.save_pretrained(out)
    assert len(tokenizer(LONG_PROMPT, add_special_tokens=False).input_ids) >= 300
    return out


@pytest.fixture
def long_prompts(tmp_path) -> Path:
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"id": "long", "prompt": LONG_PROMPT}) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def no_reserve(monkeypatch):
    """The runner as it was: prompts cut to context - max_new_tokens - 1, nothing kept free."""
    from evaluators.speed import generation as speed_generation

    monkeypatch.setattr(speed_generation, "speculative_reserve", lambda *args, **kwargs: 0)


def run_speed(capsys, *args: str) -> dict:
    code = main(["speed", "--device", "cpu", "--warmup", "1", "--min-repeats", "1", "--min-seconds", "0",
                 "--max-new-tokens", str(MAX_NEW_TOKENS), "--fixed-length", *args])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def test_prompt_lookup_and_assisted_decoding_fit_a_prompt_cut_to_the_context(capsys, gpt2_128, long_prompts):
    report = run_speed(capsys, "--model", str(gpt2_128), "--draft", str(gpt2_128), "--prompts", str(long_prompts),
                       "--variants", "greedy,prompt-lookup,assisted", "--num-assistant-tokens", "4")
    by_key = {f"{v['name']}@{v['batch_size']}": v for v in report["variants"]}
    assert report["failed_variants"] == [] and not any(v["failed"] for v in by_key.values())
    # Room for the larger of prompt lookup's 10 candidates and the draft's 4, plus the target's own token.
    assert report["speculative_reserve_tokens"] == LOOKUP_TOKENS + 1
    prompt = POSITIONS - (MAX_NEW_TOKENS + LOOKUP_TOKENS + 1) - 1 + 1  # the kept tokens, then the BOS prefix
    assert report["truncated_prompts"] == 1
    for key in ("greedy@1", "prompt-lookup@1", "assisted@1"):
        assert by_key[key]["mean_prompt_tokens"] == prompt
        assert by_key[key]["mean_output_tokens"] == MAX_NEW_TOKENS
    assert by_key["prompt-lookup@1"]["identical_to_greedy"] is True
    assert by_key["assisted@1"]["identical_to_greedy"] is True


def test_a_failing_variant_is_reported_and_the_measured_ones_are_kept(capsys, gpt2_128, long_prompts, no_reserve):
    report = run_speed(capsys, "--model", str(gpt2_128), "--prompts", str(long_prompts),
                       "--variants", "greedy,prompt-lookup,sample")
    keys = [f"{v['name']}@{v['batch_size']}" for v in report["variants"]]
    assert keys == ["greedy@1", "prompt-lookup@1", "sample@1"]
    greedy, lookup, sample = report["variants"]
    assert lookup == {"name": "prompt-lookup", "batch_size": 1, "failed": True,
                      "error": "variant prompt-lookup@1 failed in generate(): index out of range in self"}
    assert report["failed_variants"] == ["prompt-lookup@1"]
    assert not greedy["failed"] and not sample["failed"] and sample["output_tokens"] > 0
    assert report["output_tokens_per_s"] == greedy["output_tokens_per_s"]
    assert report["prompt_lookup_speedup"] is None and report["prompt_lookup_acceptance_rate"] is None


@pytest.mark.django_db
def test_the_run_page_shows_the_failed_variant_with_its_message(client, settings, tmp_path, monkeypatch,
                                                                gpt2_128, long_prompts, no_reserve):
    from glassbox.evaluations import services
    from glassbox.evaluations.execution import execute
    from glassbox.evaluations.models import Run
    from glassbox.registry.services import create_dataset_with_version, register_model

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GLASSBOX_DEVICE = "cpu"
    monkeypatch.setattr(services, "enqueue", lambda run: None)
    version = create_dataset_with_version(name="Long", slug="long", kind="prompts",
                                          uploaded_file_or_path=long_prompts, original_name="long.jsonl")
    model = register_model(name="GPT-2 128", slug="gpt2-128", source=str(gpt2_128))
    run = services.start_run(evaluator="speed", model=model, dataset_version=version, params={
        "variants": "greedy,prompt-lookup", "max_new_tokens": MAX_NEW_TOKENS, "fixed_length": True,
        "warmup": 1, "min_repeats": 1, "min_seconds": 0.0})
    execute(run.pk)
    run = Run.objects.get(pk=run.pk)
    assert run.status == "succeeded", run.error
    assert [s.key for s in run.samples.order_by("index")] == ["greedy@1", "prompt-lookup@1"]
    metrics = {m.name for m in run.metrics.all()}
    assert "output_tokens_per_s" in metrics and "prompt_lookup_speedup" not in metrics
    page = client.get(reverse("evaluations:run-detail", args=[run.pk])).content.decode()
    row = page.split('id="speed-variants"')[1].split("<tr><td>prompt-lookup@1</td>")[1].split("</tr>")[0]
    assert "failed: variant prompt-lookup@1 failed in generate(): index out of range in self" in row
    assert "Failed: prompt-lookup@1." in page
    chart = json.loads(page.split('id="speed-chart-data" type="application/json">')[1].split("</script>")[0])
    assert [b["name"] for b in chart["boxes"]] == ["greedy@1"] and chart["bars"]["keys"] == ["greedy@1"]


def test_without_a_measured_baseline_nothing_is_compared_with_it():
    from evaluators.speed.protocol import Variant
    from evaluators.speed.report import compare_with_baseline, failed_record, headline

    greedy = failed_record(Variant("greedy", 1), "variant greedy@1 failed in generate(): out of memory")
    lookup = {"name": "prompt-lookup", "batch_size": 1, "failed": False, "output_tokens_per_s": 12.0,
              "acceptance_rate": 0.5, "first_pass_ids": {"0": [1, 2, 3]}}
    lookup.update(compare_with_baseline(lookup, greedy))
    assert (lookup["speedup_vs_greedy"], lookup["identical_to_greedy"], lookup["mismatched_prompts"]) == (
        None, None, None)
    figures = headline([greedy, lookup])
    assert figures["output_tokens_per_s"] is None and figures["ttft_ms_p50"] is None
    assert figures["prompt_lookup_acceptance_rate"] == 0.5 and figures["prompt_lookup_speedup"] is None


def test_a_run_whose_every_variant_fails_is_an_error_naming_the_first(capsys, gpt2_128, long_prompts, monkeypatch):
    from evaluators.speed import generation as speed_generation

    def fail(self, batch, streamer, call_number):
        raise RuntimeError("CUDA error: device-side assert triggered\nCompile with TORCH_USE_CUDA_DSA")

    monkeypatch.setattr(speed_generation.HFGenerator, "__call__", fail)
    code = main(["speed", "--device", "cpu", "--model", str(gpt2_128), "--prompts", str(long_prompts),
                 "--variants", "greedy,sample", "--warmup", "0", "--min-repeats", "1", "--min-seconds", "0"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines()[-1] == ("error: every variant failed; greedy@1: variant greedy@1 failed: "
                                            "CUDA error: device-side assert triggered")
