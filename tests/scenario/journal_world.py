"""Seed 003's world for the integration journal, built over HTTP: a USD legal entity, a
GBP contract with a time-and-material line, Julia Funderburk costing 120 USD and selling
at 250 GBP an hour, seed 003's ledger accounts and posting profile, two financial
dimensions, and the project's default dimensions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from billable.persistence.tables import Project
from billable.persistence.uow import UnitOfWork
from tests.builders import World, make_world
from tests.conftest import Api

#: Seed 003's accounts (and a cost offset for expenses) with the posting type of each.
ACCOUNTS = [
    ("600300", "Payroll allocation", "liability", "payroll_allocation"),
    ("540100", "Cost of Project - Labor", "expense", "project_cost"),
    ("161300", "WIP - Sales Value", "asset", "wip_sales_value"),
    ("420200", "Accrued revenue", "revenue", "accrued_revenue"),
    ("600400", "Cost offset", "liability", "cost_offset"),
]
DIMENSIONS = {"BusinessUnit": ["001", "002", "003"], "Department": ["022", "023"]}
PROJECT_DIMENSIONS = {"BusinessUnit": "001", "Department": "022"}


@dataclass
class JournalWorld:
    """The project manager's world and the accountant who journals it."""

    world: World
    accountant: Api

    @property
    def pm(self) -> Api:
        return self.world.api

    def agreement(self, rate: str) -> None:
        """A fixed-rate agreement on the contract for GBP."""
        contract = self.world.contract["id"]
        body = {"currency": "GBP", "rate": rate, "reference": "FRA-1"}
        self.accountant.request("PUT", f"/contracts/{contract}/fixed-rate-agreement", 200, body)

    def rate(self, rate: str, valid_from: str) -> None:
        """A GBP to USD exchange rate."""
        body = {
            "from_currency": "GBP",
            "to_currency": "USD",
            "rate": rate,
            "valid_from": valid_from,
        }
        self.accountant.post("/exchange-rates", body)

    def import_journal(self, expect: int = 201) -> Any:
        return self.accountant.post("/integration-journals/import-from-staging", {}, expect)

    def post(self, journal: dict[str, Any], expect: int = 200) -> Any:
        return self.accountant.action(f"/integration-journals/{journal['id']}/post", expect=expect)

    def vouchers(self, **filters: Any) -> list[dict[str, Any]]:
        return list(self.accountant.get("/vouchers", limit=500, **filters)["items"])


def seed_world(
    make_api: Callable[[str], Api], uow_factory: Callable[[], UnitOfWork]
) -> JournalWorld:
    """Seed 003's master data and ERP setup, without an exchange rate or agreement."""
    pm, accountant = make_api("project_manager"), make_api("accountant")
    world = make_world(pm, "GBP")
    usd_cost = pm.post(
        "/price-lists",
        {
            "name": "Cost USD",
            "currency": "USD",
            "context": "cost",
            "role_prices": [{"role_id": world.role["id"], "price": "120.00"}],
        },
    )
    world.project = pm.post(
        "/projects",
        {
            "name": "Coho requirements",
            "customer_id": world.customer["id"],
            "cost_price_list_id": usd_cost["id"],
        },
    )
    world.line(["time", "expense"])
    entries = []
    for number, name, kind, posting_type in ACCOUNTS:
        accountant.post("/ledger-accounts", {"number": number, "name": name, "kind": kind})
        entries.append({"posting_type": posting_type, "account": number})
    accountant.request("PUT", "/posting-profiles", 200, json={"entries": entries})
    for name, values in DIMENSIONS.items():
        accountant.post("/financial-dimensions", {"name": name, "values": values})
    with uow_factory() as uow:
        project = uow.session.get(Project, int(world.project["id"]))
        assert project is not None
        project.dimensions = dict(PROJECT_DIMENSIONS)
        uow.commit()
    return JournalWorld(world, accountant)


def seen_lines(journal: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The seed's journal table: kind, hours, cost, sales, currency, price exchange rate."""
    return [
        (
            line["kind"],
            line["quantity"],
            line["cost_amount"],
            line["sales_amount"],
            line["sales_currency"],
            line["price_exchange_rate"],
        )
        for line in journal["lines"]
    ]


def voucher_lines(voucher: dict[str, Any]) -> list[tuple[Any, ...]]:
    """A voucher's lines as the seed's table shows them."""
    return [
        (
            line["account"],
            line["currency"],
            line["amount_transaction"],
            line["amount_accounting"],
            line["exchange_rate"],
            line["posting_type"],
        )
        for line in voucher["lines"]
    ]
