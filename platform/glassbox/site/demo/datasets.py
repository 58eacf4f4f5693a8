"""Register a demo dataset file once; later calls return the same version."""
from __future__ import annotations

from pathlib import Path

from glassbox.registry import services as registry_services
from glassbox.registry.models import Dataset, DatasetVersion


def demo_version(*, slug: str, name: str, kind: str, description: str, path: Path) -> DatasetVersion:
    dataset = Dataset.objects.filter(slug=slug).first()
    if dataset is None:
        return registry_services.create_dataset_with_version(
            name=name, slug=slug, kind=kind, description=description,
            uploaded_file_or_path=path, original_name=path.name)
    version, _ = registry_services.add_dataset_version(dataset=dataset, uploaded_file_or_path=path,
                                                       original_name=path.name)
    return version

