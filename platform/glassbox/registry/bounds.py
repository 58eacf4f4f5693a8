"""How many tags a model carries and how long its free text may be, checked in one place.

Every model list (pages and API) carries each model's tags and description, so one unbounded
model made every list as large as itself (a 9 MB description, 40,000 tags). The bounds are
generous for real use: a hub card's tags fit, and a description is a summary (the model card
itself is read from the model, not stored here).
"""
from __future__ import annotations

from collections.abc import Iterable

from .errors import RegistrationError

MAX_TAGS = 32
MAX_TAG_LENGTH = 64
MAX_DESCRIPTION_LENGTH = 10_000


def clean_tags(tags: Iterable[object]) -> list[str]:
    """Return the tags stripped, without blanks and repeats, in first-seen order.

    Raise RegistrationError (field "tags") for a tag that is not text or is longer than
    MAX_TAG_LENGTH, or for more than MAX_TAGS distinct tags. One pass: a dict keeps the order and
    answers "seen already?" in constant time, and the pass stops at the first tag over the bound.
    """
    if isinstance(tags, (str, bytes, dict)) or not isinstance(tags, Iterable):
        raise RegistrationError("tags must be a list of text", field="tags")
    seen: dict[str, None] = {}
    for position, tag in enumerate(tags, start=1):
        if not isinstance(tag, str):
            raise RegistrationError(f"tag {position} must be text, got {type(tag).__name__}", field="tags")
        tag = tag.strip()
        if len(tag) > MAX_TAG_LENGTH:
            raise RegistrationError(f"tag {position} has {len(tag):,} characters; a tag has at most "
                                    f"{MAX_TAG_LENGTH}", field="tags")
        if tag:
            seen[tag] = None
            if len(seen) > MAX_TAGS:
                raise RegistrationError(f"at most {MAX_TAGS} different tags are allowed", field="tags")
    return list(seen)


def check_description(text: str) -> str:
    """Return the description, or raise RegistrationError (field "description") when it is too long."""
    if len(text or "") > MAX_DESCRIPTION_LENGTH:
        raise RegistrationError(f"the description has {len(text):,} characters; at most "
                                f"{MAX_DESCRIPTION_LENGTH:,} are allowed", field="description")
    return text or ""


def validate_tags(value: object) -> None:
    """The model field's validator (admin edits): the same bounds as every other way in."""
    clean_tags(value)
