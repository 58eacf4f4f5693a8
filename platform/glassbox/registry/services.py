"""The only code that writes registry rows and stored dataset files."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterable

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify

from evaluators.core.datasets import SCHEMAS, DatasetError, detect_format, read_dataset
from evaluators.core.inspection import InspectionError, inspect_model

from .bounds import check_description, clean_tags
from .errors import RegistrationError
from .models import Dataset, DatasetVersion, Model
from .sources import check_weights, checked_external_source, checked_source

# Path segments of the registry's own pages; a slug equal to one would hide its detail page.
RESERVED_SLUGS = {"register", "new"}
# Said for every slug that cannot be had, reserved or taken, by a public object or a private one:
# echoing the slug back as "already used" confirmed a private model or dataset to anyone who asked.
SLUG_NOT_AVAILABLE = "this slug is not available; choose another"

__all__ = ["RegistrationError", "add_dataset_version", "create_dataset", "create_dataset_with_version",
           "register_model", "update_dataset", "update_model"]


def register_model(*, name: str, source: str, revision: str = "", description: str = "", license: str = "",
                   tags: Iterable[str] = (), slug: str | None = None, trust_remote_code: bool = False,
                   allow_pickle_weights: bool = False, owner=None, is_private: bool = False,
                   served_elsewhere: bool = False) -> Model:
    """Check the source, read its config and tokenizer, and save the model; nothing is saved on error.

    `served_elsewhere`: the model runs behind someone else's service, so nothing is read; `source`
    says where (free text) and `revision` the provider's version. Only its uploaded outputs can
    be evaluated.
    """
    name = (name or "").strip()
    if not name:
        raise RegistrationError("a model needs a name", field="name")
    tags, description = clean_tags(tags), check_description(description)
    if served_elsewhere:
        kind, source, revision = checked_external_source(source, revision)
        inspected = {}
    else:
        kind, source, revision = checked_source(source, revision)
        inspected = _inspected(kind, source, revision, trust_remote_code, allow_pickle_weights)
    slug = _free_slug(Model, slug, name)
    try:
        return Model.objects.create(
            name=name, slug=slug, source_kind=kind, source=source, revision=revision,
            description=description, license=license.strip(), tags=tags,
            trust_remote_code=trust_remote_code and not served_elsewhere,
            allow_pickle_weights=allow_pickle_weights and not served_elsewhere,
            owner=owner, is_private=is_private, **inspected)
    except IntegrityError:  # another request took the slug between the check and the insert
        raise RegistrationError(SLUG_NOT_AVAILABLE, field="slug") from None


def _inspected(kind: str, source: str, revision: str, trust_remote_code: bool,
               allow_pickle_weights: bool) -> dict:
    """Return the model's fields read from its config and tokenizer (the weights are only hashed)."""
    try:
        info = inspect_model(source, revision or None, trust_remote_code=trust_remote_code)
    except InspectionError as error:
        raise RegistrationError(str(error), field="source") from error
    if kind == Model.SourceKind.LOCAL:
        check_weights(source, info.has_safetensors, info.has_pickle_weights, allow_pickle_weights)
    return {"architecture": info.architecture, "parameter_count": info.parameter_count,
            "context_length": info.context_length, "vocab_size": info.vocab_size, "dtype": info.dtype,
            "weights_sha256": info.weights_sha256}


def update_model(model: Model, fields: Iterable[str]) -> Model:
    """Save the edited descriptive fields (or, for an administrator, the trust switches)."""
    fields = list(fields)
    if "tags" in fields:
        model.tags = clean_tags(model.tags)
    if "description" in fields:
        check_description(model.description)
    model.save(update_fields=fields)
    return model


def create_dataset(*, name: str, kind: str, description: str = "", slug: str | None = None, owner=None,
                   is_private: bool = False) -> Dataset:
    """Save a new, empty dataset of one kind; its files arrive as versions."""
    name = (name or "").strip()
    if not name:
        raise RegistrationError("a dataset needs a name", field="name")
    if kind not in SCHEMAS:
        raise RegistrationError(f"unknown kind '{kind}'; use one of {', '.join(SCHEMAS)}", field="kind")
    description = check_description(description)
    slug = _free_slug(Dataset, slug, name)
    try:
        return Dataset.objects.create(name=name, kind=kind, description=description, slug=slug, owner=owner,
                                      is_private=is_private)
    except IntegrityError:
        raise RegistrationError(SLUG_NOT_AVAILABLE, field="slug") from None


def update_dataset(dataset: Dataset, fields: Iterable[str]) -> Dataset:
    """Save the edited name or description; the kind never changes once files were checked against it."""
    fields = list(fields)
    if "description" in fields:
        check_description(dataset.description)
    dataset.save(update_fields=fields)
    return dataset


def create_dataset_with_version(*, name: str, kind: str, uploaded_file_or_path: object, original_name: str,
                                description: str = "", slug: str | None = None,
                                note: str = "", owner=None, is_private: bool = False) -> DatasetVersion:
    """Create a dataset and its first version together: a bad file leaves no empty dataset behind."""
    with transaction.atomic():
        dataset = create_dataset(name=name, kind=kind, description=description, slug=slug, owner=owner,
                                 is_private=is_private)
        version, _ = add_dataset_version(dataset=dataset, uploaded_file_or_path=uploaded_file_or_path,
                                         original_name=original_name, note=note)
    return version


def add_dataset_version(*, dataset: Dataset, uploaded_file_or_path: object, original_name: str,
                        note: str = "") -> tuple[DatasetVersion, bool]:
    """Validate a file and store it as the dataset's next version; identical content returns the old one.

    `uploaded_file_or_path` is a Django UploadedFile/File, an open binary file or a path.
    Returns (version, created). On any error nothing is kept: no row, no stored file, no temp file.
    """
    original_name = Path(original_name or "").name[:255]
    try:
        file_format = detect_format(original_name)
    except DatasetError as error:
        raise RegistrationError(str(error), field="file") from error
    limit = settings.GLASSBOX_MAX_UPLOAD_BYTES
    handle, temp_name = tempfile.mkstemp(prefix="glassbox-upload-", suffix=f".{file_format}",
                                         dir=getattr(settings, "FILE_UPLOAD_TEMP_DIR", None))
    try:
        with os.fdopen(handle, "wb") as temp:
            sha256, size = _copy_counting(uploaded_file_or_path, temp, limit, original_name)
        try:
            rows = read_dataset(temp_name, dataset.kind, max_bytes=limit, display_name=original_name)
        except DatasetError as error:
            raise RegistrationError(str(error), field="file") from error
        existing = DatasetVersion.objects.filter(dataset=dataset, sha256=sha256).first()
        if existing is not None:
            return existing, False
        return _store_version(dataset, temp_name, sha256, file_format, size, len(rows), original_name, note)
    finally:
        os.unlink(temp_name)


def _store_version(dataset: Dataset, temp_name: str, sha256: str, file_format: str, size: int,
                   row_count: int, original_name: str, note: str) -> tuple[DatasetVersion, bool]:
    # Content-addressed: the same bytes uploaded to two datasets share one stored object.
    stored_name = f"datasets/{sha256}.{file_format}"
    wrote = False
    try:
        if not default_storage.exists(stored_name):
            with open(temp_name, "rb") as temp:
                saved = default_storage.save(stored_name, File(temp))
            wrote = True
            if saved != stored_name:  # a concurrent upload stored the same bytes a moment earlier
                default_storage.delete(saved)
                wrote = False
        with transaction.atomic():
            # Lock the dataset row so two uploads cannot take the same version number.
            Dataset.objects.select_for_update().get(pk=dataset.pk)
            last = dataset.versions.aggregate(last=Max("number"))["last"] or 0
            return DatasetVersion.objects.create(
                dataset=dataset, number=last + 1, sha256=sha256, file=stored_name,
                original_name=original_name, file_format=file_format, size_bytes=size,
                row_count=row_count, note=note), True
    except IntegrityError:
        # The same bytes were added to this dataset by a concurrent upload: that version is ours too.
        existing = DatasetVersion.objects.filter(dataset=dataset, sha256=sha256).first()
        if existing is None:
            _delete_unreferenced(stored_name, wrote)
            raise
        return existing, False
    except BaseException:
        _delete_unreferenced(stored_name, wrote)
        raise


def _delete_unreferenced(stored_name: str, wrote: bool) -> None:
    # Only a file this call wrote, and that no version points at, may go.
    if wrote and not DatasetVersion.objects.filter(file=stored_name).exists():
        default_storage.delete(stored_name)


def _copy_counting(source: object, target: IO[bytes], limit: int, name: str) -> tuple[str, int]:
    """Copy in chunks, hashing as we go, and stop as soon as the size limit is passed."""
    digest, size = hashlib.sha256(), 0
    for chunk in _chunks(source):
        size += len(chunk)
        if size > limit:
            raise RegistrationError(f"{name}: the file is larger than the upload limit of {limit:,} bytes",
                                    field="file")
        digest.update(chunk)
        target.write(chunk)
    return digest.hexdigest(), size


def _chunks(source: object, size: int = 1024 * 1024) -> Iterable[bytes]:
    if isinstance(source, (str, Path)):
        with open(source, "rb") as handle:
            yield from iter(lambda: handle.read(size), b"")
    elif hasattr(source, "chunks"):  # Django File / UploadedFile
        if hasattr(source, "seek"):
            source.seek(0)
        yield from source.chunks(size)
    else:
        yield from iter(lambda: source.read(size), b"")


def _free_slug(table: type[Model] | type[Dataset], wanted: str | None, name: str) -> str:
    """Return `wanted` if it is a free, valid slug, else a unique slug made from the name."""
    if wanted:
        wanted = wanted.strip()
        if slugify(wanted) != wanted or len(wanted) > 100:
            raise RegistrationError("a slug may hold only lowercase letters, digits, '-' and '_' "
                                    "(at most 100)", field="slug")
        if wanted in RESERVED_SLUGS or table.objects.filter(slug=wanted).exists():
            raise RegistrationError(SLUG_NOT_AVAILABLE, field="slug")
        return wanted
    base = slugify(name)[:90] or table.__name__.lower()
    taken = set(table.objects.filter(slug__startswith=base).values_list("slug", flat=True)) | RESERVED_SLUGS
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate
