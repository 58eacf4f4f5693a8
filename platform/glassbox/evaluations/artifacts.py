"""Where a run's own files live (RunContext.output_dir), and where registered Medusa heads are."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings


def run_output_dir(run_id: int) -> Path:
    """The run's folder under GLASSBOX_ARTIFACTS_DIR; the evaluator creates it when it writes."""
    return Path(settings.GLASSBOX_ARTIFACTS_DIR) / "runs" / str(run_id)


def heads_folder(heads) -> Path:
    """The folder holding a MedusaHeads row's weights: its own, or its training run's output folder."""
    return Path(heads.folder) if heads.folder else run_output_dir(heads.training_run_id)
