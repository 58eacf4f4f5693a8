"""Set up the demo: build the demo models once, register them and the demo data, queue the runs."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from glassbox.evaluations.demo import seeders
from glassbox.registry import services as registry_services
from glassbox.registry.models import Model

DEMO_MODELS = {
    "base": ("Glassbox demo base", "A few-million-parameter Llama-style model trained briefly on Python source."),
    "draft": ("Glassbox demo draft", "A model a tenth of the base's size, sharing its tokenizer (a draft for "
                                     "speculative decoding)."),
}


class Command(BaseCommand):
    help = "Build (once) and register the demo models and datasets, and queue the demo evaluations."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--models-dir", default=str(settings.VAR_DIR / "models"))

    def handle(self, *args, **options) -> None:
        from evaluators.demo_models import build_demo_models

        models_dir = Path(options["models_dir"]).resolve()
        if not any(models_dir == root or root in models_dir.parents for root in settings.GLASSBOX_MODEL_ROOTS):
            raise CommandError(f"{models_dir} is outside GLASSBOX_MODEL_ROOTS; add it there first")
        self.stdout.write(f"demo models in {models_dir} (built once, then cached)")
        paths = build_demo_models(models_dir)
        models = {name: self._register(name, paths[name]) for name in DEMO_MODELS}
        for seed in seeders():
            seed(models, self.stdout)

    def _register(self, name: str, path: Path) -> Model:
        slug = f"glassbox-demo-{name}"
        existing = Model.objects.filter(slug=slug).first()
        if existing is not None:
            return existing
        title, description = DEMO_MODELS[name]
        model = registry_services.register_model(name=title, slug=slug, source=str(path), description=description,
                                                 license="PSF-2.0", tags=["demo", "python", name])
        self.stdout.write(f"registered {model.slug}: {model.parameter_count:,} parameters")
        return model
