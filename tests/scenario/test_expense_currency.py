"""An expense whose cost is in another currency than the contract's is converted at the
rate in force on its date, or at the contract's fixed-rate agreement, then priced at cost
or marked up (issue 9, point 7); without a rate it is refused and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import World, make_world
from tests.conftest import Api
from tests.scenario.support import all_actuals, fields_of, problem, snapshot, unbilled_of


@pytest.fixture
def accountant(make_api: Any) -> Api:
    return make_api("accountant")


def _eur_costs_usd_contract(api: Api) -> tuple[World, dict[str, Any]]:
    """The USD world with its project's costs in EUR, an expense line, and a second
    expense category the sales price list does not name (so it is priced at cost)."""
    world = make_world(api, "USD")
    eur_costs = api.post(
        "/price-lists",
        {
            "name": "Cost EUR",
            "currency": "EUR",
            "context": "cost",
            "role_prices": [{"role_id": world.role["id"], "price": "110.00"}],
        },
    )
    api.patch(f"/projects/{world.project['id']}", {"cost_price_list_id": eur_costs["id"]})
    world.line(["expense"])
    at_cost = api.post("/transaction-categories", {"name": "Hotel", "transaction_class": "expense"})
    return world, at_cost


def _submitted_expense(
    world: World, unit_price: str, category: dict[str, Any], date: str = "2026-08-27"
) -> dict[str, Any]:
    return world.api.post(
        "/expense-entries",
        {
            "resource_id": world.resource["id"],
            "project_id": world.project["id"],
            "category_id": category["id"],
            "date": date,
            "quantity": "1",
            "unit_price": unit_price,
            "description": "Travel",
            "status": "submitted",
        },
    )


def _rate(accountant: Api, rate: str, valid_from: str) -> None:
    accountant.post(
        "/exchange-rates",
        {"from_currency": "EUR", "to_currency": "USD", "rate": rate, "valid_from": valid_from},
    )


def _approved(world: World, unit_price: str, category: dict[str, Any], date: str) -> Any:
    entry = _submitted_expense(world, unit_price, category, date)
    return world.api.action(f"/expense-entries/{entry['id']}/approve")


def test_a_100_eur_expense_on_a_usd_contract_is_110_usd_at_cost_and_121_with_a_markup(
    api, accountant
):
    world, hotel = _eur_costs_usd_contract(api)
    _rate(accountant, "1.05", "2026-08-01")
    _rate(accountant, "1.10", "2026-08-20")  # in force on the 27th
    _rate(accountant, "1.20", "2026-09-01")  # not yet
    at_cost = _approved(world, "100.00", hotel, "2026-08-27")
    marked_up = _approved(world, "100.00", world.categories["expense"], "2026-08-27")
    sales = unbilled_of(api, at_cost["id"])
    assert (sales["price"], sales["amount"], sales["currency"]) == ("110.00", "110.00", "USD")
    sales = unbilled_of(api, marked_up["id"])
    assert (sales["price"], sales["amount"], sales["currency"]) == ("121.00", "121.00", "USD")
    # The cost actual keeps the expense's own amount and currency.
    (cost,) = all_actuals(api, source_id=at_cost["id"], transaction_type="cost")
    assert (cost["price"], cost["amount"], cost["currency"]) == ("100.00", "100.00", "EUR")


def test_the_rate_of_the_expenses_own_date_prices_it(api, accountant):
    world, hotel = _eur_costs_usd_contract(api)
    _rate(accountant, "1.10", "2026-08-01")
    _rate(accountant, "1.25", "2026-08-25")
    before = _approved(world, "80.00", hotel, "2026-08-24")
    after = _approved(world, "80.00", hotel, "2026-08-25")
    assert unbilled_of(api, before["id"])["amount"] == "88.00"
    assert unbilled_of(api, after["id"])["amount"] == "100.00"


def test_a_fixed_rate_agreement_in_the_expenses_currency_wins_over_the_dated_rate(api, accountant):
    world, hotel = _eur_costs_usd_contract(api)
    _rate(accountant, "1.10", "2026-08-01")
    path = f"/contracts/{world.contract['id']}/fixed-rate-agreement"
    accountant.request("PUT", path, 200, json={"currency": "EUR", "rate": "1.2", "reference": "F1"})
    at_cost = _approved(world, "100.00", hotel, "2026-08-27")
    marked_up = _approved(world, "100.00", world.categories["expense"], "2026-08-27")
    assert unbilled_of(api, at_cost["id"])["amount"] == "120.00"
    assert unbilled_of(api, marked_up["id"])["amount"] == "132.00"


def test_a_fixed_rate_agreement_in_another_currency_leaves_the_dated_rate(api, accountant):
    world, hotel = _eur_costs_usd_contract(api)
    _rate(accountant, "1.10", "2026-08-01")
    path = f"/contracts/{world.contract['id']}/fixed-rate-agreement"
    accountant.request("PUT", path, 200, json={"currency": "GBP", "rate": "1.3"})
    at_cost = _approved(world, "100.00", hotel, "2026-08-27")
    assert unbilled_of(api, at_cost["id"])["amount"] == "110.00"


def test_an_expense_without_a_rate_in_force_is_refused_naming_the_rate_and_nothing_is_written(
    api, accountant
):
    world, hotel = _eur_costs_usd_contract(api)
    _rate(accountant, "1.10", "2026-09-01")  # only after the expense's date
    entry = _submitted_expense(world, "100.00", hotel, "2026-08-27")
    before = snapshot(api, world)
    body = problem(api, "POST", f"/expense-entries/{entry['id']}/approve", 422)
    assert fields_of(body) == ["exchange_rate"]
    assert "no exchange rate from EUR to USD in force on 2026-08-27" in body["detail"]
    assert snapshot(api, world) == before
    assert api.get(f"/expense-entries/{entry['id']}")["status"] == "submitted"


def test_a_bulk_approval_with_one_expense_without_a_rate_approves_none(api, accountant):
    world, hotel = _eur_costs_usd_contract(api)
    _rate(accountant, "1.10", "2026-08-20")
    priced = _submitted_expense(world, "100.00", hotel, "2026-08-27")
    unpriced = _submitted_expense(world, "100.00", hotel, "2026-08-19")
    before = snapshot(api, world)
    body = problem(
        api,
        "POST",
        "/expense-entries/approve",
        422,
        json={"ids": [priced["id"], unpriced["id"]]},
    )
    assert fields_of(body) == ["ids[1].exchange_rate"], body
    assert "2026-08-19" in body["detail"]
    assert snapshot(api, world) == before


def test_an_agreement_prices_nothing_when_the_contract_bills_outside_its_accounting_currency(
    api, accountant
):
    # The agreement states EUR in the legal entity's GBP, not in the contract's USD.
    world, hotel = _eur_costs_usd_contract(api)
    uk = accountant.post("/legal-entities", {"name": "Contoso UK", "accounting_currency": "GBP"})
    api.patch(f"/contracts/{world.contract['id']}", {"legal_entity_id": uk["id"]})
    _rate(accountant, "1.10", "2026-08-01")
    path = f"/contracts/{world.contract['id']}/fixed-rate-agreement"
    accountant.request("PUT", path, 200, json={"currency": "EUR", "rate": "0.85"})
    at_cost = _approved(world, "100.00", hotel, "2026-08-27")
    assert unbilled_of(api, at_cost["id"])["amount"] == "110.00"
