"""The bench world the run-sized benchmarks share: one customer, a consultant role with
cost and sales prices, and per contract a project, a contract and one daily
time-and-material line, written by executemany; then time actuals per line in one
``INSERT ... SELECT``, as approval writes them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import column, insert, literal, select, table, text
from sqlalchemy.orm import Session

from billable.domain.schedule import Frequency
from billable.domain.vocabulary import ActualType, BillingType, TransactionClass
from billable.persistence.tables import (
    Actual,
    Contract,
    ContractLine,
    ContractLineClass,
    Customer,
    PriceList,
    Project,
    Role,
    RolePrice,
)
from billable.persistence.types import ExactDecimal

#: The consultant's prices an hour, in the world's currency.
COST_PRICE = Decimal(120)
SALES_PRICE = Decimal(250)
#: The day every actual is dated.
WORK_DATE = dt.date(2026, 9, 1)


def customer_and_prices(s: Session, currency: str, sales_tax_group: str | None = None) -> None:
    """Customer 1 (in ``sales_tax_group``), role 1, and cost and sales price lists 1 and
    2 in ``currency`` with the role's prices: what every bench contract shares."""
    s.add(
        Customer(
            id=1,
            name="Bench",
            currency=currency,
            bill_to_name="Bench",
            sales_tax_group=sales_tax_group,
        )
    )
    s.add(Role(id=1, name="Consultant"))
    s.add_all(
        [
            PriceList(id=1, name="Cost", currency=currency, context="cost"),
            PriceList(id=2, name="Sales", currency=currency, context="sales"),
        ]
    )
    s.flush()
    s.add_all(
        [
            RolePrice(price_list_id=1, role_id=1, price=COST_PRICE),
            RolePrice(price_list_id=2, role_id=1, price=SALES_PRICE),
        ]
    )


def contracts_with_time_lines(
    s: Session, contracts: int, currency: str, sales_tax_group: str | None = None
) -> None:
    """:func:`customer_and_prices`, then contract ``i`` with project ``i`` and line ``i``
    for ``i`` in 1..``contracts``."""
    customer_and_prices(s, currency, sales_tax_group)
    ids = range(1, contracts + 1)
    s.execute(
        insert(Project),
        [{"id": i, "name": f"P{i}", "customer_id": 1, "cost_price_list_id": 1} for i in ids],
    )
    s.execute(
        insert(Contract),
        [
            {
                "id": i,
                "name": f"C{i}",
                "customer_id": 1,
                "currency": currency,
                "price_list_id": 2,
                "bill_to_name": "Bench",
            }
            for i in ids
        ],
    )
    _time_lines(s, ids)


def _time_lines(s: Session, ids: range) -> None:
    s.execute(
        insert(ContractLine),
        [
            {
                "id": i,
                "contract_id": i,
                "name": "T&M",
                "kind": "project",
                "billing_method": "time_and_material",
                "project_id": i,
                "schedule_frequency": Frequency.DAILY,
                "schedule_start_date": dt.date(2026, 1, 1),
            }
            for i in ids
        ],
    )
    s.execute(
        insert(ContractLineClass),
        [
            {"contract_line_id": i, "project_id": i, "transaction_class": TransactionClass.TIME}
            for i in ids
        ],
    )


def time_actuals(
    s: Session,
    per_contract: int,
    currency: str,
    kind: ActualType = ActualType.UNBILLED_SALES,
    tax_share: Decimal = Decimal(0),
    category_id: int | None = None,
) -> None:
    """``per_contract`` time actuals of ``kind`` on every contract line, of 1 to 8 hours:
    cost at COST_PRICE on the project; unbilled sales at SALES_PRICE (tax at
    ``tax_share`` of it) on the contract line, ready to invoice."""
    series = (
        text(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :a) "
            "SELECT i FROM n"
        )
        .bindparams(a=per_contract)
        .columns(column("i"))
        .subquery("n")
    )
    hours = series.c.i % 8 + 1
    sales = kind == ActualType.UNBILLED_SALES
    price = SALES_PRICE if sales else COST_PRICE
    line = table("contract_lines", column("id"))
    values = {
        "transaction_type": literal(kind),
        "transaction_class": literal(TransactionClass.TIME),
        "source_kind": literal(TransactionClass.TIME),  # as if from a time entry
        # Each entry its own id, as in the product (one entry's cost and sales actuals
        # share it): shared ids would make the source index a few keys of huge runs.
        "source_id": (line.c.id - 1) * per_contract + series.c.i,
        "project_id": line.c.id,
        "contract_id": line.c.id if sales else literal(None),
        "contract_line_id": line.c.id if sales else literal(None),
        "role_id": literal(1),
        "category_id": literal(category_id),
        "date": literal(WORK_DATE),
        "quantity": literal(Decimal(1), ExactDecimal(4)) * hours,
        "unit": literal("hour"),
        "price": literal(price, ExactDecimal(6)),
        "amount": literal(price, ExactDecimal(4)) * hours,
        "tax": literal(price * tax_share if sales else Decimal(0), ExactDecimal(4)) * hours,
        "currency": literal(currency),
        "billing_type": literal(BillingType.CHARGEABLE),
        "ready_to_invoice": literal(sales),
        "description": literal(""),
        "external_description": literal(""),
    }
    rows = select(*values.values()).select_from(line).join(series, literal(True))
    s.execute(insert(Actual).from_select(list(values), rows))
