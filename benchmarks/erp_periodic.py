"""Benchmark: the ERP side's periodic processes against the database's own floor.

    python benchmarks/erp_periodic.py --contracts 10000 --actuals-per-contract 100 \
        [--repeat 3] [--database URL] [--record]

Builds the data directly with set-based inserts: the ERP set-up (the default USD
company, seed 003's accounts and posting profile, VAT 20 % in groups UK / SERV, a
GBP -> USD rate, a fixed-rate agreement on every other contract), and per contract a
GBP project, contract and daily time-and-material line with A approved time entries'
actuals each: a cost actual and a ready unbilled sales actual. Then times, in one
process and in this order: (a) import from staging into the integration journal,
(b) posting the journal, (c) bulk invoicing (the run date) and confirmation,
(d) import into invoice proposals, (e) posting every ready proposal (vouchers and
customer invoices). Each step's floor is the same database copying as many rows as
the step writes with one ``INSERT ... SELECT`` (actuals copied into a table as wide
as what the step writes). Each of ``--repeat`` runs gets a fresh database. Ends with
one line of medians: ``import_vs_floor=X post_vs_floor=Y proposal_import_vs_floor=Z
proposal_post_vs_floor=W peak_rss_mb=M actuals=N``; ``--record`` also writes the
figures, with their spread and the machine, into docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from _runs import Spread, machine, replace_paragraph, scratch_database
from _world import contracts_with_time_lines, time_actuals
from sqlalchemy import Engine, Table, func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from billable.billing.bulk_confirm import confirm_in_chunks
from billable.domain.vocabulary import ActualType
from billable.erp import journal, journal_posting, proposal_import, proposal_posting
from billable.persistence.db import make_engine, session_factory
from billable.persistence.migrate import upgrade
from billable.persistence.tables import (
    Actual,
    CustomerInvoice,
    CustomerInvoiceDocument,
    ExchangeRate,
    FixedRateAgreement,
    IntegrationJournalLine,
    Invoice,
    InvoiceProposal,
    InvoiceProposalLine,
    ItemSalesTaxGroup,
    LedgerAccount,
    LegalEntity,
    OutboxMessage,
    PostedTransaction,
    PostingProfileEntry,
    SalesTaxGroup,
    TaxCode,
    TransactionCategory,
    Voucher,
    VoucherLine,
)
from billable.persistence.uow import UnitOfWork
from billable.runs import invoice_runs as runs

RUN_DATE = dt.date(2026, 9, 30)
ROOT = Path(__file__).resolve().parent.parent
#: number, name, kind, posting type: seed 003's accounts plus sales tax payable.
ACCOUNTS = [
    ("600300", "Payroll allocation", "liability", "payroll_allocation"),
    ("600310", "Cost offset", "liability", "cost_offset"),
    ("540100", "Cost of Project - Labor", "expense", "project_cost"),
    ("161300", "WIP - Sales Value", "asset", "wip_sales_value"),
    ("420200", "Accrued revenue", "revenue", "accrued_revenue"),
    ("411100", "Revenue - Labor", "revenue", "invoiced_revenue"),
    ("130100", "Accounts Receivable", "asset", "customer_balance"),
    ("222200", "Sales tax payable", "liability", "sales_tax"),
]


def build(engine: Engine, contracts: int, per_contract: int) -> None:
    """The ERP set-up and master data by executemany, actuals by INSERT ... SELECT."""
    with Session(engine) as s, s.begin():
        _erp_setup(s, contracts)
        _master_data(s, contracts)
        # Cost at 120 GBP an hour, unbilled sales at 250 GBP with VAT 20 %.
        for kind in (ActualType.COST, ActualType.UNBILLED_SALES):
            time_actuals(s, per_contract, "GBP", kind, tax_share=Decimal("0.2"), category_id=1)


def _erp_setup(s: Session, contracts: int) -> None:
    """Company, accounts and posting profile, tax, a rate and fixed-rate agreements."""
    s.add(LegalEntity(id=1, name="Bench company", accounting_currency="USD"))
    s.flush()
    for i, (number, name, kind, _) in enumerate(ACCOUNTS, start=1):
        s.add(LedgerAccount(id=i, number=number, name=name, kind=kind))
    s.flush()
    for i, (_, _, _, posting_type) in enumerate(ACCOUNTS, start=1):
        s.add(
            PostingProfileEntry(legal_entity_id=1, posting_type=posting_type, ledger_account_id=i)
        )
    s.add(TaxCode(code="VAT20", name="VAT 20 %", rate=Decimal(20)))
    s.add(SalesTaxGroup(code="UK", tax_codes=["VAT20"]))
    s.add(ItemSalesTaxGroup(code="SERV", tax_codes=["VAT20"]))
    s.add(
        ExchangeRate(
            from_currency="GBP",
            to_currency="USD",
            rate=Decimal("1.2"),
            valid_from=dt.date(2026, 1, 1),
        )
    )
    s.add(
        TransactionCategory(
            id=1, name="Consulting", transaction_class="time", item_sales_tax_group="SERV"
        )
    )


def _master_data(s: Session, contracts: int) -> None:
    """The bench world in GBP with a UK customer; a fixed-rate agreement on every other
    contract."""
    contracts_with_time_lines(s, contracts, "GBP", sales_tax_group="UK")
    s.execute(
        insert(FixedRateAgreement),
        [
            {"contract_id": i, "currency": "GBP", "rate": Decimal("1.25")}
            for i in range(1, contracts + 1)
            if i % 2
        ],
    )


def copy_floor(engine: Engine, target: Table, rows: int) -> float:
    """Seconds to copy ``rows`` actuals into an unindexed table as wide as ``target``
    (every column of it filled from an actual's column of its type), in one
    ``INSERT ... SELECT``."""
    by_type: dict[str, str] = {}
    for c in Actual.__table__.columns:  # type: ignore[attr-defined]
        by_type.setdefault(str(c.type.compile(engine.dialect)), f"a.{c.name}")
    columns = [c for c in target.columns if c.name != "id"]
    picks = ", ".join(by_type.get(str(c.type.compile(engine.dialect)), "NULL") for c in columns)
    names = ", ".join(c.name for c in columns)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS floor_copy")
        conn.exec_driver_sql(f"CREATE TABLE floor_copy AS SELECT * FROM {target.name} WHERE 1 = 0")
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO floor_copy ({names}) SELECT {picks} FROM actuals a "
            f"ORDER BY a.id LIMIT {rows}"
        )
    elapsed = time.perf_counter() - started
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE floor_copy")
    return elapsed


def _count(engine: Engine, model: Any) -> int:
    with Session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _floor(engine: Engine, written: dict[Any, int]) -> float:
    """The floor of a step that wrote ``written`` rows per table: copying as many rows
    into tables as wide, one ``INSERT ... SELECT`` each (actuals enough for every one:
    the floor copies at most as many as there are, repeated)."""
    total = 0.0
    available = _count(engine, Actual)
    for model, rows in written.items():
        left = rows
        while left > 0:
            total += copy_floor(engine, model.__table__, min(left, available))
            left -= available
    return total


def _timed(step: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, result


def _writes(engine: Engine, models: list[Any], before: dict[Any, int]) -> dict[Any, int]:
    return {m: _count(engine, m) - before.get(m, 0) for m in models}


JOURNAL_TABLES = [IntegrationJournalLine]
POSTING_TABLES = [Voucher, VoucherLine, PostedTransaction]
PROPOSAL_TABLES = [InvoiceProposalLine]
#: Every table posting proposals inserts into: the stored e-invoices and the outbox too
#: (none here: the bench company has no VAT id, so no UBL or CII is valid, and no print
#: destination), so the floor keeps counting them if the world gains them.
PROPOSAL_POST_TABLES = [
    Voucher,
    VoucherLine,
    CustomerInvoice,
    CustomerInvoiceDocument,
    OutboxMessage,
]


def measure(url: str, contracts: int, per_contract: int) -> dict[str, float]:
    """One run on the empty database ``url``: build, the five steps, their floors."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        build(engine, contracts, per_contract)
        if engine.dialect.name == "postgresql":  # as autovacuum would after a bulk load
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        factory = session_factory(engine)

        def new() -> UnitOfWork:
            return UnitOfWork(factory)

        figures: dict[str, float] = {}
        counts: dict[str, dict[Any, int]] = {}
        before = {m: 0 for m in {*POSTING_TABLES, *PROPOSAL_POST_TABLES}}
        figures["import_s"], journal_id = _timed(lambda: journal.import_from_staging(new()))
        counts["import"] = _writes(engine, JOURNAL_TABLES, {})
        figures["post_s"], _ = _timed(lambda: journal_posting.post_journal(new(), str(journal_id)))
        counts["post"] = _writes(engine, POSTING_TABLES, before)
        figures["invoice_s"], result = _timed(lambda: runs.run_date(new, RUN_DATE))
        with Session(engine) as s:
            ids = list(s.scalars(select(Invoice.id).order_by(Invoice.id)))
        figures["confirm_s"], confirmed = _timed(lambda: confirm_in_chunks(new, ids))
        assert len(result.invoices) == contracts == confirmed, "every contract invoiced"
        figures["proposal_import_s"], imported = _timed(lambda: proposal_import.import_all(new()))
        assert len(imported.imported) == contracts and not imported.waiting, imported.waiting[:5]
        counts["proposal_import"] = _writes(engine, PROPOSAL_TABLES, {})
        # The step also writes every proposal it imports (state, time, version): counted
        # with the lines, so the floor copies as many rows as the step writes.
        counts["proposal_import"][InvoiceProposal] = len(imported.imported)
        before = {m: _count(engine, m) for m in PROPOSAL_POST_TABLES}
        figures["proposal_post_s"], posted = _timed(lambda: proposal_posting.post_ready(new))
        assert len(posted.posted) == contracts and not posted.failed, posted.failed
        counts["proposal_post"] = _writes(engine, PROPOSAL_POST_TABLES, before)
        with Session(engine) as s:
            left = s.scalar(
                select(func.count())
                .select_from(InvoiceProposal)
                .where(InvoiceProposal.posted_at.is_(None))
            )
        assert left == 0, "every proposal posted"
        for step, written in counts.items():
            figures[f"{step}_floor_s"] = _floor(engine, written)
            figures[f"{step}_vs_floor"] = figures[f"{step}_s"] / figures[f"{step}_floor_s"]
        figures["rows_written"] = float(sum(sum(c.values()) for c in counts.values()))
    finally:
        engine.dispose()
    return figures


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: The ratios the one-line summary names, in its order.
RATIOS = ("import_vs_floor", "post_vs_floor", "proposal_import_vs_floor", "proposal_post_vs_floor")
#: A run at a size CI can afford: ``python3 dev.py bench-smoke`` runs it on every change.
SMOKE_ARGS = ("--contracts", "3", "--actuals-per-contract", "4", "--repeat", "3")


def main() -> None:
    """Run the benchmark ``--repeat`` times and report medians with their spread."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--actuals-per-contract", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="runs, each on a fresh database")
    parser.add_argument("--database", help="a PostgreSQL server URL; default: SQLite files")
    parser.add_argument("--record", action="store_true", help="write docs/performance.md")
    args = parser.parse_args()
    runs_: list[dict[str, float]] = []
    database = "sqlite"
    for number in range(1, args.repeat + 1):
        with scratch_database(args.database) as url:
            database = make_url(url).get_backend_name()
            runs_.append(measure(url, args.contracts, args.actuals_per_contract))
        print(f"run {number}: " + " ".join(f"{k}={v:.2f}" for k, v in runs_[-1].items()))
    spreads = {key: Spread.of([run[key] for run in runs_]) for key in runs_[0]}
    for key, spread in spreads.items():
        print(f"{key:>26}: {spread}")
    actuals = args.contracts * args.actuals_per_contract * 2  # cost and unbilled sales
    line = " ".join(f"{key}={spreads[key].median:.2f}" for key in RATIOS)
    line += f" peak_rss_mb={peak_rss_mb():.0f} actuals={actuals}"
    if args.record:
        record(database, args, spreads, line)
    print(line)


def record(database: str, args: argparse.Namespace, spreads: dict[str, Spread], line: str) -> None:
    """Replace this database's block in docs/performance.md."""
    path = ROOT / "docs" / "performance.md"
    marker = f"<!-- erp_periodic:{database} -->"
    ratios = "; ".join(f"{key} {spreads[key]}" for key in RATIOS)
    steps = ("import", "post", "invoice", "confirm", "proposal_import", "proposal_post")
    seconds = ", ".join(f"{step} {spreads[f'{step}_s'].median:.2f} s" for step in steps)
    floors = ", ".join(
        f"{step} {spreads[f'{step}_floor_s'].median:.3f} s"
        for step in ("import", "post", "proposal_import", "proposal_post")
    )
    size = f"{args.contracts} contracts x {args.actuals_per_contract} time entries"
    block = (
        f"{marker}\n`{line}`  \n{database}, {size}, medians: {seconds}; floors: {floors}.  \n"
        f"Spread: {ratios}.  \n({machine()}, {dt.date.today()})\n"
    )
    replace_paragraph(path, marker, block)


if __name__ == "__main__":
    main()
