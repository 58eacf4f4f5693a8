"""Serializer fields the API's viewsets share."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.utils import html

_FORM_INPUT = object()


class JSONObjectField(serializers.DictField):
    """An object of parameters, read from a JSON body only.

    DRF's DictField reads form data as `name.key=value` pairs (every value text) and turns a plain
    `name=x` into {}: a form-encoded `params=x` was dropped without a word and the run got its
    defaults. A form body naming this field is refused instead, with a 400 naming the field.
    """

    default_error_messages = {
        "form_input": 'cannot be sent as a form field; send the request body as JSON (Content-Type: '
                      'application/json) with "{field}" as an object, such as {{"batch_size": 2}}',
    }

    def get_value(self, dictionary: Any) -> Any:
        if html.is_html_input(dictionary) and any(
                key == self.field_name or key.startswith(f"{self.field_name}.") for key in dictionary):
            return _FORM_INPUT
        return super().get_value(dictionary)

    def to_internal_value(self, data: Any) -> dict:
        if data is _FORM_INPUT:
            self.fail("form_input", field=self.field_name)
        return super().to_internal_value(data)
