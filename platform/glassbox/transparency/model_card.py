"""The model card Glassbox writes from a registered model's registry data and its finished
evaluations, so a registered model can be audited from what Glassbox itself knows."""
from __future__ import annotations

from glassbox.registry.paths import shown_source


def model_card(model, runs=None, *, full_paths: bool = False) -> str:
    """Return a Markdown model card: registry facts, then one paragraph per finished evaluation.

    `runs` narrows the evaluations to those the reader may see (evaluations.queries.visible_runs), so a
    run on a private dataset never reaches a card shown to someone who may not see that dataset.
    A local model's directory is shown under "<models>/" unless `full_paths` (administrators only):
    a card stored with an audit is read by everyone who may read the audit.
    """
    source = shown_source(model, full_paths=full_paths)
    facts = [("Source", source + (f" at revision {model.revision}" if model.revision else "")),
             ("Architecture", model.architecture), ("Parameters", model.parameter_count),
             ("Context length", model.context_length), ("Vocabulary size", model.vocab_size),
             ("Weights dtype", model.dtype), ("License", model.license),
             ("Weights SHA-256", model.weights_sha256)]
    parts = [f"# {model.name}", model.description.strip()]
    parts += [f"{label}: {value}." for label, value in facts if value not in (None, "")]
    # Metrics prefetched: two queries however many runs the model has (the model page shows the card).
    runs = model.runs.all() if runs is None else runs.filter(model=model)
    for run in (runs.filter(status="succeeded").select_related("dataset_version__dataset")
                .prefetch_related("metrics")):
        metrics = "; ".join(
            f"{m.name} = {m.value:.4g}" + (f" (95% CI {m.ci_low:.4g} to {m.ci_high:.4g})"
                                           if m.ci_low is not None and m.ci_high is not None else "")
            for m in run.metrics.all())
        parts.append(f"Evaluation {run.evaluator} on dataset {run.dataset_version.dataset.name} "
                     f"version {run.dataset_version.number}: {metrics or 'no metrics'}.")
    return "\n\n".join(p for p in parts if p)
