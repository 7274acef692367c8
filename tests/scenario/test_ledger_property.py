"""Random sequences of ERP work keep the general ledger sound.

Hypothesis generates sequences of: approving time and expense entries at random
quantities on a GBP contract of a USD company (sales tax groups set so two tax codes
apply); adding date-effective GBP->USD rates; switching a fixed-rate agreement on and
off; importing from staging; distributing a draft journal line over random shares;
posting journals; adjusting the accounting of a posted transaction; marking the backlog
ready, creating an invoice, optionally editing a detail's quantity, and confirming it;
correcting a confirmed invoice by reducing a quantity; importing invoice proposals and
posting them. The steps run through the service layer; the world (master data, ledger
setup) is built once over HTTP. Refusals (409/422/404) are part of the game.

After every step, against the database:

(a) every voucher balances in accounting currency (its amount_accounting sums to 0);
(b) the trial balance's total is zero, and WIP (161300) and accrued revenue (420200)
    cancel in accounting currency (they are always posted and reversed in pairs at one
    rate);
(c) vouchers and their lines are never changed or deleted: rows written earlier are
    identical later;
(d) the WIP sales value account's balance in transaction currency (GBP) equals the sum
    of the amounts of the current (status ``posted``), accrued sales posted
    transactions whose actual has not been consumed by a *posted* proposal.

Why (d) is exact, corrections and remainders included: a proposal's posting reverses,
per actual its invoice's confirmation consumed, the accrued amount of that actual's
current posted transaction (not what was billed); a draft edit that bills 6 of 8 hours
consumes the 8-hour actual and leaves a new 2-hour remainder actual, which is journaled
and accrued on its own. A corrective invoice consumes no unbilled actual (it reverses
billed ones), so its proposal reverses no WIP, and the quantity it credits returns as
a new unbilled actual that accrues when journaled. Adjust accounting mirrors a
transaction's voucher and re-posts the same amount, moving "current" to the new row;
it is refused once a confirmed invoice consumed the actual, so the row a posted
proposal reversed is the one still current. A consumed actual whose proposal is not yet
posted (waiting or ready) is still in WIP.

An invoice confirmed with no details opens a proposal that imports with no lines and
posts without a voucher (docs/decisions.md, "ERP: review fixes"); it holds no WIP.

Examples: BILLABLE_PROPERTY_EXAMPLES (default 40, ~15 s) on SQLite, a quarter of it (at
least 5) on PostgreSQL; ``--hypothesis-show-statistics`` shows how many examples got as
far as posted proposals, corrective ones and adjustments.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from billable.api.app import create_app
from billable.billing import backlog, confirming, editing, entries, invoicing
from billable.domain.errors import Conflict, Invalid, NotFound
from billable.erp import journal as integration_journal
from billable.erp import journal_posting, posted_transactions, proposal_import, proposal_posting
from billable.erp import ledger as general_ledger
from billable.erp import setup as erp_setup
from billable.identity.users import add_user
from billable.masterdata import records as masterdata
from billable.persistence.db import make_engine
from billable.persistence.tables import (
    Actual,
    IntegrationJournal,
    IntegrationJournalLine,
    Invoice,
    InvoiceLineDetail,
    InvoiceProposal,
    PostedTransaction,
    Voucher,
    VoucherLine,
)
from tests.builders import make_world
from tests.conftest import Api
from tests.scenario.ledger_world import example_database, truncate_all, units_of_work
from tests.scenario.proposal_world import ACCOUNTS

EXAMPLES = int(os.environ.get("BILLABLE_PROPERTY_EXAMPLES", "40"))
ZERO = Decimal(0)
REFUSED = (Conflict, Invalid, NotFound)
FIRST_DAY = dt.date(2026, 8, 3)
WIP, ACCRUED = "161300", "420200"
DIMENSIONS = {"BusinessUnit": ["001", "002", "003"]}


@dataclass(frozen=True)
class Ids:
    """What the operations need of the world built over HTTP."""

    resource: str
    project: str
    contract: str
    time_category: str
    expense_category: str


def build_world(engine: Engine) -> Ids:
    """A USD company (the default entity), a GBP contract for time and expenses taxed
    VAT 20 % and a reduced 5 % (sales group UK and item group SERV both hold both), the
    seed's accounts plus sales tax, a dimension, and a floating rate from the start."""
    with TestClient(create_app(engine)) as client:
        _, make_uow = units_of_work(engine)

        def api(role: str) -> Api:
            return Api(client, add_user(make_uow(), f"{role}-user", role)[1])

        accountant, pm = api("accountant"), api("project_manager")
        accountant.get("/legal-entities")  # makes the default entity: USD
        entries_ = []
        for number, name, kind, posting_type in ACCOUNTS:
            accountant.post("/ledger-accounts", {"number": number, "name": name, "kind": kind})
            entries_.append({"posting_type": posting_type, "account": number})
        accountant.request("PUT", "/posting-profiles", 200, json={"entries": entries_})
        for code, rate in (("VAT20", "20"), ("RED5", "5")):
            accountant.post("/tax-codes", {"code": code, "name": code, "rate": rate})
        accountant.post("/sales-tax-groups", {"code": "UK", "tax_codes": ["VAT20", "RED5"]})
        accountant.post("/item-sales-tax-groups", {"code": "SERV", "tax_codes": ["VAT20", "RED5"]})
        for name, values in DIMENSIONS.items():
            accountant.post("/financial-dimensions", {"name": name, "values": values})
        accountant.post(
            "/exchange-rates",
            {
                "from_currency": "GBP",
                "to_currency": "USD",
                "rate": "1.3",
                "valid_from": "2026-01-01",
            },
        )
        world = make_world(pm, "GBP")
        world.line(["time", "expense"])
        pm.patch(f"/contracts/{world.contract['id']}", {"sales_tax_group": "UK"})
        for category in world.categories.values():
            pm.patch(f"/transaction-categories/{category['id']}", {"item_sales_tax_group": "SERV"})
        return Ids(
            resource=world.resource["id"],
            project=world.project["id"],
            contract=world.contract["id"],
            time_category=world.categories["time"]["id"],
            expense_category=world.categories["expense"]["id"],
        )


# -- the system under test -----------------------------------------------------------------


class Ledger:
    """A database with the world in it, the steps run on it, and what they must keep."""

    def __init__(self, engine: Engine, ids: Ids) -> None:
        self.ids = ids
        self.factory, self.make_uow = units_of_work(engine)
        self.vouchers = self.voucher_rows()

    def attempt(self, action: Any) -> Any:
        try:
            return action()
        except REFUSED as refusal:
            note(f"  refused: {type(refusal).__name__}: {refusal}")
            return None

    def scalars(self, stmt: Any) -> list[Any]:
        with self.factory() as session:
            return list(session.scalars(stmt))

    @staticmethod
    def pick(candidates: list[Any], index: int) -> Any:
        return candidates[index % len(candidates)] if candidates else None

    # -- operations -----------------------------------------------------------------------

    def approve(self, kind: str, quantity: Decimal, day: dt.date) -> None:
        fields: dict[str, Any] = {
            "resource_id": self.ids.resource,
            "project_id": self.ids.project,
            "date": day,
            "quantity": quantity,
            "status": "submitted",
        }
        if kind == "time":
            fields["category_id"] = self.ids.time_category
        else:
            fields |= {
                "category_id": self.ids.expense_category,
                "unit_price": Decimal("33.33"),
                "description": "Travel",
            }
        entry = entries.create_entry(self.make_uow(), kind, fields)
        entries.transition(self.make_uow(), kind, str(entry), "approve")

    def add_rate(self, rate: Decimal, day: dt.date) -> None:
        fields = {"from_currency": "GBP", "to_currency": "USD", "rate": rate, "valid_from": day}
        self.attempt(lambda: masterdata.create(self.make_uow(), "exchange_rate", fields))

    def agreement(self, rate: Decimal | None) -> None:
        if rate is None:
            self.attempt(
                lambda: erp_setup.remove_fixed_rate_agreement(self.make_uow(), self.ids.contract)
            )
        else:
            fields = {"currency": "GBP", "rate": rate, "reference": None}
            erp_setup.set_fixed_rate_agreement(self.make_uow(), self.ids.contract, fields)

    def import_journal(self) -> None:
        self.attempt(lambda: integration_journal.import_from_staging(self.make_uow()))

    def distribute(self, which: int, weights: list[int]) -> None:
        draft = self.scalars(
            select(IntegrationJournalLine.id)
            .join(IntegrationJournal)
            .where(IntegrationJournal.status == "draft")
            .order_by(IntegrationJournalLine.id)
        )
        line = self.pick(draft, which)
        if line is None:
            return
        # Whole percents adding up to 100, the last one taking what is left.
        total = sum(weights)
        percents = [w * 100 // total for w in weights[:-1]]
        percents.append(100 - sum(percents))
        values = DIMENSIONS["BusinessUnit"]
        shares = [
            {"percent": Decimal(p), "dimensions": {"BusinessUnit": values[i % len(values)]}}
            for i, p in enumerate(percents)
            if p > 0
        ]
        self.attempt(
            lambda: integration_journal.distribute_line(self.make_uow(), str(line), shares)
        )

    def post_journal(self, which: int) -> None:
        journals = self.scalars(
            select(IntegrationJournal.id)
            .where(IntegrationJournal.status == "draft")
            .order_by(IntegrationJournal.id)
        )
        journal = self.pick(journals, which)
        if journal is not None:
            self.attempt(lambda: journal_posting.post_journal(self.make_uow(), str(journal)))

    def adjust(self, which: int, value: int) -> None:
        current = self.scalars(
            select(PostedTransaction.id)
            .where(PostedTransaction.status == "posted")
            .order_by(PostedTransaction.id)
        )
        row = self.pick(current, which)
        if row is not None:
            dims = {"BusinessUnit": DIMENSIONS["BusinessUnit"][value % 3]}
            self.attempt(
                lambda: posted_transactions.adjust_accounting(
                    self.make_uow(), str(row), dimensions=dims
                )
            )

    def backlog(self) -> list[int]:
        """Unbilled sales actuals in the backlog: not reversals, not reversed, on no
        detail."""
        reversed_ids = select(Actual.reverses_actual_id).where(
            Actual.reverses_actual_id.is_not(None)
        )
        on_details = select(InvoiceLineDetail.actual_id).where(
            InvoiceLineDetail.actual_id.is_not(None)
        )
        return self.scalars(
            select(Actual.id).where(
                Actual.transaction_type == "unbilled_sales",
                Actual.reverses_actual_id.is_(None),
                Actual.id.not_in(reversed_ids),
                Actual.id.not_in(on_details),
            )
        )

    def invoice(self, day: dt.date, edit: int | None, factor: Decimal) -> None:
        ready = [str(a) for a in self.backlog()]
        if ready:
            self.attempt(lambda: backlog.set_ready(self.make_uow(), ready, [], True))
        created = self.attempt(
            lambda: invoicing.create_invoice(self.make_uow(), self.ids.contract, day)
        )
        if created is None:
            return
        if edit is not None:
            self.reduce(created, edit, factor)
        self.attempt(lambda: confirming.confirm_invoice(self.make_uow(), str(created)))

    def reduce(self, invoice: int, which: int, factor: Decimal) -> None:
        """Bill a share (``factor``) of one detail's quantity."""
        with self.factory() as session:
            details = list(
                session.scalars(
                    select(InvoiceLineDetail)
                    .where(InvoiceLineDetail.invoice_id == invoice)
                    .order_by(InvoiceLineDetail.id)
                )
            )
            detail = self.pick(details, which)
            if detail is None:
                return
            quantity = (detail.quantity * factor).quantize(Decimal("0.01"))
            ident = str(detail.id)
        self.attempt(lambda: editing.update_detail(self.make_uow(), ident, {"quantity": quantity}))

    def correct(self, which: int, day: dt.date, edit: int, factor: Decimal) -> None:
        confirmed = self.scalars(
            select(Invoice.id)
            .where(Invoice.project_invoice_status == "confirmed")
            .order_by(Invoice.id)
        )
        invoice = self.pick(confirmed, which)
        if invoice is None:
            return
        corrective = self.attempt(
            lambda: confirming.correct_invoice(self.make_uow(), str(invoice), day)
        )
        if corrective is not None:
            self.reduce(corrective, edit, factor)
            self.attempt(lambda: confirming.confirm_invoice(self.make_uow(), str(corrective)))

    def import_proposals(self) -> None:
        proposal_import.import_all(self.make_uow())

    def post_proposal(self, which: int) -> None:
        ready = self.scalars(
            select(InvoiceProposal.id)
            .where(InvoiceProposal.status == "ready")
            .order_by(InvoiceProposal.id)
        )
        proposal = self.pick(ready, which)
        if proposal is not None:
            self.attempt(
                lambda: proposal_posting.post_proposal(self.make_uow(), proposal, True, False)
            )

    def tally(self) -> None:
        """Tell Hypothesis' statistics how far the example got (``--hypothesis-show-
        statistics``): posted proposals, corrective ones among them, adjustments."""
        with self.factory() as session:
            posted = session.scalars(
                select(Invoice.corrects_invoice_id)
                .join(InvoiceProposal, InvoiceProposal.invoice_id == Invoice.id)
                .where(InvoiceProposal.status == "posted")
            ).all()
            adjusted = session.scalar(
                select(func.count(PostedTransaction.id)).where(
                    PostedTransaction.status == "adjusted"
                )
            )
        corrective = sum(1 for corrects in posted if corrects)
        event(f"posted proposals: {'3 or more' if len(posted) >= 3 else len(posted)}")
        event(f"posted corrective proposals: {'some' if corrective else 'none'}")
        event(f"adjusted transactions: {'some' if adjusted else 'none'}")

    def close(self) -> None:
        """The periodic processes in a row, as a month end runs them: import from
        staging, post every draft journal, import the proposals, post every ready one."""
        self.import_journal()
        for _ in self.scalars(
            select(IntegrationJournal.id).where(IntegrationJournal.status == "draft")
        ):
            self.post_journal(0)
        self.import_proposals()
        for _ in self.scalars(select(InvoiceProposal.id).where(InvoiceProposal.status == "ready")):
            self.post_proposal(0)

    # -- invariants -----------------------------------------------------------------------

    def voucher_rows(self) -> dict[tuple[str, int], Any]:
        with self.factory() as session:
            rows = {("voucher", r.id): tuple(r) for r in session.execute(select(Voucher.__table__))}
            for r in session.execute(select(VoucherLine.__table__)):
                rows[("line", r.id)] = tuple(r)
        return rows

    def check(self) -> None:
        with self.factory() as session:
            unbalanced = session.execute(
                select(VoucherLine.voucher_id, func.sum(VoucherLine.amount_accounting))
                .group_by(VoucherLine.voucher_id)
                .having(func.sum(VoucherLine.amount_accounting) != 0)
            ).all()
            assert unbalanced == [], f"unbalanced vouchers: {unbalanced}"
            report = general_ledger.trial_balance(session, dt.date(2099, 12, 31))
            assert report.total_balance == ZERO
            balances = {a.account: a.balance for a in report.accounts}
            assert balances.get(WIP, ZERO) + balances.get(ACCRUED, ZERO) == ZERO

            wip_gbp = session.scalars(
                select(VoucherLine.amount_transaction).where(VoucherLine.account == WIP)
            ).all()
            assert all(
                line.currency == "GBP"
                for line in session.scalars(select(VoucherLine).where(VoucherLine.account == WIP))
            )
            consumed: set[int] = set()
            for invoice_id in session.scalars(
                select(InvoiceProposal.invoice_id).where(InvoiceProposal.status == "posted")
            ):
                consumed |= {a.id for a in proposal_import.consumed_actuals(session, invoice_id)}
            in_wip = session.scalars(
                select(PostedTransaction).where(
                    PostedTransaction.status == "posted",
                    PostedTransaction.kind == "sales",
                    PostedTransaction.accrued.is_(True),
                )
            ).all()
            expected = sum((t.amount for t in in_wip if t.actual_id not in consumed), ZERO)
            assert sum(wip_gbp, ZERO) == expected
        now = self.voucher_rows()
        for key, row in self.vouchers.items():
            assert now.get(key) == row, f"{key} changed: {row} -> {now.get(key)}"
        self.vouchers = now


# -- steps ---------------------------------------------------------------------------------

days = st.integers(0, 20).map(lambda n: FIRST_DAY + dt.timedelta(days=n))
quantities = st.decimals(min_value="0.25", max_value="12", places=2)
picks = st.integers(0, 50)
factors = st.sampled_from([Decimal("0"), Decimal("0.5"), Decimal("0.33"), Decimal("0.75")])
rates = st.decimals(min_value="1.1", max_value="1.5", places=4)


@dataclass(frozen=True)
class Step:
    """One operation: its name and arguments (shown when Hypothesis reports a failure)."""

    name: str
    args: tuple[Any, ...]

    def run(self, ledger: Ledger) -> None:
        getattr(ledger, self.name)(*self.args)


def step(name: str, *args: st.SearchStrategy[Any]) -> st.SearchStrategy[Step]:
    return st.tuples(*args).map(lambda values: Step(name, values))


approve = step("approve", st.sampled_from(["time", "time", "expense"]), quantities, days)
#: Repeats weight the pipeline (approve, journal, invoice, proposals) over side steps.
operations = st.one_of(
    *[approve] * 5,
    step("add_rate", rates, days),
    step("agreement", st.one_of(st.none(), rates)),
    step("import_journal"),
    step("import_journal"),
    step("distribute", picks, st.lists(st.integers(1, 9), min_size=1, max_size=3)),
    step("post_journal", picks),
    step("post_journal", picks),
    step("adjust", picks, picks),
    *[step("invoice", days, st.one_of(st.none(), picks), factors)] * 2,
    *[step("invoice", days, st.none(), factors)] * 2,
    step("correct", picks, days, picks, factors),
    step("import_proposals"),
    step("post_proposal", picks),
    step("post_proposal", picks),
    *[step("close")] * 4,
)
#: A few approvals first, then anything.
work = st.tuples(
    st.lists(approve, min_size=1, max_size=4), st.lists(operations, min_size=15, max_size=40)
).map(lambda parts: parts[0] + parts[1])


def run(ledger: Ledger, steps: list[Step]) -> None:
    ledger.check()
    for number, operation in enumerate(steps):
        note(f"step {number}: {operation.name}{operation.args}")
        operation.run(ledger)
        ledger.check()
    ledger.tally()


# -- databases -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world_template(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Ids]:
    path = tmp_path_factory.mktemp("ledger-world") / "world.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    ids = build_world(engine)
    engine.dispose()
    return path, ids


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=work)
def test_random_erp_work_keeps_every_voucher_balanced_and_wip_equal_to_unbilled_accruals(
    world_template: tuple[Path, Ids], tmp_path_factory: pytest.TempPathFactory, steps: list[Step]
) -> None:
    template, ids = world_template
    with example_database(template, tmp_path_factory.getbasetemp()) as engine:
        run(Ledger(engine, ids), steps)


@pytest.mark.postgres
@settings(
    max_examples=max(EXAMPLES // 4, 5), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(steps=work)
def test_random_erp_work_keeps_the_ledger_sound_on_postgresql(
    postgres_engine: Engine, steps: list[Step]
) -> None:
    truncate_all(postgres_engine)
    run(Ledger(postgres_engine, build_world(postgres_engine)), steps)
