"""Batched generation on the tiny model: greedy is batch-invariant and matches a hand-written
greedy loop; sampling repeats for a seed; stop sequences cut without changing the rest."""
from __future__ import annotations

import json

from evaluators.codegen.generate import Decoding, generate_batch

from .conftest import TASKS, run_codegen

GREEDY = Decoding(max_new_tokens=10, do_sample=False, temperature=1.0, top_k=0, top_p=1.0,
                  num_beams=1, num_return_sequences=1, repetition_penalty=1.0)


def _greedy_by_hand(tiny, prompt: str, steps: int) -> str:
    # One prompt, no padding, no generate(): argmax of the full forward pass at every step.
    import torch

    tokenizer, model = tiny.tokenizer, tiny.model
    ids = [tokenizer.bos_token_id] + tokenizer(prompt, add_special_tokens=False).input_ids
    new = []
    with torch.inference_mode():
        for _ in range(steps):
            token = int(model(torch.tensor([ids + new])).logits[0, -1].argmax())
            if token == tokenizer.eos_token_id:
                break
            new.append(token)
    return tokenizer.decode(new, skip_special_tokens=True)


def test_batched_greedy_generation_equals_a_hand_written_greedy_loop(tiny):
    prompts = [task["prompt"] for task in TASKS[:4]]  # different lengths: real left padding
    batched = generate_batch(tiny, prompts, GREEDY, [], seed=0)
    expected = [_greedy_by_hand(tiny, prompt, GREEDY.max_new_tokens) for prompt in prompts]
    assert [c.texts[0] for c in batched] == expected
    assert any(text.strip() for text in expected)


def test_greedy_records_do_not_depend_on_the_batch_size(tiny_model, metrics):
    one, by_one = run_codegen(tiny_model, TASKS, batch_size=1)
    out, by_three = run_codegen(tiny_model, TASKS, batch_size=3)
    assert {k: r["raw"] for k, r in by_three.samples.items()} == \
           {k: r["raw"] for k, r in by_one.samples.items()}
    assert out["codebleu"] == one["codebleu"] and out["n"] == len(TASKS)


def test_sampling_repeats_for_the_same_seed_and_batch_size(tiny_model, metrics):
    params = {"do_sample": True, "temperature": 1.5, "num_return_sequences": 2, "batch_size": 2}
    _, first = run_codegen(tiny_model, TASKS, seed=7, **params)
    _, again = run_codegen(tiny_model, TASKS, seed=7, **params)
    _, other = run_codegen(tiny_model, TASKS, seed=8, **params)
    texts = {k: r["generations"] for k, r in first.samples.items()}
    assert texts == {k: r["generations"] for k, r in again.samples.items()}
    assert texts != {k: r["generations"] for k, r in other.samples.items()}
    assert all(len(r["generations"]) == 2 and r["generation"] == r["generations"][0]
               for r in first.samples.values())


def test_a_stop_sequence_cuts_the_text_the_model_would_have_written(tiny_model, metrics):
    _, free = run_codegen(tiny_model, TASKS[:2], max_new_tokens=16)
    raw = free.samples["add"]["raw"][0]
    stop = raw[len(raw) // 2: len(raw) // 2 + 2]
    assert stop.strip() and stop in raw
    _, cut = run_codegen(tiny_model, TASKS[:2], max_new_tokens=16, stop=json.dumps([stop]))
    assert cut.samples["add"]["generation"] == raw[:raw.index(stop)]
    assert stop not in cut.samples["add"]["generation"]


def test_records_hold_prompt_generation_references_and_scores(tiny_model, metrics):
    out, recorder = run_codegen(tiny_model, TASKS, template="few-shot", k=1, batch_size=2)
    assert len(out["few_shot_ids"]) == 1 and out["n"] == len(TASKS) - 1
    assert out["few_shot_ids"][0] not in recorder.samples
    for task in TASKS:
        if task["id"] in recorder.samples:
            record = recorder.samples[task["id"]]
            assert set(record) >= {"prompt", "generation", "generations", "raw", "references", "scores"}
            assert record["prompt"].endswith("\n\n" + task["prompt"])
            assert record["references"] == task["references"] and "codebleu" in record["scores"]
    for name in ("bleu", "bleu_codexglue", "codebleu", "exact_match", "exact_match_strict",
                 "ngram_match", "weighted_ngram_match", "syntax_match", "dataflow_match"):
        assert name in out
    assert out["template"] == "few-shot" and out["k"] == 1 and out["lang"] == "python"
    assert recorder.progress[-1] == (len(TASKS) - 1, len(TASKS) - 1)


def test_a_resumed_run_regenerates_only_unfinished_batches_and_ends_identically(tiny_model, metrics):
    params = {"do_sample": True, "seed": 3, "batch_size": 2}
    full, whole = run_codegen(tiny_model, TASKS, **params)
    # Batches are (add, square), (loop, point), (fox): the worker died during the second.
    done = {key: whole.samples[key] for key in ("add", "square", "loop")}
    resumed, rest = run_codegen(tiny_model, TASKS, done=done, **params)
    assert set(rest.samples) == {"loop", "point", "fox"}
    assert rest.samples["loop"] == whole.samples["loop"]
    assert resumed == full


def test_a_prompt_longer_than_the_context_keeps_its_end(tiny, tiny_model, metrics):
    from .conftest import TINY_CONTEXT

    prompt = "x = x + 1\n" * 60
    ids = tiny.tokenizer(prompt, add_special_tokens=False).input_ids
    assert len(ids) > TINY_CONTEXT
    rows = [{"id": "long", "prompt": prompt, "references": ["x\n"], "lang": "python"}]
    _, recorder = run_codegen(tiny_model, rows, max_new_tokens=12)
    # BOS + the last (context - new tokens - 1) prompt tokens + 12 new ones fill the context.
    assert recorder.samples["long"]["truncated_tokens"] == len(ids) - (TINY_CONTEXT - 12 - 1)


def test_beam_search_keeps_every_returned_beam_and_is_batch_invariant(tiny):
    beams = Decoding(max_new_tokens=4, do_sample=False, temperature=1.0, top_k=0, top_p=1.0,
                     num_beams=2, num_return_sequences=2, repetition_penalty=1.0)
    prompts = [task["prompt"] for task in TASKS[:2]]
    batched = generate_batch(tiny, prompts, beams, [], seed=0)
    alone = [generate_batch(tiny, [prompt], beams, [], seed=0)[0] for prompt in prompts]
    assert [c.texts for c in batched] == [c.texts for c in alone]
    assert all(len(c.texts) == 2 for c in batched)
