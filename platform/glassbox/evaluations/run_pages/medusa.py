"""The medusa-train run page's panel: each head's final loss, and the heads this run's files are.

The heads are named by the MedusaHeads rows that point at this run; the panel says whether a speed
run may name them yet and shows the parameters that do it.
"""
from __future__ import annotations

import json

from ..models import MedusaHeads, Run


def context(run: Run, request=None) -> dict:
    summary = run.summary if isinstance(run.summary, dict) else {}
    losses = [{"head": k, "token": f"t+{k + 1}", "loss": loss}
              for k, loss in enumerate(summary.get("final_losses") or [], start=1)]
    speed_params = {"variants": ["greedy", "medusa", "medusa-typical"]}
    heads = [{"heads": h, "example": json.dumps({**speed_params, "medusa": h.slug})}
             for h in MedusaHeads.objects.filter(training_run=run).order_by("slug")]
    return {"medusa_losses": losses, "medusa_heads": heads,
            "medusa_summary": summary, "medusa_ready": run.status == Run.Status.SUCCEEDED}
