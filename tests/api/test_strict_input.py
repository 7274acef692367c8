"""Strict input: ids are ASCII digits, booleans JSON booleans, decimals plain decimal
strings within what a column keeps, and a taken name is a 409 that says so. Each
refusal names the field and the reason, and changes nothing."""

from __future__ import annotations

import base64
import importlib
import pkgutil
import typing
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BeforeValidator, Strict

from billable.api import schemas
from billable.api.schemas.common import Input, _plain_decimal
from tests.builders import make_world
from tests.conftest import Api
from tests.scenario.support import fields_of, problem

SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
FULLWIDTH = "".join(chr(0xFF10 + d) for d in range(10))
OTHER_THREES = [ARABIC_INDIC[3], FULLWIDTH[3]]


def _spelled(ident: str, digits: str) -> str:
    """``ident`` written with another script's digits (``int()`` reads it the same)."""
    return "".join(digits[int(d)] for d in ident)


@pytest.mark.parametrize("digits", [SUPERSCRIPT, CIRCLED, ARABIC_INDIC, FULLWIDTH])
def test_an_id_in_another_scripts_digits_names_no_row(api: Api, digits: str) -> None:
    role = api.post("/roles", {"name": "Architect"})
    look_alike = _spelled(role["id"], digits)
    body = problem(api, "GET", f"/roles/{look_alike}", 404)
    assert look_alike in body["detail"]
    refused = problem(api, "PATCH", f"/roles/{look_alike}", 404, {"name": "Changed"})
    assert refused["status"] == 404
    assert api.get(f"/roles/{role['id']}")["name"] == "Architect"


@pytest.mark.parametrize("value", ["٣", "²", "①", "abc", "1.0", " 1", "-1"])
def test_a_query_filter_id_that_is_not_ascii_digits_is_refused(api: Api, value: str) -> None:
    world = make_world(api)
    body = problem(api, "GET", "/contracts", 422, customer_id=value)
    assert fields_of(body) == ["customer_id"]
    assert "ASCII digits" in body["errors"][0]["message"]
    listed = api.get("/contracts", customer_id=world.customer["id"])["items"]
    assert [c["id"] for c in listed] == [world.contract["id"]]


def test_a_cursor_in_another_scripts_digits_is_refused(api: Api) -> None:
    api.post("/roles", {"name": "Architect"})
    cursor = base64.urlsafe_b64encode(ARABIC_INDIC[1].encode()).decode()
    body = problem(api, "GET", "/roles", 422, cursor=cursor)
    assert fields_of(body) == ["cursor"]


def _time(world: Any, **changes: Any) -> dict[str, Any]:
    return {
        "resource_id": world.resource["id"],
        "project_id": world.project["id"],
        "date": "2026-08-28",
        "quantity": "3",
        **changes,
    }


def test_an_id_in_a_body_in_another_scripts_digits_is_refused(api: Api) -> None:
    world = make_world(api)
    before = api.get("/time-entries", limit=500)
    resource = _spelled(world.resource["id"], ARABIC_INDIC)
    body = problem(api, "POST", "/time-entries", 422, _time(world, resource_id=resource))
    assert fields_of(body) == ["resource_id"]
    assert api.get("/time-entries", limit=500) == before


@pytest.mark.parametrize(
    "quantity",
    ["1_000", "1e3", "NaN", "Infinity", "-Infinity", " 5", "+5", ".5", "5.", 8, 1.5, *OTHER_THREES],
)
def test_a_decimal_that_is_not_a_plain_decimal_string_is_refused(api: Api, quantity: Any) -> None:
    world = make_world(api)
    before = api.get("/time-entries", limit=500)
    body = problem(api, "POST", "/time-entries", 422, _time(world, quantity=quantity))
    assert fields_of(body) == ["quantity"]
    assert "decimal string of digits 0-9" in body["errors"][0]["message"]
    assert api.get("/time-entries", limit=500) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("quantity", "1000000000"), ("quantity", "0.00001")],
)
def test_a_quantity_beyond_what_its_column_keeps_is_refused_at_the_request(
    api: Api, field: str, value: str
) -> None:
    world = make_world(api)
    before = api.get("/time-entries", limit=500)
    body = problem(api, "POST", "/time-entries", 422, _time(world, **{field: value}))
    assert fields_of(body) == [field]
    assert api.get("/time-entries", limit=500) == before


def test_a_plain_decimal_string_is_taken(api: Api) -> None:
    world = make_world(api)
    entry = api.post("/time-entries", _time(world, quantity="7.25"))
    assert entry["quantity"] == "7.25"


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, "1", None])
def test_a_boolean_that_is_not_a_json_boolean_is_refused(api: Api, value: Any) -> None:
    world = make_world(api)
    line = world.line(["time"])
    before = api.get(f"/contract-lines/{line['id']}")
    body = problem(api, "PATCH", f"/contract-lines/{line['id']}", 422, {"ready_to_invoice": value})
    assert fields_of(body) == ["ready_to_invoice"]
    assert api.get(f"/contract-lines/{line['id']}") == before
    api.patch(f"/contract-lines/{line['id']}", {"ready_to_invoice": True})  # a JSON boolean


MASTER = [
    ("/roles", {"name": "Architect"}, "name", "a role named Architect exists already"),
    (
        "/transaction-categories",
        {"name": "Travel", "transaction_class": "expense"},
        "name",
        "a transaction category named Travel exists already",
    ),
]
SETUP = [
    (
        "/ledger-accounts",
        {"number": "400100", "name": "Sales", "kind": "revenue"},
        "number",
        "a ledger account with number 400100 exists already",
    ),
    (
        "/tax-codes",
        {"code": "VAT20", "name": "VAT", "rate": "20"},
        "code",
        "a tax code with code VAT20 exists already",
    ),
    (
        "/financial-dimensions",
        {"name": "Region", "values": ["North"]},
        "name",
        "a financial dimension named Region exists already",
    ),
]


@pytest.mark.parametrize(("path", "body", "field", "reason"), MASTER + SETUP)
def test_a_name_another_row_has_is_a_conflict_that_says_so(
    make_api: Any, path: str, body: dict[str, Any], field: str, reason: str
) -> None:
    api = make_api("admin")
    api.post(path, body)
    before = api.get(path, limit=500)
    refused = problem(api, "POST", path, 409, body)
    assert refused["detail"] == reason
    assert refused["errors"] == [{"field": field, "message": reason}]
    assert api.get(path, limit=500) == before


def test_renaming_to_a_taken_name_is_a_conflict_that_says_so(api: Api) -> None:
    api.post("/roles", {"name": "Architect"})
    engineer = api.post("/roles", {"name": "Engineer"})
    refused = problem(api, "PATCH", f"/roles/{engineer['id']}", 409, {"name": "Architect"})
    assert refused["detail"] == "a role named Architect exists already"
    assert api.get(f"/roles/{engineer['id']}")["name"] == "Engineer"


def _request_models() -> list[type[Input]]:
    for module in pkgutil.iter_modules(schemas.__path__):
        importlib.import_module(f"{schemas.__name__}.{module.name}")
    found, todo = [], [Input]
    while todo:
        model = todo.pop()
        found.append(model)
        todo.extend(model.__subclasses__())
    return found


def _loose(annotation: Any, metadata: list[Any]) -> str | None:
    """``bool`` without ``Strict`` or ``Decimal`` without the plain-string check."""
    if typing.get_origin(annotation) is typing.Annotated:
        inner, *more = typing.get_args(annotation)
        return _loose(inner, [*metadata, *more])
    if annotation is bool and not any(isinstance(m, Strict) for m in metadata):
        return "bool"
    if annotation is Decimal and not any(
        isinstance(m, BeforeValidator) and m.func is _plain_decimal for m in metadata
    ):
        return "Decimal"
    for arg in typing.get_args(annotation):
        if (kind := _loose(arg, [])) is not None:
            return kind
    return None


def test_every_request_boolean_is_strict_and_every_request_decimal_plain() -> None:
    loose = [
        f"{model.__name__}.{name}: use common.{'StrictBool' if kind == 'bool' else 'PlainDecimal'}"
        for model in _request_models()
        for name, field in model.model_fields.items()
        if (kind := _loose(field.annotation, list(field.metadata))) is not None
    ]
    assert loose == []


def test_an_expense_whose_amount_a_column_cannot_keep_is_refused_at_the_request(
    api: Api,
) -> None:
    world = make_world(api)
    before = api.get("/expense-entries", limit=500)
    expense = {
        "resource_id": world.resource["id"],
        "project_id": world.project["id"],
        "category_id": world.categories["expense"]["id"],
        "date": "2026-08-28",
        "quantity": "999999999",
        "unit_price": "999999999999",
    }
    body = problem(api, "POST", "/expense-entries", 422, expense)
    assert fields_of(body) == ["unit_price"]
    assert "beyond the largest amount" in body["errors"][0]["message"]
    assert api.get("/expense-entries", limit=500) == before
