"""What the API's OpenAPI schema promises beyond what drf-spectacular infers, and the helpers that
keep the views to it.

drf-spectacular documents only the success of each operation, but clients (and the schema fuzzer
in tests/hardening) must know the refusals too. They are the same everywhere in this API, so they
are added once here instead of repeating them in every viewset.
"""
from __future__ import annotations

from rest_framework.exceptions import ValidationError

# Ids are 64-bit integers in the database: a larger number cannot name anything, and handing it to
# the database driver raises OverflowError (a server error) instead of finding nothing.
MAX_ID = 2**63 - 1

# The lookup in a detail URL (`/api/models/<slug>/`): any one path segment. DRF's default leaves out
# dots, so `/api/models/a.b/` matched no route and got Django's HTML 404 page instead of the API's
# JSON answer; every viewset's queryset lookup refuses what it cannot match with a JSON 404 itself.
ANY_PATH_SEGMENT = "[^/]+"



def query_id(raw: str, name: str, what: str) -> int:
    """Return the id given in query parameter `name`, or raise a 400 saying it is not `what`."""
    # str.isdigit() also accepts digits such as '²' that int() refuses: only ASCII digits are ids.
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_ID:
        raise ValidationError({name: [f"'{raw}' is not {what}"]})
    return int(raw)


ERROR_BODY = {
    "type": "object",
    "additionalProperties": True,
    "description": 'Either {"detail": "<message>"} or messages by field: {"<field>": ["<message>", ...]}.',
}
MESSAGES = {
    "400": "The input is invalid; the body says which field and why.",
    "401": "The token given is unknown or malformed.",
    "403": "The caller's role does not allow this.",
    "404": "No such object, or one the caller may not see (or no such page of a list).",
    "413": "The request body is larger than the API reads.",
    "415": "The request body's media type is not one this operation reads.",
    "429": "Too many requests, or too many wrong tokens, from this client; the Retry-After header says "
           "how many seconds to wait.",
}


def _codes(path: str, method: str, operation: dict) -> list[str]:
    codes = ["401", "403"]
    has_path_parameter = "{" in path
    is_list = method == "get" and not has_path_parameter
    if method != "get" or any(p.get("in") == "query" and p.get("name") != "page"
                              for p in operation.get("parameters", [])):
        codes.append("400")
    if has_path_parameter or is_list:  # a list answers 404 for a page past its end
        codes.append("404")
    if "requestBody" in operation:
        codes += ["413", "415"]
    codes.append("429")
    return codes


def document_error_responses(result: dict, generator, request, public: bool) -> dict:
    """Return the schema with the 4xx answers each operation can give (a drf-spectacular hook)."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _codes(path, method, operation):
                responses.setdefault(code, {"description": MESSAGES[code],
                                            "content": {"application/json": {"schema": ERROR_BODY}}})
    return result
