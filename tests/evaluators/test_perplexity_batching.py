"""Batching, exactly-once scoring, and resuming: the numbers must not depend on how the work
was cut up or interrupted."""
from __future__ import annotations

import pytest

from evaluators.core import registry, scoring
from evaluators.core.base import Cancelled
from evaluators.perplexity import GROUP_BATCHES
from evaluators.core.rolling import plan_windows

from .conftest import Recorder, run_perplexity


def test_batched_scoring_equals_one_window_at_a_time(tiny_model, rows):
    one, one_records = run_perplexity(tiny_model, rows, batch_size=1, max_length=24, stride=10)
    many, many_records = run_perplexity(tiny_model, rows, batch_size=5, max_length=24, stride=10)
    for key, record in one_records.samples.items():
        assert many_records.samples[key]["nll"] == pytest.approx(record["nll"], rel=1e-6)
    for name in ("perplexity", "word_perplexity", "byte_perplexity", "bits_per_byte"):
        assert many[name] == pytest.approx(one[name], rel=1e-6)


def test_every_token_is_scored_exactly_once(tiny_model, tiny, rows, monkeypatch):
    scored_windows = []
    real = scoring.window_nlls

    def spy(model, windows, batch_size, pad_id):
        scored_windows.extend(windows)
        return real(model, windows, batch_size, pad_id)

    monkeypatch.setattr("evaluators.perplexity.groups.window_nlls", spy)
    output, _ = run_perplexity(tiny_model, rows, batch_size=3, max_length=20, stride=7)
    tokens = sum(len(tiny.tokenizer(row["text"], add_special_tokens=False).input_ids)
                 for row in rows)
    assert sum(scored for _, scored in scored_windows) == tokens == output["tokens"]
    assert all(len(ids) <= 20 and 1 <= scored < len(ids) for ids, scored in scored_windows)


@pytest.mark.parametrize("n", range(1, 40))
def test_windows_tile_a_sequence_with_context_for_every_scored_token(n):
    for max_length, stride in [(2, 1), (8, 3), (8, 7), (10, 5), (16, 16 // 2)]:
        windows = plan_windows(n, max_length, stride)
        positions = [p for w in windows for p in range(w.scored_from, w.end)]
        assert positions == list(range(1, n)), "positions 1..n-1, each once, in order"
        assert all(w.end - w.begin <= max_length and w.scored_from > w.begin for w in windows)
        assert [w.begin for w in windows] == [k * stride for k in range(len(windows))]
        assert not windows or windows[-1].end == n


def test_windows_that_do_not_overlap_are_refused():
    with pytest.raises(ValueError, match="stride"):
        plan_windows(10, 4, 4)


def test_a_resumed_run_ends_with_the_same_numbers_as_an_uninterrupted_one(tiny_model, rows):
    params = {"batch_size": 2, "max_length": 24, "stride": 10}
    group = GROUP_BATCHES * params["batch_size"]
    rows = [*rows, *({"id": f"reversed-{r['id']}", "text": r["text"][::-1]} for r in rows)]
    rows = rows[:2 * group]
    assert len(rows) == 2 * group, "two groups: one finished, one interrupted"
    whole, whole_calls = run_perplexity(tiny_model, rows, **params)

    # A worker that dies after storing the first group's records and one of the second's.
    stored: dict[str, dict] = {}

    class Killed(Exception):
        pass

    def store_then_die(key, index, record):
        if len(stored) == group + 1:
            raise Killed()
        stored[key] = record

    partial = Recorder()
    partial.on_sample = store_then_die
    with pytest.raises(Killed):
        registry.get("perplexity").run(partial.context(tiny_model, rows, **params))

    resumed, resumed_calls = run_perplexity(tiny_model, rows, done=stored, **params)
    assert resumed == whole
    # The finished group was skipped; the half-done one was redone whole.
    assert set(resumed_calls.samples) == {row["id"] for row in rows[group:]}
    assert resumed_calls.progress == [(group, len(rows)), (len(rows), len(rows))]
    assert whole_calls.progress == [(0, len(rows)), (group, len(rows)), (len(rows), len(rows))]


def test_a_run_with_everything_done_loads_the_model_but_scores_nothing(tiny_model, rows):
    whole, calls = run_perplexity(tiny_model, rows, batch_size=4)
    again, again_calls = run_perplexity(tiny_model, rows, done=calls.samples, batch_size=4)
    assert again == whole and not again_calls.samples


def test_records_are_reported_with_their_row_index(tiny_model, rows):
    _, calls = run_perplexity(tiny_model, rows, batch_size=3)
    assert calls.indices == {row["id"]: index for index, row in enumerate(rows)}


def test_a_cancel_from_the_progress_hook_stops_the_run(tiny_model, rows):
    recorder = Recorder()
    context = recorder.context(tiny_model, rows, batch_size=1)

    def cancel_after_first_group(done, total):
        if done > 0:
            raise Cancelled()

    context.on_progress = cancel_after_first_group
    with pytest.raises(Cancelled):
        registry.get("perplexity").run(context)
    assert len(recorder.samples) == GROUP_BATCHES
