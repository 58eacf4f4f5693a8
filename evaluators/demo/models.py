"""Small models Glassbox can evaluate with no download: the demo pair and the test model.

`build_demo_models` trains a byte-level BPE tokenizer and two Llama-style causal LMs on the
Python standard library's source (held-out files excluded): "base" (about 5M parameters)
and "draft" (about a tenth of it, for assisted decoding), in a few minutes on two cores.
`build_tiny_model` makes a seeded, untrained tiny model in about a second: the fixture the
whole test suite scores.
"""
from __future__ import annotations

import fcntl
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

DEFAULT_STEPS = 1600
SEED = 0
CONTEXT_LENGTH = 512
# Trained on full-context blocks: a model trained on shorter blocks scores positions it
# never saw worse, and its perplexity would rise with max_length.
BLOCK_SIZE = CONTEXT_LENGTH
BATCH_SIZE = 2  # small batches, more steps: lower loss for the same minutes on a CPU
PEAK_LR = 2e-3
VOCAB_SIZE = 4096
RECIPE = 4  # bump when the recipe changes, so cached models built by an older one are rebuilt
MARKER = "glassbox-demo.json"
SHAPES = {  # hidden, layers, heads, intermediate
    "base": (256, 4, 4, 688),
    "draft": (64, 2, 2, 172),
}
_TINY_TEXT = (
    "The quick brown fox jumps over the lazy dog. A stitch in time saves nine.\n"
    "def add(a, b):\n    return a + b\n\nclass Point:\n    def __init__(self, x, y):\n"
    "        self.x = x\n        self.y = y\n\nfor i in range(10):\n    print(i * i)\n"
)


def llama_config(tokenizer, hidden: int, layers: int, heads: int, intermediate: int,
                 context_length: int, initializer_range: float = 0.02):
    """Return a LlamaConfig of the given shape whose special tokens match `tokenizer`."""
    from transformers import LlamaConfig

    return LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=hidden, num_hidden_layers=layers,
        num_attention_heads=heads, num_key_value_heads=heads, intermediate_size=intermediate,
        max_position_embeddings=context_length, initializer_range=initializer_range,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id, tie_word_embeddings=False)


def build_tiny_model(out_dir: str | Path, seed: int = 0, context_length: int = 128) -> Path:
    """Return `out_dir`, now holding a seeded random-init tiny Llama and its BPE tokenizer.

    Untrained, but its weights are drawn wide (std 0.2) so its predictions are far from
    uniform and an off-by-one in scoring changes the numbers visibly.
    """
    import torch
    from transformers import LlamaForCausalLM

    from .training import train_tokenizer

    out = Path(out_dir)
    tokenizer = train_tokenizer([_TINY_TEXT] * 4, vocab_size=320, context_length=context_length)
    torch.manual_seed(seed)
    config = llama_config(tokenizer, hidden=32, layers=2, heads=4, intermediate=64,
                          context_length=context_length, initializer_range=0.2)
    model = LlamaForCausalLM(config).eval()
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def missing_models(out: str | Path, steps: int) -> list[str]:
    """Return the names of the demo models not yet built completely, by this recipe and steps."""
    missing = []
    for name in SHAPES:
        marker = Path(out) / f"glassbox-demo-{name}" / MARKER
        facts = json.loads(marker.read_text()) if marker.is_file() else {}
        if (facts.get("steps"), facts.get("recipe")) != (steps, RECIPE):
            missing.append(name)
    return missing


def is_built(out: Path, steps: int) -> bool:
    """Return True when both demo models were built completely, by this recipe and steps."""
    return not missing_models(out, steps)


def build_demo_models(out: str | Path, steps: int = DEFAULT_STEPS, progress: bool = True,
                      on_step: Callable[[int, int], None] | None = None) -> dict:
    """Return {name: directory} of the demo models, training the ones not built yet.

    Safe to call from several processes at once (`make demo` while a bench builds): a lock
    file makes the second wait for the first and then find the models built. A build killed
    midway trains again only the models it had not saved. `on_step(done, total)` is called
    after every training step.
    """
    out = Path(out)
    paths = {name: out / f"glassbox-demo-{name}" for name in SHAPES}
    if is_built(out, steps):
        return paths
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".glassbox-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        missing = missing_models(out, steps)
        if missing:
            _train_and_save({name: paths[name] for name in missing}, steps, progress, on_step)
    return paths


def _train_and_save(paths: dict[str, Path], steps: int, progress: bool,
                    on_step: Callable[[int, int], None] | None) -> None:
    import torch
    from tqdm import tqdm
    from transformers import LlamaForCausalLM

    from .cards import model_card
    from .corpus import function_texts, read_source, training_files
    from .training import token_blocks, train_models, train_tokenizer

    started = time.monotonic()
    # torch's default thread count is the number of physical cores: right for training.
    files = training_files()
    # Functions one by one, methods dedented: text shaped like the demo tasks (see corpus.py).
    texts = [text for path in files for text in function_texts(read_source(path))]
    tokenizer = train_tokenizer(texts, VOCAB_SIZE, CONTEXT_LENGTH)
    blocks = token_blocks(tokenizer, texts, BLOCK_SIZE)
    models = []
    # Each model is seeded on its own and sees the same batches, and the tokenizer is trained the
    # same way on the same files, so a model trained alone equals one trained beside the other.
    for hidden, layers, heads, intermediate in (SHAPES[name] for name in paths):
        torch.manual_seed(SEED)
        models.append(LlamaForCausalLM(llama_config(tokenizer, hidden, layers, heads,
                                                     intermediate, CONTEXT_LENGTH)))
    bar = tqdm(total=steps, desc="training demo models", unit="step", disable=not progress)

    def after_step(step: int, losses: list[float]) -> None:
        bar.set_postfix({name: f"{loss:.2f}" for name, loss in zip(paths, losses)})
        bar.update(1)
        if on_step is not None:
            on_step(step + 1, steps)

    final_losses = train_models(models, blocks, steps, BATCH_SIZE, PEAK_LR, SEED, after_step)
    bar.close()
    facts = {"recipe": RECIPE, "steps": steps, "seed": SEED, "files": len(files),
             "block_size": BLOCK_SIZE, "batch_size": BATCH_SIZE, "peak_lr": PEAK_LR,
             "training_tokens": steps * BATCH_SIZE * BLOCK_SIZE,
             "corpus_tokens": int(blocks.numel()),
             "build_seconds": round(time.monotonic() - started, 1)}
    for (name, path), model, loss in zip(paths.items(), models, final_losses):
        # Save beside the target and rename, so an interrupted build leaves nothing half-written.
        staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        params = sum(p.numel() for p in model.parameters())
        (staging / "README.md").write_text(model_card(name, params, loss, facts, SHAPES[name]))
        (staging / MARKER).write_text(json.dumps({**facts, "parameters": params,
                                                  "final_loss": round(loss, 4)}, indent=2) + "\n")
        shutil.rmtree(path, ignore_errors=True)
        staging.rename(path)
