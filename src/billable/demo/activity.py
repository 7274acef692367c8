"""The demo's activity: six months of entries, approvals, readiness and invoices.

Everything goes through the use cases; reads (backlog, invoice details) only look up
the ids the next use case needs.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import select

from billable.billing import backlog, confirming, editing, entries, invoicing
from billable.demo.catalogue import Catalogue, DemoProject, UowFactory, scaled
from billable.domain.vocabulary import (
    BillingType,
    EntryState,
    InvoiceState,
    PaymentState,
    TransactionClass,
)
from billable.masterdata import contracts
from billable.persistence.tables import InvoiceLineDetail

START, END = dt.date(2026, 1, 5), dt.date(2026, 6, 30)
#: Entries dated later stay draft or submitted; actuals dated later stay not ready.
APPROVED_UNTIL, READY_UNTIL = dt.date(2026, 6, 23), dt.date(2026, 6, 19)
HOURS = tuple(Decimal(h) for h in ("2", "3", "4", "4", "6", "6", "7.5", "8", "8", "8"))
ACTIVITIES = ("workshop", "configuration", "design review", "testing", "documentation")
MATERIALS = {"contoso": ("Laptop", "Docking station"), "northwind": ("Sensor kit",)}
#: project: (fee category, USD unit price, months charged).
FEES = {
    "fabrikam": ("Change request fee", "1500", (3, 5)),
    "northwind": ("Hosting fee", "450", (1, 2, 3, 4, 5, 6)),
}


def _weekdays(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        if day.weekday() < 5:
            yield day
        day += dt.timedelta(days=1)


def _enter(new: UowFactory, rng: random.Random, kind: str, fields: dict[str, Any]) -> None:
    """Enter an entry and take it as far as its date allows: approved (now and then
    rejected) up to :data:`APPROVED_UNTIL`, after that draft or submitted."""
    recent = fields["date"] > APPROVED_UNTIL
    status = (
        rng.choice((EntryState.DRAFT, EntryState.SUBMITTED)) if recent else EntryState.SUBMITTED
    )
    ident = entries.create_entry(new(), kind, {**fields, "status": status})
    if not recent:
        action = "reject" if rng.random() < 0.01 else "approve"
        entries.transition(new(), kind, str(ident), action)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100)) / 100


def record_entries(new: UowFactory, catalogue: Catalogue, rng: random.Random) -> None:
    """Time on most working days, trips with travel, hotel and meals, monthly material
    and fees; approved (a few rejected) up to :data:`APPROVED_UNTIL`."""
    time_category = catalogue.categories["Consulting time"]
    for day in _weekdays(START, END):
        for project in catalogue.projects.values():
            for resource in project.team:
                if rng.random() < 0.22:
                    activity = rng.choice(ACTIVITIES)
                    _enter(
                        new,
                        rng,
                        TransactionClass.TIME,
                        {
                            "resource_id": resource,
                            "project_id": project.project_id,
                            "task_id": rng.choice(project.tasks),
                            "category_id": time_category,
                            "date": day,
                            "quantity": rng.choice(HOURS),
                            "internal_comment": f"{activity} ({day:%a})",
                            "external_comment": activity.capitalize(),
                        },
                    )
            if (
                TransactionClass.EXPENSE in project.classes
                and day.weekday() == 3
                and rng.random() < 0.3
            ):
                _trip(new, catalogue, project, day, rng)
            if day.weekday() == 1 and day.day <= 7:  # the first Tuesday of the month
                _monthly(new, catalogue, project, day, rng)


def _trip(
    new: UowFactory, catalogue: Catalogue, project: DemoProject, day: dt.date, rng: random.Random
) -> None:
    traveller = rng.choice(project.team)
    nights = rng.choice((1, 2, 3))
    for category, quantity, unit_price, text in (
        ("Travel", 1, _money(rng, 280, 900), "Return flight to customer site"),
        ("Hotel", nights, _money(rng, 140, 230), f"Hotel, {nights} night(s)"),
        ("Meals", nights + 1, _money(rng, 35, 60), "Meals on site"),
    ):
        _enter(
            new,
            rng,
            TransactionClass.EXPENSE,
            {
                "resource_id": traveller,
                "project_id": project.project_id,
                "category_id": catalogue.categories[category],
                "date": day,
                "quantity": Decimal(quantity),
                "unit_price": unit_price,
                "description": text,
            },
        )


def _monthly(
    new: UowFactory, catalogue: Catalogue, project: DemoProject, day: dt.date, rng: random.Random
) -> None:
    for product in MATERIALS.get(project.key, ()):
        _enter(
            new,
            rng,
            TransactionClass.MATERIAL,
            {
                "project_id": project.project_id,
                "product_id": catalogue.products[product],
                "date": day,
                "quantity": Decimal(rng.randint(1, 4)),
            },
        )
    if project.key in FEES and day.month in FEES[project.key][2]:
        category, usd, _ = FEES[project.key]
        _enter(
            new,
            rng,
            TransactionClass.FEE,
            {
                "project_id": project.project_id,
                "category_id": catalogue.categories[category],
                "date": day,
                "quantity": Decimal(1),
                "unit_price": scaled(usd, project.currency),
                "description": f"{category}, {day:%B %Y}",
            },
        )


def set_ready(new: UowFactory, project: DemoProject, until: dt.date, ready: bool) -> None:
    """Mark the contract's backlog actuals dated up to ``until`` ready (or not ready)."""
    with new() as uow:
        actuals, _ = backlog.backlog(uow.session, project.contract_id)
        ids = [str(a.id) for a in actuals if a.date <= until]
    if ids:
        backlog.set_ready(new(), ids, [], ready)


class _Detail(NamedTuple):
    id: int
    invoice_line_id: int
    transaction_class: str
    source: str
    original_quantity: Decimal | None


def _details(new: UowFactory, invoice_id: int) -> list[_Detail]:
    with new() as uow:
        rows = uow.session.execute(
            select(
                InvoiceLineDetail.id,
                InvoiceLineDetail.invoice_line_id,
                InvoiceLineDetail.transaction_class,
                InvoiceLineDetail.source,
                InvoiceLineDetail.original_quantity,
            )
            .where(InvoiceLineDetail.invoice_id == invoice_id)
            .order_by(InvoiceLineDetail.id)
        )
        return [_Detail(*row) for row in rows]


def _credit_hours(new: UowFactory, invoice_id: int, day: dt.date, hours: Decimal) -> int:
    """A corrective invoice that takes ``hours`` off one time detail and nothing else."""
    corrective = confirming.correct_invoice(new(), str(invoice_id), day)
    details = _details(new, corrective)
    keep = next(
        d
        for d in details
        if d.transaction_class == TransactionClass.TIME and (d.original_quantity or 0) > hours
    )
    for detail in details:
        if detail.id != keep.id:
            editing.delete_detail(new(), str(detail.id))
    assert keep.original_quantity is not None
    editing.update_detail(
        new(),
        str(keep.id),
        {
            "quantity": keep.original_quantity - hours,
            "description": f"Customer query: {hours} h credited",
        },
    )
    return corrective


def _edit_draft(new: UowFactory, catalogue: Catalogue, invoice_id: int) -> None:
    """A complimentary detail and a detail not backed by an actual, as a reviewer would."""
    time = [d for d in _details(new, invoice_id) if d.transaction_class == TransactionClass.TIME]
    editing.update_detail(
        new(),
        str(time[0].id),
        {
            "billing_type": BillingType.COMPLIMENTARY,
            "external_description": "Onboarding session (complimentary)",
        },
    )
    editing.add_detail(
        new(),
        str(time[0].invoice_line_id),
        {
            "transaction_class": TransactionClass.TIME,
            "role_id": catalogue.roles["Senior Consultant"],
            "quantity": Decimal(4),
            "date": dt.date(2026, 4, 30),
            "description": "Steering committee preparation",
            "external_description": "Steering committee preparation",
        },
    )


def issue_invoices(new: UowFactory, catalogue: Catalogue) -> None:
    """Invoices in every state: draft, in review, confirmed, paid, a confirmed credit
    (corrective invoice) and a corrective draft."""
    projects = catalogue.projects

    def create(key: str, month: int, day: int) -> int:
        contract = str(projects[key].contract_id)
        return invoicing.create_invoice(new(), contract, dt.date(2026, month, day))

    def confirm(ident: int) -> None:
        confirming.confirm_invoice(new(), str(ident))

    def patch(ident: int, **changes: str) -> None:
        editing.update_invoice(new(), str(ident), changes)

    # Contoso: paid; corrected by a confirmed credit; confirmed; in review.
    january = create("contoso", 1, 30)
    confirm(january)
    patch(january, status=PaymentState.PAID)
    february = create("contoso", 2, 27)
    confirm(february)
    confirm(_credit_hours(new, february, dt.date(2026, 3, 10), Decimal(2)))
    set_ready(new, projects["contoso"], dt.date(2026, 2, 27), False)  # the credit, on hold
    confirm(create("contoso", 3, 31))
    april = create("contoso", 4, 30)
    _edit_draft(new, catalogue, april)
    patch(april, project_invoice_status=InvoiceState.IN_REVIEW)
    # Fabrikam: kick-off, licences and expenses confirmed and paid; then a draft with the
    # design sign-off and a first part of the build milestone.
    milestones = projects["fabrikam"].milestones
    contracts.mark_milestone_ready(new(), str(milestones["Kick-off"]), None)
    kick_off = create("fabrikam", 2, 13)
    confirm(kick_off)
    patch(kick_off, status=PaymentState.PAID)
    backlog.set_ready(new(), [], [str(milestones["Design sign-off"])], True)
    contracts.mark_milestone_ready(new(), str(milestones["Build"]), Decimal(20000))
    create("fabrikam", 5, 29)
    # Northwind: confirmed with a corrective draft pending; a later one confirmed and paid.
    march = create("northwind", 3, 31)
    confirm(march)
    _credit_hours(new, march, dt.date(2026, 4, 15), Decimal("1.5"))
    may = create("northwind", 5, 29)
    confirm(may)
    patch(may, status=PaymentState.PAID)
    # Adventure Works: one confirmed, one draft. Tailspin: all still in the backlog.
    confirm(create("adventure", 3, 31))
    create("adventure", 6, 12)
