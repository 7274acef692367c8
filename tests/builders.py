"""Scenario builders over the HTTP API: master data with real numbers, in few lines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.conftest import Api


@dataclass
class World:
    """A customer with one project, a contract on it, a role, a resource and price lists.

    Prices: Consultant sells at 250.00 and costs 120.00 per hour (USD by default).
    """

    api: Api
    customer: dict[str, Any]
    role: dict[str, Any]
    resource: dict[str, Any]
    cost_list: dict[str, Any]
    sales_list: dict[str, Any]
    project: dict[str, Any]
    contract: dict[str, Any]
    categories: dict[str, dict[str, Any]]
    product: dict[str, Any]

    def line(
        self, classes: list[str], billing_method: str = "time_and_material", **extra: Any
    ) -> dict[str, Any]:
        body = {
            "name": f"{billing_method} {'/'.join(classes)}",
            "kind": "project",
            "billing_method": billing_method,
            "project_id": self.project["id"],
            "transaction_classes": classes,
            **extra,
        }
        return self.api.post(f"/contracts/{self.contract['id']}/lines", body)

    def product_line(
        self, quantity: str = "2", name: str = "Sensors", ready: bool = True, **extra: Any
    ) -> dict[str, Any]:
        """A product line of the world's product (``quantity`` of it), ready to invoice
        unless ``ready`` is False; ``extra`` fields as the API takes them (``date``)."""
        body = {
            "name": name,
            "kind": "product",
            "product_id": self.product["id"],
            "quantity": quantity,
            "ready_to_invoice": ready,
            **extra,
        }
        return self.api.post(f"/contracts/{self.contract['id']}/lines", body)

    def approved_time(self, hours: str, date: str = "2026-08-27", **extra: Any) -> dict[str, Any]:
        entry = self.api.post(
            "/time-entries",
            {
                "resource_id": self.resource["id"],
                "project_id": self.project["id"],
                "date": date,
                "quantity": hours,
                "internal_comment": "work",
                "external_comment": "Consulting",
                "status": "submitted",
                **extra,
            },
        )
        return self.api.action(f"/time-entries/{entry['id']}/approve")

    def approved_expense(
        self, quantity: str, unit_price: str, date: str = "2026-08-27"
    ) -> dict[str, Any]:
        entry = self.api.post(
            "/expense-entries",
            {
                "resource_id": self.resource["id"],
                "project_id": self.project["id"],
                "category_id": self.categories["expense"]["id"],
                "date": date,
                "quantity": quantity,
                "unit_price": unit_price,
                "description": "Travel",
                "status": "submitted",
            },
        )
        return self.api.action(f"/expense-entries/{entry['id']}/approve")

    def sales_actuals(self, entry_id: str) -> list[dict[str, Any]]:
        return self.api.get(
            "/actuals", source_id=entry_id, transaction_type="unbilled_sales", source_kind="time"
        )["items"]

    def mark_all_ready(self) -> None:
        backlog = self.api.get("/billing-backlog", contract_id=self.contract["id"])
        self.api.action(
            "/billing-backlog/ready-to-invoice",
            {"actual_ids": [a["id"] for a in backlog["actuals"]]},
            expect=204,
        )

    def invoice(self, date: str = "2026-08-31") -> dict[str, Any]:
        return self.api.post(f"/contracts/{self.contract['id']}/invoices", {"invoice_date": date})


def make_world(api: Api, currency: str = "USD") -> World:
    """Master data for a scenario, created through the API."""
    customer = api.post(
        "/customers",
        {
            "name": "Coho Winery",
            "currency": currency,
            "bill_to": {
                "name": "Coho Winery Ltd",
                "street": "1 Vine St",
                "city": "London",
                "postal_code": "EC1A 1AA",
                "country": "GB",
            },
        },
    )
    role = api.post("/roles", {"name": "Consultant"})
    resource = api.post("/resources", {"name": "Julia Funderburk", "default_role_id": role["id"]})
    categories = {
        cls: api.post(
            "/transaction-categories", {"name": f"{cls} category", "transaction_class": cls}
        )
        for cls in ("time", "expense", "fee")
    }
    product = api.post("/products", {"name": "Sensor", "unit": "each", "list_price": "40.00"})
    cost_list = api.post(
        "/price-lists",
        {
            "name": "Cost",
            "currency": currency,
            "context": "cost",
            "role_prices": [{"role_id": role["id"], "price": "120.00"}],
            "product_prices": [{"product_id": product["id"], "price": "25.00"}],
        },
    )
    sales_list = api.post(
        "/price-lists",
        {
            "name": "Sales",
            "currency": currency,
            "context": "sales",
            "role_prices": [{"role_id": role["id"], "price": "250.00"}],
            "category_prices": [
                {
                    "category_id": categories["expense"]["id"],
                    "method": "markup_percent",
                    "value": "10",
                },
                {
                    "category_id": categories["fee"]["id"],
                    "method": "price_per_unit",
                    "value": "75.00",
                },
            ],
            "product_prices": [{"product_id": product["id"], "price": "45.00"}],
        },
    )
    project = api.post(
        "/projects",
        {
            "name": "Requirements",
            "customer_id": customer["id"],
            "cost_price_list_id": cost_list["id"],
        },
    )
    contract = api.post(
        "/contracts",
        {
            "name": "Coho SOW 1",
            "customer_id": customer["id"],
            "currency": currency,
            "price_list_id": sales_list["id"],
            "opportunity": "OPP-7",
        },
    )
    return World(
        api, customer, role, resource, cost_list, sales_list, project, contract, categories, product
    )


def scheduled_world(api: Api) -> World:
    """A contract with two scheduled lines due on Monday 2026-09-07: weekly time from
    2026-08-31 (8 h ready, 2000.00) and daily expenses from 2026-09-01 (110.00 ready)."""
    world = make_world(api)
    world.line(["time"], invoice_schedule={"frequency": "weekly", "start_date": "2026-08-31"})
    world.line(["expense"], invoice_schedule={"frequency": "daily", "start_date": "2026-09-01"})
    world.approved_time("8", "2026-09-02")
    world.approved_expense("1", "100.00", "2026-09-03")
    world.mark_all_ready()
    return world
