"""Random sequences of billing work never lose or create a quantity or a cent.

Hypothesis generates lists of operations and runs them through the service layer on a
fresh database per example: approving time entries (hours with up to 2 decimals, dates
in a small range), marking backlog actuals ready or not, setting their billing type,
creating invoices (random invoice dates) and editing them, changing a detail's quantity
(below, equal to and above the actual's), billing type or tax, deleting details, refreshing,
moving to review and back, confirming, and correcting (then re-quantifying or deleting
the corrective details) and confirming the correction; invoices are also created and
confirmed by the set-based paths of runs and bulk jobs. Targets are picked among rows the
operation plausibly applies to, sometimes among all rows, so refusals happen too.

After every operation it checks, against the database (rules.md "Actuals are an
append-only ledger", "Billing backlog", "Confirming", "Correcting a confirmed invoice"):

(a) per time entry, net unbilled + net billed quantity == approved quantity + what the
    test deliberately billed above it; its cost actuals still net to the approved quantity;
(b) no actual is on two open invoices, and no reversed actual is on an open invoice;
(c) every invoice adds up: details, lines and header, chargeable details only (a
    corrective detail whose billing type changed counts its credit by the original's
    type and its new charge by its own, docs/decisions.md);
(d) confirmed invoices (header, lines, details) never change;
(e) per time entry, net unbilled + net billed amount == approved amount + the amount
    deliberately billed above it (no cent lost or created); the same for tax (entries
    carry none: a typed tax is billed above, and a remainder keeps the rest of its
    actual's tax), and no remainder has a negative quantity, amount or tax;
and that the ledger is append-only (rows never change except their backlog flags,
reversals negate exactly), invoice numbers are gap-free, a confirmed invoice's totals
are the chargeable billed sales its confirmation wrote, and a refused operation
(Conflict, Invalid, NotFound) changes nothing at all.

40 examples on SQLite and 10 on PostgreSQL by default; set BILLABLE_PROPERTY_EXAMPLES
(e.g. 1000) for a longer soak.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, Table, select

from billable.billing import backlog, bulk_confirm, bulk_create, confirming, editing, invoicing
from billable.domain.errors import Conflict, Invalid, NotFound
from billable.domain.invoice import BillingType
from billable.persistence.db import make_engine
from billable.persistence.tables import Actual, Base
from tests.scenario.ledger_world import (
    FIRST_DAY,
    World,
    approve_time,
    build_world,
    example_database,
    truncate_all,
    units_of_work,
)

#: Examples on SQLite (a quarter of it, at least 10, on PostgreSQL); raise it for a soak.
EXAMPLES = int(os.environ.get("BILLABLE_PROPERTY_EXAMPLES", "40"))
ZERO = Decimal(0)
CENT = Decimal("0.01")
REFUSED = (Conflict, Invalid, NotFound)
OPEN = ("draft", "in_review")
T = TypeVar("T")

TABLES: dict[str, Table] = {t.name: t for t in Base.metadata.sorted_tables}
#: What the scenario writes; a refused operation must leave all of it as it was.
WATCHED = ("entries", "actuals", "invoices", "invoice_lines", "invoice_line_details", "sequences")
#: The only columns of an actual that may ever change (rules.md: backlog flags).
FLAGS = {"ready_to_invoice", "billing_type"}

Rows = dict[str, list[Any]]
#: Which row an operation targets: (any row at all, index into the candidates).
Target = tuple[bool, int]
#: A detail's new quantity: ("absolute", q), ("plus", delta) or ("times", factor), the
#: last two relative to what backs the detail.
QuantitySpec = tuple[str, Decimal]
#: What a user does to one detail of a new draft: keep, delete, quantity, billing_type,
#: tax or quantity_and_tax, with the new quantity, billing type and tax to use.
Change = tuple[str, QuantitySpec, BillingType, Decimal]


def extend(quantity: Decimal, price: Decimal) -> Decimal:
    """The test's own rounding: quantity x price to the cent, half up (USD)."""
    return (quantity * price).quantize(CENT, rounding=ROUND_HALF_UP)


# -- the system under test, with the test's own ledger of expectations -------------------


class Scenario:
    """A database holding the world, the operations run on it, and what they must keep."""

    def __init__(self, engine: Engine, world: World) -> None:
        self.engine, self.world = engine, world
        self.factory, self.make_uow = units_of_work(engine)
        #: entry id -> (approved quantity, approved amount, unit price)
        self.approved: dict[int, tuple[Decimal, Decimal, Decimal]] = {}
        #: entry id -> [quantity, amount, tax] the test deliberately billed above the
        #: actuals (approved entries carry no tax: all of a typed tax is "above")
        self.extra: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
        #: confirmed invoice id -> its header, lines and details when confirmed
        self.confirmed: dict[int, tuple[Any, ...]] = {}
        #: (person, day) -> hours booked: a day holds at most 24 of one resource's hours
        self.booked: dict[tuple[int, dt.date], Decimal] = defaultdict(lambda: ZERO)
        self.rows = self.read()

    # -- reading the database and picking rows ------------------------------------------

    def read(self) -> Rows:
        """Every watched table, as plain rows ordered by key."""
        with self.factory() as session:
            return {
                name: list(
                    session.execute(
                        select(TABLES[name]).order_by(*TABLES[name].primary_key.columns)
                    )
                )
                for name in WATCHED
            }

    def ids(self, table: str, keep: Callable[[Any], bool] = lambda _: True) -> list[int]:
        return [row.id for row in self.rows[table] if keep(row)]

    def invoices(self, *statuses: str) -> list[int]:
        return self.ids("invoices", lambda i: i.project_invoice_status in statuses)

    def open_details(self) -> list[int]:
        invoices = set(self.invoices(*OPEN))
        return self.ids("invoice_line_details", lambda d: d.invoice_id in invoices)

    def backlog(self) -> list[int]:
        """Unbilled sales actuals in the backlog, as the test reads rules.md."""
        reversed_ids = {a.reverses_actual_id for a in self.rows["actuals"]}
        on_details = {d.actual_id for d in self.rows["invoice_line_details"]}
        return self.ids(
            "actuals",
            lambda a: (
                a.transaction_type == "unbilled_sales"
                and a.reverses_actual_id is None
                and a.id not in reversed_ids
                and a.id not in on_details
            ),
        )

    @staticmethod
    def choose(everything: list[int], plausible: list[int], target: Target) -> int | None:
        """Mostly a row the operation plausibly applies to; sometimes any row at all (which
        the system may well refuse)."""
        wild, pick = target
        candidates = everything if wild or not plausible else plausible
        return candidates[pick % len(candidates)] if candidates else None

    def quantity(self, detail: int, spec: QuantitySpec) -> Decimal:
        """An absolute quantity, or one relative to what backs the detail."""
        kind, value = spec
        if kind == "absolute":
            return value
        row = next(d for d in self.rows["invoice_line_details"] if d.id == detail)
        if row.actual_id is not None:
            base = next(a.quantity for a in self.rows["actuals"] if a.id == row.actual_id)
        else:
            base = row.original_quantity or ZERO
        if kind == "times":
            return (base * value).quantize(CENT)
        return max(base + value, ZERO)

    def attempt(self, action: Callable[[], T]) -> T | None:
        """Run a use case; a refusal must leave every watched table exactly as it was."""
        before = self.rows
        try:
            return action()
        except REFUSED as refusal:
            note(f"  refused: {refusal}")
            assert self.read() == before, "a refused operation changed the database"
            return None

    # -- operations ---------------------------------------------------------------------

    def approve(self, person: int, quantity: Decimal, day: dt.date, ready: bool) -> None:
        resource = self.world.resources[person]
        if self.booked[(person, day)] + quantity > 24:
            # Past the 24 hours a day holds: refused, and nothing changes.
            refused = self.attempt(
                lambda: approve_time(self.make_uow, self.world, resource, quantity, day)
            )
            assert refused is None, "a day took more than 24 hours of one resource"
            return
        self.booked[(person, day)] += quantity
        entry = approve_time(self.make_uow, self.world, resource, quantity, day)
        self.approved[entry] = (quantity, extend(quantity, resource.price), resource.price)
        if ready:
            with self.factory() as session:
                actual = session.scalars(
                    select(Actual.id).where(
                        Actual.source_id == entry, Actual.transaction_type == "unbilled_sales"
                    )
                ).one()
            backlog.set_ready(self.make_uow(), [str(actual)], [], True)

    def mark(self, chosen: list[Target], ready: bool) -> None:
        unbilled = self.ids("actuals", lambda a: a.transaction_type == "unbilled_sales")
        selected = [self.choose(unbilled, self.backlog(), t) for t in chosen]
        if None not in selected:
            self.attempt(
                lambda: backlog.set_ready(self.make_uow(), [str(a) for a in selected], [], ready)
            )

    def set_actual_billing_type(self, which: Target, billing_type: BillingType) -> None:
        actual = self.choose(self.ids("actuals"), self.backlog(), which)
        if actual is not None:
            self.attempt(
                lambda: backlog.set_billing_type(self.make_uow(), str(actual), billing_type)
            )

    def create(self, day: dt.date, changes: list[Change], confirm: bool) -> None:
        invoice = invoicing.create_invoice(self.make_uow(), str(self.world.contract_id), day)
        self.rework(invoice, changes)
        if confirm:
            self.confirm_invoice(invoice)

    def create_in_bulk(
        self, day: dt.date, skip_empty: bool, changes: list[Change], confirm: bool
    ) -> None:
        """The set-based creation of invoice runs and bulk jobs, for this one contract."""
        contract = self.world.contract_id
        with self.make_uow() as uow:
            created = bulk_create.create_invoices(
                uow.session, {contract: None}, day, skip_empty=skip_empty
            )
            uow.commit()
        invoice = created.invoices[contract]
        if invoice is not None:
            self.rework(invoice, changes)
            if confirm:
                self.confirm_invoice(invoice)

    def rework(self, invoice: int, changes: list[Change]) -> None:
        """Edit a new draft as a user would, the changes taken in turn for its details.
        None of it may be refused."""
        self.rows = self.read()
        details = self.ids("invoice_line_details", lambda d: d.invoice_id == invoice)
        for detail, (change, spec, billing_type, tax) in zip(
            details, itertools.cycle(changes), strict=False
        ):
            if change == "delete":
                editing.delete_detail(self.make_uow(), str(detail))
            elif change == "quantity":
                quantity = self.quantity(detail, spec)
                editing.update_detail(self.make_uow(), str(detail), {"quantity": quantity})
            elif change == "billing_type":
                fields = {"billing_type": billing_type.value}
                editing.update_detail(self.make_uow(), str(detail), fields)
            elif change == "tax":
                editing.update_detail(self.make_uow(), str(detail), self.tax_fields(detail, tax))
            elif change == "quantity_and_tax":
                fields = {"quantity": self.quantity(detail, spec), **self.tax_fields(detail, tax)}
                editing.update_detail(self.make_uow(), str(detail), fields)

    def tax_fields(self, detail: int, tax: Decimal) -> dict[str, Decimal]:
        """Fields that make a detail bill ``tax``: a corrective detail takes the difference
        to the tax billed before."""
        row = next(d for d in self.rows["invoice_line_details"] if d.id == detail)
        if row.source == "correction":
            original = next(
                a for a in self.rows["actuals"] if a.id == row.original_billed_actual_id
            )
            return {"tax": tax - original.tax}
        return {"tax": tax}

    def set_quantity(self, which: Target, spec: QuantitySpec) -> None:
        detail = self.choose(self.ids("invoice_line_details"), self.open_details(), which)
        if detail is not None:
            quantity = self.quantity(detail, spec)
            self.attempt(
                lambda: editing.update_detail(self.make_uow(), str(detail), {"quantity": quantity})
            )

    def set_tax(self, which: Target, tax: Decimal) -> None:
        detail = self.choose(self.ids("invoice_line_details"), self.open_details(), which)
        if detail is not None:
            fields = self.tax_fields(detail, tax)
            self.attempt(lambda: editing.update_detail(self.make_uow(), str(detail), fields))

    def set_detail_billing_type(self, which: Target, billing_type: BillingType) -> None:
        detail = self.choose(self.ids("invoice_line_details"), self.open_details(), which)
        if detail is not None:
            fields = {"billing_type": billing_type.value}
            self.attempt(lambda: editing.update_detail(self.make_uow(), str(detail), fields))

    def delete(self, which: Target) -> None:
        detail = self.choose(self.ids("invoice_line_details"), self.open_details(), which)
        if detail is not None:
            self.attempt(lambda: editing.delete_detail(self.make_uow(), str(detail)))

    def refresh(self, which: Target) -> None:
        invoice = self.choose(self.ids("invoices"), self.invoices(*OPEN), which)
        if invoice is not None:
            self.attempt(lambda: invoicing.refresh_invoice(self.make_uow(), str(invoice)))

    def review(self, which: Target, status: str) -> None:
        invoice = self.choose(self.ids("invoices"), self.invoices(*OPEN), which)
        if invoice is not None:
            fields = {"project_invoice_status": status}
            self.attempt(lambda: editing.update_invoice(self.make_uow(), str(invoice), fields))

    def confirm(self, which: Target) -> None:
        invoice = self.choose(self.ids("invoices"), self.invoices(*OPEN), which)
        if invoice is not None:
            self.confirm_invoice(invoice)

    def confirm_invoice(self, invoice: int) -> None:
        self.rows = self.read()
        extra = self.billed_above(invoice)
        if self.attempt(lambda: confirming.confirm_invoice(self.make_uow(), str(invoice))):
            self.add_extra(extra)
            self.confirmed[invoice] = self.document(self.read(), invoice)

    def confirm_in_bulk(self, chosen: list[Target]) -> None:
        """The set-based confirmation of posting jobs, one or two invoices a chunk."""
        everything, plausible = self.ids("invoices"), self.invoices(*OPEN)
        picked = {self.choose(everything, plausible, t) for t in chosen}
        ids = sorted(i for i in picked if i is not None)
        extra = {i: self.billed_above(i) for i in ids}
        bulk_confirm.confirm_in_chunks(self.make_uow, ids, chunk=2)
        rows = self.read()
        for invoice in rows["invoices"]:
            if invoice.id in extra and invoice.id not in self.confirmed:
                if invoice.project_invoice_status != "confirmed":
                    continue
                self.add_extra(extra[invoice.id])
                self.confirmed[invoice.id] = self.document(rows, invoice.id)

    def correct(self, which: Target, day: dt.date, changes: list[Change], confirm: bool) -> None:
        invoice = self.choose(self.ids("invoices"), self.invoices("confirmed"), which)
        if invoice is None:
            return
        corrective = self.attempt(
            lambda: confirming.correct_invoice(self.make_uow(), str(invoice), day)
        )
        if corrective is not None:
            self.rework(corrective, changes)
            if confirm:
                self.confirm_invoice(corrective)

    # -- the test's expectations ------------------------------------------------------

    def billed_above(self, invoice: int) -> dict[int, list[Decimal]]:
        """What confirming ``invoice`` would bill above the actuals behind its details, per
        entry: [quantity, amount, tax]. A detail (or corrective detail) billing less than
        its actual returns the rest to the backlog with the actual's amount and tax less
        the billed part's share of them; billing as much or more returns nothing, so what
        it bills beyond the actual's figures is above them."""
        actuals = {a.id: a for a in self.rows["actuals"]}
        extra: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
        for detail in self.rows["invoice_line_details"]:
            if detail.invoice_id != invoice:
                continue
            backing = actuals.get(detail.actual_id or detail.original_billed_actual_id)
            if backing is None:
                continue
            assert backing.source_kind == "time"
            price = self.approved[backing.source_id][2]
            # What the detail bills: a corrective detail shows the difference.
            tax = detail.tax + (backing.tax if detail.source == "correction" else ZERO)
            if detail.quantity < backing.quantity:
                share = (backing.tax * detail.quantity / backing.quantity).quantize(
                    CENT, rounding=ROUND_HALF_UP
                )
                extra[backing.source_id][2] += tax - share
            else:
                row = extra[backing.source_id]
                if detail.quantity > backing.quantity:
                    row[0] += detail.quantity - backing.quantity
                    row[1] += extend(detail.quantity, price) - backing.amount
                row[2] += tax - backing.tax
        return extra

    def add_extra(self, extra: dict[int, list[Decimal]]) -> None:
        for entry, figures in extra.items():
            self.extra[entry] = [a + b for a, b in zip(self.extra[entry], figures, strict=True)]

    @staticmethod
    def document(rows: Rows, invoice: int) -> tuple[Any, ...]:
        return (
            [r for r in rows["invoices"] if r.id == invoice],
            [r for r in rows["invoice_lines"] if r.invoice_id == invoice],
            [r for r in rows["invoice_line_details"] if r.invoice_id == invoice],
        )

    # -- invariants -------------------------------------------------------------------

    def check(self, before: Rows) -> None:
        """Every invariant, against the database as it is now (``before``: as it was before
        the operation)."""
        rows = self.rows = self.read()
        self.check_append_only(before["actuals"], rows["actuals"])
        self.check_conservation(rows["actuals"])
        self.check_open_invoices(rows)
        self.check_totals(rows)
        self.check_documents_match_the_ledger(rows)
        for invoice, snapshot in self.confirmed.items():
            assert self.document(rows, invoice) == snapshot, f"confirmed invoice {invoice} changed"
        numbers = sorted(r.number for r in rows["invoices"])
        assert numbers == [invoicing.invoice_number(n + 1) for n in range(len(numbers))]

    @staticmethod
    def check_append_only(before: list[Any], after: list[Any]) -> None:
        now = {a.id: a._mapping for a in after}
        for old in before:
            assert old.id in now, f"actual {old.id} disappeared"
            changed = {k for k, v in old._mapping.items() if now[old.id][k] != v}
            assert changed <= FLAGS, f"actual {old.id} was updated in place: {changed}"
        by_id = {a.id: a for a in after}
        for reversal in after:
            if reversal.reverses_actual_id is None:
                continue
            original = by_id[reversal.reverses_actual_id]
            assert original.reverses_actual_id is None, "a reversal was reversed"
            assert (reversal.quantity, reversal.amount, reversal.tax) == (
                -original.quantity,
                -original.amount,
                -original.tax,
            )
            assert (reversal.transaction_type, reversal.source_id) == (
                original.transaction_type,
                original.source_id,
            )

    def check_conservation(self, actuals: list[Any]) -> None:
        net: dict[tuple[int, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
        for actual in actuals:
            assert actual.source_kind == "time" and actual.source_id in self.approved
            if actual.reverses_actual_id is None and actual.transaction_type != "cost":
                # Every figure the test types is >= 0: so must be every remainder's.
                assert min(actual.quantity, actual.amount, actual.tax) >= 0, (
                    f"actual {actual.id} ({actual.transaction_type}) has a negative figure: "
                    f"{actual.quantity} / {actual.amount} / tax {actual.tax}"
                )
            totals = net[(actual.source_id, actual.transaction_type)]
            totals[0] += actual.quantity
            totals[1] += actual.amount
            totals[2] += actual.tax
        for entry, (quantity, amount, _) in self.approved.items():
            unbilled = net[(entry, "unbilled_sales")]
            billed = net[(entry, "billed_sales")]
            above = self.extra[entry]
            assert net[(entry, "cost")][0] == quantity, f"entry {entry}: cost changed"
            for index, (what, approved) in enumerate(
                (("quantity", quantity), ("amount", amount), ("tax", ZERO))
            ):
                assert unbilled[index] + billed[index] == approved + above[index], (
                    f"entry {entry}: {what} not conserved: unbilled {unbilled[index]} + billed "
                    f"{billed[index]} != approved {approved} + billed above {above[index]}"
                )

    @staticmethod
    def check_open_invoices(rows: Rows) -> None:
        status = {i.id: i.project_invoice_status for i in rows["invoices"]}
        dates = {i.id: i.invoice_date for i in rows["invoices"]}
        actuals = {a.id: a for a in rows["actuals"]}
        reversed_ids = {a.reverses_actual_id for a in rows["actuals"]} - {None}
        seen: set[int] = set()
        for detail in rows["invoice_line_details"]:
            if status[detail.invoice_id] not in OPEN:
                continue
            for key, kind in (
                (detail.actual_id, "unbilled_sales"),
                (detail.original_billed_actual_id, "billed_sales"),
            ):
                if key is None:
                    continue
                assert key not in seen, f"actual {key} is on two open invoices"
                seen.add(key)
                actual = actuals[key]
                assert actual.transaction_type == kind and actual.reverses_actual_id is None
                assert key not in reversed_ids, f"reversed actual {key} is on an open invoice"
            if detail.actual_id is not None:
                assert detail.date <= dates[detail.invoice_id], "a future actual was invoiced"

    @staticmethod
    def check_totals(rows: Rows) -> None:
        """Details, lines and headers add up, chargeable amounts only. A corrective detail
        whose billing type differs from the billed actual it corrects counts in two parts,
        as its confirmation writes them: the reversal of the original (the original's type)
        and the new billing (the detail's type)."""
        actuals = {a.id: a for a in rows["actuals"]}
        line_sums: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
        for detail in rows["invoice_line_details"]:
            assert detail.extended_amount == detail.amount + detail.tax
            parts = [(detail.amount, detail.tax, detail.billing_type)]
            original = actuals.get(detail.original_billed_actual_id)
            if original is not None and original.billing_type != detail.billing_type:
                assert (detail.original_amount, detail.original_tax) == (
                    original.amount,
                    original.tax,
                )
                parts = [
                    (-original.amount, -original.tax, original.billing_type),
                    (
                        original.amount + detail.amount,
                        original.tax + detail.tax,
                        detail.billing_type,
                    ),
                ]
            for amount, tax, billing_type in parts:
                if billing_type == BillingType.CHARGEABLE:
                    line_sums[detail.invoice_line_id][0] += amount
                    line_sums[detail.invoice_line_id][1] += tax
        header_sums: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
        for line in rows["invoice_lines"]:
            assert [line.amount, line.tax] == line_sums[line.id], f"line {line.id} misadds"
            assert line.extended_amount == line.amount + line.tax
            header_sums[line.invoice_id][0] += line.amount
            header_sums[line.invoice_id][1] += line.tax
        for invoice in rows["invoices"]:
            amount, tax = header_sums[invoice.id]
            assert (invoice.detail_amount, invoice.total_tax) == (amount, tax)
            assert invoice.pre_freight_amount == amount
            assert invoice.total_amount == amount + tax, f"invoice {invoice.id} misadds"

    @staticmethod
    def check_documents_match_the_ledger(rows: Rows) -> None:
        """A confirmed invoice's amount and tax are the chargeable billed sales its
        confirmation wrote (new billings and reversals of earlier ones)."""
        written: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
        for actual in rows["actuals"]:
            if (
                actual.transaction_type == "billed_sales"
                and actual.billing_type == BillingType.CHARGEABLE
                and actual.invoice_id is not None
            ):
                written[actual.invoice_id][0] += actual.amount
                written[actual.invoice_id][1] += actual.tax
        for invoice in rows["invoices"]:
            if invoice.project_invoice_status == "confirmed":
                assert [invoice.detail_amount, invoice.total_tax] == written[invoice.id], (
                    f"confirmed invoice {invoice.id} disagrees with the billed actuals"
                )


# -- operations as data, so that Hypothesis prints and shrinks them --------------------

entry_days = st.integers(min_value=0, max_value=9).map(lambda n: FIRST_DAY + dt.timedelta(days=n))
#: Mostly after the entries' days, sometimes before some of them.
invoice_days = st.integers(min_value=3, max_value=12).map(
    lambda n: FIRST_DAY + dt.timedelta(days=n)
)
hours = st.decimals(min_value=0, max_value=12, places=2, allow_nan=False, allow_infinity=False)
billing_types = st.sampled_from(list(BillingType))
targets = st.tuples(
    st.integers(min_value=0, max_value=4).map(lambda n: n == 0), st.integers(0, 999)
)
#: Absolute quantities go up to 16 h, above the actuals' 12; relative ones hit the backing
#: quantity exactly, a cent below or above it, nothing, part of it, or half as much again.
quantities = st.one_of(
    st.tuples(
        st.just("absolute"),
        st.decimals(min_value=0, max_value=16, places=2, allow_nan=False, allow_infinity=False),
    ),
    st.tuples(st.just("plus"), st.sampled_from([Decimal(n) for n in ("0", "-0.01", "0.01")])),
    st.tuples(st.just("times"), st.sampled_from([Decimal(n) for n in ("0", "0.5", "0.8", "1.5")])),
)
CHANGES = (
    "keep",
    "keep",
    "delete",
    "quantity",
    "quantity",
    "billing_type",
    "tax",
    "quantity_and_tax",
)
#: Taxes a user types (what the detail bills; never negative, so neither may be what
#: returns to the backlog).
taxes = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
changes = st.lists(
    st.tuples(
        st.sampled_from(CHANGES),
        quantities,
        billing_types,
        taxes,
    ),
    min_size=1,
    max_size=4,
)


@dataclass(frozen=True)
class Approve:
    person: int
    quantity: Decimal
    day: dt.date
    ready: bool

    def run(self, s: Scenario) -> None:
        s.approve(self.person, self.quantity, self.day, self.ready)


@dataclass(frozen=True)
class MarkReady:
    chosen: list[Target]
    ready: bool

    def run(self, s: Scenario) -> None:
        s.mark(self.chosen, self.ready)


@dataclass(frozen=True)
class SetActualBillingType:
    which: Target
    billing_type: BillingType

    def run(self, s: Scenario) -> None:
        s.set_actual_billing_type(self.which, self.billing_type)


@dataclass(frozen=True)
class CreateInvoice:
    day: dt.date
    changes: list[Change]
    confirm: bool

    def run(self, s: Scenario) -> None:
        s.create(self.day, self.changes, self.confirm)


@dataclass(frozen=True)
class CreateInBulk:
    day: dt.date
    skip_empty: bool
    changes: list[Change]
    confirm: bool

    def run(self, s: Scenario) -> None:
        s.create_in_bulk(self.day, self.skip_empty, self.changes, self.confirm)


@dataclass(frozen=True)
class ConfirmInBulk:
    chosen: list[Target]

    def run(self, s: Scenario) -> None:
        s.confirm_in_bulk(self.chosen)


@dataclass(frozen=True)
class SetQuantity:
    which: Target
    quantity: QuantitySpec

    def run(self, s: Scenario) -> None:
        s.set_quantity(self.which, self.quantity)


@dataclass(frozen=True)
class SetTax:
    which: Target
    tax: Decimal

    def run(self, s: Scenario) -> None:
        s.set_tax(self.which, self.tax)


@dataclass(frozen=True)
class SetDetailBillingType:
    which: Target
    billing_type: BillingType

    def run(self, s: Scenario) -> None:
        s.set_detail_billing_type(self.which, self.billing_type)


@dataclass(frozen=True)
class DeleteDetail:
    which: Target

    def run(self, s: Scenario) -> None:
        s.delete(self.which)


@dataclass(frozen=True)
class Refresh:
    which: Target

    def run(self, s: Scenario) -> None:
        s.refresh(self.which)


@dataclass(frozen=True)
class Review:
    which: Target
    status: str

    def run(self, s: Scenario) -> None:
        s.review(self.which, self.status)


@dataclass(frozen=True)
class Confirm:
    which: Target

    def run(self, s: Scenario) -> None:
        s.confirm(self.which)


@dataclass(frozen=True)
class Correct:
    which: Target
    day: dt.date
    changes: list[Change]
    confirm: bool

    def run(self, s: Scenario) -> None:
        s.correct(self.which, self.day, self.changes, self.confirm)


#: Mostly marked ready at once, or little would ever reach an invoice.
approve = st.builds(
    Approve, st.integers(0, 1), hours, entry_days, st.sampled_from([True, True, True, False])
)
create = st.builds(CreateInvoice, invoice_days, changes, st.sampled_from([True, True, False]))
confirm = st.builds(Confirm, targets)
correct = st.builds(Correct, targets, invoice_days, changes, st.booleans())
set_quantity = st.builds(SetQuantity, targets, quantities)
#: Repeats weight the pipeline (approve, create, confirm, correct) over the side steps.
operations = st.one_of(
    *[approve] * 3,
    *[create] * 4,
    *[confirm] * 2,
    *[correct] * 2,
    st.builds(CreateInBulk, invoice_days, st.booleans(), changes, st.booleans()),
    st.builds(ConfirmInBulk, st.lists(targets, min_size=1, max_size=3)),
    set_quantity,
    st.builds(SetTax, targets, taxes),
    st.builds(SetDetailBillingType, targets, billing_types),
    st.builds(MarkReady, st.lists(targets, min_size=1, max_size=3), st.booleans()),
    st.builds(SetActualBillingType, targets, billing_types),
    st.builds(DeleteDetail, targets),
    st.builds(Refresh, targets),
    st.builds(Review, targets, st.sampled_from(["in_review", "draft"])),
)
#: A few approvals first, then anything.
work = st.tuples(
    st.lists(approve, min_size=1, max_size=4), st.lists(operations, min_size=20, max_size=60)
).map(lambda parts: parts[0] + parts[1])


def run(scenario: Scenario, operations: list[Any]) -> None:
    scenario.check(scenario.rows)
    for step, operation in enumerate(operations):
        note(f"step {step}: {operation}")
        before = scenario.rows
        operation.run(scenario)
        scenario.check(before)


# -- databases ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world_template(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, World]:
    """The migrated SQLite template with the world's master data already in it."""
    path = tmp_path_factory.mktemp("world") / "world.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    _, make_uow = units_of_work(engine)
    world = build_world(make_uow)
    engine.dispose()
    return path, world


@pytest.fixture(scope="module")
def example_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("examples")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=work)
def test_random_billing_work_conserves_quantities_and_amounts_on_sqlite(
    world_template: tuple[Path, World], example_directory: Path, operations: list[Any]
) -> None:
    template, world = world_template
    with example_database(template, example_directory) as engine:
        run(Scenario(engine, world), operations)


@pytest.mark.postgres
@settings(
    max_examples=max(EXAMPLES // 4, 10), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(operations=work)
def test_random_billing_work_conserves_quantities_and_amounts_on_postgresql(
    postgres_engine: Engine, operations: list[Any]
) -> None:
    truncate_all(postgres_engine)
    _, make_uow = units_of_work(postgres_engine)
    run(Scenario(postgres_engine, build_world(make_uow)), operations)


def test_a_tax_typed_on_a_reduced_corrective_detail_does_not_return_to_the_backlog_negated(
    engine: Engine,
) -> None:
    """Found by the property: a correction's remainder took the original tax minus the new
    billed tax, so a tax typed on the corrective detail came back negated."""
    factory, make_uow = units_of_work(engine)
    world = build_world(make_uow)
    scenario = Scenario(engine, world)
    scenario.approve(0, Decimal("8"), FIRST_DAY, True)
    invoice = invoicing.create_invoice(make_uow(), str(world.contract_id), FIRST_DAY)
    [detail] = scenario.read()["invoice_line_details"]
    editing.update_detail(make_uow(), str(detail.id), {"tax": Decimal("100.00")})
    confirming.confirm_invoice(make_uow(), str(invoice))
    corrective = confirming.correct_invoice(make_uow(), str(invoice), FIRST_DAY)
    [carried] = [d for d in scenario.read()["invoice_line_details"] if d.invoice_id == corrective]
    # 6 of the 8 hours stay billed, with a tax of 110.00 typed as its difference to 100.00.
    fields = {"quantity": Decimal("6"), "tax": Decimal("10.00")}
    editing.update_detail(make_uow(), str(carried.id), fields)
    confirming.confirm_invoice(make_uow(), str(corrective))
    with factory() as session:
        rows = session.scalars(
            select(Actual)
            .where(Actual.transaction_type != "cost", Actual.reverses_actual_id.is_(None))
            .order_by(Actual.id)
        ).all()
    billed = [(a.quantity, a.tax) for a in rows if a.transaction_type == "billed_sales"]
    assert billed == [(Decimal("8"), Decimal("100")), (Decimal("6"), Decimal("110"))]
    remainder = rows[-1]
    assert (remainder.transaction_type, remainder.quantity, remainder.tax) == (
        "unbilled_sales",
        Decimal("2"),
        Decimal("25"),  # the 2 hours' share of the 100.00 billed before
    )
    assert remainder.ready_to_invoice is False
