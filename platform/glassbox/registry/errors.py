"""The one error the registry's services raise."""
from __future__ import annotations

from django.core.exceptions import ValidationError


class RegistrationError(ValidationError):
    """A model or dataset that cannot be registered; `field` names the form field to blame."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return self.message
