"""The bias evaluator against log-likelihoods computed by hand, token by token, for both methods."""
from __future__ import annotations

import pytest

from evaluators import registry
from evaluators.core.base import ModelRef, RunContext
from evaluators.bias import BiasSpec

from .conftest import pair_rows, prefix_id, reference_logprobs


class Recorder:
    def __init__(self) -> None:
        self.samples: dict[str, dict] = {}
        self.progress: list[tuple[int, int]] = []

    def on_sample(self, key: str, index: int, record: dict) -> None:
        self.samples[key] = record


def run_bias(model_dir, rows, done=None, **params):
    recorder = Recorder()
    context = RunContext(model=ModelRef(str(model_dir)), rows=rows, spec=BiasSpec(**params),
                         device="cpu", done=dict(done or {}), on_sample=recorder.on_sample,
                         on_progress=lambda d, t: recorder.progress.append((d, t)))
    return registry.get("bias").run(context), recorder


def matching_blocks(a: list[int], b: list[int]) -> list[tuple[int, int, int]]:
    """Ratcliff/Obershelp, written out: the longest common run (earliest in a, then in b),
    then the same on the parts left of it and right of it. Returns (i, j, size) blocks."""
    best = (0, 0, 0)
    for i in range(len(a)):
        for j in range(len(b)):
            size = 0
            while i + size < len(a) and j + size < len(b) and a[i + size] == b[j + size]:
                size += 1
            if size > best[2]:
                best = (i, j, size)
    i, j, size = best
    if size == 0:
        return []
    left = matching_blocks(a[:i], b[:j])
    right = [(x + i + size, y + j + size, n) for x, y, n in matching_blocks(a[i + size:], b[j + size:])]
    return [*left, best, *right]


def shared(a: list[int], b: list[int]) -> tuple[list[int], list[int]]:
    blocks = matching_blocks(a, b)
    return ([i + k for i, _, n in blocks for k in range(n)], [j + k for _, j, n in blocks for k in range(n)])


def test_shared_positions_are_the_matching_blocks_over_token_ids():
    from evaluators.bias.scoring import shared_positions

    # "the old man saw the dog" vs "the young woman saw the dog" with made-up ids.
    assert shared_positions([1, 2, 3, 4, 1, 5], [1, 6, 7, 4, 1, 5]) == ([0, 3, 4, 5], [0, 3, 4, 5])
    # Two modified spans, and a modified span of different length.
    assert shared_positions([9, 1, 2, 8, 3], [7, 7, 1, 2, 3]) == ([1, 2, 4], [2, 3, 4])
    assert shared_positions([1, 2], [3, 4]) == ([], [])


@pytest.fixture(scope="module")
def expected(tiny):
    """Per pair, by hand: (ll_more, ll_less) for sentence and for shared-tokens."""
    tokenizer = tiny.tokenizer
    result = {}
    for row in pair_rows():
        more = tokenizer(row["sent_more"], add_special_tokens=False).input_ids
        less = tokenizer(row["sent_less"], add_special_tokens=False).input_ids
        lp_more = reference_logprobs(tiny, [prefix_id(tokenizer), *more])
        lp_less = reference_logprobs(tiny, [prefix_id(tokenizer), *less])
        keep_more, keep_less = shared(more, less)
        assert [more[i] for i in keep_more] == [less[i] for i in keep_less]
        result[row["id"]] = {
            "sentence": (sum(lp_more), sum(lp_less)),
            "shared-tokens": (sum(lp_more[i] for i in keep_more), sum(lp_less[i] for i in keep_less)),
            "bias_type": row["bias_type"],
            "shared": len(keep_more),
        }
    return result


def pct(flags: list[bool]) -> float:
    return 100.0 * sum(flags) / len(flags)


@pytest.mark.parametrize("method", ["sentence", "shared-tokens"])
def test_each_pair_and_category_matches_a_token_by_token_computation(tiny_model, expected, method):
    output, recorder = run_bias(tiny_model, pair_rows(), method=method, batch_size=5)
    assert output["method"] == method and output["n"] == 12
    for key, want in expected.items():
        record = recorder.samples[key]
        assert record["method"] == method
        assert record["ll_more"] == pytest.approx(want[method][0], abs=1e-4)
        assert record["ll_less"] == pytest.approx(want[method][1], abs=1e-4)
        if method == "shared-tokens":
            assert record["scored_more"] == record["scored_less"] == want["shared"]
    flags = {key: want[method][0] > want[method][1] for key, want in expected.items()}
    assert output["pct_stereotype"] == pytest.approx(pct(list(flags.values())))
    assert output["stereotype_gap"] == pytest.approx(abs(pct(list(flags.values())) - 50))
    diffs = [abs(want[method][0] - want[method][1]) for want in expected.values()]
    assert output["likelihood_diff"] == pytest.approx(sum(diffs) / len(diffs), abs=1e-4)
    for category in ("age", "gender", "religion"):
        mine = [flags[k] for k, want in expected.items() if want["bias_type"] == category]
        figures = output["by_category"][category]
        assert figures["n"] == 4
        assert figures["pct_stereotype"] == pytest.approx(pct(mine))
        low, high = figures["pct_stereotype_ci"]
        assert 0 <= low <= figures["pct_stereotype"] <= high <= 100
    low, high = output["pct_stereotype_ci"]
    assert low <= output["pct_stereotype"] <= high


def test_the_two_methods_score_different_tokens(expected):
    # Sanity check of the fixture: the methods must disagree somewhere, or the test above
    # could not tell them apart.
    assert any(abs(w["sentence"][0] - w["shared-tokens"][0]) > 1.0 for w in expected.values())


@pytest.mark.parametrize("method", ["sentence", "shared-tokens"])
def test_batched_pairs_equal_one_pair_at_a_time(tiny_model, method):
    batched, batched_records = run_bias(tiny_model, pair_rows(), method=method, batch_size=7)
    single, single_records = run_bias(tiny_model, pair_rows(), method=method, batch_size=1)
    for key, record in single_records.samples.items():
        assert batched_records.samples[key]["ll_more"] == pytest.approx(record["ll_more"], abs=1e-5)
        assert batched_records.samples[key]["ll_less"] == pytest.approx(record["ll_less"], abs=1e-5)
    for name in ("pct_stereotype", "pct_stereotype_ci", "stereotype_gap", "n", "ties"):
        assert batched[name] == single[name]
    assert batched["by_category"].keys() == single["by_category"].keys()
    for name, figures in single["by_category"].items():
        assert batched["by_category"][name]["pct_stereotype"] == figures["pct_stereotype"]


def test_a_resumed_run_gives_bit_identical_numbers(tiny_model):
    # batch_size 2 -> groups of 8 pairs: the first group is done, the second is not.
    full, recorder = run_bias(tiny_model, pair_rows(), method="shared-tokens", batch_size=2)
    keys = [row["id"] for row in pair_rows()]
    done = {key: recorder.samples[key] for key in keys[:8]}
    done[keys[9]] = recorder.samples[keys[9]]  # part of an unfinished group: recomputed whole
    resumed, again = run_bias(tiny_model, pair_rows(), done=done, method="shared-tokens", batch_size=2)
    assert resumed == full
    assert sorted(again.samples) == sorted(keys[8:])
    assert again.progress[0] == (8, 12) and again.progress[-1] == (12, 12)


def test_token_logprobs_in_batches_equal_a_token_by_token_loop(tiny):
    from evaluators.core.likelihood import token_logprobs

    tokenizer = tiny.tokenizer
    sequences = [[prefix_id(tokenizer), *tokenizer(text, add_special_tokens=False).input_ids]
                 for text in ("A", "Women are too emotional.", "The old people could not use the phone.")]
    batched = token_logprobs(tiny.model, sequences, batch_size=3, pad_id=0)
    single = token_logprobs(tiny.model, sequences, batch_size=1, pad_id=0)
    for sequence, got, one in zip(sequences, batched, single):
        want = reference_logprobs(tiny, sequence)
        assert len(got) == len(sequence) - 1
        assert got == pytest.approx(want, abs=1e-5) and one == pytest.approx(want, abs=1e-5)
