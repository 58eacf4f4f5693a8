from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from glassbox.evaluations.heads.services import register_heads_folder
from glassbox.evaluations.requests import RequestError
from glassbox.registry.models import Model


class Command(BaseCommand):
    help = ("Register Medusa heads trained in the shell (python -m evaluators medusa-train --out DIR) "
            "for a registered model, so its speed runs can name them by slug.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--model", required=True, help="slug of the base model the heads were trained for")
        parser.add_argument("--folder", required=True, help="absolute path of the heads folder, under "
                                                            "GLASSBOX_MODEL_ROOTS")
        parser.add_argument("--slug", required=True, help="how speed runs will name the heads")
        parser.add_argument("--name", default="", help="shown on pages (default: the slug)")

    def handle(self, *args, **options) -> None:
        model = Model.objects.filter(slug=options["model"]).first()
        if model is None:
            raise CommandError(f"--model: no registered model with slug '{options['model']}'")
        try:
            heads = register_heads_folder(model=model, folder=options["folder"], slug=options["slug"],
                                          name=options["name"])
        except RequestError as error:
            raise CommandError(f"--{error.field or 'folder'}: {error}") from None
        self.stdout.write(f"medusa heads {heads.slug} of {model.slug}: {heads.folder} (sha256 {heads.weights_sha256})")
