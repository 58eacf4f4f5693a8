"""Model cards (README.md) for the demo models: what they are, how they were made, what they may
be used for and what they cannot do.

The card discloses everything the builder knows, in the order model cards usually follow
(details, intended use, data, training, compute, evaluation, risks, distribution), because the
demo audits it against the transparency checklists: what the card leaves out scores 0 honestly.
"""
from __future__ import annotations

import platform

_PURPOSE = {
    "base": "the demo model that Glassbox's perplexity, bias and code evaluations score",
    "draft": "a draft model for assisted (speculative) decoding with glassbox-demo-base; "
             "it shares base's tokenizer",
}


def model_card(name: str, parameters: int, final_loss: float, facts: dict,
               shape: tuple[int, int, int, int] | None = None) -> str:
    """Return the README.md text of demo model `name`; `shape` is (hidden, layers, heads, intermediate)."""
    hidden, layers, heads, intermediate = shape or ("?", "?", "?", "?")
    python = platform.python_version()
    sections = {
        "Model details": [
            "Developer: the Glassbox project; built on the machine that runs Glassbox by "
            "`python -m evaluators demo-models` (`make run` does it once).",
            f"Model architecture: a decoder-only transformer (transformers' LlamaForCausalLM) of {layers} "
            f"layers, hidden size {hidden}, {heads} attention heads and feed-forward size {intermediate}, "
            "with rotary position embeddings, RMSNorm and a SiLU gated MLP.",
            f"Model size: {parameters:,} parameters, stored as float32 safetensors.",
            "Input and output modality: text in, text out. Context length 512 tokens; a byte-level BPE "
            "tokenizer with a 4,096-token vocabulary and the special tokens <s>, </s> and <pad>.",
        ],
        "Intended use": [
            "Intended uses: trying Glassbox's evaluations and running its tests; a model whose results are "
            "known to be poor, so that every page has something to show.",
            "Out-of-scope and prohibited uses: generating code anyone runs, any user-facing product, research "
            "conclusions about language models, and any use where its output is trusted.",
            "Usage policy and enforcement: there is no usage policy beyond this card and no enforcement; the "
            "weights never leave the machine that built them.",
        ],
        "Training data": [
            f"Data acquisition methods and public datasets: the training data is the functions and methods of "
            f"the {facts['files']} top-level modules of the Python {python} standard library's source, a public "
            "dataset, as installed on the building machine and read from disk. No data was crawled, licensed, "
            "bought, synthesised or collected from users.",
            "Data labor: nobody was paid or asked to label, write or filter anything for this model.",
            f"Data size: the training data is {facts['corpus_tokens']:,} tokens of Python source code.",
            "Data language and domain composition: all of the data is Python source code (the domain), with "
            "English in its comments and docstrings.",
            "Held-out data: about one file in ten, chosen by a hash of the file name, is left out of training; "
            "those files make the demo text dataset (`python -m evaluators demo-data`).",
            "Data license: the Python Software Foundation License.",
            "Personal information in the data: the source holds author names and e-mail addresses in "
            "comments and headers; they were not removed. There is no other personal data.",
            "Copyrighted data: none beyond the standard library's own source, used under its license.",
            "Data processing methods: every function and method is cut out of its module on its own and "
            "dedented, so each reads like a top-level function; imports, class bodies' other statements and "
            "module-level code are left out. No other filtering or deduplication. The texts are tokenized, "
            "joined and cut into 512-token blocks.",
        ],
        "Training procedure": [
            f"Training methods: {facts['steps']} steps of {facts['batch_size']} blocks of {facts['block_size']} "
            f"tokens ({facts['training_tokens']:,} tokens seen), next-token cross-entropy, AdamW, peak "
            f"learning rate {facts['peak_lr']}, linear warm-up then cosine decay, seed {facts['seed']}. "
            f"Final training loss: {final_loss:.3f} nats per token.",
            "Model stages and objectives: one stage, pretraining on next-token prediction; no instruction "
            "tuning, no reinforcement learning from human feedback and no safety training were done.",
            "Open weights and code access: the weights are saved with save_pretrained and the code that trains "
            "them is Glassbox's `evaluators/demo/`, in the Glassbox repository.",
        ],
        "Compute": [
            f"Compute hardware for the final training run: the building machine's CPU ({platform.machine()}); "
            "no GPU or other accelerator, and no compute provider.",
            f"Compute usage and development duration for the final training run: {facts['build_seconds']} s of "
            "wall-clock time on that CPU for the whole build (both demo models and the tokenizer).",
            "Energy usage, carbon emissions and water usage for the final training run were not measured.",
        ],
        "Evaluation": [
            "Capabilities evaluation: Glassbox measures perplexity on the held-out standard library files, "
            "code generation (BLEU, CodeBLEU, exact match) on the demo Python tasks, pass@k on the first "
            "HumanEval problems in a sandbox, and decoding speed, each with 95% intervals, on its dashboard "
            "and REST API.",
            "Risks evaluation: Glassbox's CrowS-Pairs-style bias probes measure which stereotypes the model "
            "absorbed from the source's comments.",
        ],
        "Risks and limitations": [
            "Capabilities: it continues Python-looking text and rarely writes code that runs.",
            "Limitations: it does not follow instructions, knows nothing beyond the standard library's source, "
            "and its English comes only from docstrings and comments.",
            "Risks: generated code may be wrong or unsafe to run; Glassbox executes model output only inside "
            "its sandbox.",
        ],
        "Distribution and access": [
            "Release and distribution: the weights stay on the machine that built them (`var/models/`) and are "
            "not published to any hub; anyone with access to that machine can load them with transformers' "
            "`from_pretrained`.",
            "Versioning protocol and change log: the model changes only when it is rebuilt (a new recipe or "
            "step count, recorded in glassbox-demo.json beside the weights); the Glassbox registry hashes the "
            "weights, so a rebuilt model gets a new fingerprint.",
            "Feedback mechanisms: questions and reports go to the Glassbox project's issue tracker.",
        ],
        "License": [
            "License: the weights are derived from the Python standard library's source, which is distributed "
            "under the Python Software Foundation License; treat them under the same terms.",
        ],
    }
    # A heading shares its first paragraph's passage: each paragraph is one disclosure to quote.
    text = "\n\n".join(f"## {title}\n" + "\n\n".join(paragraphs) for title, paragraphs in sections.items())
    return (f"---\nlicense: other\nlibrary_name: transformers\npipeline_tag: text-generation\n---\n"
            f"# glassbox-demo-{name}\n\nA small Llama-style causal language model, {_PURPOSE[name]}. "
            "It exists so that Glassbox can be tried and tested with no download; it is not a useful model "
            f"of code.\n\n{text}\n")
