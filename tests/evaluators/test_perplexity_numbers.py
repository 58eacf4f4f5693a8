"""The perplexity evaluator against independent, hand-written computations."""
from __future__ import annotations

import math

import pytest

from .conftest import TINY_CONTEXT, run_perplexity


def _token_ids(tiny, text: str) -> list[int]:
    return tiny.tokenizer(text, add_special_tokens=False).input_ids


def _full_sequence_nll(tiny, text: str) -> float:
    """NLL of every token given all before it, one token at a time, in float64."""
    import torch

    ids = [tiny.tokenizer.bos_token_id, *_token_ids(tiny, text)]
    with torch.no_grad():
        logits = tiny.model(torch.tensor([ids])).logits[0].float()
    log_probs = torch.log_softmax(logits, dim=-1)
    total = 0.0
    for position in range(1, len(ids)):
        total -= float(log_probs[position - 1, ids[position]])
    return total


def _strided_nll(tiny, text: str, max_length: int, stride: int) -> tuple[float, int]:
    """The Hugging Face strided-perplexity loop, with its own loss on -100-masked labels."""
    import torch

    sequence = torch.tensor([[tiny.tokenizer.bos_token_id, *_token_ids(tiny, text)]])
    n = sequence.size(1)
    total, counted, previous_end = 0.0, 0, 0
    for begin in range(0, n, stride):
        end = min(begin + max_length, n)
        target_length = end - previous_end
        input_ids = sequence[:, begin:end]
        labels = input_ids.clone()
        labels[:, :-target_length] = -100
        with torch.no_grad():
            loss = tiny.model(input_ids, labels=labels).loss
        valid = int((labels[:, 1:] != -100).sum())  # the model shifts labels left by one
        total += float(loss) * valid
        counted += valid
        previous_end = end
        if end == n:
            break
    return total, counted


def test_a_document_that_fits_is_scored_like_a_plain_token_by_token_loop(tiny_model, tiny, rows):
    fitting = [row for row in rows if len(_token_ids(tiny, row["text"])) < TINY_CONTEXT]
    assert len(fitting) >= 4
    output, recorder = run_perplexity(tiny_model, fitting, batch_size=3)
    expected = {row["id"]: _full_sequence_nll(tiny, row["text"]) for row in fitting}
    for key, nll in expected.items():
        assert recorder.samples[key]["nll"] == pytest.approx(nll, rel=1e-6)
    tokens = sum(len(_token_ids(tiny, row["text"])) for row in fitting)
    assert output["tokens"] == tokens
    assert output["perplexity"] == pytest.approx(math.exp(sum(expected.values()) / tokens), rel=1e-6)


@pytest.mark.parametrize("max_length, stride, longest", [
    (TINY_CONTEXT, 32, None), (16, 6, None), (9, 8, None), (2, 1, 40)])
def test_a_long_document_is_scored_like_the_hugging_face_strided_loop(tiny_model, tiny, rows,
                                                                       max_length, stride, longest):
    lengths = {row["id"]: len(_token_ids(tiny, row["text"])) for row in rows}
    if longest is None:  # documents beyond the model's context
        long_rows = [row for row in rows if lengths[row["id"]] > TINY_CONTEXT]
    else:  # one window per token is slow: documents of a few windows are enough
        long_rows = [row for row in rows if max_length < lengths[row["id"]] <= longest]
    assert len(long_rows) >= 2
    output, recorder = run_perplexity(tiny_model, long_rows, max_length=max_length,
                                      stride=stride, batch_size=4)
    for row in long_rows:
        nll, counted = _strided_nll(tiny, row["text"], max_length, stride)
        assert counted == len(_token_ids(tiny, row["text"])), "the reference scores every token"
        assert recorder.samples[row["id"]]["nll"] == pytest.approx(nll, rel=1e-6)
        assert recorder.samples[row["id"]]["tokens"] == counted
    assert (output["max_length"], output["stride"]) == (max_length, stride)


def test_defaults_are_the_model_context_and_half_of_it(tiny_model, rows):
    output, _ = run_perplexity(tiny_model, rows[:2])
    assert (output["max_length"], output["stride"], output["batch_size"]) == (TINY_CONTEXT, 32, 8)


def test_word_and_byte_figures_follow_their_formulas(tiny_model, rows):
    output, recorder = run_perplexity(tiny_model, rows, batch_size=4)
    nll = sum(recorder.samples[row["id"]]["nll"] for row in rows)
    tokens = sum(recorder.samples[row["id"]]["tokens"] for row in rows)
    # Counted by hand: str.split() ignores the whitespace at the ends, UTF-8 bytes not chars.
    words = sum(len(row["text"].split()) for row in rows)
    n_bytes = sum(len(row["text"].encode("utf-8")) for row in rows)
    assert n_bytes > sum(len(row["text"]) for row in rows)
    assert (output["tokens"], output["words"], output["bytes"]) == (tokens, words, n_bytes)
    assert recorder.samples["doc-2"]["words"] == 4  # re.split(r"\s+") would say 6
    assert output["perplexity"] == pytest.approx(math.exp(nll / tokens), rel=1e-12)
    assert output["word_perplexity"] == pytest.approx(math.exp(nll / words), rel=1e-12)
    assert output["byte_perplexity"] == pytest.approx(math.exp(nll / n_bytes), rel=1e-12)
    assert output["bits_per_byte"] == pytest.approx(nll / n_bytes / math.log(2), rel=1e-12)
    assert output["documents"] == output["n"] == len(rows)


def test_intervals_bracket_the_figures_and_are_deterministic(tiny_model, rows):
    first, _ = run_perplexity(tiny_model, rows, batch_size=4)
    again, _ = run_perplexity(tiny_model, rows, batch_size=4)
    low, high = first["perplexity_ci"]
    assert low <= first["perplexity"] <= high and low < high
    low, high = first["bits_per_byte_ci"]
    assert low <= first["bits_per_byte"] <= high
    assert first == again


def test_the_output_has_exactly_the_documented_keys(tiny_model, rows):
    output, recorder = run_perplexity(tiny_model, rows[:3])
    assert set(output) == {"perplexity", "perplexity_ci", "word_perplexity", "byte_perplexity",
                           "bits_per_byte", "bits_per_byte_ci", "tokens", "words", "bytes",
                           "documents", "n", "max_length", "stride", "batch_size"}
    assert recorder.environments and recorder.environments[0]["device"] == "cpu"
    assert set(recorder.samples["doc-0"]) == {"nll", "tokens", "words", "bytes"}
