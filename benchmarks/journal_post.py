"""Import from staging and post the integration journal: how long they take.

    python benchmarks/journal_post.py [--lines N] [--contracts C] [--repeat 3]
        [--database URL] [--record]

Builds the data directly (a USD company, its ledger accounts and posting profile, GBP
contracts of which every other one has a fixed-rate agreement, two date-effective
GBP->USD rates, projects with default dimensions, and ``N / 2`` approved hours over 20
days, each a cost and an unbilled sales actual, so ``N`` journal lines), then times, in
one process, ``import_from_staging`` and ``post_journal`` through their use cases.
Prints one line ``import_s=X post_s=Y lines=N vouchers=V``; ``--record`` writes it,
with the spread, into docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

from _runs import Spread, machine, replace_paragraph, scratch_database
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from billable.domain.vocabulary import ActualType, BillingType, TransactionClass
from billable.erp import journal, journal_posting
from billable.erp import setup as erp_setup
from billable.masterdata import records as masterdata
from billable.persistence.db import make_engine, session_factory
from billable.persistence.migrate import upgrade
from billable.persistence.tables import (
    Actual,
    Contract,
    Customer,
    PriceList,
    Project,
    Voucher,
)
from billable.persistence.uow import UnitOfWork

ROOT = Path(__file__).resolve().parent.parent
FIRST_DAY = dt.date(2026, 8, 3)
DAYS = 20
ACCOUNTS = (
    ("600300", "payroll_allocation"),
    ("540100", "project_cost"),
    ("161300", "wip_sales_value"),
    ("420200", "accrued_revenue"),
    ("600400", "cost_offset"),
)


def build(engine: Engine, contracts: int, hours: int) -> None:
    """The ERP set-up through its use cases; master data and actuals by executemany."""
    make_uow = lambda: UnitOfWork(session_factory(engine))  # noqa: E731
    erp_setup.ensure_default_legal_entity(make_uow())
    for number, _ in ACCOUNTS:
        fields = {"number": number, "name": number, "kind": "asset"}
        masterdata.create(make_uow(), "ledger_account", fields)
    entries = [{"posting_type": kind, "account": number} for number, kind in ACCOUNTS]
    erp_setup.replace_posting_profile(make_uow(), None, entries)
    for rate, day in (("1.27", FIRST_DAY), ("1.31", FIRST_DAY + dt.timedelta(days=DAYS // 2))):
        fields = {"from_currency": "GBP", "to_currency": "USD", "rate": Decimal(rate)}
        masterdata.create(make_uow(), "exchange_rate", {**fields, "valid_from": day})
    ids = range(1, contracts + 1)
    with Session(engine) as s, s.begin():
        s.add(Customer(id=1, name="Bench", currency="GBP", bill_to_name="Bench"))
        s.add(PriceList(id=1, name="Cost", currency="USD", context="cost"))
        s.add(PriceList(id=2, name="Sales", currency="GBP", context="sales"))
        s.flush()
        dims = {"BusinessUnit": "001"}
        s.execute(
            insert(Project),
            [
                {"id": i, "name": f"P{i}", "customer_id": 1, "dimensions": dims}
                | {"cost_price_list_id": 1}
                for i in ids
            ],
        )
        s.execute(
            insert(Contract),
            [
                {"id": i, "name": f"C{i}", "customer_id": 1, "currency": "GBP"}
                | {"bill_to_name": "Bench", "price_list_id": 2}
                for i in ids
            ],
        )
    for i in ids[::2]:
        fields = {"currency": "GBP", "rate": Decimal("1.25"), "reference": None}
        erp_setup.set_fixed_rate_agreement(make_uow(), str(i), fields)
    with Session(engine) as s, s.begin():
        s.execute(insert(Actual), [row for n in range(hours) for row in _pair(n, contracts)])


def _pair(n: int, contracts: int) -> list[dict[str, object]]:
    """The cost and unbilled sales actuals of the ``n``-th approved time entry."""
    contract = n % contracts + 1
    hours = Decimal(n % 8 + 1) / 4
    common = {
        "transaction_class": TransactionClass.TIME,
        "source_kind": TransactionClass.TIME,
        "source_id": n + 1,
        "project_id": contract,
        "contract_id": contract,
        "date": FIRST_DAY + dt.timedelta(days=n % DAYS),
        "quantity": hours,
        "unit": "hour",
        "tax": Decimal(0),
        "billing_type": BillingType.CHARGEABLE,
    }
    cost = {"transaction_type": ActualType.COST, "price": Decimal(120), "currency": "USD"}
    sales = {"transaction_type": ActualType.UNBILLED_SALES, "price": Decimal("249.99")}
    return [
        common | cost | {"amount": hours * 120},
        common
        | sales
        | {"currency": "GBP", "amount": (hours * Decimal("249.99")).quantize(Decimal("0.01"))},
    ]


def measure(url: str, contracts: int, lines: int) -> dict[str, float]:
    """One run on the empty database ``url``: build, import, post."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        build(engine, contracts, lines // 2)
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        factory = session_factory(engine)
        t0 = time.perf_counter()
        ident = journal.import_from_staging(UnitOfWork(factory))
        imported = time.perf_counter() - t0
        t0 = time.perf_counter()
        journal_posting.post_journal(UnitOfWork(factory), str(ident))
        posted = time.perf_counter() - t0
        with Session(engine) as s:
            vouchers = s.scalar(select(func.count()).select_from(Voucher)) or 0
    finally:
        engine.dispose()
    return {"import_s": imported, "post_s": posted, "vouchers": float(vouchers)}


#: A run at a size CI can afford.
SMOKE_ARGS = ("--lines", "40", "--contracts", "3", "--repeat", "1")


def main() -> None:
    """Run ``--repeat`` times on fresh databases; medians with their spread."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--contracts", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", help="a PostgreSQL server URL; default: SQLite files")
    parser.add_argument("--record", action="store_true", help="write docs/performance.md")
    args = parser.parse_args()
    runs: list[dict[str, float]] = []
    database = "sqlite"
    for number in range(1, args.repeat + 1):
        with scratch_database(args.database) as url:
            database = make_url(url).get_backend_name()
            runs.append(measure(url, args.contracts, args.lines))
        print(f"run {number}: " + " ".join(f"{k}={v:.2f}" for k, v in runs[-1].items()))
    spreads = {key: Spread.of([run[key] for run in runs]) for key in runs[0]}
    line = (
        f"import_s={spreads['import_s'].median:.2f} post_s={spreads['post_s'].median:.2f} "
        f"lines={args.lines} vouchers={spreads['vouchers'].median:.0f}"
    )
    if args.record:
        record(database, args.lines, spreads, line)
    print(line)


def record(database: str, lines: int, spreads: dict[str, Spread], line: str) -> None:
    """Replace this database's and size's block in docs/performance.md."""
    path = ROOT / "docs" / "performance.md"
    marker = f"<!-- journal_post:{database}:{lines} -->"
    block = (
        f"{marker}\n`{line}`  \n{database}, {lines} journal lines: import "
        f"{spreads['import_s']}, post {spreads['post_s']} s.  \n({machine()}, {dt.date.today()})\n"
    )
    replace_paragraph(path, marker, block)


if __name__ == "__main__":
    main()
