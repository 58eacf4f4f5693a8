"""Set up the demo: queue the demo job, which trains the demo models on a worker, registers them
and the demo data, and queues the demo runs (see glassbox/site/demo/training.py)."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from glassbox.site.demo.training import queue_demo


class Command(BaseCommand):
    help = ("Queue the demo job: a worker trains the demo models (once), registers them and the demo datasets, "
            "and queues the demo evaluations. Returns at once; the home page shows the progress.")

    def add_arguments(self, parser) -> None:
        from evaluators.demo.models import DEFAULT_STEPS

        parser.add_argument("--models-dir", default=str(settings.VAR_DIR / "models"))
        parser.add_argument("--steps", type=int, default=DEFAULT_STEPS, help="training steps of the demo models")

    def handle(self, *args, **options) -> None:
        models_dir = Path(options["models_dir"]).resolve()
        if not any(models_dir == root or root in models_dir.parents for root in settings.GLASSBOX_MODEL_ROOTS):
            raise CommandError(f"{models_dir} is outside GLASSBOX_MODEL_ROOTS; add it there first")
        if options["steps"] < 1:
            raise CommandError("--steps must be at least 1")
        queue_demo(models_dir, options["steps"])
        self.stdout.write(f"queued the demo job: a worker trains the demo models in {models_dir} (once, then "
                          "cached), then queues the demo evaluations; the home page shows its progress")
