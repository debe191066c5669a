"""The API reference as a plain HTML page, rendered on the server from the OpenAPI document.

`/api/v1/docs` is Swagger UI, which needs JavaScript; `/api/v1/reference/` shows the same
document — every operation with its parameters, request body and responses, and every schema
with its fields — to a reader without it (Tor Browser at "Safest", a text browser, a
printout). It is generated from `api.get_openapi_schema()`, so it cannot drift from the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from solidarity.api.api import api
from solidarity.core.caching import reader_page

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Field:
    name: str
    type: str
    ref: str
    required: bool
    description: str


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    tags: list[str]
    parameters: list[Field] = field(default_factory=list)
    body: tuple[str, str] = ("", "")  # (type, schema name)
    responses: list[tuple[str, str, tuple[str, str]]] = field(default_factory=list)  # (status, description, body)
    secured: bool = False


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type(schema: dict[str, Any]) -> tuple[str, str]:
    """A short type for a schema, and the name of the schema it refers to (for a link)."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return name, name
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            parts = [_type(s) for s in schema[combinator]]
            ref = next((r for _t, r in parts if r), "")
            return " | ".join(t for t, _r in parts), ref
    kind = schema.get("type", "any")
    if kind == "array":
        item, ref = _type(schema.get("items", {}))
        return f"array of {item}", ref
    if "enum" in schema:
        return f"{kind}: " + ", ".join(map(str, schema["enum"])), ""
    fmt = schema.get("format")
    return (f"{kind} ({fmt})" if fmt else str(kind)), ""


def _content_schema(content: dict[str, Any]) -> tuple[str, str]:
    for media in content.values():
        return _type(media.get("schema", {}))
    return "", ""


def _operations(document: dict[str, Any]) -> list[Operation]:
    operations = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            operation = Operation(
                method=method.upper(),
                path=path,
                anchor=op.get("operationId", f"{method}{path}"),
                summary=op.get("summary", ""),
                description=op.get("description", ""),
                tags=op.get("tags", []),
                secured=bool(op.get("security")),
            )
            for param in op.get("parameters", []):
                kind, ref = _type(param.get("schema", {}))
                operation.parameters.append(
                    Field(
                        f"{param['name']} ({param.get('in', '')})",
                        kind,
                        ref,
                        bool(param.get("required")),
                        param.get("description", ""),
                    )
                )
            if "requestBody" in op:
                operation.body = _content_schema(op["requestBody"].get("content", {}))
            for status, response in op.get("responses", {}).items():
                operation.responses.append(
                    (status, response.get("description", ""), _content_schema(response.get("content", {})))
                )
            operations.append(operation)
    return operations


def _schemas(document: dict[str, Any]) -> list[tuple[str, str, list[Field]]]:
    schemas = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        fields = []
        for prop, spec in schema.get("properties", {}).items():
            kind, ref = _type(spec)
            fields.append(Field(prop, kind, ref, prop in required, spec.get("description", "")))
        schemas.append((name, schema.get("description", ""), fields))
    return schemas


@require_safe
@reader_page
def api_reference(request: HttpRequest) -> HttpResponse:
    document = api.get_openapi_schema()
    info = document.get("info", {})
    context = {
        "info": info,
        "description": [p for p in info.get("description", "").split("\n\n") if p.strip()],
        "operations": _operations(document),
        "schemas": _schemas(document),
    }
    return render(request, "api/reference.html", context)
