"""The OpenAPI document tells the truth: every refusal as problem+json, summaries and
descriptions everywhere, timezone-aware timestamps; /docs and /redoc need no internet."""

from __future__ import annotations

import datetime as dt
import re
import typing
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel

from billable.api.app import create_app
from billable.api.schemas.common import Timestamp
from billable.persistence.db import make_engine
from tests.builders import make_world

PROBLEM = "application/problem+json"
WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def offline_client() -> typing.Iterator[TestClient]:
    """The app on a throwaway in-memory database: these tests read no rows."""
    engine = make_engine("sqlite://")
    with TestClient(create_app(engine)) as client:
        yield client
    engine.dispose()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]


def _expected(path: str, method: str, operation: dict[str, Any]) -> set[str]:
    params = operation.get("parameters", [])
    expected = set()
    if operation.get("security"):
        expected |= {"401", "403"}
    if "{" in path or method == "delete":  # a DELETE by query names what it deletes too
        expected.add("404")
    if method in WRITES:
        expected |= {"409", "422"}
    if "requestBody" in operation:
        expected |= {"400", "422"}
    if any(p["in"] == "query" for p in params):
        expected.add("422")
    return expected


def test_every_operation_declares_its_refusals_as_problems(offline_client: TestClient) -> None:
    document = offline_client.get("/openapi.json").json()
    assert document["components"]["schemas"]["Problem"]["required"] == [
        "type",
        "title",
        "status",
        "detail",
        "errors",
    ]
    missing = []
    for path, method, operation in _operations(document):
        responses = operation["responses"]
        if not any(code.startswith("2") for code in responses):
            missing.append(f"{method} {path}: no success status")
        for status in _expected(path, method, operation):
            content = responses.get(status, {}).get("content", {})
            if content.get(PROBLEM, {}).get("schema") != {"$ref": "#/components/schemas/Problem"}:
                missing.append(f"{method} {path}: {status}")
        for status, response in responses.items():
            if status >= "400" and "application/json" in response.get("content", {}):
                missing.append(f"{method} {path}: {status} declared as application/json")
    assert missing == []


def test_deleting_print_settings_that_do_not_exist_answers_the_404_the_document_declares(
    make_api: Any, offline_client: TestClient
) -> None:
    admin = make_api("admin")
    # Found by schemathesis: the route named its setting by query, and declared no 404.
    document = offline_client.get("/openapi.json").json()
    declared = document["paths"]["/api/v1/print-management"]["delete"]["responses"]
    answer = admin.client.delete(
        "/api/v1/print-management", params={"level": "module"}, headers=admin.headers
    )
    assert answer.status_code == 404
    assert str(answer.status_code) in declared


def test_a_validation_failure_is_sent_as_the_problem_the_document_declares(
    offline_client: TestClient,
) -> None:
    response = offline_client.get("/api/v1/roles")
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert set(response.json()) == {"type", "title", "status", "detail", "errors"}
    document = offline_client.get("/openapi.json").json()
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_every_operation_has_a_summary_and_a_description(offline_client: TestClient) -> None:
    document = offline_client.get("/openapi.json").json()
    lacking = [
        f"{method} {path}"
        for path, method, operation in _operations(document)
        if not operation.get("summary", "").strip() or not operation.get("description", "").strip()
    ]
    assert lacking == []


def test_a_docstring_is_the_description_of_its_operation(offline_client: TestClient) -> None:
    document = offline_client.get("/openapi.json").json()
    bulk = document["paths"]["/api/v1/invoices/bulk"]["post"]
    assert bulk["description"] == "One draft invoice per contract, created by a background job."


def test_every_timestamp_in_the_document_is_a_date_time(offline_client: TestClient) -> None:
    document = offline_client.get("/openapi.json").json()
    stamps = []
    for name, schema in document["components"]["schemas"].items():
        for field, spec in schema.get("properties", {}).items():
            if field.endswith("_at"):
                kinds = spec.get("anyOf", [spec])
                stamps.append((name, field, any(k.get("format") == "date-time" for k in kinds)))
    assert stamps and all(ok for _, _, ok in stamps), stamps


def _models(annotation: Any) -> typing.Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation)
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def test_no_response_field_is_a_datetime_that_could_go_out_without_an_offset() -> None:
    app = create_app(make_engine("sqlite://"))
    naive = set()
    for route in app.routes:
        if isinstance(route, APIRoute) and route.response_model is not None:
            for model in _models(route.response_model):
                for name, field in model.model_fields.items():
                    kinds = typing.get_args(field.annotation) or (field.annotation,)
                    if dt.datetime in kinds and not field.metadata:
                        naive.add(f"{model.__name__}.{name}")
    assert naive == set(), "use billable.api.schemas.common.Timestamp"


class _Stamped(BaseModel):
    at: Timestamp


def test_a_timestamp_from_a_database_that_keeps_no_offset_is_sent_in_utc() -> None:
    naive = _Stamped(at=dt.datetime(2026, 12, 1, 16, 45, 50)).model_dump(mode="json")
    aware = _Stamped(
        at=dt.datetime(2026, 12, 1, 17, 45, 50, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    ).model_dump(mode="json")
    assert naive == aware == {"at": "2026-12-01T16:45:50Z"}


def test_a_timestamp_in_a_response_ends_with_an_offset(api: Any) -> None:
    world = make_world(api)
    accepted = api.post("/invoices/bulk", {"contract_ids": [world.contract["id"]]}, expect=202)
    job = api.get(f"/jobs/{accepted['job_id']}")
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", job["created_at"]
    )


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_load_their_assets_from_this_server(
    offline_client: TestClient, page: str
) -> None:
    html = offline_client.get(page)
    assert html.status_code == 200
    assert re.findall(r"https?://", html.text) == []
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url:\s*['"]([^'"]+)['"]""", html.text)
    local = [a or b for a, b in urls]
    assert local, "the page names its assets"
    for url in local:
        assert url.startswith("/"), url
        assert offline_client.get(url).status_code == 200, url
