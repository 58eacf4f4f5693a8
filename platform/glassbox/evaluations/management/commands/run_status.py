"""Print a run as JSON: `manage.py run_status 12`."""
from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from glassbox.evaluations import queries
from glassbox.evaluations.models import Run


class Command(BaseCommand):
    help = "Print a run's status, progress, metrics and environment as JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("run_id", type=int)

    def handle(self, *args, **options) -> None:
        try:
            run = queries.run_detail(options["run_id"])
        except Run.DoesNotExist:
            raise CommandError(f"no run with id {options['run_id']}") from None
        self.stdout.write(json.dumps(queries.run_as_dict(run), indent=2))
