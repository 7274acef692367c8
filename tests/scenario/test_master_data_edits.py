"""Editing master data: a patch changes what it names and leaves the rest as it was;
a required field cannot be set to null, and the refusal names it."""

from __future__ import annotations

import pytest

from tests.builders import make_world
from tests.scenario.support import problem


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/roles/{role}", {"name": None}, "name"),
        ("/products/{product}", {"list_price": None}, "list_price"),
        ("/contracts/{contract}", {"name": None}, "name"),
        ("/customers/{customer}", {"bill_to": {"name": None}}, "bill_to.name"),
    ],
)
def test_a_null_for_a_required_field_is_refused_with_the_field_named(api, path, body, field):
    world = make_world(api)
    ids = {
        "role": world.role["id"],
        "product": world.product["id"],
        "contract": world.contract["id"],
        "customer": world.customer["id"],
    }
    before = api.get(path.format(**ids))
    refused = problem(api, "PATCH", path.format(**ids), 422, json=body)
    assert [e["field"] for e in refused["errors"]] == [field]
    assert api.get(path.format(**ids)) == before


@pytest.mark.parametrize(
    ("kind", "path"), [("role", "/roles/{ident}"), ("resource", "/resources/{ident}")]
)
def test_a_renamed_role_or_resource_reads_back_renamed_and_keeps_the_rest(api, kind, path):
    world = make_world(api)
    before = {"role": world.role, "resource": world.resource}[kind]
    at = path.format(ident=before["id"])
    renamed = api.patch(at, {"name": "Renamed"})
    assert renamed == {**before, "name": "Renamed"}
    assert api.get(at) == renamed
    listed = api.get(path.rsplit("/", 1)[0])["items"]
    assert [row["name"] for row in listed if row["id"] == before["id"]] == ["Renamed"]


def test_a_price_list_s_prices_can_be_replaced(api):
    world = make_world(api)
    sales = world.sales_list
    changed = api.patch(
        f"/price-lists/{sales['id']}",
        {"role_prices": [{"role_id": world.role["id"], "price": "300.00"}]},
    )
    assert changed["role_prices"] == [{"role_id": world.role["id"], "price": "300.00"}]
    assert changed["category_prices"] == sales["category_prices"]  # left out: unchanged
