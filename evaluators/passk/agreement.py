"""CodeBLEU beside pass@k on the same samples: each completion scored against the problem's
canonical solution, and how far the per-problem CodeBLEU ranks problems as their pass rate does."""
from __future__ import annotations

import math

from ..core.base import Metric
from ..core.paired import statistic_interval


def completion_codebleu(completions: list[str], canonical: str | None) -> list[float] | None:
    """Sentence-level CodeBLEU of each completion against the canonical solution (None without one)."""
    if not canonical or not canonical.strip():
        return None
    from ..codemetrics import score_and_count_samples

    scores, _ = score_and_count_samples(completions, [[canonical]] * len(completions), "python")
    return [float(score["codebleu"]) for score in scores]


def codebleu_summary(records: list[dict]) -> dict:
    """Return mean CodeBLEU over problems with its interval, and Spearman's rho with the pass rate."""
    from . import METRICS

    scored = [record for record in records if record.get("codebleu")]
    if not scored:
        return {}
    metric: Metric = next(m for m in METRICS if m.name == "codebleu")
    value, interval = statistic_interval(scored, metric)
    summary = {"codebleu": value, "codebleu_ci": list(interval), "codebleu_n": len(scored)}
    rho = spearman([sum(r["codebleu"]) / len(r["codebleu"]) for r in scored], [r["c"] / r["n"] for r in scored])
    if rho is not None:
        summary.update(codebleu_pass_spearman=rho, codebleu_pass_spearman_n=len(scored))
    return summary


def spearman(x: list[float], y: list[float]) -> float | None:
    """Spearman's rho (ties get average ranks); None where either side is constant or n < 3."""
    if len(x) < 3 or len(set(x)) == 1 or len(set(y)) == 1:
        return None  # a constant side (every problem failed, say) ranks nothing
    from scipy.stats import spearmanr

    rho = spearmanr(x, y).statistic
    return None if rho is None or math.isnan(rho) else float(rho)
