"""The REST API answers every refusal in JSON, including those Django raises while reading the body."""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _log(exc: Exception, context: dict) -> None:
    # Django logs these refusals under django.security.<name>; answered here, they would go unlogged.
    request = context.get("request")
    logging.getLogger(f"django.security.{type(exc).__name__}").error(
        "%s (%s %s)", exc, getattr(request, "method", ""), getattr(request, "path", ""))


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Return DRF's answer to `exc`, or a JSON one to the oversized bodies Django would answer in HTML."""
    if isinstance(exc, RequestDataTooBig):
        _log(exc, context)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response({"detail": f"The request body is larger than {limit} bytes, the most this API reads "
                                   "(files go in a multipart upload, which has its own limit)."},
                        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        _log(exc, context)
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
