"""Sales tax setup for the tax scenarios, through the API: tax codes whose rates tell at
a glance which group applied, the three billing sales tax groups and the item groups.

Rates: P10 10 % (project's group), C5 5 % (contract's), K8 8 % (customer's); S3 3 % is in
every sales group but no item group, I7 7 % in the item group only, so neither may ever
apply. SPLIT holds A25 2.5 % and B15 1.5 %, where rounding per code differs from
rounding the sum (75.00: 1.88 + 1.13 = 3.01, not 3.00).
"""

from __future__ import annotations

from typing import Any

from tests.builders import World
from tests.conftest import Api

CODES = {"P10": "10", "C5": "5", "K8": "8", "S3": "3", "I7": "7", "A25": "2.5", "B15": "1.5"}
SALES_GROUPS = {
    "PRJ": ["P10", "S3"],
    "CON": ["C5", "S3"],
    "CUS": ["K8", "S3"],
    "SPLIT": ["A25", "B15", "S3"],
}
ITEM_GROUPS = {
    "STD": ["P10", "C5", "K8", "I7"],
    "SPLIT": ["A25", "B15", "I7"],
    "MILESTONE": ["P10", "C5", "K8"],
}


def set_up_tax(accountant: Api) -> None:
    """The tax codes and groups above, and seed 003's dimensions (Department, CostCenter)."""
    for code, rate in CODES.items():
        accountant.post("/tax-codes", {"code": code, "name": f"Tax {code}", "rate": rate})
    for code, codes in SALES_GROUPS.items():
        accountant.post("/sales-tax-groups", {"code": code, "tax_codes": codes})
    for code, codes in ITEM_GROUPS.items():
        accountant.post("/item-sales-tax-groups", {"code": code, "tax_codes": codes})
    accountant.post(
        "/financial-dimensions", {"name": "Department", "values": ["Consulting", "Sales"]}
    )
    accountant.post("/financial-dimensions", {"name": "CostCenter", "values": ["010", "020"]})


def parameters(accountant: Api, method: str, material: str = "item", milestone: Any = None) -> None:
    """Set the project parameters."""
    accountant.request(
        "PUT",
        "/parameters",
        200,
        json={
            "sales_tax_group_method": method,
            "material_item_tax_group_method": material,
            "milestone_item_sales_tax_group": milestone,
        },
    )


def tax_master_data(world: World, **groups: str | None) -> None:
    """Give the world's customer, project and contract the sales tax groups named by
    ``customer``, ``project`` and ``contract`` (default PRJ, CON, CUS), and every category
    and the product item group STD."""
    api = world.api
    wanted = {"customer": "CUS", "project": "PRJ", "contract": "CON", **groups}
    api.patch(f"/customers/{world.customer['id']}", {"sales_tax_group": wanted["customer"]})
    api.patch(f"/projects/{world.project['id']}", {"sales_tax_group": wanted["project"]})
    api.patch(f"/contracts/{world.contract['id']}", {"sales_tax_group": wanted["contract"]})
    for category in world.categories.values():
        api.patch(f"/transaction-categories/{category['id']}", {"item_sales_tax_group": "STD"})
    api.patch(f"/products/{world.product['id']}", {"item_sales_tax_group": "STD"})
