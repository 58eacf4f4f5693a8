"""Queue an evaluation from the shell: `manage.py start_run perplexity --model M --dataset D`."""
from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from glassbox.evaluations import queries, services
from glassbox.registry.models import DatasetVersion, Model


class Command(BaseCommand):
    help = "Queue an evaluation (or reuse a finished one with the same fingerprint) and print its id."

    def add_arguments(self, parser) -> None:
        parser.add_argument("evaluator")
        parser.add_argument("--model", required=True, help="model slug")
        parser.add_argument("--dataset", required=True, help="dataset slug")
        parser.add_argument("--dataset-version", type=int, help="dataset version number (default: the newest)")
        parser.add_argument("--params", default="{}", help="parameters as a JSON object")
        parser.add_argument("--force", action="store_true", help="run again even if an equal run finished")
        parser.add_argument("--json", action="store_true", help="print the run as JSON")

    def handle(self, *args, **options) -> None:
        try:
            model = Model.objects.get(slug=options["model"])
        except Model.DoesNotExist:
            raise CommandError(f"no model with slug '{options['model']}'") from None
        versions = DatasetVersion.objects.select_related("dataset").filter(dataset__slug=options["dataset"])
        if options["dataset_version"] is not None:
            versions = versions.filter(number=options["dataset_version"])
        version = versions.order_by("-number").first()
        if version is None:
            numbered = options["dataset_version"]
            raise CommandError(f"no version of dataset '{options['dataset']}'"
                               + (f" numbered {numbered}" if numbered is not None else ""))
        try:
            params = json.loads(options["params"])
        except json.JSONDecodeError as error:
            raise CommandError(f"--params is not valid JSON: {error.msg}") from None
        try:
            run = services.start_run(evaluator=options["evaluator"], model=model, dataset_version=version,
                                     params=params, force=options["force"])
        except services.RunRequestError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(queries.run_as_dict(queries.run_detail(run.pk))))
        else:
            self.stdout.write(f"run {run.pk} {run.status} ({run.evaluator} on {model.slug} / {version})")
