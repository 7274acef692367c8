"""The demo data set's master data and contracts, created through the use cases.

Five customers in USD, EUR and GBP; roles priced on a sales and a cost price list per
currency; resources, categories, products; one project and one contract per customer with
time-and-material lines on invoice schedules, a fixed-price line with fixed and progress
milestones, and product-based lines. :mod:`billable.demo.dataset` adds the activity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from billable.domain.vocabulary import TransactionClass
from billable.masterdata import contracts
from billable.masterdata import records as masterdata
from billable.persistence.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]

#: Words of the master data that are spelled like the vocabulary but mean something else.
PRODUCT = "product"  # not vocabulary: the product kind of master data and of contract lines
SALES, COST = "sales", "cost"  # not vocabulary: the contexts of price lists

#: How demo prices in USD translate to the other currencies (then rounded to 5).
FACTORS = {"USD": Decimal("1"), "EUR": Decimal("0.92"), "GBP": Decimal("0.79")}

#: role: (sales rate, cost rate) per hour in USD.
ROLES = {
    "Project Manager": ("220", "110"),
    "Senior Consultant": ("240", "125"),
    "Consultant": ("180", "95"),
    "Developer": ("160", "85"),
    "Architect": ("280", "145"),
}

RESOURCES = {
    "Alex Morgan": "Project Manager",
    "Priya Shah": "Senior Consultant",
    "Jonas Weber": "Consultant",
    "Mei Lin": "Developer",
    "Sam Okafor": "Architect",
    "Claire Dubois": "Consultant",
    "Tom Baker": "Developer",
    "Elena Rossi": "Senior Consultant",
}

#: category: (transaction class, sales pricing method, value in USD or percent).
CATEGORIES = {
    "Consulting time": (TransactionClass.TIME, None, "0"),
    "Travel": (TransactionClass.EXPENSE, "at_cost", "0"),
    "Hotel": (TransactionClass.EXPENSE, "markup_percent", "10"),
    "Meals": (TransactionClass.EXPENSE, "at_cost", "0"),
    "Change request fee": (TransactionClass.FEE, "price_per_unit", "1500"),
    "Hosting fee": (TransactionClass.FEE, "price_per_unit", "450"),
}

#: product: (unit, list price in USD, cost in USD).
PRODUCTS = {
    "Laptop": ("each", "1450", "1100"),
    "Docking station": ("each", "260", "180"),
    "Sensor kit": ("each", "320", "210"),
    "Cloud licence": ("month", "40", "22"),
    "Training day": ("day", "1200", "600"),
}

#: key: name | currency | street | city | postal code | country | VAT id (may be empty).
CUSTOMERS = {
    "contoso": "Contoso Ltd|USD|1 Microsoft Way|Redmond|98052|US|",
    "fabrikam": "Fabrikam GmbH|EUR|Friedrichstraße 68|Berlin|10117|DE|DE811907980",
    "northwind": "Northwind Traders plc|GBP|12 Bishopsgate|London|EC2N 4AY|GB|GB123456789",
    "adventure": "Adventure Works Cycles|USD|500 Market Street|San Francisco|94105|US|",
    "tailspin": "Tailspin Toys SAS|EUR|25 rue de la Paix|Paris|75002|FR|FR40303265045",
}

#: key: project name | team | tasks.
PROJECTS = {
    "contoso": "Contoso CRM implementation|Alex Morgan, Priya Shah, Mei Lin|"
    "Discovery, Configuration, Data migration, Training",
    "fabrikam": "Fabrikam ERP rollout|Sam Okafor, Elena Rossi, Jonas Weber|Design, Build, Go-live",
    "northwind": "Northwind analytics platform|Priya Shah, Tom Baker, Claire Dubois|"
    "Data pipeline, Dashboards",
    "adventure": "Adventure Works support|Mei Lin, Tom Baker|Support",
    "tailspin": "Tailspin mobile app|Claire Dubois, Jonas Weber, Mei Lin|UX, iOS, Android",
}

#: key: time-and-material line name | transaction classes | schedule frequency | start date.
TM_LINES = {
    "contoso": "Implementation services|time, expense, material|monthly|2026-01-31",
    "fabrikam": "Travel and change requests|expense, fee|monthly|2026-01-31",
    "northwind": "Analytics services|time, expense, material, fee|biweekly|2026-01-16",
    "adventure": "Support retainer|time|weekly|2026-01-09",
    "tailspin": "App development|time, expense|semimonthly|2026-01-15",
}

#: The fixed-price line of the Fabrikam ERP rollout: its amount, and its milestones:
#: name: (kind, amount, date).
FIXED_PRICE = Decimal(110000)
MILESTONES = {
    "Kick-off": ("fixed", Decimal(22000), dt.date(2026, 1, 30)),
    "Design sign-off": ("fixed", Decimal(33000), dt.date(2026, 3, 31)),
    "Build": ("progress", Decimal(55000), dt.date(2026, 6, 30)),
}


def _split(text: str, sep: str = "|") -> list[str]:
    return [part.strip() for part in text.split(sep)]


def scaled(usd: str, code: str) -> Decimal:
    """A demo price in ``code``: the USD price converted and rounded to 5."""
    if code == "USD":
        return Decimal(usd)
    return (Decimal(usd) * FACTORS[code] / 5).quantize(Decimal(1)) * 5


@dataclass
class DemoProject:
    """A demo project with its contract, team, tasks and contract lines."""

    key: str
    project_id: int
    contract_id: int
    currency: str
    team: list[int]
    tasks: list[int]
    classes: set[str] = field(default_factory=set)
    milestones: dict[str, int] = field(default_factory=dict)


@dataclass
class Catalogue:
    """The ids of the master data the activity refers to."""

    roles: dict[str, int]
    resources: dict[str, int]
    categories: dict[str, int]
    products: dict[str, int]
    projects: dict[str, DemoProject]


def build_catalogue(new: UowFactory) -> Catalogue:
    """Create the master data, projects and contracts of the demo."""

    def create(kind: str, fields: dict[str, Any]) -> int:
        return masterdata.create(new(), kind, fields)

    roles = {name: create("role", {"name": name}) for name in ROLES}
    resources = {
        name: create("resource", {"name": name, "default_role_id": roles[role]})
        for name, role in RESOURCES.items()
    }
    categories = {
        name: create("transaction_category", {"name": name, "transaction_class": cls})
        for name, (cls, _, _) in CATEGORIES.items()
    }
    products = {
        name: create(PRODUCT, {"name": name, "unit": unit, "list_price": Decimal(price)})
        for name, (unit, price, _) in PRODUCTS.items()
    }
    lists = {code: _price_lists(create, code, roles, categories, products) for code in FACTORS}
    projects: dict[str, DemoProject] = {}
    for key, spec in CUSTOMERS.items():
        name, code, street, city, postal, country, vat = _split(spec)
        bill_to = dict(name=name, street=street, city=city, postal_code=postal, country=country)
        customer = create(
            "customer", {"name": name, "currency": code, "bill_to": bill_to, "vat_id": vat or None}
        )
        title, team, tasks = _split(PROJECTS[key])
        project = create(
            "project",
            {"name": title, "customer_id": customer, "cost_price_list_id": lists[code][1]},
        )
        contract = contracts.create_contract(
            new(),
            {
                "name": f"{title} 2026",
                "customer_id": customer,
                "currency": code,
                "price_list_id": lists[code][0],
                "opportunity": f"OPP-2026-{len(projects) + 101}",
                "description": f"Services for {name}, January to June 2026",
            },
        )
        projects[key] = DemoProject(
            key,
            project,
            contract,
            code,
            [resources[r] for r in _split(team, ",")],
            [contracts.create_task(new(), str(project), {"name": t}) for t in _split(tasks, ",")],
        )
    _contract_lines(new, projects, products)
    return Catalogue(roles, resources, categories, products, projects)


def _price_lists(
    create: Callable[[str, dict[str, Any]], int],
    code: str,
    roles: dict[str, int],
    categories: dict[str, int],
    products: dict[str, int],
) -> tuple[int, int]:
    """The sales and the cost price list in currency ``code``."""
    category_prices = [
        {
            "category_id": categories[name],
            "method": method,
            "value": scaled(value, code) if method == "price_per_unit" else Decimal(value),
        }
        for name, (_, method, value) in CATEGORIES.items()
        if method is not None
    ]
    sales, cost = (
        create(
            "price_list",
            {
                "name": f"{context.capitalize()} {code} 2026",
                "currency": code,
                "context": context,
                "role_prices": [
                    {"role_id": roles[r], "price": scaled(rates[pick], code)}
                    for r, rates in ROLES.items()
                ],
                "category_prices": category_prices if context == SALES else [],
                "product_prices": [
                    {"product_id": products[p], "price": scaled(prices[1 + pick], code)}
                    for p, prices in PRODUCTS.items()
                ],
            },
        )
        for pick, context in enumerate((SALES, COST))
    )
    return sales, cost


def _contract_lines(
    new: UowFactory, projects: dict[str, DemoProject], products: dict[str, int]
) -> None:
    """Time-and-material lines on schedules, a fixed-price line with fixed and progress
    milestones, and product-based lines (one not ready, a write-in)."""
    for key, spec in TM_LINES.items():
        project = projects[key]
        name, classes, frequency, start = _split(spec)
        project.classes.update(_split(classes, ","))
        contracts.create_line(
            new(),
            str(project.contract_id),
            {
                "name": name,
                "kind": "project",
                "billing_method": "time_and_material",
                "project_id": project.project_id,
                "transaction_classes": _split(classes, ","),
                "invoice_schedule": {
                    "frequency": frequency,
                    "start_date": dt.date.fromisoformat(start),
                },
            },
        )
    erp = projects["fabrikam"]
    fixed = contracts.create_line(
        new(),
        str(erp.contract_id),
        {
            "name": "ERP rollout, fixed price",
            "kind": "project",
            "billing_method": "fixed_price",
            "project_id": erp.project_id,
            "transaction_classes": [TransactionClass.TIME],
            "amount": FIXED_PRICE,
        },
    )
    for name, (kind, amount, day) in MILESTONES.items():
        description = f"{name} milestone, ERP rollout"
        erp.milestones[name] = contracts.create_milestone(
            new(),
            str(fixed),
            {"name": name, "description": description, "date": day, "amount": amount, "kind": kind},
        )
    workshop = {"write_in_name": "On-site workshop, 2 days", "unit_price": Decimal(1200)}
    for key, name, quantity, extra in (
        ("contoso", "Laptops for key users", 3, {"product_id": products["Laptop"]}),
        ("fabrikam", "ERP user licences", 120, {"product_id": products["Cloud licence"]}),
        ("adventure", "On-site workshop", 2, workshop),
    ):
        body = {
            "name": name,
            "kind": PRODUCT,
            "quantity": Decimal(quantity),
            "ready_to_invoice": key != "adventure",
            **extra,
        }
        contracts.create_line(new(), str(projects[key].contract_id), body)
