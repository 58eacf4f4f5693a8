"""Set up the demo: build the demo models once, register them and the demo data, queue the runs."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from glassbox.evaluations import services as evaluation_services
from glassbox.registry import services as registry_services
from glassbox.registry.models import Dataset, DatasetVersion, Model

DEMO_MODELS = {
    "base": ("Glassbox demo base", "A few-million-parameter Llama-style model trained briefly on Python source."),
    "draft": ("Glassbox demo draft", "A model a tenth of the base's size, sharing its tokenizer (a draft for "
                                     "speculative decoding)."),
}
DEMO_TEXT = ("stdlib-heldout", "Held-out Python standard library",
             "Python files from the interpreter's standard library that the demo models never saw in training.")


class Command(BaseCommand):
    help = "Build (once) and register the demo models and datasets, and queue the demo evaluations."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--models-dir", default=str(settings.VAR_DIR / "models"))
        parser.add_argument("--no-runs", action="store_true", help="register only; queue nothing")

    def handle(self, *args, **options) -> None:
        from evaluators.demo_corpus import write_demo_data
        from evaluators.demo_models import build_demo_models

        models_dir = Path(options["models_dir"]).resolve()
        if not any(models_dir == root or root in models_dir.parents for root in settings.GLASSBOX_MODEL_ROOTS):
            raise CommandError(f"{models_dir} is outside GLASSBOX_MODEL_ROOTS; add it there first")
        self.stdout.write(f"demo models in {models_dir} (built once, then cached)")
        paths = build_demo_models(models_dir)
        models = [self._register(name, paths[name]) for name in DEMO_MODELS]

        data_file = settings.VAR_DIR / "demo" / "stdlib-heldout.jsonl"
        if not data_file.exists():
            data_file.parent.mkdir(parents=True, exist_ok=True)
            write_demo_data(data_file)
        version = self._dataset_version(data_file)
        if options["no_runs"]:
            return
        for model in models:
            run = evaluation_services.start_run(evaluator="perplexity", model=model, dataset_version=version,
                                                params={})
            self.stdout.write(f"perplexity of {model.slug} on {version}: run {run.pk} ({run.status})")

    def _register(self, name: str, path: Path) -> Model:
        slug = f"glassbox-demo-{name}"
        existing = Model.objects.filter(slug=slug).first()
        if existing is not None:
            return existing
        title, description = DEMO_MODELS[name]
        model = registry_services.register_model(name=title, slug=slug, source=str(path), description=description,
                                                 license="MIT", tags=["demo", "python", name])
        self.stdout.write(f"registered {model.slug}: {model.parameter_count:,} parameters")
        return model

    def _dataset_version(self, data_file: Path) -> DatasetVersion:
        slug, name, description = DEMO_TEXT
        dataset = Dataset.objects.filter(slug=slug).first()
        if dataset is None:
            return registry_services.create_dataset_with_version(
                name=name, slug=slug, kind=Dataset.Kind.TEXT, description=description,
                uploaded_file_or_path=data_file, original_name=data_file.name)
        version, _ = registry_services.add_dataset_version(dataset=dataset, uploaded_file_or_path=data_file,
                                                           original_name=data_file.name)
        return version
