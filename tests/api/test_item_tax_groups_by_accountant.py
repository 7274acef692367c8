"""Accountants set item sales tax groups on categories and products (ERP setup), and
nothing else on them: a route whose body holds only the tax group; their PATCH of the
master data itself stays a 403. Every refusal names its field and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import World, make_world
from tests.conftest import Api
from tests.scenario.support import problem
from tests.scenario.tax_world import set_up_tax


@pytest.fixture
def accountant(make_api: Any) -> Api:
    accountant = make_api("accountant")
    set_up_tax(accountant)
    return accountant


@pytest.fixture
def world(api: Api) -> World:
    return make_world(api)


def _targets(world: World) -> list[tuple[str, str]]:
    return [
        ("/transaction-categories", world.categories["expense"]["id"]),
        ("/products", world.product["id"]),
    ]


def test_an_accountant_sets_and_clears_the_item_sales_tax_group_of_a_category_and_a_product(
    accountant: Api, world: World
) -> None:
    for path, ident in _targets(world):
        before = accountant.get(f"{path}/{ident}")
        route = f"{path}/{ident}/item-sales-tax-group"
        changed = accountant.request("PUT", route, 200, json={"item_sales_tax_group": "STD"})
        assert changed == {**before, "item_sales_tax_group": "STD"}
        assert accountant.get(f"{path}/{ident}") == changed
        cleared = accountant.request("PUT", route, 200, json={"item_sales_tax_group": None})
        assert cleared == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"item_sales_tax_group": "STD", "name": "Renamed"}, "name"),
        ({"item_sales_tax_group": "NOPE"}, "item_sales_tax_group"),
        ({}, "item_sales_tax_group"),
    ],
)
def test_an_accountant_may_change_nothing_else_and_only_to_a_known_group(
    accountant: Api, world: World, body: dict[str, Any], field: str
) -> None:
    for path, ident in _targets(world):
        before = accountant.get(f"{path}/{ident}")
        found = problem(accountant, "PUT", f"{path}/{ident}/item-sales-tax-group", 422, body)
        assert [e["field"] for e in found["errors"]] == [field]
        assert accountant.get(f"{path}/{ident}") == before


def test_an_accountants_patch_of_the_master_data_itself_is_forbidden(
    accountant: Api, world: World
) -> None:
    for path, ident in _targets(world):
        before = accountant.get(f"{path}/{ident}")
        problem(accountant, "PATCH", f"{path}/{ident}", 403, {"item_sales_tax_group": "STD"})
        assert accountant.get(f"{path}/{ident}") == before


def test_a_team_member_may_not_set_a_tax_group_and_an_unknown_row_is_404(
    make_api: Any, accountant: Api, world: World
) -> None:
    member = make_api("team_member")
    body = {"item_sales_tax_group": "STD"}
    for path, ident in _targets(world):
        problem(member, "PUT", f"{path}/{ident}/item-sales-tax-group", 403, body)
        problem(accountant, "PUT", f"{path}/999999/item-sales-tax-group", 404, body)
        assert accountant.get(f"{path}/{ident}")["item_sales_tax_group"] is None
