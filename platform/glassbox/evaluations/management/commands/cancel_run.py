from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from glassbox.evaluations import services
from glassbox.evaluations.models import Run


class Command(BaseCommand):
    help = "Cancel a queued run, or ask a running one to stop."

    def add_arguments(self, parser) -> None:
        parser.add_argument("run_id", type=int)

    def handle(self, *args, **options) -> None:
        try:
            run = Run.objects.get(pk=options["run_id"])
        except Run.DoesNotExist:
            raise CommandError(f"no run with id {options['run_id']}") from None
        run = services.cancel_run(run)
        self.stdout.write(f"run {run.pk}: {run.status}{' (stop requested)' if run.cancel_requested else ''}")
