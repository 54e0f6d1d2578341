"""The OpenAPI schema: our /api/ only (Wagtail's admin has DRF views too), with every error an
operation can answer documented, so clients and fuzzers know what to expect."""

from drf_spectacular.generators import SchemaGenerator

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, as a sentence."}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": 'Messages per field, e.g. {"quantity": ["Only 2 pieces are left."]}; '
    "objects for nested fields; `non_field_errors` or `detail` for the whole request.",
    "additionalProperties": True,
}
# Errors that any operation may answer, whatever it does.
COMMON_ERRORS = {
    "401": "Not signed in, or the token is unknown.",
    "403": "Not allowed for this caller.",
    "404": "No such thing, or not the caller's.",
    "405": "This method is not allowed here.",
    "406": "The Accept header asks for a format other than JSON.",
    "429": "Too many requests: wait and try again.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the common errors on every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["FieldErrors"] = FIELD_ERRORS
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    field_errors = {"application/json": {"schema": {"$ref": "#/components/schemas/FieldErrors"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, description in COMMON_ERRORS.items():
                responses.setdefault(status, {"description": description, "content": error})
            takes_input = method in ("post", "put", "patch") or operation.get("parameters")
            if takes_input:
                responses.setdefault(
                    "400", {"description": "The request was not valid.", "content": field_errors}
                )
            if method in ("post", "put", "patch"):
                responses.setdefault(
                    "415", {"description": "The body is not JSON.", "content": error}
                )
    return result


class StoreSchemaGenerator(SchemaGenerator):
    """Generates the schema of api.urls only, for the schema view and for the deploy check."""

    def __init__(self, *args, **kwargs):
        kwargs["urlconf"] = "api.urls"
        super().__init__(*args, **kwargs)
