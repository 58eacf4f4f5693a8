"""`manage.py register_model --name NAME --source SRC [--revision R]`: register a model once."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from glassbox.accounts.queries import owner_option
from glassbox.registry import queries, services


class Command(BaseCommand):
    help = ("Register a model from a hub id pinned to a commit, or a local directory under "
            "GLASSBOX_MODEL_ROOTS. Running it again for the same slug and source changes nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--source", required=True, help="owner/name on the hub, or an absolute directory")
        parser.add_argument("--revision", default="", help="the 40-character commit hash (hub models)")
        parser.add_argument("--slug", help="Defaults to the name, slugified.")
        parser.add_argument("--description", default="")
        parser.add_argument("--owner", help="username recorded as the owner (sees it even when private)")
        parser.add_argument("--private", action="store_true", help="visible only to the owner and administrators")
        parser.add_argument("--license", default="")
        parser.add_argument("--tag", action="append", default=[], dest="tags", help="repeat for several tags")
        parser.add_argument("--served-elsewhere", action="store_true",
                            help="the model runs behind another service: --source says where (free text), "
                                 "--revision the provider's version; only its uploaded outputs are evaluated")

    def handle(self, *args, name: str, source: str, revision: str, slug: str | None, description: str,
               license: str, tags: list[str], **options) -> None:
        existing = queries.model_by_slug(slug or slugify(name))
        if existing is not None:
            if _same_source(existing.source, source) and existing.revision in (revision.strip(), revision.strip().lower()):
                self.stdout.write(f"{existing.slug}: already registered from {existing.source}")
                return
            raise CommandError(f"the slug '{existing.slug}' is already used by a model from {existing.source}; "
                               "choose another --slug")
        try:
            model = services.register_model(name=name, source=source, revision=revision, slug=slug,
                                            description=description, license=license, tags=tags,
                                            owner=owner_option(options.get("owner")), is_private=options["private"],
                                            served_elsewhere=options["served_elsewhere"])
        except services.RegistrationError as error:
            raise CommandError(str(error)) from None
        if model.served_elsewhere:
            self.stdout.write(f"{model.slug}: registered as served elsewhere ({model.source}); "
                              "evaluate it from its uploaded completions")
            return
        self.stdout.write(f"{model.slug}: registered {model.architecture}, "
                          f"{model.parameter_count if model.parameter_count is not None else 'unknown'} parameters, "
                          f"context {model.context_length}")


def _same_source(stored: str, given: str) -> bool:
    # Local sources are stored resolved, so a path given through a link still matches.
    given = given.strip()
    return stored == given or (given.startswith("/") and stored == str(Path(given).resolve()))
