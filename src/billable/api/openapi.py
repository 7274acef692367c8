"""The OpenAPI document as the API really answers, and offline /docs and /redoc.

FastAPI describes each route's success and a 422 of its own validation shape. The
API also refuses with 400, 401, 403, 404, 409, 422 and 503, always as
``application/problem+json`` (:mod:`billable.api.problems`). One rule here adds
those answers to every operation from what the route is, so routes added later are
described too, without each route repeating them.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from billable.api.problems import MEDIA_TYPE, Problem, ProblemField

#: Where the Swagger UI and ReDoc assets of the installed package are served.
STATIC_URL = "/docs-static"
WRITES = frozenset({"post", "put", "patch", "delete"})
PROBLEM_REF = "#/components/schemas/Problem"

REASONS = {
    "400": "The request body cannot be read.",
    "401": "No valid bearer token.",
    "403": "The caller's role may not do this.",
    "404": "No object with this id.",
    "409": "The object's state or a concurrent change does not allow this; a name already taken.",
    "422": "Invalid input: `errors` names each field and the reason.",
    "503": "The database is busy or unreachable; nothing was changed.",
}


def install(app: FastAPI) -> None:
    """Serve the truthful OpenAPI document and the docs pages without a CDN."""
    _serve_docs_offline(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = describe(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def describe(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with every operation's refusals, summary and description."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    ref = "#/components/schemas/{model}"
    schemas["ProblemField"] = ProblemField.model_json_schema(ref_template=ref)
    schemas["Problem"] = Problem.model_json_schema(ref_template=ref)
    schemas["Problem"].pop("$defs", None)
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            _describe_operation(path, method, operation)
    # FastAPI's own validation shape is never sent: the 422 is a problem.
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    return document


def refusals(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses an operation can answer, from what it is."""
    params = operation.get("parameters", [])
    has_query = any(p.get("in") == "query" for p in params)
    has_body = "requestBody" in operation
    write = method in WRITES
    found = set()
    if has_body:
        found.add("400")
    if operation.get("security"):
        found |= {"401", "403"}
    if "{" in path or method == "delete":  # a DELETE names what it deletes, by path or query
        found.add("404")
    if write:
        found.add("409")
    if has_body or has_query or write:
        found.add("422")
    if path.startswith("/api/"):
        found.add("503")
    return sorted(found)


def _describe_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    declared = refusals(path, method, operation)
    problem_content = {MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}}
    for status in [code for code in responses if code >= "400"]:
        if status not in declared and responses[status].get("description") == "Validation Error":
            # FastAPI declares a 422 for any parameter; a path string cannot fail one.
            del responses[status]
        else:
            responses[status]["content"] = problem_content
    for status in declared:
        responses[status] = {"description": REASONS[status], "content": problem_content}
    summary = operation.get("summary") or operation["operationId"].replace("_", " ")
    operation["summary"] = summary
    if not operation.get("description"):
        operation["description"] = _derived_description(summary, operation)


def _derived_description(summary: str, operation: dict[str, Any]) -> str:
    """A description for a route without a docstring: what it does and who may."""
    who = (
        "Needs a bearer token whose role allows it."
        if operation.get("security")
        else "Needs no token."
    )
    return f"{summary.rstrip('.')}. {who}"


def _serve_docs_offline(app: FastAPI) -> None:
    """Swap FastAPI's CDN-backed docs pages for pages on the installed assets."""
    pages = {app.docs_url, app.redoc_url}
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", None) not in pages]
    assets = files("fastapi_offline") / "static"
    app.mount(STATIC_URL, StaticFiles(directory=str(assets)), name="docs-static")
    title = app.title

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{title} - Swagger UI",
            swagger_js_url=f"{root}{STATIC_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{STATIC_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{STATIC_URL}/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{title} - ReDoc",
            redoc_js_url=f"{root}{STATIC_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{STATIC_URL}/favicon.png",
            with_google_fonts=False,
        )


__all__ = ["describe", "install", "refusals"]
