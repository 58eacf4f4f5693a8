"""`manage.py add_dataset --name NAME --kind KIND FILE`: add a file as a dataset's next version."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify

from evaluators.core.datasets import SCHEMAS
from glassbox.accounts.queries import owner_option
from glassbox.registry import queries, services
from glassbox.registry.models import Dataset


class Command(BaseCommand):
    help = "Validate FILE and add it as a new version of a dataset, creating the dataset if needed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=list(SCHEMAS))
        parser.add_argument("--slug", help="Defaults to the name, slugified.")
        parser.add_argument("--description", default="")
        parser.add_argument("--owner", help="username recorded as the owner (sees it even when private)")
        parser.add_argument("--private", action="store_true", help="visible only to the owner and administrators")
        parser.add_argument("--note", default="")

    def handle(self, *args, file: Path, name: str, kind: str, slug: str | None, description: str,
               note: str, **options) -> None:
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        slug = slug or slugify(name)
        try:
            with transaction.atomic():  # a new dataset whose first file is refused is not kept
                dataset = queries.dataset_by_slug(slug)
                if dataset is None:
                    dataset = services.create_dataset(name=name, kind=kind, description=description, slug=slug,
                                                      owner=owner_option(options.get("owner")),
                                                      is_private=options["private"])
                elif dataset.kind != kind:
                    raise CommandError(f"dataset '{slug}' holds {dataset.kind} data, not {kind}")
                version, created = services.add_dataset_version(
                    dataset=dataset, uploaded_file_or_path=file, original_name=file.name, note=note)
        except services.RegistrationError as error:
            raise CommandError(str(error)) from None
        summary = f"{dataset.slug} v{version.number}: {version.row_count} rows, sha256 {version.sha256}"
        self.stdout.write(summary if created else f"{summary} (unchanged: the file is identical to this version)")
